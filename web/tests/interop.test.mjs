// The interop screens (issue 21) in real browsers against two real nodes:
// a case's indicators added and edited at one node show at the other, with
// the error of a bad field beside that field; a sighting reported at bravo
// shows at alpha with who, where, when and how often; exports download
// files with their names (STIX 2.1 bundle, IODEF) and a TLP:RED case's
// IODEF is refused on the page; the search across cases finds a parent
// domain and links to its case; an admin publishes and withdraws TAXII
// collections and the platform's token then reads what was published.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTwoNodes, waitFor } from './support/nodes.mjs';
import { launch, signIn } from './support/browser.mjs';

let nodes;
let browserA;
let browserB;
let pageA;
let pageB;
let caseId;
const title = `Botnet C2 ${Date.now()}`;

before(async () => {
  nodes = await startTwoNodes();
  browserA = await launch();
  browserB = await launch();
  pageA = await browserA.page();
  pageB = await browserB.page();
  await signIn(pageA, nodes.alpha, 'duty', '/cases');
  await signIn(pageB, nodes.bravo, 'duty', '/cases');
  const c = await nodes.alpha.api('POST', '/v1/cases', { peer: 'bravo', title, labels: { tlp: 'TLP:AMBER' } });
  caseId = c.id;
  await waitFor(() => nodes.bravo.api('GET', `/v1/cases/${caseId}`).catch(() => null), 'the case at bravo');
});
after(async () => {
  await browserA?.close();
  await browserB?.close();
  await nodes?.stopAll();
});

const row = (page, value) => page.locator('.case-indicator-table tr.ix-indicator', { has: page.locator('.ix-value-cell', { hasText: value }) });
const cells = async (r) => (await r.locator('td').allInnerTexts()).map((s) => s.trim());

test('an indicator added at alpha (its type guessed) shows at bravo with every column; edited at bravo, alpha shows the change', async () => {
  await pageA.goto(`${nodes.alpha.url}/cases/${caseId}`);
  await pageB.goto(`${nodes.bravo.url}/cases/${caseId}`);
  await pageA.locator('h1', { hasText: title }).waitFor();
  await pageB.locator('h1', { hasText: title }).waitFor();

  const form = pageA.locator('form.ix-indicator-form');
  assert.equal(await form.getByLabel('Type').inputValue(), '', 'the type is guessed by default');
  await form.getByLabel('Value').fill('C2.Evil.Example');
  await form.getByLabel('First seen').fill('2026-12-01T08:30');
  await form.getByLabel('Confidence').fill('70');
  await form.getByLabel('TLP').selectOption('TLP:GREEN');
  await form.getByLabel('Note').fill('Command and control of the botnet');
  await form.getByRole('button', { name: 'Add indicator' }).click();
  await pageA.locator('.ix-done', { hasText: 'Indicator added' }).waitFor();

  // Normalized and typed by the node; the same row at bravo, live.
  const atBravo = row(pageB, 'c2.evil.example');
  await atBravo.waitFor({ timeout: 10000 });
  const got = await cells(atBravo);
  assert.equal(got[0], 'domain-name');
  assert.equal(got[1], 'c2.evil.example');
  assert.match(got[2], /1 Dec 2026, 08:30/); // the reader's zone: both browsers are in Europe/Berlin
  assert.equal(got[4], '70');
  assert.match(got[5], /TLP:GREEN/);
  assert.equal(got[6], 'Command and control of the botnet');
  assert.equal(got[7], '0');
  const doc = await nodes.bravo.api('GET', `/v1/cases/${caseId}`);
  assert.deepEqual(doc.indicators, [{
    type: 'domain-name', value: 'c2.evil.example', first_seen: '2026-12-01T07:30:00.000Z', last_seen: null,
    confidence: 70, tlp: 'TLP:GREEN', note: 'Command and control of the botnet',
  }]);

  // Edit at bravo: the form holds the indicator; a new confidence and note.
  await atBravo.getByRole('button', { name: 'Edit the indicator c2.evil.example' }).click();
  const edit = pageB.locator('form.ix-indicator-form', { has: pageB.getByRole('button', { name: 'Save indicator' }) });
  assert.equal(await edit.getByLabel('Value').inputValue(), 'c2.evil.example');
  assert.equal(await edit.getByLabel('Confidence').inputValue(), '70');
  await edit.getByLabel('Confidence').fill('95');
  await edit.getByLabel('Note').fill('Confirmed by sinkhole');
  await edit.getByRole('button', { name: 'Save indicator' }).click();
  await pageB.locator('.ix-done', { hasText: 'c2.evil.example saved' }).waitFor();
  const atAlpha = row(pageA, 'c2.evil.example');
  await waitFor(async () => (await cells(atAlpha))[4] === '95', 'the new confidence at alpha');
  assert.equal((await cells(atAlpha))[6], 'Confirmed by sinkhole');
  // The first seen the form showed to the minute was not moved.
  assert.equal((await nodes.alpha.api('GET', `/v1/cases/${caseId}`)).indicators[0].first_seen, '2026-12-01T07:30:00.000Z');
  browserA.assertClean();
  browserB.assertClean();
});

