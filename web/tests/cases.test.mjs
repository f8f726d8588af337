// The case screens in two real browsers against two real nodes: a case
// opened at alpha appears at bravo; an entry, an indicator and a linked
// request added at one side show at the other without a reload; the TLP
// badge has the official colour; a translator adds entries and nothing
// else; private notes are marked and stay on their node.
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
let pageB;
let caseId;
const title = `Mail server breach ${Date.now()}`;

before(async () => {
  nodes = await startTwoNodes();
  // Two browsers: both nodes are on 127.0.0.1, where one browser would keep
  // one session cookie for both.
  browserA = await launch();
  browserB = await launch();
  pageA = await browserA.page();
  pageB = await browserB.page();
  await signIn(pageA, nodes.alpha, 'duty', '/cases');
  await signIn(pageB, nodes.bravo, 'duty', '/cases');
});
after(async () => {
  await browserA?.close();
  await browserB?.close();
  await nodes?.stopAll();
});

test('a case opened at alpha appears at bravo; entries, indicators and a linked request travel both ways live', async () => {
  await pageB.goto(`${nodes.bravo.url}/cases`);
  await pageB.locator('.paged-table').waitFor();

  await pageA.goto(`${nodes.alpha.url}/cases/new`);
  await pageA.getByLabel('Title').fill(title);
  await pageA.getByLabel('Traffic Light Protocol').selectOption('TLP:GREEN');
  await pageA.locator('.case-rsit input[value="fraud:phishing"]').check();
  await pageA.locator('.case-offences input[value="budapest:art8"]').check();
  await pageA.getByRole('button', { name: 'Open the case' }).click();
  await pageA.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  caseId = pageA.url().split('/').pop();
  const doc = await nodes.alpha.api('GET', `/v1/cases/${caseId}`);
  assert.equal(doc.labels.tlp, 'TLP:GREEN');
  assert.deepEqual(doc.labels.rsit, ['fraud:phishing']);
  assert.deepEqual(doc.labels.offences, ['budapest:art8']);

  // Bravo's list shows it without a reload; open it from there.
  const row = pageB.locator('.pt-row', { hasText: title });
  await row.waitFor({ timeout: 10000 });
  await row.getByRole('link', { name: title }).click();
  await pageB.waitForURL(new RegExp(`/cases/${caseId}$`));
  await pageB.locator('h1', { hasText: title }).waitFor();

  // The TLP badge in its official colour: #33FF00 on black (FIRST TLP 2.0).
  const badge = pageB.locator('.case-head .tlp').first();
  assert.equal(await badge.textContent(), 'TLP:GREEN');
  const colours = await badge.evaluate((el) => {
    const s = getComputedStyle(el);
    return [s.color, s.backgroundColor];
  });
  assert.deepEqual(colours, ['rgb(51, 255, 0)', 'rgb(0, 0, 0)']);

  // An entry at alpha shows at bravo.
  await pageA.getByLabel('New entry (both sides see it)').fill('Their SOC confirms the phishing kit.');
  await pageA.getByRole('button', { name: 'Add entry' }).click();
  await pageB.locator('.case-entry-text', { hasText: 'Their SOC confirms the phishing kit.' }).waitFor({ timeout: 10000 });
  // Alpha's page then says when bravo received it (its signed receipt).
  await pageA
    .locator('.case-entry', { hasText: 'Their SOC confirms the phishing kit.' })
    .locator('.case-receipt-ok', { hasText: 'received by bravo on' })
    .waitFor({ timeout: 15000 });

  // An indicator at bravo shows at alpha.
  await pageB.getByLabel('Type').selectOption('ipv4-addr');
  await pageB.getByLabel('Value').fill('198.51.100.23');
  await pageB.getByRole('button', { name: 'Add indicator' }).click();
  await pageA.locator('.case-indicator-table', { hasText: '198.51.100.23' }).waitFor({ timeout: 10000 });

  // A request from alpha (approved under four-eyes), linked at bravo, shows
  // at alpha with a link to its page.
  const req = await nodes.alpha.api('POST', '/v1/requests', { to: 'bravo', kind: 'information', subject: 'Logs of the phishing host' }, 'duty');
  await nodes.alpha.api('POST', `/v1/requests/${req.id}/approve`, {}, 'chief');
  await waitFor(async () => {
    try {
      return await nodes.bravo.api('GET', `/v1/requests/${req.id}`);
    } catch {
      return null;
    }
  }, 'the request at bravo');
  await pageB.getByLabel('Its full id').fill(req.id);
  await pageB.getByRole('button', { name: 'Link', exact: true }).click();
  const linked = pageA.locator('.case-linked-requests a', { hasText: 'Logs of the phishing host' });
  await linked.waitFor({ timeout: 10000 });
  assert.equal(await linked.getAttribute('href'), `/requests/${req.id}`);

  browserA.assertClean();
  browserB.assertClean();
});

