// The waiting list in the browser (issue 16): traveller A sells a whole trip out through the
// API; B (phone) finds the trip page sold out and joins the waiting list (number 1), C
// (desktop) joins with the keyboard (number 2); a visitor who is not logged in is asked to log
// in. A cancels one booking: B's page shows the offer live (WAITLIST_OFFER, no reload), the
// seat as B's hold, and B books it as any hold. B joins again, leaves, joins again (behind C).
// A cancels another booking: C is offered the seat and lets it lapse (the 3-second holds of
// scripts/e2e.sh are the offer window), and the offer passes to B, who leaves the list: the
// seat is released. Needs next week's schedule: 01-journey uploads it; run alone, this file
// uploads it itself.

import assert from 'node:assert/strict';
import {
  BASE, HOLD_TTL_MS, LIVE_WITHIN_MS, run, actors, useBrowser, actor,
  shot, shotAtWidths, step, seat, seatState, waitLive, login, nextMonday, isoDay, ensureNextWeek, untouchedTripFrom,
  apiLogin, apiSignup, apiJson, expectConsoleError,
} from './support.mjs';

useBrowser();

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const userA = { name: 'Arjun Mehta', email: `arjun.${run}@e2e.test`, password: 'arjun-secret-1' };
const userB = { name: 'Bina Das', email: `bina.${run}@e2e.test`, password: 'bina-secret-1' };
const userC = { name: 'Chitra Iyer', email: `chitra.${run}@e2e.test`, password: 'chitra-secret-1' };
const tokens = {};
let trip;
let total = 0; // the trip's seats
let bookedByB = 0; // the seat B booked from the offer
const spare = []; // [{seat, booking}]: A's single-seat bookings, cancelled one at a time
// GET /trips/{id}/waitlist answers 404 to a traveller not on the list, which the browser logs.
const NOT_LISTED = /status of 404/;

const told = { B: [], C: [] }; // the WAITLIST_OFFER messages each page's WebSocket received

/** Collects the page's WAITLIST_OFFER messages (of every connection it opens). */
function watchOffers(page, who) {
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    if (typeof payload === 'string' && payload.includes('"WAITLIST_OFFER"')) told[who].push(JSON.parse(payload));
  }));
}

/** Waits up to `ms` for `fn()` to hold (a message the test's own listener collects). */
async function until(fn, ms) {
  for (const end = Date.now() + ms; !fn() && Date.now() < end;) await new Promise((r) => setTimeout(r, 25));
}

const panel = (page) => page.locator('[data-testid="waitlist"]');
const place = (page) => page.locator('[data-testid="waitlist-place"]');
const offer = (page) => page.locator('[data-testid="waitlist-offer"]');

/** A holds `seats` (at most 6, the per-trip hold limit) and books them: the booking number. */
async function sell(seats) {
  const held = await apiJson('/bookings/holds', { token: tokens.A, method: 'POST', body: { trip_id: trip.id, seat_nos: seats } });
  assert.equal(held.status, 200, `hold ${seats}: ${JSON.stringify(held.data)}`);
  const booked = await apiJson('/bookings/', {
    token: tokens.A, method: 'POST',
    body: { trip_id: trip.id, seat_numbers: seats, gender: 'Male', age: 41, phone_number: '+91 98450 00007' },
  });
  assert.ok(booked.status === 200 || booked.status === 201, `book ${seats}: ${JSON.stringify(booked.data)}`);
  return booked.data.booking_number;
}

async function cancel(booking) {
  const res = await apiJson(`/bookings/${encodeURIComponent(booking)}/cancel`, { token: tokens.A, method: 'POST' });
  assert.equal(res.status, 200, `cancel ${booking}: ${JSON.stringify(res.data)}`);
}

/** The traveller's entry through the API: {status, data}. */
const entryOf = (who) => apiJson(`/trips/${trip.id}/waitlist`, { token: tokens[who] });