test('a bad field is refused with the error beside that field, and nothing changes', async () => {
  const before = await nodes.alpha.api('GET', `/v1/cases/${caseId}`);
  const form = pageA.locator('form.ix-indicator-form');
  await form.getByLabel('Value').fill('203.0.113.9');
  await form.getByLabel('Confidence').fill('300');
  await form.getByRole('button', { name: 'Add indicator' }).click();
  const confidence = form.getByLabel('Confidence');
  await waitFor(async () => (await confidence.getAttribute('aria-invalid')) === 'true', 'the confidence field marked invalid');
  const note = pageA.locator(`#${await confidence.getAttribute('aria-describedby')}`);
  assert.match(await note.innerText(), /confidence must be an integer from 0 to 100/);
  // Beside the field: in the same field box, right after it.
  assert.equal(await note.evaluate((el) => el.previousElementSibling?.getAttribute('aria-invalid')), 'true');
  assert.equal(await form.getByLabel('Value').getAttribute('aria-invalid'), null);

  // A value whose type cannot be guessed: the error is on the type.
  await form.getByLabel('Confidence').fill('');
  await form.getByLabel('Value').fill('not an indicator at all');
  await form.getByRole('button', { name: 'Add indicator' }).click();
  await waitFor(async () => (await form.getByLabel('Type').getAttribute('aria-invalid')) === 'true', 'the type field marked invalid');
  // A type chosen and a value that is not one: the error is on the value.
  await form.getByLabel('Type').selectOption('ipv4-addr');
  await form.getByLabel('Value').fill('203.0.113.300');
  await form.getByRole('button', { name: 'Add indicator' }).click();
  await waitFor(async () => (await form.getByLabel('Value').getAttribute('aria-invalid')) === 'true', 'the value field marked invalid');
  assert.match(await form.locator('.ix-field-error').innerText(), /expected an IPv4 address/);
  const after = await nodes.alpha.api('GET', `/v1/cases/${caseId}`);
  assert.deepEqual(after.indicators, before.indicators);
  assert.equal(after.timeline.length, before.timeline.length);
  browserA.assertClean();
});

test('a sighting reported at bravo shows at alpha: who, where, when, how often, and the indicator\'s count', async () => {
  const r = row(pageB, 'c2.evil.example');
  await r.getByRole('button', { name: 'Report a sighting of c2.evil.example' }).click();
  const form = pageB.locator('form.ix-sighting-form');
  await form.getByLabel('Seen first').fill('2026-12-03T06:10');
  await form.getByLabel('Seen last').fill('2026-12-03T07:40');
  await form.getByLabel('Count').fill('12');
  await form.getByLabel('Where').fill('proxy logs of the ministry');
  await form.getByRole('button', { name: 'Report a sighting' }).click();
  await pageB.locator('.ix-done', { hasText: 'Sighting of c2.evil.example recorded' }).waitFor();

  const sighting = pageA.locator('table.ix-sightings tr.ix-sighting', { hasText: 'proxy logs of the ministry' });
  await sighting.waitFor({ timeout: 10000 });
  const got = await cells(sighting);
  assert.match(got[0], /c2\.evil\.example/);
  assert.equal(got[1], 'duty at bravo');
  assert.match(got[3], /3 Dec 2026, 06:10.*3 Dec 2026, 07:40/);
  assert.equal(got[4], '12');
  await waitFor(async () => (await cells(row(pageA, 'c2.evil.example')))[7] === '12', 'the count in the indicator row');
  const doc = await nodes.alpha.api('GET', `/v1/cases/${caseId}`);
  assert.deepEqual(doc.sightings.map((s) => [s.value, s.count, s.where, s.side, s.by, s.first_seen, s.last_seen]), [
    ['c2.evil.example', 12, 'proxy logs of the ministry', 'theirs', 'duty', '2026-12-03T05:10:00.000Z', '2026-12-03T06:40:00.000Z'],
  ]);

  // A count of 0: refused beside the count, nothing recorded.
  await r.getByRole('button', { name: 'Report a sighting of c2.evil.example' }).click();
  await form.getByLabel('Count').fill('0');
  await form.getByRole('button', { name: 'Report a sighting' }).click();
  await waitFor(async () => (await form.getByLabel('Count').getAttribute('aria-invalid')) === 'true', 'the count marked invalid');
  await form.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await nodes.bravo.api('GET', `/v1/cases/${caseId}`)).sightings.length, 1);
  browserA.assertClean();
  browserB.assertClean();
});

