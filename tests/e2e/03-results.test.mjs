// The traveller's side of issue 14, at a phone's width (390 x 844) and a desktop's (1440 x 900):
// the one-row header and its menu, sessions that end (any 401 signs the header out), the
// show-password toggles, the search form's real example route, past dates and departed buses
// refused by the page itself, the results (modify bar, date strip, sort, filters, operator),
// empty days that lead somewhere, and the connection banner and toasts that cover nothing.
// Runs after 01-journey, which uploaded this week's and next week's schedule.

import assert from 'node:assert/strict';
import {
  BASE, HOLD_TTL_MS, run, actors, allowed, useBrowser, actor, shot, shotAtWidths, expectConsoleError, step,
  seat, seatState, waitLive, login, isoDay, nextMonday, firstTripFrom, apiSignup, apiJson,
  apiLogin, assertOneRowHeader, overlap,
} from './support.mjs';

useBrowser();

const HEADER_BUDGET = 64; // px at 390 px: one row (it was 100 px, 142 px for the operator)
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const traveller = { name: 'Chitra Results', email: `chitra.${run}@e2e.test`, password: 'chitra-secret-1' };
const pages = {};
let trip; // a trip of next Monday (its route runs several buses a day)

const dayPlus = (day, n) => {
  const d = new Date(`${day}T12:00:00`);
  d.setDate(d.getDate() + n);
  return isoDay(d);
};
const searchHash = (from, to, date, extra = {}) => `#/search?${new URLSearchParams({ from, to, date, ...extra })}`;
const rupees = (text) => Number(String(text).replace(/[^\d]/g, ''));

step('seatd has a schedule to search; the new search routes are probed', async () => {
  trip = await firstTripFrom(nextMonday());
  assert.ok(trip, 'next week is scheduled (01-journey uploaded it)');
  const routes = await apiJson('/trips/routes');
  assert.equal(routes.status, 200, 'GET /trips/routes answers');
  assert.ok(Array.isArray(routes.data) && routes.data.length > 0, 'and lists the routes');
  await apiSignup(traveller);
});

step('the header is one row on a phone: the rest is in an accessible menu', async () => {
  const guest = await actor('guest', PHONE);
  await guest.goto(`${BASE}/#/`);
  await guest.locator('h1').waitFor();
  await assertOneRowHeader(guest, HEADER_BUDGET, 'a visitor at 390 px');
  await guest.getByRole('link', { name: 'Log in' }).waitFor();
  await guest.getByRole('link', { name: 'Sign up' }).waitFor();

  const page = await actor('phone', PHONE);
  pages.phone = page;
  await login(page, traveller.email, traveller.password);
  await assertOneRowHeader(page, HEADER_BUDGET, 'a traveller at 390 px');
  assert.equal(await page.getByRole('link', { name: 'My tickets', exact: true }).isVisible(), true, 'My tickets stays in the row');
  const logoutButton = page.getByRole('button', { name: 'Log out' });
  assert.equal(await logoutButton.isVisible(), false, 'Log out is in the menu');
  const menu = page.getByRole('button', { name: 'Menu' });
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await menu.getAttribute('aria-controls'), 'site-menu');
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await logoutButton.waitFor();
  assert.equal(await page.locator('#site-menu').getByRole('link', { name: 'Search' }).isVisible(), true);
  assert.match(await page.locator('#site-menu').innerText(), new RegExp(`Logged in as\\s+${traveller.name}`));
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Search', 'focus moves into the menu');
  await shot(page, '40-header-menu-open-phone', { fullPage: false });
  // Escape closes it and gives focus back to the button; so does a click elsewhere.
  await page.keyboard.press('Escape');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await logoutButton.isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Menu');
  await menu.click();
  await page.mouse.click(200, 780);
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');

  // On a desktop the same items stand in the row; there is no menu button.
  const desk = await actor('desktop', DESKTOP);
  pages.desktop = desk;
  await login(desk, traveller.email, traveller.password);
  await assertOneRowHeader(desk, HEADER_BUDGET, 'a traveller at 1440 px');
  assert.equal(await desk.getByRole('button', { name: 'Menu' }).isVisible(), false);
  for (const name of ['Search', 'My tickets']) assert.equal(await desk.getByRole('link', { name, exact: true }).isVisible(), true);
  assert.equal(await desk.getByRole('button', { name: 'Log out' }).isVisible(), true);
  await shotAtWidths(page, '40a-header-traveller');
});

