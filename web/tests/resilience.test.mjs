// The desk's page when things go wrong, in a real browser against two real
// nodes: bravo's node stops while its page is open (the page says so, and
// after the restart it catches up the events it missed, without a reload);
// the session expires while an alert is half written (the sign-in dialog
// opens over the form, and the alert is sent with what was written); a
// change without the CSRF header is refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordOf, startTwoNodes, waitFor } from './support/nodes.mjs';
import { launch, signIn } from './support/browser.mjs';

let nodes;
let browser;
let page;

before(async () => {
  nodes = await startTwoNodes();
  browser = await launch();
  page = await browser.page();
  await signIn(page, nodes.bravo, 'duty', '/alerts');
  await page.locator('.stream-live').waitFor();
});
after(async () => {
  await browser?.close();
  await nodes?.stopAll();
});

test('a change without the CSRF header is refused (403 csrf_failed) and changes nothing', async () => {
  const before = (await nodes.bravo.api('GET', '/v1/alerts?direction=outgoing&status=all')).items.length;
  const answer = await page.evaluate(async () => {
    const r = await fetch('/v1/alerts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: 'alpha', summary: 'no token', priority: 'normal' }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error.code, 'csrf_failed');
  assert.equal((await nodes.bravo.api('GET', '/v1/alerts?direction=outgoing&status=all')).items.length, before);
  browser.assertClean();
});

test('an expired session while an alert is half written: the sign-in dialog opens over the form, and the alert is sent as written', async () => {
  await page.goto(`${nodes.bravo.url}/alerts/new`);
  const summary = page.getByLabel('Summary');
  await summary.fill('Defacement of the customs portal');
  await page.getByLabel('Details').fill('Seen at 04:12; the page shows a political message.');
  await page.locator('input[name=tlp][value="TLP:GREEN"]').check();
  await browser.context.clearCookies();
  await summary.press('Enter');
  const dialog = page.locator('.modal[role=dialog]');
  await dialog.waitFor();
  // The form is still there behind the dialog, with its text.
  assert.equal(await summary.inputValue(), 'Defacement of the customs portal');
  assert.match(page.url(), /\/alerts\/new$/);
  await dialog.getByLabel(/^password$/i).fill(passwordOf('duty', 'bravo'));
  await dialog.locator('button[type=submit]').click();
  await page.waitForURL(/\/alerts\/[0-9a-f-]{36}$/);
  await dialog.waitFor({ state: 'detached' });
  const id = page.url().split('/').at(-1);
  const sent = await nodes.bravo.api('GET', `/v1/alerts/${id}`);
  assert.equal(sent.summary, 'Defacement of the customs portal');
  assert.equal(sent.details, 'Seen at 04:12; the page shows a political message.');
  assert.equal(sent.tlp, 'TLP:GREEN');
  await page.locator('[data-field="details"] .tr-original', { hasText: 'political message' }).waitFor();
  browser.assertClean();
});

test('bravo stops while its page is open: the page says the node is unreachable, then catches up without a reload', async () => {
  await page.goto(`${nodes.bravo.url}/alerts`);
  await page.locator('.stream-live').waitFor();
  // The page has heard an event (its id is where the stream resumes).
  const first = await nodes.alpha.api('POST', '/v1/alerts', { to: 'bravo', summary: 'Before the stop', priority: 'urgent' }, 'duty');
  await page.locator(`.alarm-banner[data-alert-id="${first.id}"] .ack`).click();
  await page.locator('.alarm-banner').waitFor({ state: 'detached' });
  await page.evaluate(() => {
    window.__sameDocument = true;
  });
  const streams = [];
  page.on('request', (r) => {
    if (r.url().includes('/v1/events')) streams.push(r.allHeaders().then((h) => ({ url: r.url(), lastEventId: h['last-event-id'] })));
  });

  await nodes.bravo.stop();
  await page.locator('.stream-unreachable').waitFor({ timeout: 15000 });
  // Alpha raises an alert meanwhile: it waits in alpha's queue.
  const alert = await nodes.alpha.api('POST', '/v1/alerts', { to: 'bravo', summary: 'Raised while bravo was down', priority: 'urgent' }, 'duty');

  await nodes.bravo.start();
  await page.locator('.stream-live').waitFor({ timeout: 20000 });
  await page.locator(`.paged-table [data-alert-id="${alert.id}"]`).waitFor({ timeout: 20000 });
  await page.locator(`.alarm-banner[data-alert-id="${alert.id}"]`).waitFor();
  // Heard through the event stream, on the same document (no reload).
  await waitFor(() => page.evaluate((id) => performance.getEntriesByName(`hotline:alert_received:${id}`).length > 0, alert.id), 'the alert_received event in the page', 10000);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
  // The stream came back where it had stopped: Last-Event-ID, or ?after=N.
  const opened = await Promise.all(streams);
  const resumed = opened.filter((s) => s.lastEventId || /[?&]after=\d+/.test(s.url));
  assert.ok(resumed.length > 0, `the stream resumed after the last event seen: ${JSON.stringify(opened)}`);
  await nodes.bravo.api('POST', `/v1/alerts/${alert.id}/actions`, { action: 'acknowledge' }, 'duty');
  await page.locator('.alarm-banner').waitFor({ state: 'detached', timeout: 10000 });
  // Only what the stopped node caused: failed loads while it was down.
  browser.problems.splice(0, browser.problems.length, ...browser.problems.filter((p) => !/ERR_CONNECTION_REFUSED|Failed to fetch|net::/.test(p)));
  browser.assertClean();
});
