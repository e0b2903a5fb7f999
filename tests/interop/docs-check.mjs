// Uses the gateway's API reference (/docs) the way an operator does, in Debian's headless Chromium through
// playwright-core: waits until the reference shows our operations, reads which of the viewer vendor's offers are on the
// page, opens one operation's "Test Request", enters the API key, sends it, and records the request the browser sent
// (method, Authorization header, body) and the status the page shows.
//
// stdin: { "url": "http://127.0.0.1:port/docs", "apiKey": "rxc_…", "tag": "operator", "operation": "Create a tenant (create-or-return)",
//          "sectionId": "tag/operator/POST/api/v1/tenants", "path": "/api/v1/tenants", "forbidden": ["Ask AI", …],
//          "screenshot": "/path.png", "chromium": "/usr/bin/chromium" }
// stdout: { "forbiddenShown": [...], "request": { "method", "authorization", "body" }, "status": <number> }
import { readFileSync } from 'node:fs';
import { leaveEvidence } from './page-evidence.mjs';
import { chromium } from 'playwright-core';

const input = JSON.parse(readFileSync(0, 'utf8'));
const executablePath = input.chromium ?? '/usr/bin/chromium';
const deadlineMs = 30_000;

let browser;
try {
  browser = await chromium.launch({ executablePath, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
} catch (error) {
  console.error(`cannot start Chromium at ${executablePath}: ${error.message}\ninstall it with: apt-get install chromium`);
  process.exit(3);
}

let page;
const outside = [];
try {
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  let sent;
  let answered;
  page.on('request', request => {
    const url = new URL(request.url());
    if (url.origin !== new URL(input.url).origin && !url.protocol.startsWith('data') && !url.protocol.startsWith('blob')) {
      outside.push(request.url());
    }
    if (url.pathname === input.path && request.method() !== 'OPTIONS' && request.method() !== 'GET') {
      sent = { method: request.method(), authorization: request.headers()['authorization'] ?? null, body: request.postData() ?? null };
    }
  });

  const response = await page.goto(input.url, { timeout: deadlineMs });
  if (!response || response.status() !== 200) {
    throw new Error(`the reference answered ${response?.status()}`);
  }

  // The operator's way there: open the operation's group in the sidebar, then the operation.
  await page.getByText(input.tag, { exact: true }).first().click({ timeout: deadlineMs });
  const link = page.getByText(input.operation, { exact: true }).first();
  await link.waitFor({ timeout: deadlineMs });
  const text = await page.locator('body').innerText();
  const forbiddenShown = (input.forbidden ?? []).filter(word => text.includes(word));
  await link.click();

  const section = page.locator(`[id="${input.sectionId}"]`).first();
  await section.waitFor({ timeout: deadlineMs });
  await section.getByRole('button', { name: /Test Request/ }).first().click({ timeout: deadlineMs });
  const token = page.getByPlaceholder(/token/i).first();
  await token.waitFor({ timeout: deadlineMs });
  await token.fill(input.apiKey);
  // The gateway's answer as the browser got it (then shown in the response pane).
  const answer = page.waitForResponse(r => new URL(r.url()).pathname === input.path && r.request().method() === 'POST', { timeout: deadlineMs });
  await page.getByRole('button', { name: /^Send/ }).first().click({ timeout: deadlineMs });
  answered = (await answer).status();
  await page.getByText(String(answered)).first().waitFor({ timeout: deadlineMs }).catch(() => {});
  await page.screenshot({ path: input.screenshot, fullPage: false });
  const credit = await page.getByText('Powered by').first().evaluate(e => e.closest('a')?.outerHTML ?? e.outerHTML).catch(() => null);
  process.stdout.write(JSON.stringify({ forbiddenShown, outside, credit, request: sent ?? null, status: answered }));
} catch (error) {
  const shown = page ? await page.locator('body').innerText({ timeout: 1000 }).catch(() => '(nothing shown)') : '';
  const buttons = page ? await page.getByRole('button').evaluateAll(all => all.map(b => (b.getAttribute('aria-label') || b.innerText || '').trim()).filter(Boolean)).catch(() => []) : [];
  const ids = page ? await page.locator('[id*="tenants"]').evaluateAll(all => all.map(e => e.id)).catch(() => []) : [];
  const credit = page ? await page.getByText('Powered by').first().evaluate(e => e.closest('a')?.outerHTML ?? e.outerHTML).catch(() => null) : null;
  console.error(`buttons: ${JSON.stringify(buttons.slice(0, 80))}\nids: ${JSON.stringify(ids.slice(0, 40))}\ncredit: ${credit}`);
  await leaveEvidence(page, input.screenshot.replace(/\.png$/, '.failed.png'), error, shown);
} finally {
  await browser.close();
}
