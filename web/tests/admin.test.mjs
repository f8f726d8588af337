// The admin screens and the ledger page in real browsers against two real
// nodes: an admin adds a user, changes its roles, and creates (shown once,
// copied) and revokes a token; an operator sees no admin menu entries; the
// peers page shows the link and the fingerprint; the ledger page shows the
// size and root the API gives, and "verify now" a passed result; an
// amendment proposed at alpha is shown at bravo as a difference, accepted
// by clicking, and both pages then show the new matrix.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTwoNodes, waitFor } from './support/nodes.mjs';
import { launch, signIn } from './support/browser.mjs';

let nodes;
let browserA;
let browserB;
// One page per browser for the whole file: each open page keeps an event
// stream, and a browser opens only six connections to one origin.
let pageA;

before(async () => {
  nodes = await startTwoNodes();
  browserA = await launch();
  browserB = await launch();
  pageA = await browserA.page();
  await signIn(pageA, nodes.alpha, 'admin', '/admin/users');
});
after(async () => {
  await browserA?.close();
  await browserB?.close();
  await nodes?.stopAll();
});

test('an admin adds a user and changes its roles, but is not offered their own', async () => {
  const page = pageA;
  await page.goto(`${nodes.alpha.url}/admin/users`);
  await page.locator('table.admin-users').waitFor();
  const form = page.locator('form[aria-labelledby="add-user"]');
  await form.getByRole('textbox', { name: /^User name/ }).fill('nightshift');
  await form.getByRole('textbox', { name: /^Full name/ }).fill('Night Shift');
  await form.getByRole('textbox', { name: /^Password/ }).fill('nightshift-long-password');
  await form.getByRole('button', { name: 'Add the user' }).click();
  const row = page.locator('tr[data-user="nightshift"]');
  await row.waitFor();
  let user = (await nodes.alpha.api('GET', '/v1/users/nightshift', undefined, 'admin'));
  assert.deepEqual(user.roles, ['operator']);

  await row.getByRole('button', { name: 'Change nightshift' }).click();
  const edit = page.locator('.admin-edit[data-user="nightshift"]');
  await edit.getByLabel('translator').check();
  await edit.getByRole('button', { name: 'Save the roles' }).click();
  await edit.locator('.admin-done').waitFor();
  user = await nodes.alpha.api('GET', '/v1/users/nightshift', undefined, 'admin');
  assert.deepEqual([...user.roles].sort(), ['operator', 'translator']);
  await row.locator('.admin-user-roles', { hasText: 'translator' }).waitFor();

  // Their own row offers no roles and no disabling.
  await page.locator('tr[data-user="admin"]').getByRole('button', { name: 'Change admin' }).click();
  const own = page.locator('.admin-edit[data-user="admin"]');
  await own.locator('.notice').waitFor();
  assert.equal(await own.getByRole('checkbox').count(), 0);
  assert.equal(await own.getByRole('button', { name: /Save the roles|Disable/ }).count(), 0);
  browserA.assertClean();
});

test('an admin creates a token, shown once with a copy button, and revokes it', async () => {
  const page = pageA;
  await browserA.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: nodes.alpha.url });
  await page.goto(`${nodes.alpha.url}/admin/tokens`);
  await page.getByLabel('What it is for').fill('siem-export');
  await page.getByRole('button', { name: 'Create the token' }).click();
  const secret = page.locator('.admin-token-text');
  await secret.waitFor();
  const token = (await secret.textContent()).trim();
  assert.match(token, /^hl_[A-Za-z0-9_-]+$/);
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await page.getByRole('button', { name: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
  const bearer = { Authorization: `Bearer ${token}` };
  assert.equal((await nodes.alpha.raw('GET', '/v1/session', undefined, bearer)).status, 200);

  // Shown once: after a reload only its record is listed.
  await page.reload();
  const row = page.locator('tr[data-token="siem-export"]');
  await row.waitFor();
  assert.equal(await page.locator('.admin-token-text').count(), 0);
  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.getByRole('button', { name: /Revoke .siem-export. now/ }).click();
  await row.locator('.admin-token-state', { hasText: 'revoked' }).waitFor();
  assert.equal((await nodes.alpha.raw('GET', '/v1/session', undefined, bearer)).status, 401);
  browserA.assertClean();
});

test('an operator does not see the admin menu entries', async () => {
  const browser = await launch();
  try {
    const page = await browser.page();
    await signIn(page, nodes.alpha, 'duty', '/cases');
    const nav = page.locator('nav.nav');
    await nav.getByRole('link', { name: 'Cases' }).waitFor();
    for (const name of ['Users', 'API tokens', 'Peers', 'Agreement', 'Ledger'])
      assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 0, name);
    // Opening the URL anyway: the node refuses and the screen says so.
    await page.goto(`${nodes.alpha.url}/admin/users`);
    await page.locator('main .error').waitFor();
    assert.equal(await page.locator('tr[data-user]').count(), 0);
    browser.assertClean();
  } finally {
    await browser.close();
  }
});