step('show-password toggles on login and sign-up; My tickets asks a visitor to log in to see them', async () => {
  const guest = actors.guest.page;
  await guest.goto(`${BASE}/#/tickets`);
  await guest.waitForURL(/#\/login\?next=/);
  assert.equal(await guest.getByTestId('login-reason').innerText(), 'Log in to see your tickets.');
  for (const where of ['login', 'signup']) {
    if (where === 'signup') await guest.goto(`${BASE}/#/signup`);
    const box = guest.getByLabel('Password', { exact: true });
    await box.fill('secret-words');
    const toggle = guest.getByRole('button', { name: 'Show password' });
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    assert.equal(await box.getAttribute('type'), 'password');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    assert.equal(await box.getAttribute('type'), 'text', `${where}: the password is shown`);
    assert.equal(await box.inputValue(), 'secret-words');
    if (where === 'login') await shotAtWidths(guest, '41-login-password-shown');
    await toggle.click();
    assert.equal(await box.getAttribute('type'), 'password', `${where}: hidden again`);
  }
  // Logging in from there leads to the tickets.
  await guest.goto(`${BASE}/#/tickets`);
  await guest.getByLabel('Email').fill(traveller.email);
  await guest.getByLabel('Password', { exact: true }).fill(traveller.password);
  await guest.getByRole('button', { name: 'Log in' }).click();
  await guest.waitForURL(/#\/tickets$/);
  await guest.getByRole('heading', { level: 1 }).waitFor();
});

step('a session that ends shows at once: the first 401 signs the header out, and says why', async () => {
  const page = pages.phone;
  await page.goto(`${BASE}/#/`);
  await page.locator('[data-testid="current-user"]').waitFor();
  // The token stops working on the server (as after a restart with a new key, or a log-out
  // elsewhere): the page is not told; its next request finds out.
  const token = await page.evaluate(() => localStorage.getItem('seatd.token'));
  const revoked = await apiJson('/auth/logout', { token, method: 'POST' });
  assert.equal(revoked.status, 200);
  expectConsoleError(/status of 401/); // GET /bookings/my-tickets
  expectConsoleError(/status of 401/); // and GET /user/me, if the header re-checks on the way
  await page.getByRole('link', { name: 'My tickets', exact: true }).click();
  await page.locator('.toast').filter({ hasText: 'You have been logged out' }).waitFor();
  await page.locator('[data-testid="current-user"]').waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'Log in' }).waitFor();
  // My tickets needs the account: the login page, saying why.
  await page.waitForURL(/#\/login\?next=/);
  assert.equal(await page.getByTestId('login-reason').innerText(), 'Log in to see your tickets.');
  assert.equal(await page.evaluate(() => localStorage.getItem('seatd.token')), null, 'the dead token is forgotten');
  await assertOneRowHeader(page, HEADER_BUDGET, 'signed out at 390 px');
  await shot(page, '42-session-ended-phone', { fullPage: false });
  allowed.splice(0, allowed.length, ...allowed.filter((a) => !String(a.pattern).includes('401')));
  await page.getByLabel('Email').fill(traveller.email);
  await page.getByLabel('Password', { exact: true }).fill(traveller.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/#\/tickets$/);
  await page.locator('[data-testid="current-user"]').waitFor();
});

step('a past date is refused in the form and in the address, without asking seatd', async () => {
  const page = pages.phone;
  const today = isoDay(new Date());
  const yesterday = dayPlus(today, -1);
  const searches = [];
  const onRequest = (req) => { if (req.url().includes('/trips/search')) searches.push(req.url()); };
  page.on('request', onRequest);
  await page.goto(`${BASE}/#/`);
  const date = page.getByLabel('Date', { exact: true });
  assert.equal(await date.getAttribute('min'), today, 'the date picker starts today');
  await page.getByLabel('From', { exact: true }).fill(trip.source);
  await page.getByLabel('To', { exact: true }).fill(trip.destination);
  await date.fill(yesterday);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'That date has passed' }).waitFor();
  assert.match(page.url(), /#\/$/, 'nothing was searched');

  await page.goto(`${BASE}/${searchHash(trip.source, trip.destination, yesterday)}`);
  const refusal = page.getByTestId('past-date');
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /has passed/);
  assert.equal(await page.locator('.trip-card').count(), 0, 'no trips for a past date');
  await shotAtWidths(page, '43-search-past-date');
  await refusal.getByRole('link').click();
  await page.waitForURL(new RegExp(`date=${today}`));
  await page.goto(`${BASE}/${searchHash(trip.source, trip.destination, '2026-02-30')}`);
  await page.getByTestId('past-date').filter({ hasText: 'That is not a date' }).waitFor();
  page.off('request', onRequest);
  assert.equal(searches.filter((u) => u.includes(yesterday) || u.includes('2026-02-30')).length, 0, 'seatd was not asked for a past date');
});

