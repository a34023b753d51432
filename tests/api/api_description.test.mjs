// seatd's API description checked two ways (scripts/api-test.sh runs it; scripts/e2e.sh calls that):
// 1. the documents themselves: docs/api/openapi.json against the OpenAPI 3.1 schema
//    (@seriousme/openapi-schema-validator) and Redocly's recommended lint rules
//    (@redocly/openapi-core), docs/api/asyncapi.json against the AsyncAPI 3.0
//    schema (@asyncapi/specs), and the AsyncAPI examples against their payload schemas;
// 2. a real seatd (SEATD_BIN) used as a traveller, an admin and an anonymous or hostile client:
//    every answer's status, headers and body must be what the document says for that route
//    (an undocumented status fails), every WebSocket message must match its AsyncAPI payload,
//    and every documented operation must have answered a request with success at least once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import asyncapiSpecs from '@asyncapi/specs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createConfig, lint } from '@redocly/openapi-core';
import WebSocket from 'ws';
import { DescribedApi } from './described_api.mjs';
import { startSeatd } from './seatd_server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const openapi = JSON.parse(readFileSync(path.join(root, 'docs/api/openapi.json'), 'utf8'));
const asyncapi = JSON.parse(readFileSync(path.join(root, 'docs/api/asyncapi.json'), 'utf8'));
const BIN = process.env.SEATD_BIN || path.join(root, 'build/debug/seatd');
const SCHEDULE = path.join(root, 'data/abctravels_schedule.xlsx');

const api = new DescribedApi(openapi, asyncapi);
let seatd;
const run = Date.now().toString(36);

/** One request; its answer must be what the document says. `expect`: the status this step
 *  means to reach (any documented status passes the document check). */
async function call(method, target, { token, json, body, headers = {}, expect } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload = body;
  if (json !== undefined) {
    h['content-type'] = 'application/json';
    payload = typeof json === 'string' ? json : JSON.stringify(json);
  }
  const res = await fetch(seatd.base + target, { method, headers: h, body: payload, redirect: 'manual' });
  const bytes = Buffer.from(await res.arrayBuffer());
  const shown = `${method} ${target} -> ${res.status} ${bytes.toString('utf8').slice(0, 400)}`;
  assert.deepEqual(api.check(method, target, res.status, res.headers, bytes), [], shown);
  if (expect !== undefined) assert.equal(res.status, expect, shown);
  const type = res.headers.get('content-type') || '';
  return { status: res.status, headers: res.headers, bytes, body: type.startsWith('application/json') ? JSON.parse(bytes) : null };
}

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

before(async () => {
  seatd = await startSeatd({
    bin: BIN,
    webRoot: path.join(root, 'web'),
    // Holds are taken quickly from one address here: the anti-hoarding limits are off.
    env: { SEATD_HOLD_RATE_PER_MINUTE: '0', SEATD_MAX_HOLDS_PER_ACCOUNT: '10000', MAX_HOLDS_PER_USER: '100', SEATD_HOLD_COOLDOWN_SECONDS: '0', SEATD_OUTBOX_POLL_MS: '200' },
  });
});

after(async () => {
  if (!seatd) return;
  const { code, signal } = await seatd.stop();
  assert.equal(code, 0, `seatd exits cleanly on SIGTERM (signal ${signal})`);
});

test('docs/api/openapi.json is a valid OpenAPI 3.1 document', async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(openapi));
  assert.equal(validator.version, '3.1');
  assert.deepEqual(result.errors, undefined, JSON.stringify(result.errors, null, 2));
  assert.equal(result.valid, true);
  // Each operation names who may call it, and a token-only one says so with its security.
  for (const [p, item] of Object.entries(openapi.paths)) {
    for (const [m, op] of Object.entries(item)) {
      assert.ok(['anyone', 'user', 'admin'].includes(op['x-seatd-access']), `${m} ${p}: x-seatd-access`);
      if (op['x-seatd-access'] !== 'anyone') {
        assert.ok(op.responses['401'], `${m} ${p} needs a token: it documents 401`);
        if (op['x-seatd-access'] === 'admin') assert.ok(op.responses['403'], `${m} ${p} is admin-only: it documents 403`);
      }
    }
  }
});

