// End-to-end tests of seatd's browser UI in real headless Chromium, driven by playwright-core.
// scripts/e2e.sh starts a fresh seatd (3-second holds), creates an admin and runs each
// *.test.mjs file in turn with node's built-in test runner. This file's steps run in order and
// share one story: an operator uploads the schedule; travellers A (desktop) and B (phone) sign
// up and open the same trip; A holds, loses, books and cancels seats while B watches the seat
// map change live. It runs first: the other files find the schedule it uploaded.

import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BASE, ADMIN_EMAIL, ADMIN_PASSWORD, HOLD_TTL_MS, SCHEDULE, SHOTS, LIVE_WITHIN_MS, run,
  actors, problems, allowed, useBrowser, actor, shot, shotAtWidths, expectConsoleError, step,
  seat, seatState, waitLive, login, logout, nextMonday, firstTripFrom,
} from './support.mjs';

useBrowser();

// ---------------------------------------------------------------------------------------

let trip;
const userA = { name: 'Asha Traveller', email: `asha.${run}@e2e.test`, password: 'asha-secret-1' };
const userB = { name: 'Bala Traveller', email: `bala.${run}@e2e.test`, password: 'bala-secret-1' };
let bookingNumber;
let bookingNumberB;
const passenger2 = { name: 'Kavya Iyer', age: 9, gender: 'Female' };
const passengerB2 = { name: 'Meena Rao', age: 67, gender: 'Female' };
// B's WebSocket goes through a Playwright route so the test can drop it or lose a message.
const wsControl = { routes: [], urls: [], offline: false, dropNextSeatEvent: false };

step('the operator logs in, uploads the schedule and sees the dashboard charts', async () => {
  const page = await actor('admin', { width: 1280, height: 900 });
  await page.goto(`${BASE}/#/login`);
  await page.waitForSelector('h1');
  await shot(page, '01-login');
  await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('heading', { name: 'Operator dashboard' }).waitFor();
  await page.waitForSelector('[data-testid="metric-users"]');

  // A file that is not a schedule: the server's refusal is shown in plain words.
  const dir = mkdtempSync(path.join(tmpdir(), 'seatd-e2e-'));
  const bad = path.join(dir, 'not-a-schedule.csv');
  writeFileSync(bad, 'this,is\nnot,a schedule\n');
  allowed.push({ pattern: /status of 400/, left: 1 });
  await page.setInputFiles('#schedule-file', bad);
  await page.getByRole('button', { name: 'Upload schedule' }).click();
  const uploadError = page.locator('[data-testid="upload"] .form-error');
  await uploadError.waitFor();
  assert.ok((await uploadError.innerText()).trim().length > 5, 'the refusal has a message');
  allowed.length = 0;

  await page.setInputFiles('#schedule-file', SCHEDULE);
  await page.getByRole('button', { name: 'Upload schedule' }).click();
  const message = page.locator('[data-testid="upload-message"]');
  await message.waitFor();
  assert.match(await message.innerText(), /200 trips/);
  assert.equal(await uploadError.isVisible(), false, 'the earlier error is gone');

  // The charts: 7 revenue bars, the occupancy gauge, the metric cards.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="chart-revenue"] svg rect.chart__bar').length === 7);
  await page.locator('[data-testid="chart-occupancy"] svg').waitFor();
  assert.match(await page.locator('[data-testid="metric-occupancy"]').innerText(), /%/);
  await shot(page, '02-admin-dashboard-after-upload');

  // The first upload filled the current week, whose first days have left on most days (and
  // seatd sells nothing that has departed); the second adds next week, whose trips the
  // travellers search and book, whatever the day.
  const monday = nextMonday();
  await page.setInputFiles('#schedule-file', SCHEDULE);
  await page.getByRole('button', { name: 'Upload schedule' }).click();
  await page.waitForFunction((day) => (document.querySelector('[data-testid="upload-message"]')?.textContent || '').includes(day), monday);
  trip = await firstTripFrom(monday);
  assert.ok(trip, `the schedule has a trip in the week of ${monday}`);
});

