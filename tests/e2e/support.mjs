// What every e2e story file shares: the environment scripts/e2e.sh sets, one Chromium per file,
// actors (a browser context and page each), steps that stop the story at the first failure,
// screenshots at phone and desktop widths, and an axe-core accessibility check of every page a
// screenshot is taken of.
//
// Environment: SEATD_BASE_URL, SEATD_ADMIN_EMAIL, SEATD_ADMIN_PASSWORD, SEATD_HOLD_TTL,
// SEATD_SCHEDULE, SEATD_SCREENSHOTS, SEATD_E2E_CHROMIUM.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.SEATD_BASE_URL;
export const ADMIN_EMAIL = process.env.SEATD_ADMIN_EMAIL;
export const ADMIN_PASSWORD = process.env.SEATD_ADMIN_PASSWORD;
export const HOLD_TTL_MS = Number(process.env.SEATD_HOLD_TTL || 3) * 1000;
export const SCHEDULE = process.env.SEATD_SCHEDULE;
export const SHOTS = process.env.SEATD_SCREENSHOTS || path.resolve('../../test-results/e2e/screenshots');
const CHROMIUM = process.env.SEATD_E2E_CHROMIUM || '/usr/bin/chromium';

if (!BASE || !ADMIN_EMAIL || !ADMIN_PASSWORD || !SCHEDULE) {
  throw new Error('run through scripts/e2e.sh (SEATD_BASE_URL, SEATD_ADMIN_EMAIL, SEATD_ADMIN_PASSWORD, SEATD_SCHEDULE are needed)');
}
mkdirSync(SHOTS, { recursive: true });

export const LIVE_WITHIN_MS = 1000; // "B sees it within a second"
export const run = `${Date.now().toString(36)}`;

let browser;
export const actors = {}; // name -> {context, page}
export const problems = []; // console errors and page errors, from every page
export const allowed = []; // [{pattern, left}] console errors a step expects (e.g. a refused upload)
let failed = false;

// axe-core's source, evaluated in the page (page.evaluate is not subject to the page's CSP, a
// <script> tag would be).
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

function watch(page, who) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const ok = allowed.find((a) => a.left > 0 && a.pattern.test(text));
    if (ok) { ok.left -= 1; return; }
    problems.push(`${who}: console error: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`${who}: page error: ${err.message}`));
}

/** Starts this file's Chromium before its first step and closes it after the last. */
export function useBrowser() {
  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // A camera for the boarding page's scanner: Chromium's test pattern, no permission prompt.
        '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
  });
  after(async () => {
    if (browser) await browser.close();
  });
}

export async function actor(name, viewport, setup) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'en-IN', timezoneId: process.env.TZ || undefined });
  if (setup) await setup(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  watch(page, name);
  actors[name] = { context, page };
  return page;
}

/** axe-core on the page as it is now (WCAG 2.x A and AA rules and axe's best practices):
 *  zero violations, or the assertion lists each with the elements it names. */
export async function checkA11y(page, name) {
  const violations = await page.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
  }, axeSource);
  assert.deepEqual(violations, [], `axe-core finds no violations on ${name}`);
}

export async function shot(page, name, options = {}) {
  // Let transitions and toasts settle so the picture shows the page as a person sees it.
  await page.waitForTimeout(150);
  // Toasts are fixed to the viewport: a full-page picture would show them mid-page.
  if (options.fullPage !== false) await page.evaluate(() => document.getElementById('toasts').replaceChildren());
  const { a11y = true, ...pictureOptions } = options;
  if (a11y) await checkA11y(page, name);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true, ...pictureOptions });
}

/** The page at a phone's width and a wide desktop's (NAME-390.png, NAME-1440.png); neither
 *  may be wider than the screen. */
export async function shotAtWidths(page, name) {
  const original = page.viewportSize();
  for (const width of [390, 1440]) {
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
    await page.waitForTimeout(100);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} fits a ${width} px screen (overflows by ${overflow} px)`);
    await shot(page, `${name}-${width}`);
  }
  await page.setViewportSize(original);
}

/** Expects a console error (a refused request the page shows in words), once. */
export function expectConsoleError(pattern) {
  allowed.push({ pattern, left: 1 });
}

/** One step of the story; later steps are skipped once one fails. */
export function step(name, fn) {
  test(name, async (t) => {
    if (failed) { t.skip('an earlier step failed'); return; }
    try {
      await fn(t);
      assert.deepEqual(problems, [], 'no console errors or page errors');
    } catch (err) {
      failed = true;
      for (const [who, a] of Object.entries(actors)) {
        try { await a.page.screenshot({ path: path.join(SHOTS, `FAILED-${who}.png`), fullPage: true }); } catch { /* closed */ }
      }
      throw err;
    }
  });
}

export const seat = (page, n) => page.locator(`button.seat[data-seat="${n}"]`);

export async function seatState(page, n, state, timeout = 5000) {
  await page.waitForSelector(`button.seat[data-seat="${n}"][data-state="${state}"]`, { timeout });
}

export async function waitLive(page) {
  await page.waitForSelector('[data-testid="live-status"].live-status--live');
}

