// Requests in real browsers against two real nodes: a whole request worked
// by clicking (alpha's operator writes it, alpha's supervisor approves it,
// bravo's operator acknowledges, asks, alpha answers, bravo responds with a
// real file, alpha closes it with ratings; both timelines show every step
// with receipt times); who sees which action; the paged, filtered list of
// 300 requests; a translation beside the text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTwoNodes, waitFor } from './support/nodes.mjs';
import { launch, signIn } from './support/browser.mjs';

let nodes;
let alphaDuty; // alpha's operator (duty)
let alphaChief; // alpha's supervisor (chief)
let bravoDuty; // bravo's operator (duty)
let scratch;
let requestId = null; // the request of the whole-request test

before(async () => {
  nodes = await startTwoNodes();
  [alphaDuty, alphaChief, bravoDuty] = await Promise.all([launch(), launch(), launch({ timezone: 'Asia/Shanghai' })]);
  scratch = mkdtempSync(join(tmpdir(), 'hotline-requests-test-'));
});
after(async () => {
  await Promise.all([alphaDuty?.close(), alphaChief?.close(), bravoDuty?.close()]);
  await nodes?.stopAll();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// Opens `path` as `user`, signing in when the browser has no session there.
async function openAs(br, node, user, path) {
  const page = await br.page();
  await page.goto(`${node.url}${path}`);
  await page.locator('form.signin, .topbar').first().waitFor();
  if (await page.locator('form.signin').count()) await signIn(page, node, user, path);
  return page;
}

// Opens the action's form and submits it after `fill`.
async function act(page, action, fill = async () => {}) {
  const panel = page.locator('.rq-actions');
  await panel.locator(`button.rq-action[data-action="${action}"]`).click();
  const form = panel.locator(`form[data-action="${action}"]`);
  await form.waitFor();
  await fill(form);
  await form.locator('button[type=submit]').click();
  await form.waitFor({ state: 'detached', timeout: 10000 });
}

// Waits until the page shows one of the states (`a|b`).
async function stateIs(page, states) {
  const css = states.split('|').map((s) => `.rq-state-${s}`).join(', ');
  await page.locator(css).first().waitFor({ timeout: 15000 });
}

async function actionsOffered(page) {
  return page.locator('.rq-actions button.rq-action').evaluateAll((b) => b.map((x) => x.dataset.action));
}

test('a whole request in two browsers, with both timelines', async () => {
  const a = await alphaDuty.page();
  await signIn(a, nodes.alpha, 'duty', '/requests');
  await a.getByRole('link', { name: 'New request' }).click();
  await a.waitForURL(/\/requests\/new$/);
  await a.getByRole('heading', { name: 'New request' }).waitFor();
  await a.getByLabel('Kind').selectOption('preservation');
  await a.getByLabel('Priority').selectOption('urgent');
  await a.getByLabel('TLP label').selectOption('TLP:GREEN');
  await a.getByLabel('Subject').fill('Preserve the logs of 203.0.113.7');
  await a.getByLabel('Details').fill('Please keep the web server logs for 203.0.113.7 from 1 to 3 December.');
  await a.getByRole('button', { name: 'Send the request' }).click();
  await a.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
  requestId = a.url().split('/').pop();
  // Four-eyes: it waits as a draft; its author has nothing to approve.
  await a.locator('.rq-draft-note').waitFor();
  await stateIs(a, 'draft');
  assert.deepEqual(await actionsOffered(a), []);

  // bravo's inbox is open before the request is sent.
  const b = await bravoDuty.page();
  await signIn(b, nodes.bravo, 'duty', '/requests?box=in');
  await b.locator('.rq-total[data-total="0"]').waitFor();

  // alpha's supervisor approves it; then it is sent.
  const c = await alphaChief.page();
  await signIn(c, nodes.alpha, 'chief', `/requests/${requestId}`);
  await stateIs(c, 'draft');
  assert.deepEqual(await actionsOffered(c), ['approve']);
  await act(c, 'approve');
  // Sent, and received as soon as bravo's receipt is back (model/request.h).
  await stateIs(c, 'sent|received');
  // The author's open page follows without a reload.
  await stateIs(a, 'sent|received');

  // bravo sees it arrive in its inbox without a reload, opens it and acknowledges.
  const row = b.getByRole('link', { name: 'Preserve the logs of 203.0.113.7' });
  await row.waitFor({ timeout: 15000 });
  // Its acknowledgement deadline runs: by colour and by word.
  const listed = b.locator('.pt-row', { has: row });
  await listed.locator('.deadline-on_time .deadline-word', { hasText: 'on time' }).waitFor();
  assert.match(await listed.getAttribute('class'), /rq-row-on_time/);
  await row.click();
  await b.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
  await stateIs(b, 'received');
  assert.deepEqual(await actionsOffered(b), ['acknowledge', 'decline']);
  await act(b, 'acknowledge');
  await stateIs(b, 'acknowledged');
  await act(b, 'request_clarification', (f) => f.getByLabel('Your question').fill('Which time zone are the dates in?'));
  await stateIs(b, 'clarification_requested');

  // alpha answers on its open page.
  await stateIs(a, 'clarification_requested');
  assert.deepEqual(await actionsOffered(a), ['give_clarification', 'withdraw']);
  await act(a, 'give_clarification', (f) => f.getByLabel('Your answer').fill('UTC, both days included.'));
  await stateIs(a, 'acknowledged');

  // bravo responds with a real file; its upload reaches 100 %.
  await stateIs(b, 'acknowledged');
  await b.getByText('UTC, both days included.').first().waitFor();
  const file = join(scratch, 'logs-203.0.113.7.txt');
  writeFileSync(file, 'GET / 200\n'.repeat(60000));
  await act(b, 'respond_final', async (f) => {
    await f.getByLabel('Response').fill('The logs are attached.');
    await f.locator('input[type=file]').setInputFiles(file);
    const bar = f.locator('progress');
    await waitFor(async () => (await bar.getAttribute('value')) === '100', 'the upload at 100 %');
    await f.locator('.rq-upload-done').waitFor();
    assert.match(await f.locator('.rq-upload-percent').innerText(), /100\s*%/);
  });
  await stateIs(b, 'responded_final');

  // alpha sees the file and closes with ratings.
  await stateIs(a, 'responded_final');
  await a.locator('.rq-files a', { hasText: 'logs-203.0.113.7.txt' }).waitFor();
  await act(a, 'close', async (f) => {
    await f.getByLabel('Completeness').selectOption('4');
    await f.getByLabel('Usefulness').selectOption('5');
    await f.getByLabel('Comment (optional)').fill('Fast and complete.');
  });
  await stateIs(a, 'closed');
  await a.locator('.rq-fact-rating', { hasText: 'completeness 4/5, usefulness 5/5' }).waitFor();
  await stateIs(b, 'closed');
  assert.deepEqual(await actionsOffered(b), []);
  assert.deepEqual(await actionsOffered(a), ['reopen']);

  // Both timelines show every step; each envelope has its times, and every
  // envelope a side sent gets its receipt time (the page looks again while
  // a receipt is pending).
  const steps = ['send', 'acknowledge', 'request_clarification', 'give_clarification', 'respond_final', 'close'];
  await a.locator('table.rq-timeline tr[data-action="approve"]').waitFor();
  for (const page of [a, b]) {
    const timeline = page.locator('table.rq-timeline');
    for (const step of steps) await timeline.locator(`tr[data-action="${step}"]`).first().waitFor();
    await waitFor(
      async () => (await timeline.locator('tr.rq-tl-entry[data-receipt="pending"]').count()) === 0,
      'every receipt',
      20000,
    );
    const rows = await timeline.locator('tr.rq-tl-entry').evaluateAll((trs) =>
      trs.map((tr) => ({
        action: tr.dataset.action,
        side: tr.dataset.side,
        receipt: tr.dataset.receipt,
        times: tr.querySelectorAll('time').length,
      })),
    );
    for (const step of steps) assert.ok(rows.some((r) => r.action === step), `${step} in ${JSON.stringify(rows)}`);
    for (const r of rows.filter((x) => x.receipt !== 'local' && x.receipt !== 'none')) {
      assert.equal(r.receipt, 'receipted', JSON.stringify(r));
      assert.ok(r.times >= 2, `sent and receipt times: ${JSON.stringify(r)}`);
    }
    // The peer's envelopes: when this node received them.
    for (const r of rows.filter((x) => x.side === 'theirs')) assert.ok(r.times >= 2, `sent and received times: ${JSON.stringify(r)}`);
    assert.ok(rows.some((r) => r.side === 'ours' && r.receipt === 'receipted'), JSON.stringify(rows));
  }
  // The texts are shown where they were written and received.
  await b.getByText('Fast and complete.').first().waitFor();
  await a.getByText('Which time zone are the dates in?').first().waitFor();
  for (const br of [alphaDuty, alphaChief, bravoDuty]) br.assertClean();
});

test('each person sees only the actions their role may take', async () => {
  // A draft written by the supervisor: four-eyes, so not approvable by its author.
  const own = await nodes.alpha.api('POST', '/v1/requests', { to: 'bravo', kind: 'information', subject: 'Chief writes this one' }, 'chief');
  assert.equal(own.state, 'draft');
  const c = await openAs(alphaChief, nodes.alpha, 'chief', `/requests/${own.id}`);
  await stateIs(c, 'draft');
  assert.deepEqual(await actionsOffered(c), []);

  // A reviewer reads requests but takes no action at all.
  const r = await alphaChief.context.newPage();
  await c.getByRole('button', { name: 'Sign out' }).click();
  await signIn(r, nodes.alpha, 'review', `/requests/${own.id}`);
  await stateIs(r, 'draft');
  assert.equal(await r.locator('.rq-actions').count(), 0);
  await r.goto(`${nodes.alpha.url}/requests?box=out`);
  await r.getByRole('link', { name: 'Chief writes this one' }).waitFor();
  assert.equal(await r.getByRole('link', { name: 'New request' }).count(), 0);
  await r.close();
  alphaChief.assertClean();
});

test('bravo declines with a reason from the list; alpha sees why', async () => {
  const r = await nodes.alpha.api('POST', '/v1/requests', { to: 'bravo', kind: 'takedown', subject: 'Take down the copy at example.org' });
  await nodes.alpha.api('POST', `/v1/requests/${r.id}/approve`, {}, 'chief');
  const b = await openAs(bravoDuty, nodes.bravo, 'duty', `/requests/${r.id}`);
  await stateIs(b, 'received');
  const panel = b.locator('.rq-actions');
  await panel.locator('button.rq-action[data-action="decline"]').click();
  const form = panel.locator('form[data-action="decline"]');
  const submit = form.locator('button[type=submit]');
  // "other" needs a note (model/request.h): not sendable without one.
  await form.getByLabel('Reason for declining').selectOption('other');
  assert.equal(await submit.isDisabled(), true);
  await form.getByLabel('Reason for declining').selectOption('duplicate');
  await form.getByLabel(/^Note/).fill('Already handled as our case 2026-114.');
  await submit.click();
  await stateIs(b, 'declined');
  assert.deepEqual(await actionsOffered(b), []);
  const a = await openAs(alphaDuty, nodes.alpha, 'duty', `/requests/${r.id}`);
  await stateIs(a, 'declined');
  await a.getByText('Already handled as our case 2026-114.').waitFor();
  await a.locator('.rq-msg[data-action="decline"]').waitFor();
  assert.deepEqual(await actionsOffered(a), []);
  bravoDuty.assertClean();
  alphaDuty.assertClean();
});

test('alpha reopens the closed request with the keyboard alone, once', async () => {
  assert.ok(requestId, 'the whole-request test made the request');
  const a = await openAs(alphaDuty, nodes.alpha, 'duty', `/requests/${requestId}`);
  await stateIs(a, 'closed');
  // From the page's heading, Tab reaches the action; Enter opens its form.
  await a.locator('#page-title').focus();
  let focused = '';
  for (let i = 0; i < 10 && focused !== 'reopen'; i++) {
    await a.keyboard.press('Tab');
    focused = await a.evaluate(() => document.activeElement?.dataset?.action ?? '');
  }
  assert.equal(focused, 'reopen');
  await a.keyboard.press('Enter');
  await a.keyboard.press('Tab');
  await a.keyboard.type('The logs of 2 December are missing.');
  await a.keyboard.press('Tab');
  await a.keyboard.press('Enter');
  await stateIs(a, 'acknowledged');
  // Once only (model/request.h kMaxReopens); the requester may still withdraw.
  assert.deepEqual(await actionsOffered(a), ['withdraw']);
  const b = await openAs(bravoDuty, nodes.bravo, 'duty', `/requests/${requestId}`);
  await stateIs(b, 'acknowledged');
  await b.getByText('The logs of 2 December are missing.').waitFor();
  alphaDuty.assertClean();
  bravoDuty.assertClean();
});

test('a translation added at bravo shows beside the text', async () => {
  assert.ok(requestId, 'the whole-request test made the request');
  const b = await openAs(bravoDuty, nodes.bravo, 'duty', `/requests/${requestId}`);
  const details = b.locator('.translatable[data-field="details"]');
  await details.waitFor();
  await details.getByRole('button', { name: 'Add a translation' }).click();
  await details.getByLabel('Language of the translation').selectOption('zh-CN');
  await details.getByLabel('Translation', { exact: true }).fill('请保留 203.0.113.7 在 12 月 1 日至 3 日的网站服务器日志。');
  await details.getByRole('button', { name: 'Save the translation' }).click();
  const shown = details.locator('.tr-one[data-lang="zh-CN"]');
  await shown.waitFor();
  assert.match(await shown.innerText(), /请保留 203\.0\.113\.7/);
  assert.match(await shown.innerText(), /by duty/);
  assert.equal(await details.locator('.tr-outdated').count(), 0);
  // Beside the original, not instead of it.
  assert.match(await details.locator('.tr-original').innerText(), /Please keep the web server logs/);
  const [o, t] = await Promise.all([details.locator('.tr-original').boundingBox(), shown.boundingBox()]);
  assert.ok(t.x > o.x + o.width - 1, `the translation is beside the original: ${JSON.stringify({ o, t })}`);
  bravoDuty.assertClean();
});

test('300 requests: the right total, further pages on scrolling, filters narrow', async () => {
  const kinds = ['information', 'preservation', 'takedown'];
  for (let i = 0; i < 300; i += 25) {
    await Promise.all(
      Array.from({ length: 25 }, (_, k) => i + k).map((n) =>
        nodes.alpha.api('POST', '/v1/requests', {
          to: 'bravo',
          kind: kinds[n % 3],
          priority: n % 10 === 0 ? 'urgent' : 'normal',
          subject: `bulk ${String(n).padStart(4, '0')}`,
        }),
      ),
    );
  }
  const a = await openAs(alphaDuty, nodes.alpha, 'duty', '/requests?box=out&q=bulk');
  await a.locator('.rq-total[data-total="300"]').waitFor();
  const table = a.locator('.paged-table');
  await table.getByRole('link', { name: 'bulk 0299' }).waitFor();
  // Only the visible rows are in the page; the last one comes with scrolling.
  assert.ok((await table.locator('[role=row]').count()) < 100);
  assert.equal(await table.getByRole('link', { name: 'bulk 0000' }).count(), 0);
  for (let i = 0; i < 40 && (await table.getByRole('link', { name: 'bulk 0000' }).count()) === 0; i++) {
    await table.locator('.pt-body').evaluate((el) => el.scrollBy(0, 2000));
    await a.waitForTimeout(100);
  }
  await table.getByRole('link', { name: 'bulk 0000' }).waitFor();

  // Filters narrow the list, and live in the URL.
  await a.getByLabel('Kind').selectOption('takedown');
  await a.locator('.rq-total[data-total="100"]').waitFor();
  assert.match(a.url(), /kind=takedown/);
  await a.getByLabel('Priority').selectOption('urgent');
  // n % 10 == 0 and n % 3 == 2: 20, 50, ..., 290: 10 requests.
  await a.locator('.rq-total[data-total="10"]').waitFor();
  await a.reload();
  await a.locator('.rq-total[data-total="10"]').waitFor();
  await a.getByRole('button', { name: 'Clear the filters' }).click();
  await waitFor(async () => !/kind=|priority=|q=/.test(a.url()), 'the filters cleared');
  alphaDuty.assertClean();
});
