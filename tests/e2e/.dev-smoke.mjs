// dev-only smoke script (not committed)
import { chromium } from 'playwright-core';
const BASE = 'http://127.0.0.1:18931';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const pages = process.argv.slice(2);
for (const spec of pages) {
  const [hash, w, login] = spec.split('|');
  const ctx = await browser.newContext({ viewport: { width: Number(w), height: Number(w) < 600 ? 844 : 900 }, locale: 'en-IN' });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[${spec}] console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => console.log(`[${spec}] pageerror: ${e.message}`));
  if (login) {
    const [email, pw] = login.split(':');
    const res = await fetch(`${BASE}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: pw }) });
    const tok = (await res.json()).access_token;
    await ctx.addInitScript((t) => localStorage.setItem('seatd.token', t), tok);
  }
  await page.goto(`${BASE}/${hash}`);
  await page.waitForTimeout(1200);
  const hh = await page.evaluate(() => document.querySelector('.site-header').getBoundingClientRect().height);
  const name = `${hash.replace(/[^a-z0-9]+/gi, '_')}-${w}`;
  await page.screenshot({ path: `/tmp/h3dev/shots/${name}.png`, fullPage: true });
  console.log(`${name}: header ${hh}px`);
  await ctx.close();
}
await browser.close();
