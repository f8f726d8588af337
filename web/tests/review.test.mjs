// The review screens in a real browser against two real nodes: a report
// made from the page shows its figures, a chart and the items behind a
// figure; a dispute goes from alpha to bravo and is settled by the two
// supervisors, both pages following live; a round proposed at alpha shows
// at bravo with its agenda; a reviewer is offered no settlement action.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTwoNodes, waitFor } from './support/nodes.mjs';
import { launch, signIn } from './support/browser.mjs';

let nodes;
let atAlpha; // one browser per node: the nodes share a host, so their cookies would collide
let atBravo;
let alertId;
let reportId; // made at alpha by the first test

// Signs in as `user` on a fresh page of that node's browser, closing the
// earlier ones (each holds an event stream, and a browser keeps at most six
// connections to one host).
async function as(browser, node, user, path) {
  const old = browser.context.pages();
  const page = await browser.context.newPage();
  for (const p of old) await p.close();
  await browser.context.clearCookies();
  await signIn(page, node, user, path);
  return page;
}

const state = (page, s) => page.locator(`.dispute[data-state="${s}"]`).waitFor({ timeout: 10000 });

before(async () => {
  nodes = await startTwoNodes();
  [atAlpha, atBravo] = await Promise.all([launch(), launch()]);
  // Traffic for the report: an alert alpha raised, acknowledged at bravo.
  const alert = await nodes.alpha.api('POST', '/v1/alerts', { to: 'bravo', summary: 'review test alert', priority: 'urgent' }, 'duty');
  alertId = alert.id;
  await waitFor(async () => {
    try {
      await nodes.bravo.api('GET', `/v1/alerts/${alertId}`, undefined, 'duty');
      return true;
    } catch {
      return false;
    }
  }, 'the alert at bravo');
  await nodes.bravo.api('POST', `/v1/alerts/${alertId}/actions`, { action: 'acknowledge' }, 'duty');
  await waitFor(async () => (await nodes.alpha.api('GET', `/v1/alerts/${alertId}`, undefined, 'duty')).state !== 'open', 'the acknowledgement at alpha');
});

after(async () => {
  await atAlpha?.close();
  await atBravo?.close();
  await nodes?.stopAll();
});

test('a report made from the page for the last 30 days shows its figures and a chart, and explains a figure', async () => {
  const page = await as(atAlpha, nodes.alpha, 'chief', '/review/reports');
  // The form's defaults: 30 days ago, to now.
  const from = await page.locator('form.review-make input[type=date]').inputValue();
  assert.equal(from, new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10));
  // A period that has not ended is refused with a clear sentence, nothing made.
  const make = page.locator('form.review-make');
  await make.getByLabel('To now').uncheck();
  await make.getByLabel('To (excluded)').fill(new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 10));
  await make.locator('button[type=submit]:not([disabled])').click();
  await make.locator('.error', { hasText: 'The period has not ended yet' }).waitFor();
  assert.match(page.url(), /\/review\/reports$/);
  assert.equal(await page.locator('table.review-list').count(), 0);
  await make.getByLabel('To now').check();
  await make.locator('button[type=submit]:not([disabled])').click();
  await page.waitForURL(/\/review\/reports\/[0-9a-f]{64}$/);
  reportId = page.url().split('/').pop();

  const raised = page.locator('tr[data-figure="/directions/0/alerts_total/current/raised"]');
  await raised.waitFor();
  assert.equal((await raised.locator('td').first().textContent()).trim(), '1');
  assert.equal((await raised.locator('td').nth(1).textContent()).trim(), '0');
  assert.match(await raised.locator('td.review-trend').textContent(), /up/);
  const share = page.locator('tr[data-figure="/directions/0/alerts_total/current/acknowledge/on_time_permille"] td').first();
  assert.equal((await share.textContent()).trim(), '100.0 %');
  // A chart per direction, drawn inside its container.
  await page.locator('.review-chart canvas').first().waitFor();
  assert.ok((await page.locator('.review-chart').count()) >= 2);

  await raised.getByRole('button', { name: /Explain/ }).click();
  const item = page.locator(`.review-explain .review-judgement[data-item="${alertId}"]`);
  await item.waitFor();
  assert.equal(await item.locator('a').first().getAttribute('href'), `/alerts/${alertId}`);
  await page.locator('.review-explain', { hasText: '1 item counts in this figure' }).waitFor();

  // The rendering for people is saved as a file (its inline style would be refused in a tab).
  const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'web page in English' }).click()]);
  assert.match(saved.suggestedFilename(), /\.html$/);
  assert.match(readFileSync(await saved.path(), 'utf8'), /<html[\s\S]*alpha/i);

  // Verify against our own records: it matches.
  await page.getByRole('button', { name: 'Verify against our records' }).click();
  await page.locator('.review-verify-ok').waitFor();
  // The kept list has it.
  await page.goto(`${nodes.alpha.url}/review/reports`);
  await page.locator('table.review-list tbody tr').first().waitFor();
  atAlpha.assertClean();
});