/** Opens the trip page (whose first look at the waiting list is a 404 when not on it). */
async function openTrip(page, { listed = false } = {}) {
  if (!listed) expectConsoleError(NOT_LISTED);
  const url = `${BASE}/#/trip/${trip.id}`;
  // The same address again would be no navigation at all: a reload.
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await waitLive(page);
}

/** Joins through the page (the count typed, then the button, or Enter with `keyboard`). */
async function join(page, count, { keyboard = false } = {}) {
  const answer = page.waitForResponse((r) => r.url().endsWith(`/trips/${trip.id}/waitlist`) && r.request().method() === 'POST');
  const field = page.getByLabel('Seats wanted');
  if (keyboard) {
    await field.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(String(count));
    await page.keyboard.press('Enter');
  } else {
    await field.fill(String(count));
    await page.getByRole('button', { name: 'Join the waiting list' }).click();
  }
  const res = await answer;
  assert.equal(res.status(), 201, `join: ${await res.text()}`);
  assert.deepEqual(JSON.parse(res.request().postData()), { count });
  return res.json();
}

async function leave(page) {
  const answer = page.waitForResponse((r) => r.url().endsWith(`/trips/${trip.id}/waitlist`) && r.request().method() === 'DELETE');
  await page.getByRole('button', { name: 'Leave the waiting list' }).click();
  const res = await answer;
  assert.equal(res.status(), 200, `leave: ${await res.text()}`);
  return res.json();
}

step('setup: A sells a whole trip out; B (phone) and C (desktop) log in', async () => {
  await ensureNextWeek();
  // Next Saturday or later: the other files book Monday to Thursday (06 takes the first free
  // trip from Thursday on).
  const saturday = new Date(`${nextMonday()}T12:00:00`);
  saturday.setDate(saturday.getDate() + 5);
  let seatList;
  ({ trip, seats: seatList } = await untouchedTripFrom(isoDay(saturday), (list) => list.length >= 8));
  total = seatList.length;
  for (const [key, user] of Object.entries({ A: userA, B: userB, C: userC })) {
    await apiSignup(user);
    tokens[key] = await apiLogin(user.email, user.password);
  }
  // Every seat sold: the last two as bookings of one seat each, for the cancellations.
  const seats = Array.from({ length: total }, (_, i) => i + 1);
  const rest = seats.slice(0, -2);
  for (let i = 0; i < rest.length; i += 6) await sell(rest.slice(i, i + 6));
  for (const n of seats.slice(-2)) spare.push({ seat: n, booking: await sell([n]) });
  const after = await (await fetch(`${BASE}/trips/${trip.id}/seats`)).json();
  assert.ok(after.every((x) => x.is_booked), 'sold out');

  const b = await actor('B', PHONE);
  const c = await actor('C', DESKTOP);
  watchOffers(b, 'B');
  watchOffers(c, 'C');
  await login(b, userB.email, userB.password);
  await login(c, userC.email, userC.password);
});

step('a visitor who is not logged in sees the trip sold out and is asked to log in', async () => {
  const page = await actor('V', DESKTOP);
  await page.goto(`${BASE}/#/trip/${trip.id}`);
  await waitLive(page);
  await panel(page).waitFor();
  assert.match(await panel(page).innerText(), /Sold out: join the waiting list/);
  const link = page.getByRole('link', { name: 'Log in to join the waiting list' });
  await link.waitFor();
  assert.match(await link.getAttribute('href'), new RegExp(`^#/login\\?next=.*trip%2F${trip.id}`));
  assert.equal(await page.getByLabel('Seats wanted').isVisible(), false, 'no join form without an account');
  await shot(page, '07-waitlist-signed-out-1440', { fullPage: false });
  await actors.V.context.close();
  delete actors.V;
});