test('docs/api/openapi.json passes Redocly\'s recommended lint rules', async () => {
  const config = await createConfig({
    extends: ['recommended'],
    rules: {
      // seatd is not published under a licence (packaging/debian/copyright).
      'info-license': 'off',
      // The contract's path: clients call POST /bookings/ (seatd also takes /bookings).
      'no-path-trailing-slash': 'off',
      // Routes that refuse nothing (GET /, /trips/cities, the descriptions) have no 4xx to list.
      'operation-4xx-response': 'off',
      // /bookings/holds/{trip_id} (DELETE only) and /bookings/{booking_number}/cancel and
      // /ticket.pdf (POST, GET) look alike to the rule, which ignores methods; seatd's router
      // matches by method first, so no request can reach two of them (issue 16's paths).
      'no-ambiguous-paths': 'off',
    },
  });
  const problems = await lint({ ref: path.join(root, 'docs/api/openapi.json'), config });
  const shown = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location?.[0]?.pointer})`);
  assert.deepEqual(shown, []);
});

test('docs/api/asyncapi.json is a valid AsyncAPI 3.0 document and its examples match it', () => {
  // The AsyncAPI schema bundles its own draft-07 meta-schema: Ajv must not add another.
  const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
  addFormats(ajv);
  const validate = ajv.compile(asyncapiSpecs.schemas['3.0.0']);
  assert.ok(validate(asyncapi), ajv.errorsText(validate.errors, { separator: '\n' }));
  // The validator is not a formality: a wrong action is refused.
  const broken = structuredClone(asyncapi);
  broken.operations.sendSeatEvents.action = 'publish';
  assert.equal(validate(broken), false);
  for (const [name, message] of Object.entries(asyncapi.components.messages)) {
    for (const example of message.examples || []) {
      assert.deepEqual(api.checkMessage(name, example.payload), [], `${name} example`);
    }
  }
});

test('the checks refuse what the document does not say', () => {
  const oracle = new DescribedApi(openapi, asyncapi); // its own: no effect on the coverage below
  const json = new Headers({ 'content-type': 'application/json' });
  const body = (v) => Buffer.from(JSON.stringify(v));
  const me = { id: 1, email: 'a@b.c', username: 'A', is_admin: false, phone_number: null, age: null, gender: null };
  assert.deepEqual(oracle.check('GET', '/user/me', 200, json, body(me)), []);
  const refused = [
    ['an undocumented field', oracle.check('GET', '/user/me', 200, json, body({ ...me, password_hash: 'x' }))],
    ['a missing field', oracle.check('GET', '/user/me', 200, json, body({ ...me, age: undefined }))],
    ['a wrong type', oracle.check('GET', '/trips/cities', 200, json, body([1]))],
    ['an undocumented status', oracle.check('GET', '/trips/cities', 404, json, body({ detail: 'x' }))],
    ['an undocumented content type', oracle.check('GET', '/trips/1', 404, new Headers({ 'content-type': 'text/plain' }), Buffer.from('x'))],
    ['a 429 without Retry-After', oracle.check('POST', '/auth/login', 429, json, body({ detail: 'x' }))],
    ['a 401 without WWW-Authenticate', oracle.check('GET', '/user/me', 401, json, body({ detail: 'x' }))],
    ['an undocumented route', oracle.check('GET', '/nowhere', 200, json, body({}))],
    ['a SEAT_UNLOCKED with both user_id and reason', oracle.checkMessage('SeatUnlocked', { type: 'SEAT_UNLOCKED', seat_no: 1, user_id: 2, reason: 'expired', seq: 3 })],
  ];
  for (const [what, problems] of refused) assert.notDeepEqual(problems, [], `${what} is refused`);
});

const state = {};

test('anonymous and hostile clients get documented answers', async () => {
  await call('GET', '/', { expect: 200 });
  const page = await call('GET', '/', { headers: { accept: 'text/html' }, expect: 200 });
  assert.match(page.headers.get('content-type'), /^text\/html/);
  const described = await call('GET', '/openapi.json', { expect: 200 });
  assert.deepEqual(described.body, openapi);
  assert.deepEqual((await call('GET', '/asyncapi.json', { expect: 200 })).body, asyncapi);
  await call('GET', '/trips/cities', { expect: 200 });
  assert.equal((await call('GET', '/healthz', { expect: 200 })).body.status, 'alive');
  const ready = await call('GET', '/readyz', { expect: 200 });
  assert.deepEqual(ready.body.checks, { database: 'ok', migrations: 'ok', draining: false });
  // The test's client is on loopback, the default SEATD_METRICS_ALLOW; a relayed request is not.
  const metrics = await call('GET', '/metrics', { expect: 200 });
  assert.match(metrics.bytes.toString('utf8'), /^seatd_http_requests_total\{route="\/healthz",method="GET",status="200"\} [1-9]/m);
  await call('GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' }, expect: 403 });
  await call('GET', '/trips/search', { expect: 422 });
  await call('GET', `/trips/search?source=A&destination=B&travel_date=31-12-2026`, { expect: 422 });
  await call('GET', `/trips/search?source=${'x'.repeat(101)}&destination=B&travel_date=${day(1)}`, { expect: 422 });
  await call('GET', `/trips/search?source=A%00&destination=B&travel_date=${day(1)}`, { expect: 422 });
  await call('GET', '/trips/calendar?source=A', { expect: 422 });
  await call('GET', '/trips/calendar?source=A&destination=B&from=1900-01-01', { expect: 422 });
  await call('GET', '/trips/calendar?source=A&destination=B&days=99', { expect: 422 });
  await call('GET', '/trips/routes?source=%FF', { expect: 422 });
  await call('GET', '/trips/not-a-number', { expect: 422 });
  await call('GET', '/trips/99999999', { expect: 404 });
  await call('GET', '/trips/99999999/seats', { expect: 404 });
  await call('GET', '/user/me', { expect: 401 });
  await call('GET', '/user/me', { token: 'not.a.token', expect: 401 });
  await call('GET', '/bookings/my-tickets', { token: 'Bearer', expect: 401 });
  await call('POST', '/auth/logout', { expect: 401 });
  await call('POST', '/auth/logout-all', { expect: 401 });
  await call('GET', '/admin/analytics', { expect: 401 });
  await call('POST', '/setup/seed-schedule', { body: 'x', expect: 401 });
  await call('POST', '/bookings/lock-seat/1/1', { expect: 401 });
  await call('POST', '/auth/signup', { json: '{"username": "x", ', expect: 422 });
  await call('POST', '/auth/signup', { json: [1, 2], expect: 422 });
  await call('POST', '/auth/signup', { json: { username: '', email: 'nope', password: '1' }, expect: 422 });
  await call('POST', '/auth/login', { json: { email: 42 }, expect: 422 });
  await call('POST', '/auth/login', { json: { email: `nobody-${run}@example.com`, password: 'wrong-password' }, expect: 200 });
  // Guessing one account's password from one address: refused after 10 failures, with when to retry.
  let last;
  for (let i = 0; i < 12; i += 1) {
    last = await call('POST', '/auth/login', { json: { email: `victim-${run}@example.com`, password: `guess-${i}` } });
    if (last.status === 429) break;
  }
  assert.equal(last.status, 429);
  assert.match(last.headers.get('retry-after'), /^\d+$/);
});

test('a traveller and an admin get documented answers', async () => {
  const adminEmail = `admin-${run}@example.com`;
  seatd.createAdmin(adminEmail, 'api-admin-password');
  const admin = (await call('POST', '/auth/login', { json: { email: adminEmail, password: 'api-admin-password' }, expect: 200 })).body.access_token;
  assert.ok(admin);

  const signup = async (name) => {
    const email = `${name}-${run}@example.com`;
    await call('POST', '/auth/signup', { json: { username: name, email, password: 'traveller-pass' }, expect: 201 });
    return (await call('POST', '/auth/login', { json: { email, password: 'traveller-pass' }, expect: 200 })).body.access_token;
  };
  const asha = await signup('asha');
  const ravi = await signup('ravi');
  await call('POST', '/auth/signup', { json: { username: 'again', email: `asha-${run}@example.com`, password: 'traveller-pass' }, expect: 200 });
  await call('GET', '/user/me', { token: asha, expect: 200 });
  await call('GET', '/admin/analytics', { token: asha, expect: 403 });
  await call('GET', '/admin/outbox', { token: ravi, expect: 403 });

  // The operator imports next week's timetable (a dry run first), as a multipart upload.
  // A field given as [filename, bytes] is a file.
  const upload = (fields) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (Array.isArray(v)) form.append(k, new Blob([v[1]]), v[0]);
      else form.append(k, v);
    }
    return form;
  };
  const xlsx = ['schedule.xlsx', readFileSync(SCHEDULE)];
  const weekOf = day(7);
  const dry = await call('POST', '/setup/seed-schedule', { token: admin, body: upload({ file: xlsx, week_of: weekOf, dry_run: 'true' }), expect: 200 });
  assert.equal(dry.body.dry_run, true);
  await call('POST', '/setup/seed-schedule', { token: admin, body: upload({ file: xlsx, week_of: weekOf }), expect: 200 });
  await call('POST', '/setup/seed-schedule', { token: admin, body: upload({ week_of: weekOf }), expect: 422 });
  await call('POST', '/setup/seed-schedule', { token: admin, body: upload({ file: xlsx, weeks: '0' }), expect: 422 });
  await call('POST', '/setup/seed-schedule', { token: admin, body: upload({ file: xlsx, week_of: 'soon' }), expect: 422 });
  await call('POST', '/setup/seed-schedule', { token: admin, body: upload({ file: ['notes.txt', 'not a schedule'] }), expect: 400 });
  await call('POST', '/setup/seed-schedule', { token: admin, json: { file: 'x' }, expect: 400 });

  // Finding a bus.
  const routes = (await call('GET', '/trips/routes', { expect: 200 })).body;
  assert.ok(routes.length > 0, 'the import made routes');
  const route = routes[0];
  await call('GET', `/trips/routes?source=${encodeURIComponent(route.source)}`, { expect: 200 });
  await call('GET', `/trips/calendar?source=${encodeURIComponent(route.source)}&destination=${encodeURIComponent(route.destination)}&from=${route.next_date}&days=7`, { expect: 200 });
  const trips = (await call('GET', `/trips/search?source=${encodeURIComponent(route.source)}&destination=${encodeURIComponent(route.destination)}&travel_date=${route.next_date}`, { expect: 200 })).body;
  assert.ok(trips.length > 0);
  const trip = trips[0].trip_id;
  await call('GET', `/trips/${trip}`, { expect: 200 });
  await call('GET', `/trips/${trip}/seats`, { expect: 200 });

  // Holds: taken, refused to another, released, renewed.
  await call('POST', `/bookings/lock-seat/${trip}/1`, { token: asha, expect: 200 });
  await call('POST', `/bookings/lock-seat/${trip}/1`, { token: asha, expect: 200 });
  await call('POST', `/bookings/lock-seat/${trip}/1`, { token: ravi, expect: 400 });
  await call('POST', `/bookings/lock-seat/${trip}/0`, { token: ravi, expect: 400 });
  await call('POST', `/bookings/lock-seat/${trip}/x`, { token: ravi, expect: 422 });
  await call('POST', `/bookings/lock-seat/99999999/1`, { token: ravi, expect: 404 });
  await call('POST', `/bookings/unlock-seat/${trip}/1`, { token: ravi, expect: 200 });
  await call('POST', `/bookings/lock-seat/${trip}/9`, { token: ravi, expect: 200 });
  await call('POST', `/bookings/unlock-seat/${trip}/9`, { token: ravi, expect: 200 });
  const seats = (await call('GET', `/trips/${trip}/seats`, { expect: 200 })).body;
  assert.equal(seats.find((s) => s.seat_number === 1).is_locked, true);

  // Group holds (issue 16): named seats all or nothing, seats together, extend, release all.
  await call('POST', '/bookings/holds', { token: ravi, json: { trip_id: trip, seat_nos: [20, 21, 22] }, expect: 200 });
  await call('POST', '/bookings/holds', { token: asha, json: { trip_id: trip, seat_nos: [21, 24] }, expect: 409 });
  await call('POST', '/bookings/holds', { token: ravi, json: { trip_id: trip, count: 2, together: true }, expect: 200 });
  await call('POST', '/bookings/holds', { token: asha, json: { trip_id: trip, count: 12, together: true }, expect: 409 });
  await call('POST', '/bookings/holds', { token: ravi, json: { trip_id: trip, seat_nos: [] }, expect: 422 });
  await call('POST', '/bookings/holds', { expect: 401 });
  await call('POST', '/bookings/holds', { token: ravi, json: { trip_id: 99999999, seat_nos: [1] }, expect: 404 });
  await call('POST', `/bookings/holds/${trip}/extend`, { token: ravi, expect: 200 });
  await call('POST', '/bookings/holds/99999999/extend', { token: ravi, expect: 404 });
  await call('DELETE', `/bookings/holds/${trip}`, { token: ravi, expect: 200 });
  await call('DELETE', `/bookings/holds/${trip}`, { expect: 401 });
  await call('DELETE', '/bookings/holds/x', { token: ravi, expect: 422 });

  // Bookings.
  await call('POST', '/bookings/', { token: asha, json: '{"trip_id": ', expect: 422 });
  await call('POST', '/bookings/', { token: asha, json: { trip_id: trip, seat_numbers: [] }, expect: 422 });
  await call('POST', '/bookings/', { token: asha, json: { trip_id: trip, seat_numbers: [1, 1] }, expect: 400 });
  await call('POST', '/bookings/', { token: asha, json: { trip_id: trip, seat_numbers: [2] }, expect: 400 });
  await call('POST', '/bookings/', { token: asha, json: { trip_id: 99999999, seat_numbers: [1] }, expect: 404 });
  const booked = await call('POST', '/bookings/', {
    token: asha,
    json: { trip_id: trip, seat_numbers: [1], gender: 'Female', age: 31, phone_number: '+91 98450 12345',
      passengers: [{ seat_no: 1, name: 'Asha Rao', age: 31, gender: 'female' }] },
    expect: 201,
  });
  const number = booked.body.booking_number;
  await call('POST', `/bookings/lock-seat/${trip}/1`, { token: ravi, expect: 400 });
  await call('POST', `/bookings/lock-seat/${trip}/2`, { token: asha, expect: 200 });
  // The ladies' seat rule: seat 2, beside Asha's, is for women only, shown and enforced.
  const afterAsha = (await call('GET', `/trips/${trip}/seats`, { expect: 200 })).body;
  assert.equal(afterAsha.find((s) => s.seat_number === 2).for_women, true);
  assert.equal(afterAsha.find((s) => s.seat_number === 3).for_women, false);
  await call('POST', '/bookings/', { token: asha, json: { trip_id: trip, seat_numbers: [2] }, expect: 409 });
  const second = (await call('POST', '/bookings', { token: asha, json: { trip_id: trip, seat_numbers: [2],
    passengers: [{ seat_no: 2, name: 'Meera Rao', gender: 'Female' }] }, expect: 201 })).body.booking_number;
  await call('GET', '/bookings/my-tickets', { token: asha, expect: 200 });
  await call('GET', `/bookings/${number}`, { token: asha, expect: 200 });
  await call('GET', `/bookings/${number}`, { token: ravi, expect: 404 });
  const pdf = await call('GET', `/bookings/${number}/ticket.pdf`, { token: asha, expect: 200 });
  assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
  await call('GET', `/bookings/${number}/ticket.pdf`, { token: ravi, expect: 404 });

  // The waiting list (issue 16), on another trip: Ravi holds all but two seats, so Asha's
  // three do not fit; when Ravi lets go, the seats are held for her as an offer.
  const waitTrip = (await call('GET', `/trips/search?source=${encodeURIComponent(routes[routes.length - 1].source)}&destination=${encodeURIComponent(routes[routes.length - 1].destination)}&travel_date=${routes[routes.length - 1].next_date}`, { expect: 200 })).body
    .map((t) => t.trip_id).find((id) => id !== trip);
  assert.ok(waitTrip, 'a second trip for the waiting list');
  for (const from of [1, 13, 25]) {
    await call('POST', '/bookings/holds', { token: ravi, json: { trip_id: waitTrip, seat_nos: Array.from({ length: 12 }, (_, i) => from + i) }, expect: 200 });
  }
  await call('POST', '/bookings/holds', { token: ravi, json: { trip_id: waitTrip, seat_nos: [37, 38] }, expect: 200 });
  await call('POST', `/trips/${waitTrip}/waitlist`, { token: asha, json: { count: 2 }, expect: 409 });
  const joined = (await call('POST', `/trips/${waitTrip}/waitlist`, { token: asha, json: { count: 3 }, expect: 201 })).body;
  assert.equal(joined.position, 1);
  await call('POST', `/trips/${waitTrip}/waitlist`, { token: asha, json: { count: 3 }, expect: 200 });
  await call('GET', `/trips/${waitTrip}/waitlist`, { token: asha, expect: 200 });
  await call('GET', `/trips/${waitTrip}/waitlist`, { token: ravi, expect: 404 });
  await call('POST', `/trips/${waitTrip}/waitlist`, { token: asha, json: { count: 0 }, expect: 422 });
  await call('POST', `/trips/${waitTrip}/waitlist`, { token: asha, json: '{"count": ', expect: 422 });
  await call('POST', '/trips/99999999/waitlist', { token: asha, json: { count: 1 }, expect: 404 });
  await call('POST', `/trips/${waitTrip}/waitlist`, { json: { count: 1 }, expect: 401 });
  await call('DELETE', `/bookings/holds/${waitTrip}`, { token: ravi, expect: 200 });
  let offered;
  for (let i = 0; i < 100 && !offered; i += 1) {
    const entry = (await call('GET', `/trips/${waitTrip}/waitlist`, { token: asha, expect: 200 })).body;
    if (entry.status === 'offered') offered = entry;
    else await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(offered, 'the freed seats were offered to the first in line');
  assert.equal(offered.offer.seat_nos.length, 3);
  await call('DELETE', `/trips/${waitTrip}/waitlist`, { token: asha, expect: 200 });
  await call('DELETE', `/trips/${waitTrip}/waitlist`, { token: asha, expect: 404 });
  await call('DELETE', '/trips/x/waitlist', { token: asha, expect: 422 });

  // The operator's pages.
  await call('GET', '/admin/analytics', { token: admin, expect: 200 });
  await call('GET', '/admin/schedule/weeks', { token: admin, expect: 200 });
  const table = (await call('GET', `/admin/trips?from=${day(0)}&to=${day(13)}`, { token: admin, expect: 200 })).body;
  await call('GET', `/admin/trips?from=${day(5)}&to=${day(1)}`, { token: admin, expect: 422 });
  await call('GET', '/admin/trips?from=someday', { token: admin, expect: 422 });
  await call('GET', `/admin/bookings?q=${number}&status=confirmed&limit=10&offset=0`, { token: admin, expect: 200 });
  await call('GET', '/admin/bookings?status=lost', { token: admin, expect: 422 });
  await call('GET', '/admin/bookings?limit=0', { token: admin, expect: 422 });
  // The ladies' seat rule per trip: off, then on again.
  await call('PUT', `/admin/trips/${trip}/ladies-rule`, { token: admin, json: { enabled: false }, expect: 200 });
  await call('PUT', `/admin/trips/${trip}/ladies-rule`, { token: admin, json: { enabled: true }, expect: 200 });
  await call('PUT', `/admin/trips/${trip}/ladies-rule`, { token: asha, json: { enabled: false }, expect: 403 });
  await call('PUT', '/admin/trips/99999999/ladies-rule', { token: admin, json: { enabled: false }, expect: 404 });
  await call('PUT', `/admin/trips/${trip}/ladies-rule`, { token: admin, json: {}, expect: 422 });
  await call('GET', `/admin/trips/${trip}/manifest`, { token: admin, expect: 200 });
  const csv = await call('GET', `/admin/trips/${trip}/manifest?format=csv`, { token: admin, expect: 200 });
  assert.match(csv.bytes.toString(), /^seat_no,booking_number,passenger/);
  await call('GET', `/admin/trips/${trip}/manifest?format=xml`, { token: admin, expect: 400 });
  await call('GET', '/admin/trips/99999999/manifest', { token: admin, expect: 404 });

  // Boarding at the bus door.
  const other = table.trips.find((t) => t.trip_id !== trip).trip_id;
  await call('POST', '/admin/checkin', { token: admin, json: { code: number, trip_id: other }, expect: 409 });
  await call('POST', '/admin/checkin', { token: admin, json: { code: `${number.toLowerCase()}\r\n` }, expect: 200 });
  await call('POST', '/admin/checkin', { token: admin, json: { code: number, trip_id: trip }, expect: 200 });
  await call('POST', '/admin/checkin', { token: admin, json: { code: '=cmd|x' }, expect: 400 });
  await call('POST', '/admin/checkin', { token: admin, json: { code: 'SB1.forged' }, expect: 400 });
  await call('POST', '/admin/checkin', { token: admin, json: { code: 'ABC-000000' }, expect: 404 });
  await call('POST', '/admin/checkin', { token: admin, json: {}, expect: 422 });

  // Cancelling: not once a passenger boarded; the second booking, once.
  await call('POST', `/bookings/${number}/cancel`, { token: asha, expect: 409 });
  await call('POST', `/bookings/${second}/cancel`, { token: ravi, expect: 404 });
  await call('POST', `/bookings/${second}/cancel`, { token: asha, expect: 200 });
  await call('POST', `/bookings/${second}/cancel`, { token: admin, expect: 400 });
  await call('POST', '/admin/checkin', { token: admin, json: { code: second }, expect: 409 });

  // The e-mails those bookings sent: listed, and one sent again once it has gone out.
  await call('GET', '/admin/outbox?status=nope', { token: admin, expect: 400 });
  await call('GET', '/admin/outbox?limit=0', { token: admin, expect: 400 });
  let sent;
  for (let i = 0; i < 100 && !sent; i += 1) {
    const box = (await call('GET', '/admin/outbox?limit=50', { token: admin, expect: 200 })).body;
    sent = box.messages.find((m) => m.status === 'sent');
    if (!sent) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(sent, 'an e-mail was sent');
  await call('GET', '/admin/outbox?status=sent', { token: admin, expect: 200 });
  await call('POST', `/admin/outbox/${sent.id}/resend`, { token: admin, expect: 200 });
  const again = await call('POST', `/admin/outbox/${sent.id}/resend`, { token: admin });
  assert.ok([200, 409].includes(again.status), 'a message waiting to be sent is not queued twice');
  await call('POST', '/admin/outbox/99999999/resend', { token: admin, expect: 404 });
  await call('POST', '/admin/outbox/first/resend', { token: admin, expect: 422 });

  // Sessions end.
  await call('POST', '/auth/logout', { token: ravi, expect: 200 });
  await call('GET', '/user/me', { token: ravi, expect: 401 });
  await call('POST', '/auth/logout-all', { token: asha, expect: 200 });
  await call('GET', '/bookings/my-tickets', { token: asha, expect: 401 });
  state.trip = trip;
  state.admin = admin;
});

/** A viewer of a trip's seat map: every message it receives is checked against the AsyncAPI
 *  document (by its type) and kept. */
function viewer(target) {
  const url = seatd.base.replace(/^http/, 'ws') + target;
  const ws = new WebSocket(url);
  const messages = [];
  const problems = [];
  const names = { INITIAL_STATE: 'InitialState', SEAT_LOCKED: 'SeatLocked', SEATS_LOCKED: 'SeatsLocked', SEAT_UNLOCKED: 'SeatUnlocked', SEAT_BOOKED: 'SeatBooked', SEAT_RELEASED: 'SeatReleased', WAITLIST_OFFER: 'WaitlistOffer', AUTH_OK: 'AuthOk', AUTH_FAILED: 'AuthFailed' };
  const closed = new Promise((resolve) => ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })));
  ws.addEventListener('message', (e) => {
    if (e.data === 'pong') { messages.push('pong'); problems.push(...api.checkMessage('Pong', e.data)); return; }
    const m = JSON.parse(e.data);
    messages.push(m);
    if (!names[m.type]) problems.push(`undocumented message type ${m.type}`);
    else problems.push(...api.checkMessage(names[m.type], m));
  });
  const opened = new Promise((resolve, reject) => { ws.addEventListener('open', resolve); ws.addEventListener('error', reject); });
  const until = async (predicate, what) => {
    for (let i = 0; i < 100; i += 1) {
      const found = messages.find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${what} in ${JSON.stringify(messages)}`);
  };
  return { ws, messages, problems, closed, opened, until };
}