test("bravo's supervisor checks the report file alpha made and signs it; alpha's page shows it agreed", async () => {
  assert.ok(reportId, 'the first test made a report');
  const alphaPage = await as(atAlpha, nodes.alpha, 'chief', `/review/reports/${reportId}`);
  await alphaPage.locator('.review-state-made').waitFor();
  // Alpha's supervisor saves the report file from the page to give it to bravo.
  const [saved] = await Promise.all([
    alphaPage.waitForEvent('download'),
    alphaPage.getByRole('button', { name: 'the signed report file (to give the peer)' }).click(),
  ]);
  const file = await saved.path();
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).format, 'hotline.review-report/1');
  // A reviewer at bravo checks it but may not sign it.
  const reviewer = await as(atBravo, nodes.bravo, 'review', '/review/reports');
  await reviewer.getByLabel('Report file (JSON)').setInputFiles(file);
  await reviewer.locator('.review-verify-ok').waitFor();
  assert.equal(await reviewer.getByRole('button', { name: 'Sign for the office' }).count(), 0);

  const chief = await as(atBravo, nodes.bravo, 'chief', '/review/reports');
  await chief.getByLabel('Report file (JSON)').setInputFiles(file);
  await chief.locator('.review-verify-ok').waitFor();
  await chief.getByRole('button', { name: 'Sign for the office' }).click();
  await chief.waitForURL(new RegExp(`/review/reports/${reportId}$`));
  await chief.locator('.review-state-agreed').waitFor();
  // Alpha's open page learns of the second signature without a reload.
  await alphaPage.locator('.review-state-agreed').waitFor({ timeout: 10000 });
  atAlpha.assertClean();
  atBravo.assertClean();
});

