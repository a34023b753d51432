// /docs, the API's interactive documentation: Swagger UI, served by seatd from its web root
// (scripts/docs-ui.sh copies it there; no CDN), under the same strict CSP as the UI
// (script-src 'self', style-src 'self': no inline script). Every operation of /openapi.json is
// shown, nothing is fetched from elsewhere, and the browser reports no CSP violation.

import assert from 'node:assert/strict';
import path from 'node:path';
import { BASE, SHOTS, useBrowser, actor, step } from './support.mjs';

useBrowser();

step('/docs renders every operation of /openapi.json under the UI\'s CSP, with no violation', async () => {
  const page = await actor('reader', { width: 1440, height: 900 }, async (context) => {
    // Recorded from the first script on (the init script itself is not subject to the CSP).
    await context.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.cspViolations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
      });
    });
  });
  const elsewhere = [];
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(BASE) && !url.startsWith('data:')) elsewhere.push(url);
  });
  const res = await page.goto(`${BASE}/docs`);
  const csp = res.headers()['content-security-policy'] || '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /style-src 'self'/);

  const doc = await (await fetch(`${BASE}/openapi.json`)).json();
  const operations = Object.values(doc.paths).flatMap((item) => Object.keys(item));
  await page.waitForFunction((n) => document.querySelectorAll('.opblock').length === n, operations.length, { timeout: 15000 });
  assert.equal(await page.locator('.info .title').first().textContent().then((t) => t.includes('seatd')), true);
  // One operation opened, as a reader would: its parameters and responses show.
  const search = page.locator('.opblock-get', { hasText: '/trips/search' }).first();
  await search.locator('.opblock-summary').first().click();
  await search.locator('.parameters').first().waitFor();
  await search.locator('.responses-table').first().waitFor();

  assert.deepEqual(await page.evaluate(() => window.cspViolations), [], 'no CSP violation');
  assert.deepEqual(elsewhere, [], 'nothing fetched from another origin');
  await page.screenshot({ path: path.join(SHOTS, 'api-docs-1440.png'), fullPage: true });
});