step('departed buses are greyed with "Departed" and cannot be selected, by the page\'s own clock', async () => {
  // The browser's clock is noon of next Monday; seatd's is now, so it calls none of that
  // day's buses departed: the page must see it by itself.
  const day = trip.departure_time.slice(0, 10);
  const page = await actor('clock', PHONE, async (context) => {
    await context.clock.setFixedTime(new Date(`${day}T12:00:00`));
  });
  await page.goto(`${BASE}/${searchHash(trip.source, trip.destination, day)}`);
  await page.locator('.trip-card').first().waitFor();
  const found = (await apiJson(`/trips/search?${new URLSearchParams({ source: trip.source, destination: trip.destination, travel_date: day })}`)).data;
  assert.ok(found.length >= 2, `several buses on ${day}`);
  let before = 0;
  for (const t of found) {
    const card = page.locator(`.trip-card[data-trip-id="${t.trip_id}"]`);
    const gone = t.departure_time.slice(11, 16) <= '12:00';
    assert.equal(t.departed, false, 'seatd does not call it departed');
    assert.equal(await card.getAttribute('data-departed'), gone ? 'true' : null, `${t.departure_time}: departed by the page's clock`);
    assert.equal(await card.getByRole('link').count(), gone ? 0 : 1, `${t.departure_time}: ${gone ? 'no' : 'a'} link to its seats`);
    if (gone) {
      before += 1;
      assert.match(await card.innerText(), /Departed/);
    }
  }
  assert.ok(before >= 1 && before < found.length, 'some departed, some still to go');
  // Departed buses come last.
  const ids = await page.locator('.trip-card').evaluateAll((els) => els.map((el) => el.dataset.departed === 'true'));
  assert.deepEqual(ids, [...ids].sort((a, b) => Number(a) - Number(b)));
  assert.equal(await page.getByLabel('Date', { exact: true }).getAttribute('min'), day, "the form's first day is the browser's today");
  await shotAtWidths(page, '44-results-departed');

  // And seatd's own flag, where today has a bus that has left (after 06:00 with this schedule).
  const today = isoDay(new Date());
  const todays = (await apiJson(`/trips/search?${new URLSearchParams({ source: trip.source, destination: trip.destination, travel_date: today })}`)).data || [];
  const left = todays.find((t) => t.departed);
  if (left) {
    const phone = pages.phone;
    await phone.goto(`${BASE}/${searchHash(trip.source, trip.destination, today)}`);
    const card = phone.locator(`.trip-card[data-trip-id="${left.trip_id}"]`);
    await card.waitFor();
    assert.equal(await card.getAttribute('data-departed'), 'true');
    assert.equal(await card.getByRole('link').count(), 0);
  }
});

step('the search form\'s example is a real route, and the routes that run are each a search away', async (t) => {
  const page = pages.phone;
  await page.goto(`${BASE}/#/`);
  await page.locator('.route-link').first().waitFor();
  const from = (await page.getByLabel('From', { exact: true }).getAttribute('placeholder')).replace(/^e\.g\. /, '');
  const to = (await page.getByLabel('To', { exact: true }).getAttribute('placeholder')).replace(/^e\.g\. /, '');
  const routes = (await apiJson('/trips/routes')).data;
  const example = routes.find((r) => r.source === from && r.destination === to);
  assert.ok(example && example.trips > 0, `the example ${from} → ${to} is a route with buses`);
  const onIt = (await apiJson(`/trips/search?${new URLSearchParams({ source: from, destination: to, travel_date: example.next_date })}`)).data;
  assert.ok(onIt.length > 0, `buses run ${from} → ${to} on ${example.next_date}`);
  await shotAtWidths(page, '45-search-home');
  await page.locator('.route-link').first().click();
  await page.locator('.trip-card').first().waitFor();
});