step('travellers A and B sign up and log in', async () => {
  const pageA = await actor('A', { width: 1280, height: 900 });
  const pageB = await actor('B', { width: 390, height: 844 }, async (context) => {
    await context.routeWebSocket(/\/ws\/seats\//, (ws) => {
      wsControl.urls.push(ws.url());
      if (wsControl.offline) {
        ws.close({ code: 4001, reason: 'test: network down' });
        return;
      }
      const server = ws.connectToServer();
      server.onMessage((msg) => {
        if (wsControl.dropNextSeatEvent && typeof msg === 'string' && msg.includes('"SEAT_')) {
          wsControl.dropNextSeatEvent = false;
          return; // lost on the way: B must notice the gap by seq
        }
        ws.send(msg);
      });
      wsControl.routes.push(ws);
    });
  });

  for (const [page, user, name] of [[pageA, userA, 'A'], [pageB, userB, 'B']]) {
    await page.goto(`${BASE}/#/signup`);
    await page.getByLabel('Your name').fill(user.name);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    if (name === 'A') await shot(page, '03-signup');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForSelector('[data-testid="current-user"]');
    assert.match(await page.locator('[data-testid="current-user"]').textContent(), new RegExp(user.name));
    // Log out, then in again.
    await logout(page);
    assert.equal(await page.evaluate(() => localStorage.getItem('seatd.token')), null, 'logout forgets the token');
    await login(page, user.email, user.password);
  }

  // A wrong password is refused in plain words.
  await logout(pageA);
  await pageA.goto(`${BASE}/#/login`);
  await pageA.getByLabel('Email').fill(userA.email);
  await pageA.getByLabel('Password', { exact: true }).fill('wrong-password');
  await pageA.getByRole('button', { name: 'Log in' }).click();
  await pageA.getByRole('alert').filter({ hasText: 'Invalid email or password' }).waitFor();
  await login(pageA, userA.email, userA.password);
});

step('both open the same trip: A through the search, B by its link', async () => {
  const { page: a } = actors.A;
  const { page: b } = actors.B;
  await a.getByRole('link', { name: 'Search', exact: true }).click();
  await a.getByLabel('From', { exact: true }).fill(trip.source);
  await a.getByLabel('To', { exact: true }).fill(trip.destination);
  await a.getByLabel('Date').fill(trip.departure_time.slice(0, 10));
  await a.getByRole('button', { name: 'Search', exact: true }).click();
  const card = a.locator(`.trip-card[data-trip-id="${trip.id}"]`);
  await card.waitFor();
  assert.match(await card.innerText(), /40 seats left/);
  await shot(a, '04-search-results');
  await card.getByRole('link', { name: /Select seats/ }).click();
  await waitLive(a);

  await b.goto(`${BASE}/#/trip/${trip.id}`);
  await waitLive(b);
  assert.equal(await b.locator('button.seat').count(), 40, 'a 40-seat coach');
  assert.equal(await seat(b, 7).getAttribute('aria-label'), 'Seat 7, aisle, free');
  assert.ok(wsControl.urls.length >= 1, "B's WebSocket goes through the test's route");
});

step('A selects seat 7: B sees it held within a second and cannot take it', async () => {
  const { page: a } = actors.A;
  const { page: b } = actors.B;
  await seat(a, 7).click();
  await seatState(a, 7, 'mine');
  const seen = Date.now();
  await seatState(b, 7, 'taken', LIVE_WITHIN_MS);
  assert.ok(Date.now() - seen <= LIVE_WITHIN_MS);
  assert.equal(await seat(b, 7).getAttribute('aria-label'), 'Seat 7, aisle, held by someone else');
  assert.equal(await seat(a, 7).getAttribute('aria-label'), 'Seat 7, aisle, held by you');
  assert.equal(await seat(b, 7).isDisabled(), true, "B's seat 7 is disabled");

  // B tries anyway, by keyboard: no request is sent and B is told why.
  const lockRequests = [];
  const onRequest = (req) => { if (req.url().includes('/bookings/lock-seat/')) lockRequests.push(req.url()); };
  b.on('request', onRequest);
  await seat(b, 7).focus();
  await b.keyboard.press('Enter');
  await b.locator('.seat-message').filter({ hasText: 'held by someone else' }).waitFor();
  b.off('request', onRequest);
  assert.deepEqual(lockRequests, []);
  await seatState(b, 7, 'taken', 100);

  // A's hold shows a countdown from the server's expires_at.
  const hold = a.locator('.hold[data-seat="7"]');
  assert.match(await hold.innerText(), /0:0[0-3] left|ending/);
  await shot(a, '05-seat-map');
  await shot(b, '06-seat-map-phone-held-by-someone-else');
});

step("A's hold expires: B sees seat 7 free and A's selection drops it", async () => {
  const { page: a } = actors.A;
  const { page: b } = actors.B;
  await seatState(b, 7, 'free', HOLD_TTL_MS + 3000);
  await seatState(a, 7, 'free', 1000);
  assert.equal(await a.locator('.hold[data-seat="7"]').count(), 0);
  await a.locator('.seat-message').filter({ hasText: 'ran out' }).waitFor();
  assert.equal(await seat(b, 7).isDisabled(), false);
});