step('B (phone) finds the trip sold out: the waiting list stands above the map; B joins, number 1', async () => {
  const page = actors.B.page;
  await openTrip(page);
  for (const n of [1, total]) await seatState(page, n, 'sold');
  await panel(page).waitFor();
  assert.match(await panel(page).innerText(), /Sold out: join the waiting list/);
  // On a phone it comes before the 40 seats, not after them.
  assert.ok(await page.evaluate(() => {
    const list = document.querySelector('[data-testid="waitlist"]');
    const map = document.querySelector('.trip-layout');
    return Boolean(list.compareDocumentPosition(map) & Node.DOCUMENT_POSITION_FOLLOWING);
  }), 'the waiting list is above the map');
  assert.equal(await page.getByLabel('Seats wanted').inputValue(), '1', 'one seat by default');
  await shotAtWidths(page, '07-waitlist-sold-out');

  const body = await join(page, 1);
  assert.equal(body.status, 'waiting');
  assert.equal(body.position, 1);
  assert.equal(body.count, 1);
  assert.equal(body.offer, null);
  await place(page).filter({ hasText: 'You are number 1 in line for 1 seat.' }).waitFor();
  await page.getByRole('button', { name: 'Leave the waiting list' }).waitFor();
  assert.equal(await page.getByLabel('Seats wanted').isVisible(), false, 'joined: no join form');
  await shotAtWidths(page, '07-waitlist-joined');
});

step('C (desktop) joins with the keyboard: number 2; the page finds the place again on reload', async () => {
  const page = actors.C.page;
  await openTrip(page);
  await panel(page).waitFor();
  // Desktop: in the side panel, beside the map.
  assert.equal(await page.locator('.side [data-testid="waitlist"]').count(), 1);
  const body = await join(page, 1, { keyboard: true });
  assert.equal(body.position, 2);
  await place(page).filter({ hasText: 'You are number 2 in line for 1 seat.' }).waitFor();
  // The focus moved to what comes next: leaving.
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Leave the waiting list');
  await openTrip(page, { listed: true });
  await place(page).filter({ hasText: 'You are number 2 in line for 1 seat.' }).waitFor();
  const c = await entryOf('C');
  assert.equal(c.status, 200);
  assert.equal(c.data.position, 2);
});