test('the live seat map speaks its AsyncAPI document', async () => {
  const { trip, admin } = state;
  assert.ok(trip, 'the traveller test ran first');
  const signup = async (name) => {
    const email = `${name}-ws-${run}@example.com`;
    await call('POST', '/auth/signup', { json: { username: name, email, password: 'viewer-pass' }, expect: 201 });
    return (await call('POST', '/auth/login', { json: { email, password: 'viewer-pass' }, expect: 200 })).body.access_token;
  };
  const meena = await signup('meena');
  const v = viewer(`/ws/seats/${trip}`);
  await v.opened;
  const initial = await v.until((m) => m.type === 'INITIAL_STATE', 'INITIAL_STATE');
  await call('POST', `/bookings/lock-seat/${trip}/5`, { token: meena, expect: 200 });
  await v.until((m) => m.type === 'SEAT_LOCKED' && m.seat_no === 5, 'SEAT_LOCKED');
  await call('POST', `/bookings/unlock-seat/${trip}/5`, { token: meena, expect: 200 });
  await v.until((m) => m.type === 'SEAT_UNLOCKED' && m.seat_no === 5, 'SEAT_UNLOCKED');
  await call('POST', `/bookings/lock-seat/${trip}/6`, { token: meena, expect: 200 });
  const n = (await call('POST', '/bookings/', { token: meena, json: { trip_id: trip, seat_numbers: [6] }, expect: 201 })).body.booking_number;
  await v.until((m) => m.type === 'SEAT_BOOKED', 'SEAT_BOOKED');
  await call('POST', `/bookings/${n}/cancel`, { token: admin, expect: 200 });
  const released = await v.until((m) => m.type === 'SEAT_RELEASED', 'SEAT_RELEASED');
  v.ws.send('ping');
  await v.until((m) => m === 'pong', 'pong');
  // AUTH (issue 16): the HTTP API's token identifies the viewer; anything else is refused.
  v.ws.send(JSON.stringify({ type: 'AUTH', token: meena }));
  await v.until((m) => m.type === 'AUTH_OK', 'AUTH_OK');
  v.ws.send(JSON.stringify({ type: 'AUTH', token: 'not-a-token' }));
  await v.until((m) => m.type === 'AUTH_FAILED', 'AUTH_FAILED');
  v.ws.close(1000);
  await v.closed;
  assert.deepEqual(v.problems, []);

  // Resuming with since= and epoch=: exactly the missed events, no INITIAL_STATE.
  await call('POST', `/bookings/lock-seat/${trip}/7`, { token: meena, expect: 200 });
  const resumed = viewer(`/ws/seats/${trip}?since=${released.seq}&epoch=${initial.epoch}`);
  await resumed.opened;
  const missed = await resumed.until((m) => m.type === 'SEAT_LOCKED' && m.seat_no === 7, 'the missed SEAT_LOCKED');
  assert.equal(missed.seq, released.seq + 1);
  assert.equal(resumed.messages.some((m) => m.type === 'INITIAL_STATE'), false);
  resumed.ws.close(1000);
  await resumed.closed;
  assert.deepEqual(resumed.problems, []);

  // A group (issue 16): one SEATS_LOCKED for a v2 viewer, one SEAT_LOCKED per seat otherwise.
  const v1 = viewer(`/ws/seats/${trip}`);
  const v2 = viewer(`/ws/seats/${trip}?v=2`);
  await Promise.all([v1.opened, v2.opened]);
  await v1.until((m) => m.type === 'INITIAL_STATE', 'INITIAL_STATE (v1)');
  await v2.until((m) => m.type === 'INITIAL_STATE', 'INITIAL_STATE (v2)');
  await call('POST', '/bookings/holds', { token: meena, json: { trip_id: trip, seat_nos: [30, 31] }, expect: 200 });
  const group = await v2.until((m) => m.type === 'SEATS_LOCKED', 'SEATS_LOCKED');
  assert.deepEqual(group.seat_nos, [30, 31]);
  await v1.until((m) => m.type === 'SEAT_LOCKED' && m.seat_no === 31, 'SEAT_LOCKED of the group');
  assert.deepEqual(v1.messages.filter((m) => m.type === 'SEAT_LOCKED').map((m) => [m.seat_no, m.seq]),
    [[30, group.seq], [31, group.seq]]);
  await call('DELETE', `/bookings/holds/${trip}`, { token: meena, expect: 200 });
  await v2.until((m) => m.type === 'SEAT_UNLOCKED' && m.seat_no === 31, 'SEAT_UNLOCKED of the group');
  for (const g of [v1, v2]) {
    g.ws.close(1000);
    await g.closed;
    assert.deepEqual(g.problems, []);
  }

  // Refusals close with the documented codes.
  const codes = new Map(asyncapi['x-seatd-close-codes'].map((c) => [c.code, c.reason]));
  for (const [target, code] of [['/ws/seats/abc', 4400], ['/ws/seats/99999999', 4404]]) {
    const bad = viewer(target);
    const { code: got, reason } = await bad.closed;
    assert.equal(got, code, target);
    assert.equal(reason, codes.get(code), target);
  }
});

test('every documented operation answered with success at least once', () => {
  for (const [op, statuses] of [...api.seen].sort()) {
    console.log(`${op.padEnd(48)} ${[...statuses].sort().join(' ')}`);
  }
  assert.deepEqual(api.untested(), [], 'operations never exercised with a 2xx: add a step to this test');
});