step('A checks out: the passenger rows are checked before anything is sent', async () => {
  const { page: a } = actors.A;
  await a.getByLabel('Phone number').fill('+91 98450 12345');
  const bookings = [];
  const onRequest = (req) => { if (req.method() === 'POST' && /\/bookings\/?$/.test(new URL(req.url()).pathname)) bookings.push(req.url()); };
  a.on('request', onRequest);
  await seat(a, 30).click();
  await seatState(a, 30, 'mine');
  const row = a.getByRole('group', { name: 'Seat 30', exact: true });
  // The first row is the traveller: prefilled from the profile (the name given at sign-up).
  assert.equal(await row.getByLabel('Name').inputValue(), userA.name);
  await row.getByLabel('Name').fill('');
  await row.getByLabel('Age').fill('121');
  await a.getByRole('button', { name: /Book 1 seat/ }).click();
  await row.locator('.field__error').filter({ hasText: 'Enter the passenger’s name' }).waitFor();
  await row.locator('.field__error').filter({ hasText: 'from 0 to 120' }).waitFor();
  await row.locator('.field__error').filter({ hasText: 'Female, Male or Other' }).waitFor();
  assert.equal(await row.getByLabel('Age').getAttribute('aria-invalid'), 'true');
  assert.match(await a.locator('[data-testid="booking-form"] .form-error').innerText(), /3 details/);
  assert.equal(await a.evaluate(() => document.activeElement?.name), 'name', 'focus on the first problem');
  await shot(a, '07-checkout-errors', { fullPage: false });
  // Typing clears a field's message.
  await row.getByLabel('Name').fill(userA.name);
  assert.equal(await row.locator('.field__error').filter({ hasText: 'name' }).count(), 0);
  a.off('request', onRequest);
  assert.deepEqual(bookings, [], 'nothing was sent');
  // The 3-second hold lapses: the row goes with the seat.
  await seatState(a, 30, 'free', HOLD_TTL_MS + 3000);
  assert.equal(await a.getByRole('group', { name: 'Seat 30', exact: true }).count(), 0, 'the row goes with the seat');
});

step("the server's own refusal (422) is shown beside the field it names", async () => {
  const { page: a } = actors.A;
  // The page checks what the server checks, so to see a real 422 the request is altered on
  // its way out (age 130): the answer is seatd's, untouched.
  const bookingUrl = /\/bookings\/?$/;
  await a.route(bookingUrl, async (route) => {
    const req = route.request();
    if (req.method() !== 'POST') return route.continue();
    const body = JSON.parse(req.postData());
    body.passengers[0].age = 130;
    return route.continue({ postData: JSON.stringify(body) });
  });
  expectConsoleError(/status of 422/);
  await seat(a, 31).click();
  await seatState(a, 31, 'mine');
  const row = a.getByRole('group', { name: 'Seat 31', exact: true });
  await row.getByLabel('Age').fill('30');
  await row.getByLabel('Gender').selectOption('Other');
  const answer = a.waitForResponse((r) => bookingUrl.test(new URL(r.url()).pathname) && r.request().method() === 'POST');
  await a.getByRole('button', { name: /Book 1 seat/ }).click();
  assert.equal((await answer).status(), 422);
  await row.locator('.field__error').filter({ hasText: /between 0 and 120/ }).waitFor();
  assert.equal(await row.getByLabel('Age').getAttribute('aria-invalid'), 'true');
  assert.match(await row.getByLabel('Age').getAttribute('aria-describedby'), /error/);
  assert.match(await a.locator('[data-testid="booking-form"] .form-error').innerText(), /correct the details marked below/);
  await a.unroute(bookingUrl);
  allowed.length = 0;
  await seatState(a, 31, 'free', HOLD_TTL_MS + 3000);
});