test('a file added at bravo with its upload progress shows at alpha', async () => {
  await pageB.goto(`${nodes.bravo.url}/cases/${caseId}`);
  await pageB.locator('h1', { hasText: title }).waitFor();
  const content = Buffer.alloc(3 * 1024 * 1024, 'x');
  await pageB.getByLabel('File', { exact: true }).setInputFiles({ name: 'phishing-kit.txt', mimeType: 'text/plain', buffer: content });
  await pageB.getByRole('button', { name: 'Upload and add' }).click();
  await pageB.locator('.case-progress-text', { hasText: '100 %' }).waitFor({ timeout: 20000 });
  assert.equal(await pageB.locator('.case-progress progress').getAttribute('value'), '100');
  await pageB.locator('.case-file-list a', { hasText: 'phishing-kit.txt' }).waitFor();
  await pageA.locator('.case-file-list a', { hasText: 'phishing-kit.txt' }).waitFor({ timeout: 10000 });
  browserA.assertClean();
  browserB.assertClean();
});

test('the list\'s filters narrow it and stay in the URL', async () => {
  const stamp = Date.now();
  for (let i = 0; i < 3; i++) await nodes.alpha.api('POST', '/v1/cases', { peer: 'bravo', title: `Scan wave ${stamp} #${i}` }, 'duty');
  const closed = await nodes.alpha.api('POST', '/v1/cases', { peer: 'bravo', title: `Scan wave ${stamp} closed` }, 'duty');
  await nodes.alpha.api('POST', `/v1/cases/${closed.id}/actions`, { action: 'close', args: { note: '' } }, 'duty');

  await pageA.goto(`${nodes.alpha.url}/cases`);
  await pageA.getByLabel('Search in titles').fill(`Scan wave ${stamp}`);
  await pageA.waitForURL(/q=Scan/);
  const rows = pageA.locator('.pt-row:not(.pt-head)', { hasText: `Scan wave ${stamp}` });
  await waitFor(async () => (await rows.count()) === 4, 'four matching cases');
  await pageA.getByLabel('Show').selectOption('closed');
  await pageA.waitForURL(/status=closed/);
  await waitFor(async () => (await rows.count()) === 1, 'one closed case');
  await rows.first().locator('.case-state', { hasText: 'closed' }).waitFor();
  // The URL alone gives the same list.
  await pageA.reload();
  await waitFor(async () => (await rows.count()) === 1, 'one closed case after a reload');
  assert.equal(await pageA.getByLabel('Search in titles').inputValue(), `Scan wave ${stamp}`);
  browserA.assertClean();
});

test('a TLP:RED case shows who needs to know, and its author extends the list', async () => {
  const labels = { tlp: 'TLP:RED', pap: 'PAP:RED', reliability: null, credibility: null, rsit: [], offences: [] };
  const red = await nodes.alpha.api('POST', '/v1/cases', { peer: 'bravo', title: `Informant ${Date.now()}`, labels }, 'duty');
  await assert.rejects(nodes.alpha.api('GET', `/v1/cases/${red.id}`, undefined, 'duty2'), /404/);
  await pageA.goto(`${nodes.alpha.url}/cases/${red.id}`);
  const panel = pageA.locator('.case-ntk');
  await panel.locator('p', { hasText: 'opened here by duty' }).waitFor();
  await panel.getByLabel('User names, separated by commas').fill('duty2');
  await panel.getByRole('button', { name: 'Save the list' }).click();
  await panel.locator('p', { hasText: 'list: duty2' }).waitFor();
  assert.equal((await nodes.alpha.api('GET', `/v1/cases/${red.id}`, undefined, 'duty2')).id, red.id);
  // A name that is no user: refused, the list unchanged.
  await panel.getByLabel('User names, separated by commas').fill('duty2, nobody-here');
  await panel.getByRole('button', { name: 'Save the list' }).click();
  await panel.locator('.error').waitFor();
  assert.deepEqual((await nodes.alpha.api('GET', `/v1/cases/${red.id}/need-to-know`, undefined, 'duty')).people, ['duty2']);
  browserA.assertClean();
});

