// Drives the Orleans Dashboard the way an SRE does, in Debian's headless Chromium through playwright-core:
// logs in (HTTP Basic), opens Grain Details, picks the grain type, types the grain id, asks for its state,
// waits until every expected text is on the page, and saves a screenshot.
//
// stdin: { "url": "http://127.0.0.1:port/dashboard/", "username": "...", "password": "...",
//          "grainType": "SensorGrain", "grainId": "s:t/s", "expect": ["..."], "screenshot": "/path.png",
//          "chromium": "/usr/bin/chromium" (optional) }
// stdout: { "grainType": "<the option chosen>", "state": "<the text the dashboard showed>" }
import { readFileSync } from 'node:fs';
import { leaveEvidence } from './page-evidence.mjs';
import { chromium } from 'playwright-core';

const input = JSON.parse(readFileSync(0, 'utf8'));
const executablePath = input.chromium ?? '/usr/bin/chromium';
const deadlineMs = 30_000;

let browser;
try {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    // Root in CI has no user namespace sandbox to give Chromium.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
} catch (error) {
  console.error(`cannot start Chromium at ${executablePath}: ${error.message}\ninstall it with: apt-get install chromium`);
  process.exit(3);
}

let page;
try {
  const context = await browser.newContext({
    httpCredentials: { username: input.username, password: input.password },
    viewport: { width: 1400, height: 900 },
  });
  page = await context.newPage();
  const response = await page.goto(new URL('#/grainDetails', input.url).toString(), { timeout: deadlineMs });
  if (!response || response.status() !== 200) {
    throw new Error(`dashboard answered ${response?.status()} to the logged-in browser`);
  }

  const select = page.locator('select.form-control');
  await select.waitFor({ timeout: deadlineMs });
  // The grain types arrive with the dashboard's first poll; wait for ours to be offered.
  const option = page.locator('select.form-control option', { hasText: input.grainType }).first();
  await option.waitFor({ state: 'attached', timeout: deadlineMs });
  const grainType = await option.getAttribute('value');
  await select.selectOption(grainType);
  await page.getByPlaceholder('Grain Id').fill(input.grainId);
  await page.locator('input[value="Show Details"]').click();

  const state = page.locator('pre');
  for (const text of input.expect ?? []) {
    await state.filter({ hasText: text }).first().waitFor({ timeout: deadlineMs });
  }
  await page.screenshot({ path: input.screenshot, fullPage: true });
  process.stdout.write(JSON.stringify({ grainType, state: await state.first().innerText() }));
} catch (error) {
  const shown = page ? await page.locator('pre').first().innerText({ timeout: 1000 }).catch(() => '(no state shown)') : '';
  await leaveEvidence(page, input.screenshot.replace(/\.png$/, '.failed.png'), error, shown);
} finally {
  await browser.close();
}