step('results: a compact modify bar, a date strip with buses and lowest fares, sorting, filters and the operator', async (t) => {
  const page = pages.desktop;
  const day = trip.departure_time.slice(0, 10);
  await page.goto(`${BASE}/${searchHash(trip.source, trip.destination, day)}`);
  await page.locator('.trip-card').first().waitFor();
  const found = (await apiJson(`/trips/search?${new URLSearchParams({ source: trip.source, destination: trip.destination, travel_date: day })}`)).data;
  assert.equal(await page.locator('.trip-card').count(), found.length);

  // The operator on each card.
  for (const x of found) {
    assert.ok(x.operator, 'seatd names the operator');
    assert.equal(await page.locator(`.trip-card[data-trip-id="${x.trip_id}"] [data-testid="operator"]`).innerText(), x.operator);
  }

  // The modify bar: the route and date in a line, the form folded until asked for.
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `${trip.source} → ${trip.destination}`);
  const form = page.locator('#search-form');
  assert.equal(await form.isVisible(), false);
  const modify = page.getByRole('button', { name: 'Modify' });
  await modify.click();
  assert.equal(await modify.getAttribute('aria-expanded'), 'true');
  assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), trip.source);
  assert.equal(await page.getByLabel('Date', { exact: true }).inputValue(), day);
  await page.getByLabel('Date', { exact: true }).fill(dayPlus(day, 1));
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL(new RegExp(`date=${dayPlus(day, 1)}`));
  // Let that page finish (its strip is the last thing it draws) before going back by address.
  await page.getByTestId('date-strip').locator(`[aria-current="date"][data-date="${dayPlus(day, 1)}"]`).waitFor();
  await page.goto(`${BASE}/${searchHash(trip.source, trip.destination, day)}`);

  // The date strip: each day's buses and lowest fare, as the calendar says.
  const strip = page.getByTestId('date-strip');
  await strip.waitFor();
  const cells = strip.locator('.date-strip__day');
  // The goto above only changes the hash: the page re-renders asynchronously, and the strip
  // fills in when the calendar answers. Wait for this day's strip, not the last page's.
  await strip.locator(`[aria-current="date"][data-date="${day}"]`).waitFor();
  await cells.nth(1).waitFor();
  const n = await cells.count();
  assert.ok(n >= 2, `several days on the strip (${n})`);
  const first = await cells.first().getAttribute('data-date');
  const cal = (await apiJson(`/trips/calendar?${new URLSearchParams({ source: trip.source, destination: trip.destination, from: first, days: String(n) })}`)).data;
  for (let i = 0; i < n; i += 1) {
    const cell = cells.nth(i);
    const d = cal.days[i];
    assert.equal(await cell.getAttribute('data-date'), d.date);
    const text = await cell.innerText();
    if (d.trips) {
      assert.match(text, new RegExp(`${d.trips} bus`));
      assert.equal(rupees(text.split('from')[1]), Math.round(d.lowest_fare), `${d.date}: lowest fare`);
    } else {
      assert.match(text, /No buses/);
    }
  }
  const current = strip.locator('[aria-current="date"]');
  assert.equal(await current.getAttribute('data-date'), day);
  const prices = (await page.locator('.trip-card__price').allInnerTexts()).map(rupees);
  assert.equal(rupees((await current.innerText()).split('from')[1]), Math.min(...prices), "today's cell shows the lowest fare listed");
  await shotAtWidths(page, '46-results');
  await strip.getByRole('link', { name: /^Next day/ }).click();
  await page.waitForURL(new RegExp(`date=${dayPlus(day, 1)}`));
  await page.goBack();
  await page.locator('.trip-card').first().waitFor();

  // Sorting.
  const sortBy = page.getByLabel('Sort by');
  const column = async (sel) => page.locator(`.trip-card:not([data-departed]) ${sel}`).allInnerTexts();
  await sortBy.selectOption('fare');
  const fares = (await column('.trip-card__price')).map(rupees);
  assert.deepEqual(fares, [...fares].sort((a, b) => a - b), 'cheapest first');
  assert.match(page.url(), /sort=fare/);
  await sortBy.selectOption('seats');
  const seats = (await column('.trip-card__seats')).map((s) => (/Sold out/.test(s) ? 0 : Number(s.match(/\d+/)[0])));
  assert.deepEqual(seats, [...seats].sort((a, b) => b - a), 'most seats left first');
  await sortBy.selectOption('duration');
  const durations = (await column('.trip-card__duration')).map((s) => (Number((s.match(/(\d+)h/) || [0, 0])[1]) * 60) + Number((s.match(/(\d+)m/) || [0, 0])[1]));
  assert.deepEqual(durations, [...durations].sort((a, b) => a - b), 'shortest first');
  await sortBy.selectOption('departure');
  const times = await column('.trip-card__point:not(.trip-card__point--end) .trip-card__time');
  assert.deepEqual(times, [...times].sort(), 'earliest first');

  // Filters: AC / non-AC and the time of day.
  const count = page.locator('.results__count');
  await page.getByRole('button', { name: /^AC/ }).click();
  assert.equal(await page.getByRole('button', { name: /^AC/ }).getAttribute('aria-pressed'), 'true');
  const acTypes = await page.locator('.trip-card .badge').allInnerTexts();
  assert.equal(acTypes.length, found.filter((x) => x.bus_type === 'AC').length);
  assert.ok(acTypes.every((x) => x === 'AC'), `AC only: ${acTypes}`);
  if (acTypes.length < found.length) assert.match(await count.innerText(), /of \d+ bus/);
  await page.getByRole('button', { name: /^AC/ }).click();
  await page.getByRole('button', { name: /^Evening/ }).click();
  const evening = await page.locator('.trip-card__point:not(.trip-card__point--end) .trip-card__time').allInnerTexts();
  assert.equal(evening.length, found.filter((x) => x.departure_time.slice(11, 13) >= '18').length);
  assert.ok(evening.every((x) => x >= '18:00'), `evening only: ${evening}`);
  assert.match(page.url(), /time=evening/);
  await page.reload();
  await page.locator('.trip-card').first().waitFor();
  assert.equal(await page.getByRole('button', { name: /^Evening/ }).getAttribute('aria-pressed'), 'true', 'the filter survives a reload');
  await pages.phone.goto(page.url());
  await pages.phone.locator('.trip-card').first().waitFor();
  await shotAtWidths(pages.phone, '46a-results-filtered');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  assert.equal(await page.locator('.trip-card').count(), found.length);
});