test('a case with many indicators shows the first hundred, more on demand, and a filter finds one', async () => {
  const big = await nodes.alpha.api('POST', '/v1/cases', { peer: 'bravo', title: `Scan sources ${Date.now()}` });
  for (let i = 0; i < 130; i++)
    await nodes.alpha.api('POST', `/v1/cases/${big.id}/indicators`, { value: `192.0.2.${i + 1}`, note: i === 77 ? 'the loudest' : '' });
  await pageA.goto(`${nodes.alpha.url}/cases/${big.id}`);
  const rows = pageA.locator('.case-indicator-table tr.ix-indicator');
  await pageA.locator('.ix-more', { hasText: '100 of 130 shown.' }).waitFor();
  assert.equal(await rows.count(), 100);
  await pageA.getByRole('button', { name: 'Show 30 more' }).click();
  await waitFor(async () => (await rows.count()) === 130, 'all 130 rows');
  assert.equal(await pageA.locator('.ix-more').count(), 0);
  await pageA.getByLabel('Filter the indicators (value, type, note)').fill('loudest');
  await waitFor(async () => (await rows.count()) === 1, 'one row');
  assert.equal((await cells(rows.first()))[1], '192.0.2.78');
  browserA.assertClean();
});

// A STIX 2.1 bundle as MISP or OpenCTI exports one: an indicator, an
// observable, and a malware object Hotline has no place for.
function bundle(objects) {
  return JSON.stringify({ type: 'bundle', id: 'bundle--6a1f2c0e-3c1d-4a55-9a51-0f4f5e2b7c11', objects });
}
const at = '2026-12-04T09:00:00.000Z';
const stixObjects = [
  {
    type: 'indicator', spec_version: '2.1', id: 'indicator--1d3b7c55-8c9e-4b61-a0a3-4f5e8e1c2d01', created: at, modified: at,
    name: 'Drop server', pattern: "[ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix', valid_from: at, confidence: 60,
  },
  { type: 'domain-name', spec_version: '2.1', id: 'domain-name--7e0c6b1a-2f4d-5a9e-8b3c-1d2e3f4a5b6c', value: 'drop.evil.example' },
  { type: 'malware', spec_version: '2.1', id: 'malware--2c4e6a8b-1d3f-4a5b-9c7d-8e0f1a2b3c4d', created: at, modified: at, name: 'Loader', is_family: true },
];

test('a STIX 2.1 bundle imported into the case at alpha: the summary, the new rows at both nodes; a broken bundle stores nothing', async () => {
  await pageA.goto(`${nodes.alpha.url}/cases/${caseId}`);
  await pageA.locator('h1', { hasText: title }).waitFor();
  const form = pageA.locator('form.ix-stix-import');
  await form.getByLabel('STIX 2.1 bundle (JSON)').setInputFiles({ name: 'opencti-export.json', mimeType: 'application/json', buffer: Buffer.from(bundle(stixObjects)) });
  await form.getByRole('button', { name: 'Import the bundle' }).click();
  const summary = form.locator('.ix-stix-summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /3 objects read: 2 indicators added, 0 updated, 0 sightings recorded\./);
  assert.match(await summary.innerText(), /stix-unmapped-bundle--6a1f2c0e-3c1d-4a55-9a51-0f4f5e2b7c11\.json:\s*malware ×1/);
  await row(pageA, '198.51.100.7').waitFor();
  assert.equal((await cells(row(pageA, '198.51.100.7')))[4], '60');
  await row(pageB, 'drop.evil.example').waitFor({ timeout: 10000 });
  await row(pageB, '198.51.100.7').waitFor({ timeout: 10000 });

  // An indicator without its pattern: refused whole, the node names it.
  const before = await nodes.alpha.api('GET', `/v1/cases/${caseId}`);
  const broken = [{ ...stixObjects[0], id: 'indicator--0b9f1e2d-3c4b-4a59-8e7f-6d5c4b3a2f10', pattern: undefined }, stixObjects[1]];
  await form.getByLabel('STIX 2.1 bundle (JSON)').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(bundle(broken)) });
  await form.getByRole('button', { name: 'Import the bundle' }).click();
  await form.locator('.error', { hasText: 'pattern' }).waitFor();
  assert.equal(await form.locator('.ix-stix-summary').count(), 0);
  const after = await nodes.alpha.api('GET', `/v1/cases/${caseId}`);
  assert.deepEqual(after.indicators, before.indicators);
  assert.equal(after.timeline.length, before.timeline.length);
  browserA.assertClean();
  browserB.assertClean();
});

