// Uses the gateway's API reference (/docs) the way an operator does, in Debian's headless Chromium through
// playwright-core: waits until the reference shows our operations, reads which of the viewer vendor's offers are on the
// page, opens one operation's "Test Request", enters the API key, sends it, and records the request the browser sent
// (method, Authorization header, body) and the status the page shows.
//
// stdin: { "url": "http://127.0.0.1:port/docs", "apiKey": "rxc_…", "operation": "Create a tenant (create-or-return)",
//          "path": "/api/v1/tenants", "forbidden": ["Ask AI", …], "screenshot": "/path.png", "chromium": "/usr/bin/chromium" }
// stdout: { "forbiddenShown": [...], "request": { "method", "authorization", "body" }, "status": <number> }
import { readFileSync } from 'node:fs';
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

  const operation = page.getByText(input.operation, { exact: true }).first();
  await operation.waitFor({ timeout: deadlineMs });
  const text = await page.locator('body').innerText();
  const forbiddenShown = (input.forbidden ?? []).filter(word => text.includes(word));

  await operation.click();
  const section = page.locator('section, .section', { hasText: input.operation }).filter({ has: page.getByRole('button', { name: /Test Request/ }) }).last();
  await section.getByRole('button', { name: /Test Request/ }).first().click({ timeout: deadlineMs });
  const token = page.getByPlaceholder(/token/i).first();
  await token.waitFor({ timeout: deadlineMs });
  await token.fill(input.apiKey);
  await page.getByRole('button', { name: /^Send/ }).first().click({ timeout: deadlineMs });
  const status = page.getByText(/^(200|201|202|4\d\d|5\d\d)\b/).first();
  await status.waitFor({ timeout: deadlineMs });
  await page.screenshot({ path: input.screenshot, fullPage: false });
  process.stdout.write(JSON.stringify({ forbiddenShown, outside, request: sent ?? null, status: Number.parseInt((await status.innerText()).slice(0, 3), 10) }));
} catch (error) {
  const shown = page ? await page.locator('body').innerText({ timeout: 1000 }).catch(() => '(nothing shown)') : '';
  if (page) {
    await page.screenshot({ path: input.screenshot.replace(/\.png$/, '.failed.png'), fullPage: true }).catch(() => {});
  }
  console.error(`${error.message}\n--- the page showed ---\n${shown.slice(0, 4000)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