step('an empty day says where buses from that city go and when the route next runs; city aliases match', async (t) => {
  const page = pages.phone;
  const today = isoDay(new Date());
  // A route with a day without buses and a later day with some (a weekly schedule has them);
  // from tomorrow, since today's buses that have left are listed, greyed, not missing.
  const routes = (await apiJson('/trips/routes')).data;
  let pick = null;
  for (const r of routes.slice(0, 40)) {
    const cal = (await apiJson(`/trips/calendar?${new URLSearchParams({ source: r.source, destination: r.destination, from: dayPlus(today, 1), days: '14' })}`)).data;
    const days = cal.days.filter((d) => !d.past);
    const empty = days.findIndex((d, i) => d.trips === 0 && days.slice(i + 1).some((x) => x.trips > 0));
    if (empty >= 0) { pick = { r, empty: days[empty].date, next: days.slice(empty + 1).find((x) => x.trips > 0) }; break; }
  }
  assert.ok(pick, 'the schedule has a route that does not run every day');
  const { r, empty, next } = pick;
  await page.goto(`${BASE}/${searchHash(r.source, r.destination, empty)}`);
  const suggestions = page.getByTestId('suggestions');
  await suggestions.waitFor();
  const nextLink = page.getByTestId('next-date');
  assert.match(await nextLink.innerText(), new RegExp(`${next.trips} bus`));
  const elsewhere = (await apiJson(`/trips/routes?${new URLSearchParams({ source: r.source })}`)).data
    .filter((x) => x.destination !== r.destination);
  assert.equal(await suggestions.locator('.route-link').count(), Math.min(12, elsewhere.length), `where buses from ${r.source} go`);
  await shotAtWidths(page, '47-results-empty-day');
  await nextLink.click();
  await page.waitForURL(new RegExp(`date=${next.date}`));
  await page.locator('.trip-card').first().waitFor(); // the address changes before the list comes
  assert.equal(await page.locator('.trip-card').count(), next.trips);
  if (elsewhere.length) {
    await page.goBack();
    await suggestions.locator('.route-link').first().click();
    await page.locator('.trip-card').first().waitFor();
  }

  // Bengaluru finds Bangalore's buses.
  const fromBangalore = routes.find((x) => x.source === 'Bangalore');
  if (fromBangalore) {
    await page.goto(`${BASE}/${searchHash('Bengaluru', fromBangalore.destination, fromBangalore.next_date)}`);
    await page.locator('.trip-card').first().waitFor();
  }
  // A city seatd does not serve: the cities it does.
  await page.goto(`${BASE}/${searchHash('Atlantis', r.destination, today)}`);
  await suggestions.filter({ hasText: 'No buses leave from Atlantis' }).waitFor();
  assert.match(await suggestions.innerText(), new RegExp(r.source));
});