test('a refused action shows the reason and changes nothing', async () => {
  await pageA.goto(`${nodes.alpha.url}/cases/${caseId}`);
  await pageA.locator('h1', { hasText: title }).waitFor();
  const before = await nodes.alpha.api('GET', `/v1/cases/${caseId}`);
  // An address that is not one: 400 indicator_invalid (the same indicator
  // twice is no longer refused: it updates the one the case has).
  await pageA.getByLabel('Type').selectOption('ipv4-addr');
  await pageA.getByLabel('Value').fill('198.51.100.300');
  await pageA.getByRole('button', { name: 'Add indicator' }).click();
  await pageA.locator('.ix-indicator-form .error').waitFor();
  const after = await nodes.alpha.api('GET', `/v1/cases/${caseId}`);
  assert.equal(after.indicators.length, before.indicators.length);
  assert.equal(after.timeline.length, before.timeline.length);
  browserA.assertClean();
});

test('private notes are marked as this node\'s and never reach the peer; close and reopen travel', async () => {
  await pageA.goto(`${nodes.alpha.url}/cases/${caseId}`);
  await pageA.locator('h1', { hasText: title }).waitFor();
  await pageA.getByLabel('New private note').fill('Call them Monday.');
  await pageA.getByRole('button', { name: 'Add private note' }).click();
  const note = pageA.locator('.case-note', { hasText: 'Call them Monday.' });
  await note.waitFor();
  assert.match(await note.textContent(), /Private/);
  await pageA.locator('.case-private', { hasText: 'never sent to bravo' }).waitFor();

  await pageA.getByLabel('Closing note (optional)').fill('Kit taken down.');
  await pageA.getByRole('button', { name: 'Close the case' }).click();
  await pageA.locator('.case-head .case-state', { hasText: 'closed' }).waitFor();
  // Closed: no more entry, indicator or link forms; reopen offered.
  assert.equal(await pageA.getByRole('button', { name: 'Add indicator' }).count(), 0);
  await pageA.getByRole('button', { name: 'Reopen the case' }).waitFor();

  await waitFor(async () => (await nodes.bravo.api('GET', `/v1/cases/${caseId}`)).state === 'closed', 'the case closed at bravo');
  const atBravo = await nodes.bravo.api('GET', `/v1/cases/${caseId}`);
  assert.ok(!JSON.stringify(atBravo).includes('Call them Monday.'));
  browserA.assertClean();
});

test('a translator adds an entry and a translation beside one, and is offered nothing else', async () => {
  await nodes.alpha.api('POST', `/v1/cases/${caseId}/actions`, { action: 'reopen', args: { reason: 'New victims reported' } }, 'duty');
  const browser = await launch();
  try {
    const page = await browser.page();
    await signIn(page, nodes.bravo, 'transl', `/cases/${caseId}`);
    await page.locator('h1', { hasText: title }).waitFor();
    await page.locator('.case-head .case-state', { hasText: 'reopened' }).waitFor({ timeout: 10000 });
    await page.getByLabel('New entry (both sides see it)').fill('Translation: the notice asks for the logs.');
    await page.getByRole('button', { name: 'Add entry' }).click();
    await page.locator('.case-entry-text', { hasText: 'Translation: the notice asks for the logs.' }).waitFor();
    // Beside an entry from alpha, a translation kept on this node.
    const entry = page.locator('.case-entry', { hasText: 'Their SOC confirms the phishing kit.' });
    await entry.getByRole('button', { name: 'Add a translation' }).click();
    await entry.getByLabel('Language of the translation').selectOption('zh-CN');
    await entry.getByLabel('Translation', { exact: true }).fill('对方安全运营中心确认了钓鱼工具包。');
    await entry.getByRole('button', { name: 'Save the translation' }).click();
    await entry.locator('.tr-one[data-lang="zh-CN"] .tr-text', { hasText: '对方安全运营中心确认了钓鱼工具包。' }).waitFor();
    const atBravo = await nodes.bravo.api('GET', `/v1/cases/${caseId}`);
    const field = `timeline/${atBravo.timeline.findIndex((e) => e.text === 'Their SOC confirms the phishing kit.')}/text`;
    assert.deepEqual(atBravo.translations.map((x) => [x.field, x.lang, x.current]), [[field, 'zh-CN', true]]);
    for (const name of ['Add indicator', 'Link', 'Add private note', 'Close the case', 'Upload and add'])
      assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, name);
    // Nor editing an indicator or reporting a sighting.
    assert.equal(await page.locator('.ix-row-actions button').count(), 0);
    browser.assertClean();
  } finally {
    await browser.close();
  }
});