async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: file.suggestedFilename(), body: readFileSync(await file.path(), 'utf8') };
}

test('exports download with their names: the case as a STIX 2.1 bundle and as IODEF, an alert and a request as IODEF', async () => {
  await pageA.goto(`${nodes.alpha.url}/cases/${caseId}`);
  await pageA.locator('h1', { hasText: title }).waitFor();
  const stix = await download(pageA, pageA.getByRole('button', { name: 'Export STIX 2.1' }));
  assert.equal(stix.name, `hotline-case-${caseId.slice(-8)}.stix.json`);
  const bundle = JSON.parse(stix.body);
  assert.equal(bundle.type, 'bundle');
  assert.ok(bundle.objects.some((o) => o.type === 'indicator' && o.pattern === "[domain-name:value = 'c2.evil.example']"), stix.body.slice(0, 400));
  assert.ok(bundle.objects.some((o) => o.type === 'sighting' && o.count === 12));
  const iodef = await download(pageA, pageA.getByRole('button', { name: 'Export IODEF' }));
  assert.equal(iodef.name, `hotline-case-${caseId.slice(-8)}.iodef.xml`);
  assert.match(iodef.body, /<IODEF-Document[^>]*urn:ietf:params:xml:ns:iodef-2\.0/);
  assert.match(iodef.body, /c2\.evil\.example/);

  const alert = await nodes.alpha.api('POST', '/v1/alerts', { to: 'bravo', priority: 'normal', summary: 'Scanning from 203.0.113.7', details: '' });
  await pageA.goto(`${nodes.alpha.url}/alerts/${alert.id}`);
  const a = await download(pageA, pageA.getByRole('button', { name: 'Export IODEF' }));
  assert.equal(a.name, `hotline-alert-${alert.id.slice(-8)}.iodef.xml`);
  assert.match(a.body, /Scanning from 203\.0\.113\.7/);

  const req = await nodes.alpha.api('POST', '/v1/requests', { to: 'bravo', kind: 'information', subject: 'Subscriber of 203.0.113.7' });
  await pageA.goto(`${nodes.alpha.url}/requests/${req.id}`);
  const q = await download(pageA, pageA.getByRole('button', { name: 'Export IODEF' }));
  assert.equal(q.name, `hotline-request-${req.id.slice(-8)}.iodef.xml`);
  assert.match(q.body, /Subscriber of 203\.0\.113\.7/);
  browserA.assertClean();
});

test('a TLP:RED case\'s IODEF is refused on the page, and nothing is downloaded', async () => {
  const labels = { tlp: 'TLP:RED', pap: 'PAP:RED', reliability: null, credibility: null, rsit: [], offences: [] };
  const red = await nodes.alpha.api('POST', '/v1/cases', { peer: 'bravo', title: `Informant ${Date.now()}`, labels });
  await pageA.goto(`${nodes.alpha.url}/cases/${red.id}`);
  let downloads = 0;
  const count = () => downloads++;
  pageA.on('download', count);
  await pageA.getByRole('button', { name: 'Export IODEF' }).click();
  await pageA.locator('.ix-export .error').waitFor();
  pageA.off('download', count);
  assert.equal(downloads, 0);
  browserA.assertClean();
});

