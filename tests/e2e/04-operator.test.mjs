// The operator's side of issue 14, at 390 x 844 and 1440 x 900: the one-row header, the
// schedule upload previewed by a dry run (weeks, trips, buses, weeks already scheduled) with a
// weeks selector, the scheduled weeks, every trip's occupancy over a date range with links to
// its manifest, and the bookings searched by booking number or e-mail. Runs after
// 01-journey (the schedule) and 03-results; it makes its own bookings.

import assert from 'node:assert/strict';
import {
  BASE, ADMIN_EMAIL, ADMIN_PASSWORD, SCHEDULE, run, allowed, useBrowser, actor, shot,
  shotAtWidths, step, login, isoDay, nextMonday, firstTripFrom, apiSignup, apiJson, apiLogin,
  assertOneRowHeader,
} from './support.mjs';

useBrowser();

const HEADER_BUDGET = 64;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const buyer = { name: 'Dev Booker', email: `dev.booker.${run}@e2e.test`, password: 'dev-booker-1' };
let admin; // the operator's desktop page
let phone; // the operator's phone
let token; // the operator's API token
let trip; // next Monday's first trip
let bookingNumber; // the buyer's booking on it

const dayPlus = (day, n) => {
  const d = new Date(`${day}T12:00:00`);
  d.setDate(d.getDate() + n);
  return isoDay(d);
};
/** "Mon 7 Dec 2026", as the page writes a date. */
const longDate = (day) => {
  const d = new Date(`${day}T12:00:00`);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${days[d.getDay()]} ${d.getDate()} ${months[d.getMonth()]} ${d.getFullYear()}`;
};

step('the operator\'s header is one row at 390 px as at 1440 px; a booking to find is made', async () => {
  token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
  assert.equal((await apiJson('/admin/schedule/weeks', { token })).status, 200, 'GET /admin/schedule/weeks answers');

  phone = await actor('operator-phone', PHONE);
  await login(phone, ADMIN_EMAIL, ADMIN_PASSWORD);
  await assertOneRowHeader(phone, HEADER_BUDGET, 'the operator at 390 px');
  await phone.getByRole('button', { name: 'Menu' }).click();
  for (const name of ['Search', 'Dashboard', 'Boarding']) {
    assert.equal(await phone.locator('#site-menu').getByRole('link', { name, exact: true }).isVisible(), true, `${name} is in the menu`);
  }
  await phone.getByRole('button', { name: 'Log out' }).waitFor();
  await shot(phone, '50-operator-menu-phone', { fullPage: false });
  await phone.keyboard.press('Escape');

  admin = await actor('operator', DESKTOP);
  await login(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await assertOneRowHeader(admin, HEADER_BUDGET, 'the operator at 1440 px');
  for (const name of ['Search', 'My tickets', 'Dashboard', 'Boarding']) {
    assert.equal(await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).isVisible(), true);
  }

  // A booking of two seats on next Monday's first trip, made through the API.
  trip = await firstTripFrom(nextMonday());
  assert.ok(trip);
  await apiSignup(buyer);
  const buyerToken = await apiLogin(buyer.email, buyer.password);
  for (const n of [33, 34]) {
    const held = await apiJson(`/bookings/lock-seat/${trip.id}/${n}`, { token: buyerToken, method: 'POST' });
    assert.equal(held.status, 200, `hold seat ${n}: ${JSON.stringify(held.data)}`);
  }
  const booked = await apiJson('/bookings/', {
    token: buyerToken, method: 'POST',
    body: { trip_id: trip.id, seat_numbers: [33, 34], gender: 'Male', age: 44, phone_number: '+91 98450 33333' },
  });
  assert.equal(booked.status, 201, JSON.stringify(booked.data));
  bookingNumber = booked.data.booking_number;
});

step('the schedule upload: a dry run previews the weeks, trips and buses, and names weeks already scheduled', async (t) => {
  await admin.getByRole('link', { name: 'Dashboard' }).click();
  await admin.getByRole('heading', { name: 'Operator dashboard' }).waitFor();
  const weeksTable = admin.getByTestId('weeks-table');
  await weeksTable.waitFor();
  const weeksBefore = (await apiJson('/admin/schedule/weeks', { token })).data;
  assert.equal(await weeksTable.locator('tbody tr').count(), weeksBefore.length, 'every scheduled week is listed');
  for (const w of weeksBefore) {
    const row = weeksTable.locator(`tr[data-week="${w.week_start}"]`);
    assert.match(await row.innerText(), new RegExp(`${longDate(w.week_start)}\\s+${w.trips}\\s+${w.buses}`));
  }

  // Two weeks, previewed: what seatd's own dry run says, and nothing is added.
  await admin.getByLabel('Weeks', { exact: true }).selectOption('2');
  const previewAnswer = admin.waitForResponse((r) => r.url().endsWith('/setup/seed-schedule') && r.request().method() === 'POST');
  await admin.setInputFiles('#schedule-file', SCHEDULE);
  const answer = await (await previewAnswer).json();
  assert.equal(answer.dry_run, true, 'the preview is a dry run');
  assert.equal(answer.weeks.length, 2);
  const preview = admin.getByTestId('preview');
  await preview.waitFor();
  const text = await preview.innerText();
  assert.match(text, /nothing is added until you upload/);
  const total = answer.weeks.reduce((n, w) => n + w.trips, 0);
  assert.match(text, new RegExp(`${total} trips in 2 weeks`));
  for (const w of answer.weeks) assert.match(text, new RegExp(`Week of ${longDate(w.week_start)}: ${w.trips} trips`));
  if (answer.already_scheduled.length) {
    const warning = admin.getByTestId('preview-warning');
    for (const d of answer.already_scheduled) assert.match(await warning.innerText(), new RegExp(longDate(d)));
  } else {
    assert.equal(await admin.getByTestId('preview-warning').count(), 0, 'no warning when no week is taken');
  }
  assert.deepEqual((await apiJson('/admin/schedule/weeks', { token })).data, weeksBefore, 'the dry run added nothing');
  await shotAtWidths(admin, '51-schedule-preview');

  // The weeks already on the calendar are named before anything is uploaded.
  const taken = weeksBefore[weeksBefore.length - 1].week_start;
  const form = new FormData();
  form.append('file', new Blob([await (await import('node:fs/promises')).readFile(SCHEDULE)]), 'schedule.xlsx');
  form.append('weeks', '1');
  form.append('dry_run', 'true');
  const direct = await fetch(`${BASE}/setup/seed-schedule`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  assert.equal(direct.status, 200);
  assert.ok(Array.isArray((await direct.json()).already_scheduled), `seatd says which weeks are taken (the latest is ${taken})`);

  // The real upload of one week: the result once, the button with its icon.
  await admin.getByLabel('Weeks', { exact: true }).selectOption('1');
  await admin.getByTestId('preview').waitFor();
  const button = admin.getByRole('button', { name: 'Upload schedule' });
  await button.click();
  const message = admin.getByTestId('upload-message');
  await message.waitFor();
  assert.equal(await admin.getByTestId('upload-message').count(), 1, 'the result is printed once');
  assert.equal(await admin.getByTestId('preview').count(), 0, 'the preview gives way to the result');
  assert.match(await button.innerHTML(), /<svg/, 'the button keeps its icon');
  const after = (await apiJson('/admin/schedule/weeks', { token })).data;
  assert.equal(after.length, weeksBefore.length + 1, 'one week more');
  await weeksTable.locator(`tr[data-week="${after[after.length - 1].week_start}"]`).waitFor();
  await shot(admin, '52-schedule-uploaded');
});

step('trips and occupancy over a date range, each with a link to its manifest and check-in', async (t) => {
  const from = trip.departure_time.slice(0, 10);
  const to = dayPlus(from, 6);
  const panel = admin.getByTestId('trips');
  await panel.getByLabel('From', { exact: true }).fill(from);
  await panel.getByLabel('To', { exact: true }).fill(to);
  await panel.getByRole('button', { name: 'Show trips' }).click();
  const api = (await apiJson(`/admin/trips?${new URLSearchParams({ from, to })}`, { token })).data;
  const table = admin.getByTestId('trips-table');
  await admin.waitForFunction((n) => document.querySelectorAll('[data-testid="trips-table"] tbody tr').length === n, Math.min(300, api.trips.length));
  const totals = await admin.getByTestId('trips-totals').innerText();
  assert.match(totals, new RegExp(`${api.totals.trips}\\s+trips`));
  assert.match(totals, new RegExp(`${api.totals.booked_seats}/${api.totals.total_seats}\\s+seats sold`));
  const row = table.locator(`tr[data-trip-id="${trip.id}"]`);
  const mine = api.trips.find((x) => x.trip_id === trip.id);
  assert.ok(mine.booked_seats >= 2, 'the booking counts');
  assert.match(await row.innerText(), new RegExp(`${mine.booked_seats}/${mine.total_seats}`));
  await shotAtWidths(admin, '53-trips-occupancy');

  // A range the server would refuse is refused here first.
  await panel.getByLabel('To', { exact: true }).fill(dayPlus(from, -1));
  await panel.getByRole('button', { name: 'Show trips' }).click();
  await panel.getByRole('alert').filter({ hasText: 'before the start date' }).waitFor();
  await panel.getByLabel('To', { exact: true }).fill(dayPlus(from, 70));
  await panel.getByRole('button', { name: 'Show trips' }).click();
  await panel.getByRole('alert').filter({ hasText: 'at most 62 days' }).waitFor();
  await panel.getByLabel('To', { exact: true }).fill(to);
  await panel.getByRole('button', { name: 'Show trips' }).click();
  await row.waitFor();

  // Its manifest: the existing boarding page, on this trip, with the buyer's seats.
  await row.getByRole('link', { name: /Manifest/ }).click();
  await admin.waitForURL(new RegExp(`#/admin/boarding\\?trip=${trip.id}$`));
  await admin.locator('[data-testid="manifest"] tr[data-seat="33"]').filter({ hasText: bookingNumber }).waitFor();
  await admin.goBack();
  await admin.getByRole('heading', { name: 'Operator dashboard' }).waitFor();
});