export async function login(page, email, password) {
  await page.goto(`${BASE}/#/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForSelector('[data-testid="current-user"]');
}

export async function logout(page) {
  await page.evaluate(() => document.getElementById('toasts').replaceChildren()); // old toasts
  // On a phone, Log out is in the header's menu.
  const button = page.getByRole('button', { name: 'Log out' });
  if (!(await button.isVisible())) await page.getByRole('button', { name: 'Menu' }).click();
  await button.click();
  // The toast shows as the app navigates home: from here on a new navigation wins.
  await page.locator('.toast').filter({ hasText: 'You are logged out' }).waitFor();
}

/** "YYYY-MM-DD" of a Date in local time (seatd runs in the same zone). */
export function isoDay(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Next week's Monday, "YYYY-MM-DD" in local time. */
export function nextMonday() {
  const d = new Date();
  d.setHours(12, 0, 0, 0);
  d.setDate(d.getDate() + ((8 - d.getDay()) % 7 || 7)); // getDay: Sunday 0, Monday 1
  return isoDay(d);
}

/** The first trip departing on `day` (YYYY-MM-DD) or later (trip ids are dense from 1). */
export async function firstTripFrom(day) {
  let misses = 0;
  for (let id = 1; misses < 5 && id < 2000; id += 1) {
    const res = await fetch(`${BASE}/trips/${id}`, { headers: { Accept: 'application/json' } });
    if (res.status === 404) { misses += 1; continue; }
    misses = 0;
    const trip = await res.json();
    if (trip.departure_time.slice(0, 10) >= day) return trip;
  }
  return null;
}

/** Next week's timetable, uploaded when this file runs without 01-journey (whose two uploads
 *  leave the current week and the next). */
export async function ensureNextWeek() {
  if (await firstTripFrom(nextMonday())) return;
  const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
  const form = new FormData();
  form.append('file', new Blob([readFileSync(SCHEDULE)]), path.basename(SCHEDULE));
  form.append('weeks', '2');
  const res = await fetch(`${BASE}/setup/seed-schedule`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  assert.equal(res.status, 200, `schedule upload: ${await res.text()}`);
}

/** The first trip departing on `day` or later whose seat list `fits` and on which nobody has
 *  booked or holds a seat (each file books on trips of its own choosing): { trip, seats }. */
export async function untouchedTripFrom(day, fits) {
  const first = await firstTripFrom(day);
  assert.ok(first, `a trip on ${day} or later`);
  for (let id = first.id; id < first.id + 200; id += 1) {
    const res = await fetch(`${BASE}/trips/${id}/seats`, { headers: { Accept: 'application/json' } });
    if (res.status !== 200) continue;
    const seats = await res.json();
    if (fits(seats) && seats.every((x) => !x.is_booked && !x.is_locked)) {
      const trip = await (await fetch(`${BASE}/trips/${id}`, { headers: { Accept: 'application/json' } })).json();
      return { trip, seats };
    }
  }
  assert.fail(`a trip with every seat free from trip ${first.id} on`);
}

/** A token for `email` through the API (for setting up what a step does not show). */
export async function apiLogin(email, password) {
  const res = await fetch(`${BASE}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(res.status, 200, `log in ${email}`);
  return (await res.json()).access_token;
}

/** A traveller account through the API (the sign-up page is exercised by 01-journey). */
export async function apiSignup(user) {
  const res = await fetch(`${BASE}/auth/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user.name, email: user.email, password: user.password }),
  });
  assert.ok(res.ok, `sign up ${user.email}: status ${res.status}`);
  const body = await res.json();
  assert.equal(body.success, true, `sign up ${user.email}: ${JSON.stringify(body)}`);
}

/** GET (or another method) on the API as JSON, with an optional bearer token. */
export async function apiJson(pathAndQuery, { token, method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${BASE}${pathAndQuery}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  return { status: res.status, data };
}

/** The site header's height and what stands in its row (visible items only). */
export async function headerRow(page) {
  return page.evaluate(() => {
    const header = document.querySelector('.site-header');
    const inner = document.querySelector('.site-header__inner');
    const box = inner.getBoundingClientRect();
    const items = [...inner.querySelectorAll('.brand, .site-nav > *, .site-nav__menu > *')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && !el.classList.contains('site-nav__menu') && !el.closest('.site-nav.is-open .site-nav__menu');
      })
      .map((el) => {
        const r = el.getBoundingClientRect();
        return { text: (el.getAttribute('aria-label') || el.textContent || '').trim(), top: r.top, bottom: r.bottom };
      });
    return { height: header.getBoundingClientRect().height, rowTop: box.top, rowBottom: box.bottom, items };
  });
}

/** Asserts the header is one row of at most `budget` px. */
export async function assertOneRowHeader(page, budget, who) {
  const row = await headerRow(page);
  assert.ok(row.height <= budget, `${who}: the header is ${row.height} px high (budget ${budget} px)`);
  for (const item of row.items) {
    assert.ok(item.top >= row.rowTop - 0.5 && item.bottom <= row.rowBottom + 0.5, `${who}: "${item.text}" stands in the header's one row`);
  }
  return row;
}

/** Rectangles (from getBoundingClientRect or boundingBox) that share any area. */
export function overlap(a, b) {
  const ar = { left: a.x ?? a.left, top: a.y ?? a.top, right: (a.x ?? a.left) + a.width, bottom: (a.y ?? a.top) + a.height };
  const br = { left: b.x ?? b.left, top: b.y ?? b.top, right: (b.x ?? b.left) + b.width, bottom: (b.y ?? b.top) + b.height };
  return ar.left < br.right && br.left < ar.right && ar.top < br.bottom && br.top < ar.bottom;
}