step('the connection banner sits under the header when scrolled; toasts cover neither the bottom bar nor the ticket\'s actions', async () => {
  const ws = { offline: false, routes: [] };
  const page = await actor('gate', PHONE, async (context) => {
    await context.routeWebSocket(/\/ws\/seats\//, (socket) => {
      if (ws.offline) { socket.close({ code: 4001, reason: 'test: network down' }); return; }
      const server = socket.connectToServer();
      server.onMessage((m) => socket.send(m));
      ws.routes.push(socket);
    });
  });
  await login(page, traveller.email, traveller.password);
  await page.goto(`${BASE}/#/trip/${trip.id}`);
  await waitLive(page);

  // A toast while the bottom bar shows: above it.
  await page.getByLabel('Phone number').fill('+91 98450 22222');
  const free = await page.locator('button.seat[data-state="free"]').evaluateAll((els) => els.map((el) => Number(el.dataset.seat)));
  const n = free[free.length - 1];
  await seat(page, n).click();
  await seatState(page, n, 'mine');
  const bar = page.locator('.mobile-bar');
  await bar.waitFor();
  await page.evaluate(() => import('/js/ui.js').then((ui) => ui.toast('A message while a seat is held.')));
  const toastEl = page.locator('.toast').last();
  await toastEl.waitFor();
  await page.waitForTimeout(50);
  const tb = await toastEl.boundingBox();
  const bb = await bar.boundingBox();
  assert.ok(!overlap(tb, bb), `the toast (${JSON.stringify(tb)}) is clear of the bottom bar (${JSON.stringify(bb)})`);
  assert.ok(tb.y + tb.height <= bb.y, 'above it');
  await shot(page, '48-toast-above-bottom-bar-phone', { fullPage: false });
  await page.evaluate(() => document.getElementById('toasts').replaceChildren());

  // The banner, scrolled: below the header's row, never over it.
  ws.offline = true;
  for (const r of ws.routes.splice(0)) r.close({ code: 4000, reason: 'test: connection lost' });
  const banner = page.locator('#connection-banner');
  await banner.filter({ hasText: 'Reconnecting' }).waitFor({ state: 'visible', timeout: 3000 });
  await page.evaluate(() => window.scrollTo(0, 700));
  await page.waitForTimeout(100);
  const row = await page.locator('.site-header__inner').boundingBox();
  const bannerBox = await banner.boundingBox();
  assert.equal(Math.round(row.y), 0, 'the header is at the top');
  assert.ok(bannerBox.y >= row.y + row.height - 0.5, `the banner (${bannerBox.y}) is under the header row (${row.y + row.height})`);
  assert.ok(bannerBox.y < 200, 'and on screen');
  await assertOneRowHeader(page, HEADER_BUDGET + bannerBox.height, 'the header with the banner');
  await shot(page, '49-reconnecting-scrolled-phone', { fullPage: false });
  ws.offline = false;
  await waitLive(page);
  await banner.waitFor({ state: 'hidden' });

  // Booked: the ticket's toast, with Cancel at the bottom of the screen, stays clear of it.
  await seatState(page, n, 'free', HOLD_TTL_MS + 3000); // the 3-second hold has lapsed by now
  await seat(page, n).click();
  await seatState(page, n, 'mine');
  const row1 = page.getByRole('group', { name: `Seat ${n}`, exact: true });
  await row1.getByLabel('Age').fill('30');
  await row1.getByLabel('Gender').selectOption('Female');
  await page.getByRole('button', { name: /Book 1 seat/ }).click();
  await page.waitForURL(/#\/ticket\/ABC-[0-9A-F]{6}$/);
  const booked = page.locator('.toast').filter({ hasText: 'Booked' });
  await booked.waitFor();
  const actions = page.locator('.ticket__actions');
  await actions.evaluate((el) => el.scrollIntoView({ block: 'end' }));
  await page.waitForTimeout(100);
  const ab = await actions.boundingBox();
  const kb = await booked.boundingBox();
  assert.ok(ab.y + ab.height <= 844 && ab.y + ab.height > 700, 'the actions are at the bottom of the screen');
  assert.ok(!overlap(kb, ab), `the toast (${JSON.stringify(kb)}) is clear of the ticket's actions (${JSON.stringify(ab)})`);
  await shot(page, '49a-toast-clear-of-ticket-actions-phone', { fullPage: false });
});