step('A cancels a booking: B is offered the seat live, sees it as a hold, and books it', async () => {
  const page = actors.B.page;
  const other = actors.C.page;
  const { seat: n, booking } = spare.shift();
  // Typed in advance: the offer lasts as long as a hold (3 seconds here).
  await page.getByLabel('Phone number').fill('+91 98450 11111');
  const reloads = [];
  const navigated = (f) => { if (f === page.mainFrame()) reloads.push(f.url()); };
  page.on('framenavigated', navigated);
  await cancel(booking);
  const box = offer(page);
  await box.waitFor({ timeout: HOLD_TTL_MS });
  const offeredAt = Date.now();
  assert.match(await box.innerText(), new RegExp(`Seat ${n} is held for you until \\d\\d:\\d\\d — book it now\\.`));
  assert.equal(await page.locator('[data-testid="waitlist"] [role="alert"]').count(), 1, 'read out at once');
  await seatState(page, n, 'mine', 500);
  await seatState(other, n, 'taken', LIVE_WITHIN_MS);
  assert.deepEqual(reloads, [], 'no reload: the offer came live');
  await until(() => told.B.length > 0, LIVE_WITHIN_MS);
  assert.deepEqual(told.B.map((m) => [m.trip_id, m.seat_nos]), [[trip.id, [n]]], 'told over the WebSocket (AUTH sent)');
  page.off('framenavigated', navigated);
  // Book as any hold: the passenger row came with the seat (its name from B's profile).
  const row = page.locator(`fieldset[data-seat="${n}"]`);
  assert.equal(await row.getByLabel('Name').inputValue(), userB.name);
  await row.getByLabel('Age').fill('29');
  await row.getByLabel('Gender').selectOption('Female');
  const booked = page.waitForResponse((r) => r.url().endsWith('/bookings/') && r.request().method() === 'POST');
  await page.getByRole('button', { name: /^Book 1 seat/ }).click();
  const res = await booked;
  assert.ok(res.status() === 200 || res.status() === 201, `book: ${await res.text()}`);
  assert.ok(Date.now() - offeredAt < HOLD_TTL_MS, 'booked within the offer');
  assert.deepEqual(JSON.parse(res.request().postData()).seat_numbers, [n]);
  bookedByB = n;
  await page.waitForURL(/#\/ticket\//);
  await seatState(other, n, 'sold', LIVE_WITHIN_MS);
  const b = await entryOf('B');
  assert.equal(b.status, 404, 'the entry was accepted: B is not waiting any more');
  // C moves up: the booking's live message makes C's page ask for its place again.
  await place(other).filter({ hasText: 'You are number 1 in line for 1 seat.' }).waitFor({ timeout: 5000 });
});

step('B joins again (behind C), leaves, and joins again', async () => {
  const page = actors.B.page;
  await openTrip(page);
  await seatState(page, bookedByB, 'yours');
  let body = await join(page, 1);
  assert.equal(body.position, 2);
  await place(page).filter({ hasText: 'You are number 2 in line for 1 seat.' }).waitFor();
  const left = await leave(page);
  assert.equal(left.status, 'left');
  await page.getByText('You left the waiting list.').first().waitFor();
  await page.getByLabel('Seats wanted').waitFor();
  assert.equal((await entryOf('B')).status, 404);
  body = await join(page, 1);
  assert.equal(body.position, 2);
  await place(page).filter({ hasText: 'You are number 2 in line for 1 seat.' }).waitFor();
});

step('A cancels another: C is offered it and lets it lapse; the offer passes to B, who leaves', async () => {
  const page = actors.B.page;
  const other = actors.C.page;
  const { seat: n, booking } = spare.shift();
  expectConsoleError(NOT_LISTED); // C's page asks how the offer ended: not on the list any more
  expectConsoleError(NOT_LISTED);
  told.B.length = 0;
  await cancel(booking);
  const box = offer(other);
  await box.waitFor({ timeout: HOLD_TTL_MS });
  assert.match(await box.innerText(), new RegExp(`Seat ${n} is held for you until \\d\\d:\\d\\d — book it now\\.`));
  await seatState(other, n, 'mine', 500);
  await seatState(page, n, 'taken', LIVE_WITHIN_MS);
  const c = await entryOf('C');
  assert.equal(c.data.status, 'offered');
  assert.deepEqual(c.data.offer.seat_nos, [n]);
  // The pictures may outlast the offer: what they show is checked above.
  await shotAtWidths(other, '07-waitlist-offer');

  // C does nothing: the hold (the offer) runs out and B, next in line, is offered the seat.
  await offer(page).waitFor({ timeout: HOLD_TTL_MS + 10000 });
  assert.match(await offer(page).innerText(), new RegExp(`Seat ${n} is held for you`));
  assert.deepEqual(told.C.map((m) => m.seat_nos), [[n]], 'C was told of its offer');
  await until(() => told.B.length > 0, LIVE_WITHIN_MS);
  assert.deepEqual(told.B.map((m) => m.seat_nos), [[n]], 'B was told live, after C’s offer lapsed');
  await seatState(page, n, 'mine', LIVE_WITHIN_MS);
  const lapsed = await entryOf('C');
  assert.equal(lapsed.status, 404, `C's offer lapsed: ${JSON.stringify(lapsed.data)}`);
  const b = await entryOf('B');
  assert.equal(b.data.status, 'offered');
  assert.deepEqual(b.data.offer.seat_nos, [n]);
  await other.locator('[data-testid="waitlist-ended"]').filter({ hasText: 'Your offer ran out' }).waitFor({ timeout: 5000 });

  // B leaves the list: the seat held for B is released.
  const left = await leave(page);
  assert.equal(left.status, 'left');
  await seatState(page, n, 'free', LIVE_WITHIN_MS);
  await seatState(other, n, 'free', LIVE_WITHIN_MS);
  assert.equal(await offer(page).isVisible(), false, 'the offer is gone');
  assert.equal((await entryOf('B')).status, 404);
  await shot(other, '07-waitlist-lapsed-1440');
});
