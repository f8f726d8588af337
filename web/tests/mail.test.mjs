// Escalation e-mail in real browsers against two real nodes and a REAL SMTP
// server started here (aiosmtpd, tests/support/smtp_server.py, with STARTTLS
// and AUTH; the relay's certificate is alpha's own operators' certificate,
// trusted through its file): an admin sets the relay on the e-mail screen
// (the password is never shown back) and sends a test mail; a review round's
// reminder is mailed and the duty officer sees it delivered on the
// escalations screen; with the relay down the next one shows retrying, and
// with a relay that refuses the recipient it shows "not delivered", marked,
// with the relay's answer; in Chinese too; e-mail turned off again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTwoNodes, waitFor } from './support/nodes.mjs';
import { launch, signIn } from './support/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const smtpScript = resolve(here, '../../tests/support/smtp_server.py');
const relayPassword = 'relay-password-Wombat-51';

let nodes;
let browser;
let browserZh;
let browserDuty;
let page;
let smtpPort;
let smtp = null;
let inbox;

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function startSmtp(extra = []) {
  rmSync(inbox, { recursive: true, force: true });
  mkdirSync(inbox, { recursive: true });
  const tls = join(nodes.alpha.dir, 'tls');
  smtp = spawn('/usr/bin/python3', [smtpScript, '--port', String(smtpPort), '--dir', inbox, '--cert', join(tls, 'operator.crt'),
    '--key', join(tls, 'operator.key'), '--user', 'relay', '--password', relayPassword, ...extra], { stdio: 'ignore' });
  await waitFor(() => existsSync(join(inbox, 'ready')), 'the SMTP server');
}

async function stopSmtp() {
  if (!smtp || smtp.exitCode !== null) return;
  const exited = new Promise((r) => smtp.once('exit', r));
  smtp.kill('SIGKILL');
  await exited;
}

const messages = () => readdirSync(inbox).filter((f) => f.endsWith('.eml'));

// A review round with its meeting three days ahead: alpha's reminder job
// records its 7-day reminder within seconds.
async function proposeRound(title) {
  const meeting = new Date(Date.now() + 3 * 86400000).toISOString().replace(/\.\d+Z$/, '.000Z');
  return nodes.alpha.api('POST', '/v1/rounds', {
    peer: 'bravo', title, period_from: '2026-07-01T00:00:00.000Z', period_to: '2026-10-01T00:00:00.000Z', meeting_at: meeting,
    place: 'Videoconference', participants: [{ name: 'Ana', role: 'chair', party: 'ours' }], agenda: ['Staffing'],
  }, 'chief');
}

before(async () => {
  nodes = await startTwoNodes();
  smtpPort = await freePort();
  inbox = join(nodes.root, 'inbox');
  await startSmtp();
  browser = await launch();
  browserZh = await launch({ lang: 'zh-CN', timezone: 'Asia/Shanghai' });
  browserDuty = await launch();
  page = await browser.page();
  await signIn(page, nodes.alpha, 'admin', '/admin/mail');
});
after(async () => {
  await browser?.close();
  await browserZh?.close();
  await browserDuty?.close();
  await stopSmtp();
  await nodes?.stopAll();
});

test('an admin sets the relay, the password is never shown back, and a test mail is delivered', async () => {
  await page.goto(`${nodes.alpha.url}/admin/mail`);
  await page.locator('.mail-status', { hasText: 'E-mail is off' }).waitFor();
  const form = page.locator('form.mail-settings');
  await form.getByLabel('Host').fill('127.0.0.1');
  await form.getByLabel('Port').fill(String(smtpPort));
  await form.getByLabel('CA file on the node').fill(join(nodes.alpha.dir, 'tls', 'operator.crt'));
  await form.getByLabel(/^User/).fill('relay');
  await form.getByLabel('Password').fill(relayPassword);
  await form.getByLabel('From address').fill('hotline@alpha.example');
  await form.getByLabel('Address of this web app').fill(nodes.alpha.url);
  const first = form.locator('fieldset[data-recipient="0"]');
  await first.getByLabel('E-mail address').fill('duty@alpha.example');
  await first.getByLabel('Language').selectOption('zh-CN');
  await form.getByRole('button', { name: 'Save the e-mail settings' }).click();
  await form.locator('.admin-done', { hasText: 'Saved.' }).waitFor();
  await page.locator('.mail-status', { hasText: `E-mail is on: relay 127.0.0.1:${smtpPort}.` }).waitFor();

  const stored = await nodes.alpha.api('GET', '/v1/mail', undefined, 'admin');
  assert.equal(stored.password_set, true);
  assert.equal(stored.recipients[0].lang, 'zh-CN');
  assert.ok(!JSON.stringify(stored).includes(relayPassword));
  // Reloaded: the field is empty, and says a password is stored.
  await page.reload();
  await form.getByLabel('Host').waitFor();
  assert.equal(await form.getByLabel('Password').inputValue(), '');
  await form.locator('#mail-password-hint', { hasText: 'A password is stored' }).waitFor();
  assert.ok(!(await page.content()).includes(relayPassword));

  // Bad input: the node's sentence, nothing changed.
  await form.getByLabel('From address').fill('not-an-address@');
  await form.getByRole('button', { name: 'Save the e-mail settings' }).click();
  await form.locator('.error, :invalid').first().waitFor();
  assert.equal((await nodes.alpha.api('GET', '/v1/mail', undefined, 'admin')).from, 'hotline@alpha.example');
  await page.reload();

  const testForm = page.locator('form[aria-labelledby="mail-test"]');
  await testForm.getByLabel('To').fill('chief@alpha.example');
  await testForm.getByRole('button', { name: 'Send a test mail' }).click();
  await testForm.locator('.mail-test-ok', { hasText: 'Delivered' }).waitFor({ timeout: 30000 });
  assert.equal(messages().length, 1);
  browser.assertClean();
});

