// DEV-ONLY rendering check with the i14-api shapes faked by page.route (not committed)
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const axeSource = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const BASE = 'http://127.0.0.1:18931';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const res = await fetch(`${BASE}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'admin@dev.test', password: 'adminpass1' }) });
const tok = (await res.json()).access_token;
const json = (route, body) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
async function fakes(ctx) {
  await ctx.route(/\/trips\/routes/, (r) => {
    const src = new URL(r.request().url()).searchParams.get('source');
    const all = [
      { source: 'Madurai', destination: 'Chennai', next_date: '2026-12-05', trips: 21 },
      { source: 'Chennai', destination: 'Tirunelveli', next_date: '2026-12-05', trips: 21 },
      { source: 'Tenkasi', destination: 'Chennai', next_date: '2026-12-11', trips: 2 },
      { source: 'Madurai', destination: 'Bangalore', next_date: '2026-12-05', trips: 21 },
    ];
    return json(r, src ? all.filter((x) => x.source.toLowerCase() === src.toLowerCase()) : all);
  });
  await ctx.route(/\/trips\/calendar/, (r) => {
    const u = new URL(r.request().url()).searchParams;
    const days = [];
    const d = new Date(`${u.get('from')}T12:00`);
    for (let i = 0; i < Number(u.get('days')); i++) {
      const iso = d.toISOString().slice(0, 10);
      const n = u.get('source') === 'Tenkasi' ? (d.getDay() === 5 ? 2 : 0) : 3;
      days.push({ date: iso, trips: n, lowest_fare: n ? 750 : null, past: false });
      d.setDate(d.getDate() + 1);
    }
    return json(r, { source: u.get('source'), destination: u.get('destination'), days });
  });
  await ctx.route(/\/admin\/schedule\/weeks/, (r) => json(r, [
    { week_start: '2026-11-30', trips: 200, buses: 30, first_departure: '2026-11-30T00:00:00', last_departure: '2026-12-06T23:00:00', departed: 120 },
    { week_start: '2026-12-07', trips: 200, buses: 30, first_departure: '2026-12-07T00:00:00', last_departure: '2026-12-13T23:00:00', departed: 0 }]));
  await ctx.route(/\/admin\/trips\?/, (r) => json(r, { from: '2026-12-05', to: '2026-12-11', trips: [
    { trip_id: 201, departure_time: '2026-12-05T06:00:00', source: 'Madurai', destination: 'Chennai', bus_name: 'Bus 15', bus_type: 'AC', operator: 'ABC TRAVELS', total_seats: 40, booked_seats: 12, held_seats: 2, revenue: 9000, departed: true },
    { trip_id: 202, departure_time: '2026-12-05T18:00:00', source: 'Madurai', destination: 'Chennai', bus_name: 'Bus 16', bus_type: 'Non-AC', operator: 'ABC TRAVELS', total_seats: 40, booked_seats: 33, held_seats: 0, revenue: 24750, departed: false }],
    totals: { trips: 2, total_seats: 80, booked_seats: 45, revenue: 33750, occupancy: 56.25 } }));
  await ctx.route(/\/admin\/bookings\?/, (r) => json(r, { total: 41, bookings: [
    { booking_number: 'ABC-1A2B3C', status: 'confirmed', created_at: '2026-12-05T09:12:00', seats: [7, 8], total_price: 1500, user_email: 'asha@example.com', trip: { trip_id: 202, source: 'Madurai', destination: 'Chennai', departure_time: '2026-12-05T18:00:00', bus_name: 'Bus 16' }, boarded: false },
    { booking_number: 'ABC-FFEE01', status: 'cancelled', created_at: '2026-12-04T19:40:00', seats: [3], total_price: 750, user_email: 'bala.very.long.address@example.com', trip: { trip_id: 201, source: 'Madurai', destination: 'Chennai', departure_time: '2026-12-05T06:00:00', bus_name: 'Bus 15' }, boarded: true }] }));
  await ctx.route(/\/setup\/seed-schedule/, (r) => {
    const body = r.request().postData() || '';
    if (!body.includes('dry_run')) return r.continue();
    return json(r, { status: 'success', message: 'Would import 400 trips', trips_created: 400, buses_created: 0, week_start: '2026-12-07', dry_run: true,
      weeks: [{ week_start: '2026-12-07', trips: 200 }, { week_start: '2026-12-14', trips: 200 }], already_scheduled: ['2026-12-07'] });
  });
}
for (const [hash, w, who, act] of [
  ['#/', 390], ['#/search?from=Madurai&to=Chennai&date=2026-12-07', 390], ['#/search?from=Madurai&to=Chennai&date=2026-12-07', 1440],
  ['#/search?from=Tenkasi&to=Chennai&date=2026-12-07', 390], ['#/search?from=Tenkasi&to=Chennai&date=2026-12-07', 1440],
  ['#/admin', 390, 'admin', 'preview'], ['#/admin', 1440, 'admin', 'preview']]) {
  const ctx = await browser.newContext({ viewport: { width: w, height: w < 600 ? 844 : 900 }, locale: 'en-IN' });
  await fakes(ctx);
  if (who) await ctx.addInitScript((t) => localStorage.setItem('seatd.token', t), tok);
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[${hash} ${w}] ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => console.log(`[${hash} ${w}] pageerror: ${e.message}`));
  await page.goto(`${BASE}/${hash}`);
  await page.waitForTimeout(1000);
  if (act === 'preview') {
    await page.getByLabel('Weeks', { exact: true }).selectOption('2');
    await page.setInputFiles('#schedule-file', '/work/wt-shell/data/abctravels_schedule.xlsx');
    await page.waitForTimeout(800);
  }
  const name = `${hash.replace(/[^a-z0-9]+/gi, '_')}-${w}`;
  await page.screenshot({ path: `/tmp/h3dev/shots/fake${name}.png`, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) console.log(await page.evaluate(`(${(await import('node:fs')).readFileSync('/tmp/h3dev/wide.js','utf8')})()`));
  console.log(name, 'overflow', overflow);
  const v = await page.evaluate(async (source) => { (0, eval)(source); const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] }); return r.violations.map((x) => `${x.id}: ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`); }, axeSource);
  console.log('  axe', v);
  await ctx.close();
}
await browser.close();