test('a dispute opened at alpha is answered at bravo and settled by the two supervisors, both pages live', async () => {
  const a = await as(atAlpha, nodes.alpha, 'duty', `/review/disputes?new=1&item=${alertId}`);
  const form = a.locator('form.review-form', { has: a.locator('#open-dispute') });
  await form.getByLabel('Title').fill('Alert acknowledged late by our count');
  await form.getByLabel('Our position').fill('The acknowledgement came after the deadline.');
  await form.locator('button[type=submit]:not([disabled])').click();
  await a.waitForURL(/\/review\/disputes\/[0-9a-f-]{36}$/);
  const id = a.url().split('/').pop();
  await state(a, 'open');
  // An operator argues but does not settle.
  assert.equal(await a.locator('.propose-form').count(), 0);

  const b = await as(atBravo, nodes.bravo, 'duty', '/review/disputes');
  const listed = b.getByRole('link', { name: 'Alert acknowledged late by our count' });
  await listed.waitFor();
  // The list's filters: a title that matches nothing, then the state it is in.
  await b.getByLabel('Title contains').fill('no such title');
  await listed.waitFor({ state: 'detached' });
  await b.getByLabel('Title contains').fill('');
  await b.getByLabel('State').selectOption('open');
  await listed.click();
  await b.waitForURL(new RegExp(`/review/disputes/${id}$`));
  await b.locator('.dispute-position-text', { hasText: 'after the deadline' }).waitFor();
  const answer = b.locator('form', { hasText: 'Answer the dispute' });
  await answer.getByLabel('Text', { exact: true }).fill('It was acknowledged within fifteen minutes.');
  await answer.getByLabel('Attach files').setInputFiles({ name: 'phone-log.txt', mimeType: 'text/plain', buffer: Buffer.from('02:14 call from alpha, acknowledged\n') });
  await answer.getByRole('button', { name: 'Send the answer' }).click();
  await state(b, 'answered');
  // Alpha's page follows without a reload.
  await state(a, 'answered');

  const chiefA = await as(atAlpha, nodes.alpha, 'chief', `/review/disputes/${id}`);
  await state(chiefA, 'answered');
  // Bravo's answer came with its file.
  await chiefA.locator('.dispute-position', { hasText: 'within fifteen minutes' }).getByRole('link', { name: 'phone-log.txt' }).waitFor();
  const propose = chiefA.locator('.propose-form');
  await propose.getByLabel("The settlement's words").fill('Count the acknowledgement as on time.');
  await propose.getByLabel(/With an agreed adjustment/).check();
  assert.equal(await propose.getByLabel(/Item ID/).inputValue(), alertId);
  await propose.locator('select').selectOption('acknowledge');
  await propose.getByRole('button', { name: 'Propose', exact: true }).click();
  await state(chiefA, 'settlement_proposed');

  const chiefB = await as(atBravo, nodes.bravo, 'chief', `/review/disputes/${id}`);
  await state(chiefB, 'settlement_proposed');
  await chiefB.locator('.dispute-settlement', { hasText: 'Count the acknowledgement as on time.' }).waitFor();
  await chiefB.getByRole('button', { name: 'Accept this settlement' }).click();
  await state(chiefB, 'settled');
  await chiefB.locator('.dispute-settlement h2', { hasText: 'Settlement agreed by both sides' }).waitFor();
  await state(chiefA, 'settled');
  await chiefA.locator('.dispute-settlement h2', { hasText: 'Settlement agreed by both sides' }).waitFor();
  atAlpha.assertClean();
  atBravo.assertClean();
});

test('a round proposed at alpha is shown at bravo with its agenda', async () => {
  const a = await as(atAlpha, nodes.alpha, 'chief', '/review/rounds');
  await a.getByRole('button', { name: 'Propose a round' }).click();
  const form = a.locator('form', { has: a.locator('#propose-round') });
  await form.getByLabel('Title').fill('Review of the month');
  await form.getByLabel('Place').fill('Videoconference');
  await form.getByLabel(/Our agenda points/).fill('Staffing of the night shift');
  await form.locator('button[type=submit]:not([disabled])').click();
  await a.waitForURL(/\/review\/rounds\/[0-9a-f-]{36}$/);
  const id = a.url().split('/').pop();
  await a.locator('.round[data-state="proposed"]').waitFor();

  const b = await as(atBravo, nodes.bravo, 'chief', '/review/rounds');
  await b.getByRole('link', { name: 'Review of the month' }).click();
  await b.waitForURL(new RegExp(`/review/rounds/${id}$`));
  await b.locator('.round-agenda li[data-source="party"]', { hasText: 'Staffing of the night shift' }).waitFor();
  await b.locator('.round-agenda-accepted', { hasText: 'not yet accepted by us' }).waitFor();
  await b.getByRole('button', { name: 'Accept agenda version 1' }).click();
  await b.locator('.round[data-state="agenda_agreed"]').waitFor();
  // Alpha's page follows live.
  await a.locator('.round[data-state="agenda_agreed"]').waitFor({ timeout: 10000 });
  atAlpha.assertClean();
  atBravo.assertClean();
});

