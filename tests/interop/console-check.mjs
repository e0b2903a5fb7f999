// Drives the operator console the way operators do, in Debian's headless Chromium through playwright-core, against
// the real gateway, silo, nats-server and agent processes. Checks every page with axe (no serious or critical
// violation) and saves a screenshot of each to the artifacts folder.
//
// stdin: { "url": "http://127.0.0.1:port/", "admin": {"user","password"}, "reader": {...}, "scoped": {"user","password","tenant"},
//          "tenant": "acme", "sensor": "edge-1", "otherTenant": "...", "otherSensor": "...",
//          "agent": "/path/ravenxcope-sensor", "suricataArguments": ["--suricata-config", "..."], "stateDir": "...",
//          "artifacts": "/path", "chromium": "/usr/bin/chromium" }
// stdout: { "steps": [...], "axe": { page: [violations] }, "serials": [before, after], "forgedStatus": 403, ... }
import { readFileSync } from 'node:fs';
import { leaveEvidence } from './page-evidence.mjs';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const input = JSON.parse(readFileSync(0, 'utf8'));
const wait = 60_000;
const result = { steps: [], axe: {}, overflow: {}, screenshots: [] };
const children = [];
const step = (name) => { result.steps.push(name); process.stderr.write(`step: ${name}\n`); };
const url = (path) => new URL(path, input.url).toString();