test('the duty officer sees a reminder delivered, then retrying while the relay is down, then not delivered and marked', async () => {
  await proposeRound('Mailed round');
  const duty = await browserDuty.page();
  await signIn(duty, nodes.alpha, 'duty', '/escalations');
  const delivered = duty.locator('tr.esc-row-delivered', { hasText: 'Review round meeting in 7 day(s) or less' });
  await delivered.waitFor({ timeout: 30000 });
  await delivered.locator('.esc-mail[data-to="duty@alpha.example"] .esc-badge', { hasText: 'Delivered' }).waitFor();
  await waitFor(() => messages().length === 2, 'the reminder in the inbox');

  // The relay is down: the next reminder's mail is retried and shows so.
  await stopSmtp();
  await proposeRound('Second round');
  const retrying = duty.locator('tr.esc-row-retrying');
  await retrying.waitFor({ timeout: 30000 });
  await retrying.locator('.esc-badge', { hasText: 'Retrying' }).waitFor();
  await retrying.locator('.esc-mail-detail', { hasText: 'next try' }).waitFor();
  assert.notEqual((await retrying.locator('.esc-mail-error').textContent()).trim(), '');

  // The relay is back but refuses the recipient: not delivered, for good.
  await startSmtp(['--reject']);
  const failed = duty.locator('tr.esc-row-failed');
  await failed.waitFor({ timeout: 30000 });
  await failed.locator('.esc-badge', { hasText: 'Not delivered' }).waitFor();
  await failed.locator('.esc-mail-error', { hasText: '550' }).waitFor();
  await duty.locator('.esc-failed-note', { hasText: '1 escalation on this page has an e-mail that was not delivered.' }).waitFor();
  // It stands out: its row is coloured unlike the delivered one.
  const bg = (loc) => loc.locator('td').first().evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(await bg(failed), await bg(delivered));
  // The item links to the round.
  assert.match(await failed.locator('a').getAttribute('href'), /^\/review\/rounds\/[0-9a-f-]+$/);
  // An operator has no e-mail settings in the menu; an admin has both.
  assert.equal(await duty.getByRole('link', { name: 'E-mail', exact: true }).count(), 0);
  await page.goto(`${nodes.alpha.url}/admin/mail`);
  await page.getByRole('link', { name: 'Escalations' }).waitFor();
  browser.assertClean();
  browserDuty.assertClean();
});

test('in Chinese, the supervisor sees the same escalations and the failed mail', async () => {
  const zh = await browserZh.page();
  await signIn(zh, nodes.alpha, 'chief', '/escalations');
  await zh.locator('h1', { hasText: '升级提醒' }).waitFor();
  const failed = zh.locator('tr.esc-row-failed');
  await failed.locator('.esc-badge', { hasText: '未送达' }).waitFor({ timeout: 15000 });
  await zh.locator('tr.esc-row-delivered .esc-badge', { hasText: '已送达' }).waitFor();
  await zh.locator('th', { hasText: '复盘会议将在 7 天内举行' }).first().waitFor();
  await zh.locator('.esc-failed-note', { hasText: '本页有 1 条升级提醒的电子邮件未能送达。' }).waitFor();
  browserZh.assertClean();
});

test('an admin turns e-mail off after a confirmation; the escalations stay listed', async () => {
  await page.goto(`${nodes.alpha.url}/admin/mail`);
  const form = page.locator('form.mail-settings');
  await form.getByRole('button', { name: 'Turn e-mail off' }).click();
  await form.getByRole('button', { name: 'Yes, turn e-mail off' }).click();
  await page.locator('.mail-status', { hasText: 'E-mail is off' }).waitFor();
  assert.equal((await nodes.alpha.api('GET', '/v1/mail', undefined, 'admin')).configured, false);
  // The test mail needs a relay now.
  assert.equal(await page.locator('form[aria-labelledby="mail-test"] button[type=submit]').isDisabled(), true);
  // The escalations stay listed with what happened to their mails.
  const list = await nodes.alpha.api('GET', '/v1/escalations', undefined, 'duty');
  assert.deepEqual(list.escalations.map((e) => e.mail_state), ['failed', 'delivered']);
  browser.assertClean();
});