step('A books seats 7 and 8 for two passengers: B sees them sold', async () => {
  const { page: a } = actors.A;
  const { page: b } = actors.B;
  // The phone is for the whole booking (typed in the last step). With 3-second holds the
  // rows are filled quickly once the seats are held.
  await seat(a, 7).click();
  await seatState(a, 7, 'mine');
  await seat(a, 8).click();
  await seatState(a, 8, 'mine');
  const row7 = a.getByRole('group', { name: 'Seat 7', exact: true });
  const row8 = a.getByRole('group', { name: 'Seat 8', exact: true });
  await row7.getByLabel('Age').fill('34');
  await row7.getByLabel('Gender').selectOption('Female');
  await row8.getByLabel('Name').fill(passenger2.name);
  await row8.getByLabel('Age').fill(String(passenger2.age));
  await row8.getByLabel('Gender').selectOption(passenger2.gender);
  assert.equal(await row7.getByLabel('Name').inputValue(), userA.name);
  assert.equal((await a.locator('[data-testid="fare-summary"]').innerText()).replace(/\s+/g, ' ').trim(),
    `2 seats × ₹${trip.price.toLocaleString('en-IN')} Total ₹${(2 * trip.price).toLocaleString('en-IN')}`);
  await a.getByRole('button', { name: /Book 2 seats/ }).click();
  await a.waitForURL(/#\/ticket\/ABC-[0-9A-F]{6}$/);
  bookingNumber = a.url().split('/').pop();
  await a.locator('[data-testid="ticket"]').waitFor();
  assert.equal(await a.locator('#ticket-number').innerText(), bookingNumber);
  assert.equal(await a.locator('[data-testid="ticket-seats"]').innerText(), '7 and 8');
  const people = a.locator('[data-testid="ticket-passengers"] li');
  assert.equal(await people.count(), 2);
  assert.match(await people.nth(0).innerText(), new RegExp(`Seat 7[\\s\\S]*${userA.name}[\\s\\S]*34 · Female`));
  assert.match(await people.nth(1).innerText(), new RegExp(`Seat 8[\\s\\S]*${passenger2.name}[\\s\\S]*${passenger2.age} · ${passenger2.gender}`));
  await shot(a, '08-ticket');

  await seatState(b, 7, 'sold', LIVE_WITHIN_MS);
  await seatState(b, 8, 'sold', LIVE_WITHIN_MS);
  assert.equal(await seat(b, 8).getAttribute('aria-label'), 'Seat 8, window, sold');
});

step('A downloads the ticket as a PDF, and prints the ticket alone', async (t) => {
  const { page: a } = actors.A;
  await shotAtWidths(a, '08a-ticket-two-passengers');
  const pdfPath = `/bookings/${bookingNumber}/ticket.pdf`;
  // GET /bookings/{number}/ticket.pdf comes with the boarding-pass work of issue 13; until it
  // is merged here the route answers 404 even to the owner, and only that check is pending.
  const token = await a.evaluate(() => localStorage.getItem('seatd.token'));
  const probe = await fetch(`${BASE}${pdfPath}`, { headers: { Authorization: `Bearer ${token}` } });
  const probeBody = Buffer.from(await probe.arrayBuffer());
  const routeMissing = probe.status === 404;
  if (routeMissing) expectConsoleError(/status of 404/);

  const response = a.waitForResponse((r) => new URL(r.url()).pathname === pdfPath);
  const download = routeMissing ? null : a.waitForEvent('download');
  await a.getByRole('button', { name: 'Download PDF' }).click();
  const res = await response;
  if (routeMissing) {
    // The page says so in words; nothing is downloaded.
    await a.locator('.form-error').filter({ hasText: 'The PDF could not be downloaded' }).waitFor();
    allowed.length = 0;
    // Pending, not faked: reported as skipped with the reason, and checked for real (below)
    // as soon as the route answers.
    await t.test('Download PDF saves ticket-<number>.pdf: application/pdf, starting with %PDF', {
      skip: `PENDING until GET /bookings/{number}/ticket.pdf is merged: it answered 404 to the ticket's owner (${probeBody.toString('utf8').slice(0, 80)})`,
    }, () => {});
  } else {
    assert.equal(probe.status, 200, `${pdfPath} answers the owner`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'] || '', /^application\/pdf/);
    const file = await download;
    assert.equal(file.suggestedFilename(), `ticket-${bookingNumber}.pdf`);
    const bytes = readFileSync(await file.path());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'the file is a PDF');
    assert.ok(bytes.length > 1000, `a PDF of ${bytes.length} bytes`);
    // Someone else's ticket is not found.
    const tokenB = await actors.B.page.evaluate(() => localStorage.getItem('seatd.token'));
    const other = await fetch(`${BASE}${pdfPath}`, { headers: { Authorization: `Bearer ${tokenB}` } });
    assert.equal(other.status, 404, "another traveller cannot download A's ticket");
  }

  // Print: the browser's print dialog, and a print stylesheet that keeps only the ticket.
  await a.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
  await a.getByRole('button', { name: 'Print' }).click();
  assert.equal(await a.evaluate(() => window.printed), 1, 'Print opens the print dialog');
  await a.emulateMedia({ media: 'print' });
  assert.equal(await a.locator('[data-testid="ticket"]').isVisible(), true);
  for (const hidden of ['.site-header', '.site-footer', '.ticket__actions', 'h1.page-title']) {
    assert.equal(await a.locator(hidden).isVisible(), false, `${hidden} is not printed`);
  }
  await shot(a, '08b-ticket-print', { a11y: false }); // the printed ticket, not a page: its title is hidden on paper
  await a.emulateMedia({ media: 'screen' });
});

step('A finds the booking in My tickets', async () => {
  const { page: a } = actors.A;
  await a.getByRole('link', { name: 'My tickets', exact: true }).click();
  const card = a.locator(`.ticket-card[data-booking="${bookingNumber}"]`);
  await card.waitFor();
  assert.match(await card.innerText(), /Seats 7 and 8/);
  assert.match(await card.innerText(), /Confirmed/);
  await shot(a, '09-my-tickets');
  await card.getByRole('link').click();
  await a.locator('[data-testid="ticket"]').waitFor();
});

step('A cancels the booking after confirming: B sees the seats free again', async () => {
  const { page: a } = actors.A;
  const { page: b } = actors.B;
  await a.getByRole('button', { name: 'Cancel booking' }).click();
  await a.getByRole('button', { name: 'Keep booking' }).click(); // changes their mind once
  await seatState(b, 7, 'sold', 100);
  await a.getByRole('button', { name: 'Cancel booking' }).click();
  await a.getByRole('button', { name: 'Yes, cancel booking' }).waitFor();
  await shot(a, '10-cancel-confirmation');
  await a.getByRole('button', { name: 'Yes, cancel booking' }).click();
  await a.getByRole('heading', { name: 'Cancelled ticket' }).waitFor();
  await seatState(b, 7, 'free', LIVE_WITHIN_MS);
  await seatState(b, 8, 'free', LIVE_WITHIN_MS);
  await shot(a, '11-ticket-cancelled');
});

step('B loses a seat event: the seq gap makes B resume and catch up', async () => {
  const { page: a } = actors.A;
  const { page: b } = actors.B;
  await a.goto(`${BASE}/#/trip/${trip.id}`);
  await waitLive(a);
  const before = wsControl.urls.length;
  wsControl.dropNextSeatEvent = true;
  await seat(a, 15).click();
  await seatState(a, 15, 'mine');
  await seat(a, 16).click();
  await seatState(a, 16, 'mine');
  // The second event shows B the gap; B reconnects with since=<last seq> and gets both.
  await seatState(b, 15, 'taken', 3000);
  await seatState(b, 16, 'taken', 3000);
  assert.ok(wsControl.urls.length > before, 'B reconnected');
  assert.match(wsControl.urls[wsControl.urls.length - 1], /[?&]since=\d+&epoch=[^&]+/);
  await seat(a, 15).click();
  await seat(a, 16).click();
  await seatState(b, 15, 'free', 2000);
  await seatState(b, 16, 'free', 2000);
});

step('B\'s connection drops: "Reconnecting" shows, and the map resyncs when it is back', async () => {
  const { page: a } = actors.A;
  const { page: b } = actors.B;
  wsControl.offline = true;
  for (const route of wsControl.routes.splice(0)) route.close({ code: 4000, reason: 'test: connection lost' });
  const bannerEl = b.locator('#connection-banner');
  await bannerEl.filter({ hasText: 'Reconnecting' }).waitFor({ state: 'visible', timeout: 2000 });
  assert.match(await b.locator('[data-testid="live-status"]').innerText(), /Reconnecting/);

  // While B is away, A takes seat 12: B cannot know yet.
  await seat(a, 12).click();
  await seatState(a, 12, 'mine');
  // B's backoff (up to 5 s) plus the screenshot outlast a 3-second hold on a busy machine: A
  // renews it (the holder may lock again) until B has seen it, so B's catch-up finds it held.
  const tokenA = await a.evaluate(() => localStorage.getItem('seatd.token'));
  const renew = setInterval(() => {
    fetch(`${BASE}/bookings/lock-seat/${trip.id}/12`, { method: 'POST', headers: { Authorization: `Bearer ${tokenA}` } }).catch(() => {});
  }, 1000);
  const attempts = wsControl.urls.length;
  try {
    await b.waitForTimeout(300);
    await seatState(b, 12, 'free', 100);
    await shot(b, '12-reconnecting-phone');
    wsControl.offline = false;
    await seatState(b, 12, 'taken', 8000); // backoff is capped at 5 s
  } finally {
    clearInterval(renew);
  }
  await bannerEl.waitFor({ state: 'hidden', timeout: 2000 });
  await waitLive(b);
  assert.ok(wsControl.urls.length > attempts);
  assert.match(wsControl.urls[wsControl.urls.length - 1], /[?&]since=\d+/);

  // Seat 12's 3-second hold has lapsed or is about to (the reconnect took seconds): both see
  // it free. Live again: A's next hold and its release reach B at once.
  await seatState(a, 12, 'free', HOLD_TTL_MS + 2000);
  await seatState(b, 12, 'free', HOLD_TTL_MS + 2000);
  await seat(a, 13).click();
  await seatState(a, 13, 'mine');
  await seatState(b, 13, 'taken', LIVE_WITHIN_MS);
  await seat(a, 13).click();
  await seatState(b, 13, 'free', LIVE_WITHIN_MS);
});

step('B books two seats on the phone; the operator sees the sale and its e-mails on the dashboard', async () => {
  const { page: b } = actors.B;
  const { page: admin } = actors.admin;
  await b.getByLabel('Phone number').fill('+91 99000 54321');
  await seat(b, 20).click();
  await seatState(b, 20, 'mine');
  await seat(b, 21).click();
  await seatState(b, 21, 'mine');
  const row20 = b.getByRole('group', { name: 'Seat 20', exact: true });
  const row21 = b.getByRole('group', { name: 'Seat 21', exact: true });
  await row20.getByLabel('Age').fill('41');
  await row20.getByLabel('Gender').selectOption('Male');
  await row21.getByLabel('Name').fill(passengerB2.name);
  await row21.getByLabel('Age').fill(String(passengerB2.age));
  await row21.getByLabel('Gender').selectOption(passengerB2.gender);
  await b.locator('.mobile-bar').filter({ hasText: 'Seats 20 and 21' }).waitFor();
  await shot(b, '13-seat-map-phone-holding', { fullPage: false });
  await b.getByRole('button', { name: /Book 2 seats/ }).click();
  await b.waitForURL(/#\/ticket\/ABC-[0-9A-F]{6}$/);
  bookingNumberB = b.url().split('/').pop();
  await b.locator('[data-testid="ticket"]').waitFor();
  assert.equal(await b.locator('[data-testid="ticket-passengers"] li').count(), 2);
  await shot(b, '14-ticket-phone');
  await b.getByRole('link', { name: 'My tickets', exact: true }).click();
  await b.locator('.ticket-card').first().waitFor();
  await shot(b, '15-my-tickets-phone');

  await admin.getByRole('button', { name: 'Refresh', exact: true }).click();
  await admin.waitForFunction(() => /₹[1-9]/.test(document.querySelector('[data-testid="metric-revenue"]')?.textContent || ''));
  await admin.locator('[data-testid="chart-buses"] svg').waitFor();
  await admin.waitForFunction(() => document.querySelectorAll('[data-testid="chart-revenue"] .chart__value').length >= 1);
  // The outbox: A's booking and cancellation, B's booking, each wrote its e-mail.
  const outboxCount = async (which) => Number((await admin.locator(`[data-testid="outbox-${which}"] .outbox__number`).innerText()).trim());
  await admin.locator('[data-testid="outbox-pending"]').waitFor();
  const messages = (await outboxCount('pending')) + (await outboxCount('sent')) + (await outboxCount('failed'));
  assert.ok(messages >= 3, `the outbox holds the three e-mails (${messages})`);
  await shot(admin, '16-admin-dashboard');
  await shotAtWidths(admin, '16a-admin-dashboard-outbox');
});

step('the operator boards B\'s passengers by typed booking number; the manifest follows', async () => {
  const { page: admin } = actors.admin;
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Boarding' }).click();
  await admin.getByRole('heading', { name: 'Boarding', exact: true }).waitFor();
  // The bus, from its day's departures (the trip search).
  await admin.getByLabel('From', { exact: true }).fill(trip.source);
  await admin.getByLabel('To', { exact: true }).fill(trip.destination);
  await admin.getByLabel('Date', { exact: true }).fill(trip.departure_time.slice(0, 10));
  await admin.getByRole('button', { name: 'Find departures' }).click();
  await admin.locator(`.departure[data-trip-id="${trip.id}"]`).click();
  await admin.locator('[data-testid="manifest"] tbody tr').first().waitFor();
  assert.match(admin.url(), new RegExp(`#/admin/boarding\\?trip=${trip.id}$`));
  const count = admin.locator('[data-testid="boarded-count"]');
  assert.equal(await count.innerText(), '0');
  assert.match(await admin.locator('[data-testid="manifest-counts"]').innerText(), /0 of 2 passengers boarded/);
  const manifestRow = (n) => admin.locator(`[data-testid="manifest"] tr[data-seat="${n}"]`);
  assert.match(await manifestRow(20).innerText(), new RegExp(`${userB.name}[\\s\\S]*${bookingNumberB}[\\s\\S]*Not yet`));
  assert.match(await manifestRow(21).innerText(), new RegExp(`${passengerB2.name}[\\s\\S]*${bookingNumberB}`));
  assert.equal(await manifestRow(7).count(), 0, "A's cancelled seats are not on the manifest");
  // No camera button where the browser cannot read QR codes (headless Chromium on Linux).
  if (!(await admin.evaluate(() => 'BarcodeDetector' in window))) {
    assert.equal(await admin.locator('[data-testid="scan"]').isVisible(), false);
  }
  await shotAtWidths(admin, '19-boarding-manifest');

  // Typed by hand, in lower case: boarded, and the manifest updates by itself.
  const codeBox = admin.getByLabel('Boarding code or booking number');
  await codeBox.fill(bookingNumberB.toLowerCase());
  await admin.getByRole('button', { name: 'Check in' }).click();
  const result = admin.locator('[data-testid="checkin-result"]');
  await result.filter({ hasText: 'Boarded: 2 passengers' }).waitFor();
  assert.match(await result.getAttribute('class'), /checkin-result--boarded/);
  assert.match(await result.innerText(), new RegExp(`Seat 20: ${userB.name}[\\s\\S]*Seat 21: ${passengerB2.name}`));
  await admin.waitForFunction(() => document.querySelector('[data-testid="boarded-count"]')?.textContent === '2');
  assert.match(await manifestRow(20).innerText(), /Boarded \d\d:\d\d/);
  assert.match(await manifestRow(21).innerText(), /Boarded \d\d:\d\d/);
  assert.equal(await codeBox.inputValue(), '', 'the box is ready for the next ticket');
  await shotAtWidths(admin, '20-boarding-checked-in');

  // A second check-in of the same ticket.
  await codeBox.fill(bookingNumberB);
  await admin.getByRole('button', { name: 'Check in' }).click();
  await result.filter({ hasText: /Already boarded at \d\d:\d\d/ }).waitFor();
  assert.match(await result.getAttribute('class'), /checkin-result--already/);
  assert.equal(await count.innerText(), '2');
  await shotAtWidths(admin, '21-boarding-already-boarded');

  // Refused, in red with the server's reason: a cancelled booking, a forged code, a typo.
  expectConsoleError(/status of 409/);
  await codeBox.fill(bookingNumber);
  await admin.getByRole('button', { name: 'Check in' }).click();
  await result.filter({ hasText: 'This booking was cancelled: do not board' }).waitFor();
  assert.match(await result.getAttribute('class'), /checkin-result--refused/);
  assert.equal(await result.getAttribute('role'), 'alert');
  expectConsoleError(/status of 400/);
  await codeBox.fill(`SB1.${bookingNumberB}.${trip.id}.AAAAAAAAAAAAAAAAAAAAAA`);
  await admin.getByRole('button', { name: 'Check in' }).click();
  await result.filter({ hasText: 'Not a valid boarding code' }).waitFor();
  assert.doesNotMatch(await result.innerText(), /null|undefined/);
  assert.match(await admin.locator('.checkin button[type="submit"]').innerHTML(), /<svg/, 'the button keeps its icon');
  await shotAtWidths(admin, '22-boarding-refused');
  expectConsoleError(/status of 404/);
  await codeBox.fill('ABC-000000');
  await admin.getByRole('button', { name: 'Check in' }).click();
  await result.filter({ hasText: 'No booking ABC-000000' }).waitFor();
  assert.equal(allowed.filter((x) => x.left > 0).length, 0, 'each refusal was seen');
  allowed.length = 0;

  // The manifest as CSV, fetched with the token and saved from a blob.
  const download = admin.waitForEvent('download');
  await admin.getByRole('button', { name: 'Download CSV' }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), `manifest-trip-${trip.id}.csv`);
  const csv = readFileSync(await file.path(), 'utf8');
  assert.match(csv, /^seat_no,booking_number,passenger,age,gender,boarded,boarded_at\r\n/);
  assert.match(csv, new RegExp(`\\r\\n20,${bookingNumberB},${userB.name},41,Male,yes,`));
  assert.match(csv, new RegExp(`\\r\\n21,${bookingNumberB},${passengerB2.name},${passengerB2.age},${passengerB2.gender},yes,`));

  // Printed, the page is the manifest alone.
  await admin.emulateMedia({ media: 'print' });
  assert.equal(await admin.locator('[data-testid="manifest"]').isVisible(), true);
  for (const hidden of ['[data-testid="checkin"]', '[data-testid="trip-picker"]', '.site-header']) {
    assert.equal(await admin.locator(hidden).isVisible(), false, `${hidden} is not printed`);
  }
  await shot(admin, '22a-boarding-manifest-print');
  await admin.emulateMedia({ media: 'screen' });

  // Opened again from its address, the page shows the same trip.
  await admin.reload();
  await admin.waitForFunction(() => document.querySelector('[data-testid="boarded-count"]')?.textContent === '2');
});

step('at the bus door on a phone, the camera scans a ticket where the browser reads QR codes', async () => {
  // Headless Chromium on Linux has no BarcodeDetector: this phone gets a stand-in that "sees"
  // B's booking number once the test says so; the camera is Chromium's fake device.
  const page = await actor('gate', { width: 390, height: 844 }, async (context) => {
    await context.addInitScript((code) => {
      window.scanReleased = false;
      window.BarcodeDetector = class {
        static async getSupportedFormats() { return ['qr_code', 'ean_13']; }
        constructor(options) { this.formats = options && options.formats; }
        async detect(source) {
          window.scannedFrom = source && source.tagName;
          return window.scanReleased ? [{ rawValue: code, format: 'qr_code' }] : [];
        }
      };
    }, bookingNumberB);
  });
  await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto(`${BASE}/#/admin/boarding`);
  await page.getByLabel('Trip number').fill(String(trip.id));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.locator('[data-testid="manifest"] tbody tr').first().waitFor();
  assert.match(page.url(), new RegExp(`#/admin/boarding\\?trip=${trip.id}$`));
  assert.equal(await page.locator('[data-testid="trip-picker"]').getAttribute('open'), null, 'the picker is folded away');
  const scan = page.getByRole('button', { name: 'Scan with camera' });
  await scan.waitFor();
  // The camera opens only when asked.
  assert.equal(await page.evaluate(() => document.querySelector('video.scanner__video').srcObject), null);
  await scan.click();
  await page.waitForFunction(() => {
    const v = document.querySelector('video.scanner__video');
    return v && !v.hidden && v.srcObject && v.readyState >= 2;
  });
  await page.getByRole('button', { name: 'Stop camera' }).waitFor();
  await shot(page, '24-boarding-camera-phone');
  await page.evaluate(() => { window.scanReleased = true; });
  const result = page.locator('[data-testid="checkin-result"]');
  await result.filter({ hasText: /Already boarded at \d\d:\d\d/ }).waitFor();
  assert.equal(await page.evaluate(() => window.scannedFrom), 'VIDEO');
  // The camera is off again after a read.
  assert.equal(await page.evaluate(() => document.querySelector('video.scanner__video').srcObject), null);
  assert.equal(await page.locator('video.scanner__video').isVisible(), false);
  await scan.waitFor();
  await shot(page, '25-boarding-scanned-phone');
});

step('B\'s ticket shows both passengers boarded', async () => {
  const { page: b } = actors.B;
  await b.goto(`${BASE}/#/ticket/${bookingNumberB}`);
  await b.locator('[data-testid="ticket"]').waitFor();
  const people = b.locator('[data-testid="ticket-passengers"] li');
  assert.equal(await people.count(), 2);
  for (let i = 0; i < 2; i += 1) assert.match(await people.nth(i).innerText(), /Boarded \d\d:\d\d/);
  await shot(b, '23-ticket-boarded-phone');
});

step('pages at phone width: search and seat map', async () => {
  const { page: b } = actors.B;
  await b.goto(`${BASE}/#/search?${new URLSearchParams({ from: trip.source, to: trip.destination, date: trip.departure_time.slice(0, 10) })}`);
  await b.locator(`.trip-card[data-trip-id="${trip.id}"]`).waitFor();
  await shot(b, '17-search-results-phone');
  // Nothing wider than the screen.
  const overflow = await b.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page fits a 390 px screen (overflows by ${overflow} px)`);
  await b.locator(`.trip-card[data-trip-id="${trip.id}"]`).getByRole('link').click();
  await waitLive(b);
  const overflowMap = await b.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflowMap <= 0, `the seat map fits a 390 px screen (overflows by ${overflowMap} px)`);
  // Keyboard: arrow keys move between seats.
  await seat(b, 1).focus();
  await b.keyboard.press('ArrowRight');
  assert.equal(await b.evaluate(() => document.activeElement?.dataset.seat), '2');
  await b.keyboard.press('ArrowDown');
  assert.equal(await b.evaluate(() => document.activeElement?.dataset.seat), '6');
});

step('a visitor who is not logged in is asked to log in, and comes back to the trip', async () => {
  const page = await actor('guest', { width: 1024, height: 768 });
  await page.goto(`${BASE}/#/trip/${trip.id}`);
  await waitLive(page);
  // Opened from a link, not from a search: the page still names the bus (from GET /trips/{id}).
  await page.getByText(`${trip.bus_name} · ${trip.bus_type}`).first().waitFor();
  const prompt = page.locator('.login-prompt');
  await prompt.waitFor();
  assert.equal(await page.locator('[data-testid="booking-form"]').isVisible(), false);
  await seat(page, 3).click();
  await page.locator('.seat-message').filter({ hasText: 'Log in to choose seats' }).waitFor();
  await shot(page, '18-seat-map-login-prompt');
  await prompt.getByRole('link', { name: 'Log in' }).click();
  await page.getByLabel('Email').fill(userB.email);
  await page.getByLabel('Password', { exact: true }).fill(userB.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(new RegExp(`#/trip/${trip.id}$`));
  await waitLive(page);
  assert.equal(await prompt.isVisible(), false);
});

step('no page logged a console error or threw', async () => {
  for (const { page } of Object.values(actors)) await page.waitForTimeout(100);
  assert.deepEqual(problems, []);
});
