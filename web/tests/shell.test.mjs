// The frame of the app in a real browser against two real nodes: sign-in,
// the top bar's live link state and role, the security headers, the
// language switch keeping the page, and a reload keeping the session usable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTwoNodes, waitFor } from './support/nodes.mjs';
import { launch, signIn } from './support/browser.mjs';

let nodes;
let browser;
before(async () => {
  nodes = await startTwoNodes();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await nodes?.stopAll();
});

test('the app is served with a strict CSP and the other security headers', async () => {
  const r = await nodes.alpha.raw('GET', '/requests/anything');
  assert.equal(r.status, 200);
  assert.match(r.body.toString(), /<div id="root">/);
  const csp = r.headers['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.ok(r.headers['referrer-policy']);
  // No inline script in the page itself.
  assert.doesNotMatch(r.body.toString(), /<script(?![^>]*\bsrc=)[^>]*>/);
});

test('signing in shows the peer link live and the role; a reload keeps the session usable', async () => {
  const page = await browser.page();
  await signIn(page, nodes.bravo, 'duty', '/requests');
  assert.match(page.url(), /\/requests$/);
  const peer = page.locator('.peer[data-peer="alpha"]');
  await peer.locator('.peer-state', { hasText: 'link up' }).waitFor({ timeout: 10000 });
  await page.locator('.me', { hasText: 'operator' }).waitFor();
  // After a reload the page can still make changes (the CSRF token comes back).
  await page.reload();
  await page.locator('.topbar').waitFor();
  const status = await page.evaluate(async () => {
    const me = await (await fetch('/v1/session')).json();
    const r = await fetch('/v1/alerts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({ to: 'alpha', summary: 'reload check', priority: 'normal' }),
    });
    return r.status;
  });
  assert.equal(status, 201);
  browser.assertClean();
});

test('switching the language keeps the page', async () => {
  const page = await browser.page();
  await page.goto(`${nodes.bravo.url}/cases`);
  await page.locator('.topbar').waitFor();
  await page.locator('.topbar select').selectOption('zh-CN');
  await page.locator('.nav', { hasText: '案件' }).waitFor();
  assert.match(page.url(), /\/cases$/);
  await page.locator('.topbar select').selectOption('en');
  await page.locator('.nav', { hasText: 'Cases' }).waitFor();
  browser.assertClean();
});

test('eight tabs on one node share one event stream and one alarm tone, and both survive closing the tab that held them', async () => {
  const first = await browser.page();
  await first.goto(`${nodes.bravo.url}/cases`);
  await first.locator('.topbar').waitFor();
  const tabs = [first];
  for (let i = 1; i < 8; i++) {
    const p = await browser.context.newPage();
    await p.goto(`${nodes.bravo.url}/cases`);
    tabs.push(p);
  }
  // A browser keeps at most six connections to one host: with a stream per
  // tab the seventh and eighth would never load.
  for (const p of tabs) await p.locator('.stream-live').waitFor({ timeout: 15000 });
  const raise = async (summary) => {
    await nodes.alpha.api('POST', '/v1/alerts', { to: 'bravo', summary, priority: 'urgent' });
    return summary;
  };
  // Arm the alarm in every tab (a click each, as a person would).
  for (const p of tabs) {
    const arm = p.locator('.alarm-unarmed button');
    if (await arm.count()) await arm.click();
  }
  const one = await raise('shared stream one');
  for (const p of tabs) await p.locator('.alarm-banner', { hasText: one }).waitFor({ timeout: 10000 });
  // Every tab shows the banner; exactly one plays the tone.
  const playing = async () => {
    let n = 0;
    for (const p of tabs) if (!p.isClosed() && (await p.locator('.alarm-banner[data-tone="here"]').count())) n += 1;
    return n;
  };
  await waitFor(async () => (await playing()) === 1, 'one tab playing the tone', 10000);
  await new Promise((r) => setTimeout(r, 2500)); // a further ring: still one
  assert.equal(await playing(), 1);
  // Close every tab but the last; the survivor takes the stream and the tone over.
  for (const p of tabs.slice(0, 7)) await p.close();
  const last = tabs[7];
  const two = await raise('shared stream two');
  await last.getByText(two).first().waitFor({ timeout: 15000 });
  await last.locator('.stream-live').waitFor({ timeout: 15000 });
  await last.locator('.alarm-banner[data-tone="here"]').waitFor({ timeout: 10000 });
  browser.assertClean();
});