test('the search finds the case\'s domain from a subdomain, says how, and links to the case; the search is in the URL', async () => {
  await pageB.goto(`${nodes.bravo.url}/indicators`);
  await pageB.locator('.ix-search-hint', { hasText: 'a.evil.example finds evil.example' }).waitFor();
  await pageB.getByLabel(/^Value/).fill('www.C2.evil.example');
  await pageB.getByRole('button', { name: 'Search', exact: true }).click();
  await pageB.waitForURL(/\/indicators\?value=www\.C2\.evil\.example$/);
  const hit = pageB.locator('tr.ix-hit', { hasText: 'c2.evil.example' });
  await hit.waitFor();
  const got = await cells(hit);
  assert.match(got[0], new RegExp(title));
  assert.equal(got[3], 'a parent domain');
  assert.match(got[4], /TLP:GREEN/);
  await hit.getByRole('link', { name: title }).click();
  await pageB.waitForURL(new RegExp(`/cases/${caseId}$`));
  await pageB.locator('h1', { hasText: title }).waitFor();

  // From the top bar of any screen: the same search.
  await pageB.getByRole('searchbox', { name: 'Search indicators across cases' }).fill('c2.evil.example');
  await pageB.keyboard.press('Enter');
  await pageB.waitForURL(/\/indicators\?value=c2\.evil\.example$/);
  const exact = pageB.locator('tr.ix-hit', { hasText: title });
  await exact.waitFor();
  assert.equal((await cells(exact))[3], 'the same value');

  // A value of no known type: the node's error, beside the type field.
  await pageB.goto(`${nodes.bravo.url}/indicators?value=${encodeURIComponent('what is this')}`);
  await pageB.locator('.ix-field-error', { hasText: 'cannot tell which type' }).waitFor();
  // A value nothing holds.
  await pageB.goto(`${nodes.bravo.url}/indicators?value=198.51.100.99`);
  await pageB.locator('.ix-no-hits').waitFor();
  browserB.assertClean();
});

test('an admin publishes a peer\'s and a case\'s TAXII collections, sees the addresses for the platform, and withdraws them', async () => {
  const browser = await launch();
  try {
    const page = await browser.page();
    await signIn(page, nodes.alpha, 'admin', '/admin/taxii');
    await page.locator('.ix-taxii-none').waitFor();
    assert.equal(await page.locator('.ix-discovery').innerText(), `${nodes.alpha.url}/taxii2/`);
    assert.equal(await page.locator('.ix-api-root').innerText(), `${nodes.alpha.url}/taxii2/hotline/`);

    await page.getByLabel('Peer', { exact: true }).selectOption('bravo');
    await page.getByRole('button', { name: "Publish the peer's cases" }).click();
    const peerRow = page.locator('tr.ix-collection[data-name="bravo"]');
    await peerRow.waitFor();
    assert.match(await peerRow.innerText(), /peer-bravo/);
    const collection = (await peerRow.locator('.ix-collection-id').innerText()).trim();
    await page.getByLabel('Case id (the full id)').fill(caseId);
    await page.getByRole('button', { name: 'Publish the case' }).click();
    await page.locator(`tr.ix-collection[data-name="${caseId}"]`, { hasText: `case-${caseId.slice(-8)}` }).waitFor();
    assert.deepEqual(await nodes.alpha.api('GET', '/v1/taxii', undefined, 'admin').then((p) => [p.peers, p.cases]), [['bravo'], [caseId]]);

    // The platform reads the peer's collection with its own token.
    const r = await nodes.alpha.raw('GET', `/taxii2/hotline/collections/${collection}/objects/`, undefined, {
      Authorization: `Bearer ${nodes.alpha.token('review')}`, Accept: 'application/taxii+json;version=2.1',
    });
    assert.equal(r.status, 200, r.body.toString());
    assert.ok(JSON.parse(r.body.toString()).objects.some((o) => o.pattern === "[domain-name:value = 'c2.evil.example']"));

    // An id that is no case: refused on the page, nothing published.
    await page.getByLabel('Case id (the full id)').fill('01a25369-0000-7000-8000-000000000000');
    await page.getByRole('button', { name: 'Publish the case' }).click();
    await page.locator('.page .error').waitFor();
    assert.deepEqual((await nodes.alpha.api('GET', '/v1/taxii', undefined, 'admin')).cases, [caseId]);

    await peerRow.getByRole('button', { name: 'Withdraw bravo' }).click();
    await peerRow.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: `Withdraw ${caseId}` }).click();
    await page.locator('.ix-taxii-none').waitFor();
    assert.deepEqual(await nodes.alpha.api('GET', '/v1/taxii', undefined, 'admin'), { peers: [], cases: [], collections: [] });
    const gone = await nodes.alpha.raw('GET', `/taxii2/hotline/collections/${collection}/`, undefined, {
      Authorization: `Bearer ${nodes.alpha.token('review')}`, Accept: 'application/taxii+json;version=2.1',
    });
    assert.equal(gone.status, 404);
    // An operator has no TAXII publishing in the menu.
    assert.equal(await pageA.locator('nav a', { hasText: 'TAXII publishing' }).count(), 0);
    browser.assertClean();
  } finally {
    await browser.close();
  }
});