test('the peers page shows the link state and the fingerprint', async () => {
  const page = pageA;
  await page.goto(`${nodes.alpha.url}/admin/peers`);
  const row = page.locator('tr[data-peer="bravo"]');
  await row.waitFor();
  const { peers } = await nodes.alpha.api('GET', '/v1/peers', undefined, 'admin');
  const bravo = peers.find((p) => p.name === 'bravo');
  assert.equal((await row.locator('.admin-fingerprint').textContent()).trim(), bravo.fingerprint);
  await row.locator('.admin-link-up').waitFor({ timeout: 10000 });
  browserA.assertClean();
});

test('the ledger page shows the size and root of GET /v1/ledger/status and the recent signed heads', async () => {
  const page = pageA;
  await page.goto(`${nodes.alpha.url}/ledger`);
  await page.locator('.ledger-size').waitFor();
  // The log grows as envelopes flow: the page and the API agree once quiet.
  await waitFor(async () => {
    const s = await nodes.alpha.api('GET', '/v1/ledger/status', undefined, 'admin');
    const size = (await page.locator('.ledger-size').textContent()).trim();
    const root = (await page.locator('.ledger-root').textContent()).trim();
    return size === String(s.log_size) && root === s.root_hash;
  }, 'the ledger page to show the API status', 20000);
  await page.locator('[aria-labelledby="ledger-peers"] tr[data-peer="bravo"] .ledger-audit').waitFor();
  // The recent signed heads: ours and bravo's, each signature checked.
  const heads = page.locator('table.ledger-head-table');
  await heads.locator('tr[data-peer=""] .ledger-signature-valid').first().waitFor();
  await heads.locator('tr[data-peer="bravo"] .ledger-signature-valid').first().waitFor({ timeout: 20000 });
  assert.equal(await heads.locator('.ledger-signature-invalid').count(), 0);
  browserA.assertClean();
});

test('"verify now" on the ledger page shows a passed result', async () => {
  const page = pageA;
  await page.goto(`${nodes.alpha.url}/ledger`);
  await page.getByRole('button', { name: 'Verify now' }).click();
  await page.locator('.ledger-verify-ok, main .error').first().waitFor({ timeout: 20000 });
  const refused = page.locator('main .error');
  assert.equal(await refused.count(), 0, `verify refused: ${(await refused.allTextContents()).join(' ')}`);
  await page.locator('.ledger-verify-ok', { hasText: 'Passed' }).waitFor();
  // The node keeps the result: after a reload it is still there, by whom.
  await page.reload();
  await page.locator('.ledger-verify-ok', { hasText: 'by admin' }).waitFor();
  browserA.assertClean();
});

test('an amendment proposed at alpha shows at bravo as a difference, is accepted there, and both show the new matrix', async () => {
  const before = await nodes.alpha.api('GET', '/v1/peers/bravo/agreement', undefined, 'admin');
  const rule = before.current.document.deadlines.find((d) => d.kind === 'alert' && d.priority === 'urgent');
  const changed = rule.acknowledge_minutes + 7;
  const minutes = `${changed} minutes`;

  await pageA.goto(`${nodes.alpha.url}/admin/agreement?peer=bravo`);
  await pageA.locator('.agr-current table.agr-matrix').waitFor();
  await pageA.getByRole('button', { name: 'Propose an amendment' }).click();
  const editor = pageA.locator('.agr-editor');
  await editor.locator('tr[data-kind="alert"][data-priority="urgent"] .agr-ack input').fill(String(changed));
  await editor.getByRole('button', { name: 'Send the proposal' }).click();
  await pageA.locator('.agr-pending h2', { hasText: 'waits for bravo' }).waitFor();

  const pageB = await browserB.page();
  await signIn(pageB, nodes.bravo, 'admin', '/admin/agreement?peer=alpha');
  const pending = pageB.locator('.agr-pending');
  await pending.locator('h2', { hasText: 'alpha proposes amendment 1' }).waitFor({ timeout: 15000 });
  const cell = pending.locator('tr[data-kind="alert"][data-priority="urgent"] .agr-ack .agr-changed');
  await cell.locator('del', { hasText: `${rule.acknowledge_minutes} minutes` }).waitFor();
  await cell.locator('ins', { hasText: minutes }).waitFor();
  // Only that cell changed.
  assert.equal(await pending.locator('.agr-matrix .agr-changed').count(), 1);
  await pending.getByRole('button', { name: 'Accept this amendment' }).click();

  for (const page of [pageA, pageB]) {
    await page.locator('.agr-current tr[data-kind="alert"][data-priority="urgent"] .agr-ack', { hasText: minutes }).waitFor({ timeout: 15000 });
    await page.locator('.agr-current', { hasText: 'Amendment 1' }).waitFor();
    assert.equal(await page.locator('.agr-pending').count(), 0);
  }
  browserA.assertClean();
  browserB.assertClean();
});