test("the round's minutes with action items are signed at bravo; each side completes only its own items", async () => {
  const a = await as(atAlpha, nodes.alpha, 'chief', '/review/rounds');
  await a.getByRole('link', { name: 'Review of the month' }).click();
  await a.locator('.round[data-state="agenda_agreed"]').waitFor();
  const minutes = a.locator('.minutes-form');
  await minutes.getByLabel('Minutes', { exact: true }).fill('Both desks went through the month.');
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  const later = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
  for (const [owner, text, due] of [['mine', 'Publish the new contact list', later], ['yours', 'Test the night number', yesterday]]) {
    await minutes.getByRole('button', { name: 'Add an action item' }).click();
    const row = minutes.locator('.review-row', { has: a.locator('input[type=date]') }).last();
    await row.locator('select').selectOption(owner);
    await row.getByLabel('What is to be done').fill(text);
    await row.getByLabel('Due date').fill(due);
  }
  await minutes.getByRole('button', { name: 'Send the minutes' }).click();
  await a.locator('.round[data-state="minutes_proposed"]').waitFor();
  // The side that proposed them does not sign them.
  assert.equal(await a.getByRole('button', { name: /Sign minutes/ }).count(), 0);

  const b = await as(atBravo, nodes.bravo, 'chief', '/review/rounds');
  await b.getByRole('link', { name: 'Review of the month' }).click();
  await b.locator('.round[data-state="minutes_proposed"]').waitFor();
  await b.getByRole('button', { name: 'Sign minutes version 1' }).click();
  await b.locator('.round[data-state="closed"]').waitFor();
  await a.locator('.round[data-state="closed"]').waitFor({ timeout: 10000 });

  await b.goto(`${nodes.bravo.url}/review/action-items`);
  const theirs = b.locator('tr', { hasText: 'Test the night number' });
  await theirs.waitFor();
  assert.match(await theirs.getAttribute('class'), /overdue/);
  assert.equal(await b.locator('tr', { hasText: 'Publish the new contact list' }).getByRole('button', { name: 'Mark as done' }).count(), 0);
  await theirs.getByLabel('Note on what was done').fill('Called at 03:00, answered at once.');
  await theirs.getByRole('button', { name: 'Mark as done' }).click();
  await theirs.waitFor({ state: 'detached' });

  await a.goto(`${nodes.alpha.url}/review/action-items`);
  await a.locator('tr', { hasText: 'Publish the new contact list' }).getByRole('button', { name: 'Mark as done' }).waitFor();
  await a.locator('tr', { hasText: 'Test the night number' }).waitFor({ state: 'detached', timeout: 10000 });
  atAlpha.assertClean();
  atBravo.assertClean();
});

test('a reviewer is offered no settlement action; a supervisor is', async () => {
  const d = await nodes.alpha.api('POST', '/v1/disputes', {
    peer: 'bravo', title: 'Quality of a response', ground: 'quality', subject: { item: alertId }, text: 'Too short.', lang: 'en',
  }, 'duty');
  await waitFor(async () => {
    try {
      await nodes.bravo.api('GET', `/v1/disputes/${d.id}`, undefined, 'duty');
      return true;
    } catch {
      return false;
    }
  }, 'the dispute at bravo');
  await nodes.bravo.api('POST', `/v1/disputes/${d.id}/actions`, { action: 'answer', args: { text: 'It was complete.', lang: 'en', attachments: [] } }, 'duty');
  await waitFor(async () => (await nodes.alpha.api('GET', `/v1/disputes/${d.id}`, undefined, 'duty')).state === 'answered', 'the answer at alpha');

  // A translation kept at alpha only shows beside the position it translates.
  await nodes.alpha.api('POST', `/v1/disputes/${d.id}/translations`, { field: 'positions/0/text', lang: 'zh-CN', text: '太短了。' }, 'transl');

  const reviewer = await as(atAlpha, nodes.alpha, 'review', `/review/disputes/${d.id}`);
  await state(reviewer, 'answered');
  await reviewer.locator('.dispute-position-text', { hasText: 'It was complete.' }).waitFor();
  await reviewer.locator('[data-position="0"] .dispute-position-text', { hasText: '太短了。' }).waitFor();
  assert.equal(await reviewer.locator('.propose-form').count(), 0);
  assert.equal(await reviewer.getByRole('button', { name: /Propose|Accept|Reject|Withdraw/ }).count(), 0);
  assert.equal(await reviewer.locator('.review-actions form').count(), 0);

  const chief = await as(atAlpha, nodes.alpha, 'chief', `/review/disputes/${d.id}`);
  await state(chief, 'answered');
  await chief.locator('.propose-form').waitFor();
  atAlpha.assertClean();
});