step('bookings: listed newest first, searched by booking number or e-mail, filtered by status', async (t) => {
  const panel = admin.getByTestId('bookings');
  const table = admin.getByTestId('bookings-table');
  await table.waitFor();
  const all = (await apiJson('/admin/bookings?limit=20&offset=0', { token })).data;
  assert.equal(await table.locator('tbody tr').count(), Math.min(20, all.bookings.length));
  assert.match(await admin.getByTestId('bookings-count').innerText(), new RegExp(`of ${all.total}$`));

  // By booking number (a prefix, in lower case).
  const box = panel.getByLabel('Booking number or e-mail');
  await box.fill(bookingNumber.slice(0, 7).toLowerCase());
  await panel.getByRole('button', { name: 'Find bookings' }).click();
  const row = table.locator(`tr[data-booking="${bookingNumber}"]`);
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /33 and 34/);
  assert.match(text, new RegExp(`${trip.source} → ${trip.destination}`));
  assert.match(text, /confirmed/i);
  const byNumber = (await apiJson(`/admin/bookings?${new URLSearchParams({ q: bookingNumber.slice(0, 7).toLowerCase(), limit: '20' })}`, { token })).data;
  await admin.waitForFunction((n) => document.querySelectorAll('[data-testid="bookings-table"] tbody tr').length === n, byNumber.bookings.length);

  // By e-mail.
  await box.fill(buyer.email);
  await panel.getByRole('button', { name: 'Find bookings' }).click();
  await admin.waitForFunction((b) => {
    const rows = [...document.querySelectorAll('[data-testid="bookings-table"] tbody tr')];
    return rows.length === 1 && rows[0].dataset.booking === b;
  }, bookingNumber);
  await shotAtWidths(admin, '54-bookings-search');
  // Cancelled only: the buyer has none.
  await panel.getByLabel('Status', { exact: true }).selectOption('cancelled');
  await panel.getByRole('button', { name: 'Find bookings' }).click();
  await admin.getByTestId('bookings-none').waitFor();
  // Nothing matches a made-up number.
  await panel.getByLabel('Status', { exact: true }).selectOption('');
  await box.fill('ABC-ZZZZ');
  await panel.getByRole('button', { name: 'Find bookings' }).click();
  await admin.getByTestId('bookings-none').filter({ hasText: 'No booking matches' }).waitFor();
  // The booking's trip links to its manifest.
  await box.fill(bookingNumber);
  await panel.getByRole('button', { name: 'Find bookings' }).click();
  await row.getByRole('link').click();
  await admin.waitForURL(new RegExp(`#/admin/boarding\\?trip=${trip.id}$`));
});

step('the whole dashboard at phone and desktop widths', async (t) => {
  await phone.goto(`${BASE}/#/admin`);
  await phone.getByTestId('trips-table').waitFor();
  await phone.getByTestId('bookings-table').waitFor();
  await phone.getByTestId('weeks-table').waitFor();
  await assertOneRowHeader(phone, HEADER_BUDGET, 'the dashboard at 390 px');
  await shotAtWidths(phone, '55-dashboard');
});