let browser;
try {
  browser = await chromium.launch({ executablePath: input.chromium ?? '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
} catch (error) {
  console.error(`cannot start Chromium: ${error.message}\ninstall it with: apt-get install chromium`);
  process.exit(3);
}

async function check(page, name) {
  const axe = await new AxeBuilder({ page }).analyze();
  result.axe[name] = axe.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join('; ')})`);
  // Pixels the page is wider than the window: a long id in a table must wrap, not push the page sideways.
  result.overflow[name] = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const path = `${input.artifacts}/console-${name}.png`;
  await page.screenshot({ path, fullPage: true });
  result.screenshots.push(path);
}

async function signIn(context, who) {
  const page = await context.newPage();
  page.on('console', m => { if (m.type() === 'error') process.stderr.write(`browser console (${who.user}): ${m.text()}\n`); });
  page.on('requestfailed', r => process.stderr.write(`request failed (${who.user}): ${r.url()} ${r.failure()?.errorText}\n`));
  await page.goto(url('/'));
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('User name').fill(who.user);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(u => !u.pathname.startsWith('/sign-in'), { timeout: wait });
  return page;
}

function run(args, env = {}) {
  const child = spawn(input.agent, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', d => { output += d; });
  child.stderr.on('data', d => { output += d; });
  children.push(child);
  return { child, output: () => output, exited: new Promise(resolve => child.on('exit', code => resolve(code))) };
}

const field = (page, name) => page.locator(`[data-field="${name}"]`).first();
async function expectField(page, name, text) {
  await page.locator(`[data-field="${name}"]`, { hasText: new RegExp(`^${text}$`) }).first().waitFor({ timeout: wait });
}

let page;
try {
  // Sign-in without the antiforgery token is refused before any password is looked at.
  const bare = await browser.newContext();
  const forgedSignIn = await bare.request.post(url('/sign-in'), { form: { _handler: 'sign-in', User: input.admin.user, Password: input.admin.password }, maxRedirects: 0 });
  result.signInWithoutAntiforgery = forgedSignIn.status();
  const signInPage = await bare.newPage();
  await signInPage.goto(url('/sign-in'));
  await check(signInPage, 'sign-in');
  await bare.close();
  step('sign-in without antiforgery refused');

  const admin = await browser.newContext({ viewport: { width: 1366, height: 850 } });
  page = await signIn(admin, input.admin);
  step('admin signed in');

  await page.goto(url('/tenants'));
  await page.getByLabel('Tenant id').fill(input.tenant);
  await page.getByLabel('Name').fill('Acme');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('status').filter({ hasText: `Tenant ${input.tenant} created` }).waitFor({ timeout: wait });
  await check(page, 'tenants');
  step('tenant created');

  await page.goto(url(`/tenants/${input.tenant}/sensors`));
  await page.getByLabel('Sensor id').fill(input.sensor);
  await page.getByLabel('Name', { exact: true }).fill('Edge 1');
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await page.waitForURL(new RegExp(`/sensors/${input.sensor}`));
  step('sensor registered');

  await page.getByRole('button', { name: 'Create claim code', exact: true }).click();
  const join = (await page.locator('#join-command').innerText()).trim();
  result.joinCommand = join.replace(/rxc_[A-Za-z0-9_-]+/, 'rxc_…');
  await check(page, 'claim-code');
  step('claim code shown');

  // The host runs the command as shown (the code alone pins the CA: no CA file), with this run's agent binary and
  // state folder in place of the installed ones.
  const words = join.split(/\s+/);
  if (words[0] !== 'ravenxcope-sensor' || words[1] !== 'enroll' || words.includes('--ca-file')) throw new Error(`unexpected join command: ${result.joinCommand}`);
  const args = [...words.slice(1), '--state-dir', input.stateDir];
  const enroll = run(args);
  const enrollExit = await enroll.exited;
  if (enrollExit !== 0) throw new Error(`enroll exited ${enrollExit}: ${enroll.output()}`);
  step('agent enrolled with the shown command');

  // The list is open before the agent runs: the sensor turns online in it without a reload.
  await page.goto(url(`/tenants/${input.tenant}/sensors`));
  const row = page.locator(`tr[data-sensor="${input.sensor}"]`);
  await row.waitFor({ timeout: wait });
  const agent = run(['run', '--state-dir', input.stateDir, '--status-interval', '1', ...input.suricataArguments]);
  await row.locator('[data-field="liveness"]', { hasText: /^online$/ }).waitFor({ timeout: wait });
  result.navigationsWhileWaiting = await page.evaluate(() => performance.getEntriesByType('navigation').length);
  await check(page, 'sensors');
  step('sensor online in the list without a reload');

  await page.goto(url(`/tenants/${input.tenant}/sensors/${input.sensor}`));
  await page.getByRole('button', { name: 'Start Suricata', exact: true }).click();
  await expectField(page, 'suricata', 'running');
  await expectField(page, 'suricata-desired', 'running');
  // Suricata's own counters, read from its socket by the agent, reach the page.
  await field(page, 'packets').waitFor({ timeout: wait });
  result.suricataPackets = (await field(page, 'packets').innerText()).trim();
  step('Suricata running');

  const before = (await field(page, 'serial').innerText()).trim();
  await page.getByRole('button', { name: 'Trigger renewal', exact: true }).click();
  await page.locator('[data-field="serial"]').filter({ hasNotText: before }).first().waitFor({ timeout: wait });
  result.serials = [before, (await field(page, 'serial').innerText()).trim()];
  // The replaced certificate stays accepted for the overlap, and the page says so.
  await expectField(page, 'previous-serial', before);
  result.renewal = (await field(page, 'renewal').innerText()).trim();
  step('renewed: new serial');

  await page.getByRole('button', { name: 'Stop Suricata', exact: true }).click();
  await expectField(page, 'suricata', 'stopped');
  await check(page, 'sensor');
  step('Suricata stopped');

  await page.getByRole('button', { name: 'Disable', exact: true }).click();
  await expectField(page, 'lifecycle', 'disabled');
  await page.getByRole('button', { name: 'Enable', exact: true }).click();
  await expectField(page, 'lifecycle', 'enrolled');
  step('disabled and enabled');

  await page.getByRole('button', { name: 'Revoke…', exact: true }).click();
  await page.getByLabel(/Type the sensor id/).fill(input.sensor);
  await check(page, 'revoke-confirmation');
  await page.getByRole('button', { name: `Revoke ${input.sensor}`, exact: true }).click();
  await expectField(page, 'lifecycle', 'revoked');
  await page.getByRole('button', { name: 'New claim code', exact: true }).waitFor({ timeout: wait });
  // The revoked agent stops by itself; its exit code is checked by the caller (a deadline, not a wait for time).
  result.agentExit = await Promise.race([agent.exited, new Promise(r => setTimeout(() => r('still running after 30 s'), 30_000))]);
  step('revoked; a new claim code is offered');

  await page.goto(url('/'));
  await page.locator('[data-count="total"]').waitFor({ timeout: wait });
  await check(page, 'fleet');
  await page.goto(url(`/tenants/${input.tenant}/audit`));
  await check(page, 'audit');
  // The admin creates the tenant's operator in the console, now that the tenant exists.
  await page.goto(url('/operators'));
  const account = page.locator('form[aria-labelledby="create-account"]');
  await account.getByLabel('User name').fill(input.scoped.user);
  await account.getByLabel(/^Password/).fill(input.scoped.password);
  await account.getByLabel('Role').selectOption('operator');
  await account.getByLabel(/^Tenant/).fill(input.scoped.tenant);
  await account.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('status').filter({ hasText: `Account ${input.scoped.user} created` }).waitFor({ timeout: wait });
  await check(page, 'accounts');
  step('fleet, audit and accounts pages; the tenant operator created');
  await page.goto(url('/api-keys'));
  await page.selectOption('select[name="NewRole"]', 'reader');
  await page.fill('input[name="NewTenant"]', input.tenant);
  await page.click('form[aria-labelledby="create-key"] button[type="submit"]');
  await page.locator('#api-key').waitFor({ timeout: wait });
  await check(page, 'api-keys');
  step('API keys page: a key created');

  // A reader sees no action, and a form post forged with its own valid token is refused.
  const readerContext = await browser.newContext({ viewport: { width: 1366, height: 850 } });
  const reader = await signIn(readerContext, input.reader);
  await reader.goto(url(`/tenants/${input.otherTenant}/sensors/${input.otherSensor}`));
  await reader.locator('h1').waitFor();
  result.readerButtons = await reader.locator('form[aria-label="Actions"] button').count();
  const token = await reader.locator('input[name="__RequestVerificationToken"]').first().getAttribute('value');
  const forged = await reader.request.post(reader.url(), { form: { _handler: 'sensor-action', __RequestVerificationToken: token, Action: 'disable' }, maxRedirects: 0 });
  result.forgedStatus = forged.status();
  await check(reader, 'sensor-as-reader');
  step('reader: no buttons, forged post refused');

  // A tenant-scoped user sees its tenant only.
  const scopedContext = await browser.newContext({ viewport: { width: 1366, height: 850 } });
  const scoped = await signIn(scopedContext, input.scoped);
  await scoped.locator('[data-count="total"]').waitFor({ timeout: wait });
  result.scopedFleetText = await scoped.locator('main').innerText();
  await scoped.goto(url('/tenants'));
  result.scopedTenantsText = await scoped.locator('main').innerText();
  await check(scoped, 'tenants-as-scoped');
  const otherList = await scoped.goto(url(`/tenants/${input.otherTenant}/sensors`));
  result.scopedOtherListStatus = otherList.status();
  result.scopedOtherListText = await scoped.locator('body').innerText();
  await scoped.screenshot({ path: `${input.artifacts}/console-other-tenant-as-scoped.png`, fullPage: true });
  const otherSensor = await scoped.goto(url(`/tenants/${input.otherTenant}/sensors/${input.otherSensor}`));
  result.scopedOtherSensorStatus = otherSensor.status();
  result.scopedOtherSensorText = await scoped.locator('body').innerText();
  step('scoped user sees its tenant only');

  // Sign-out ends the session: the console asks for a sign-in again.
  await scoped.goto(url('/'));
  await scoped.getByRole('button', { name: 'Sign out', exact: true }).click();
  await scoped.waitForURL(/\/sign-in/);
  await scoped.goto(url('/'));
  result.afterSignOut = new URL(scoped.url()).pathname;
  step('signed out');

  process.stdout.write(JSON.stringify(result));
} catch (error) {
  const shown = page ? await page.locator('main').innerText({ timeout: 1000 }).catch(() => '') : '';
  console.error(`steps done: ${result.steps.join(', ')}`);
  await leaveEvidence(page, `${input.artifacts}/console-failed.png`, error, shown);
} finally {
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  await browser.close();
}
