// The web app's speed, in Debian's Chromium against two real nodes (the
// browser tests' harness): how much compressed script the first load
// fetches, how long an event takes from its arrival at the node to its row on
// screen, and how long the request page takes to open with 50 timeline
// entries. Run by scripts/bench; one JSON line per figure and run on stdout
// and appended to OUT (scripts/bench-table reads it as source "web").
//
// Usage: HOTLINE_BIN=… HOTLINE_WEB_ROOT=… node bench/web_bench.mjs OUT [RUNS]
// Bounded: RUNS (default 3) × (20 alerts + 5 page opens), each wait ≤ 15 s.
import { appendFileSync } from 'node:fs';
import { startTwoNodes, waitFor } from '../web/tests/support/nodes.mjs';
import { launch, signIn } from '../web/tests/support/browser.mjs';

const out = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
if (!out) {
  console.error('usage: node bench/web_bench.mjs OUT [RUNS]');
  process.exit(2);
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (v, p) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))];
function record(r) {
  const line = JSON.stringify(r);
  console.log(line);
  appendFileSync(out, `${line}\n`);
}

// Compressed bytes of script the browser fetched to show the alert console
// after signing in (every script resource, as encoded on the wire).
async function firstLoad(browser, node) {
  const page = await browser.context.newPage();
  await signIn(page, node, 'duty', '/alerts');
  await page.waitForLoadState('networkidle');
  const bytes = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js'))
      .reduce((n, e) => n + e.encodedBodySize, 0),
  );
  await page.close();
  return bytes;
}

// The id of the node's last event (pages through the event log).
async function latestEventId(node) {
  let after = 0;
  for (let pages = 0; pages < 10000; pages++) {
    const page = await node.api('GET', `/v1/events?after=${after}&limit=1000`);
    if (page.last_id === after) return after;
    after = page.last_id;
  }
  return after;
}

// For each of `count` alerts raised at alpha: bravo's node's event time (the
// event's `at`, same machine clock) to the moment its title is in bravo's
// page (a MutationObserver), in ms.
async function eventToRow(page, nodes, count) {
  const samples = [];
  for (let i = 0; i < count; i++) {
    const title = `bench alert ${Date.now()}-${i}`;
    const seen = page.evaluate(
      (text) =>
        new Promise((resolve) => {
          const found = () => document.body.innerText.includes(text);
          const obs = new MutationObserver(() => {
            if (found()) {
              obs.disconnect();
              resolve(Date.now());
            }
          });
          obs.observe(document.body, { childList: true, subtree: true, characterData: true });
          setTimeout(() => resolve(null), 15000);
        }),
      title,
    );
    const before = await latestEventId(nodes.bravo);
    const created = await nodes.alpha.api('POST', '/v1/alerts', { to: 'bravo', summary: title, priority: 'normal' });
    const shownAt = await seen;
    const events = await nodes.bravo.api('GET', `/v1/events?after=${before}&limit=1000`);
    const ev = events.events.find((e) => e.kind === 'alert_received' && e.item?.id === created.id);
    if (shownAt && ev) samples.push(shownAt - Date.parse(ev.at));
  }
  return samples;
}

// A request with 50 timeline entries (clarification asked and given 24
// times), then the time from navigation start until its last entry is on
// screen, `count` times.
async function requestPage(browser, nodes, count) {
  const r = await nodes.alpha.api('POST', '/v1/requests', {
    to: 'bravo', kind: 'information', priority: 'normal', subject: 'bench timeline', details: 'fifty entries',
  });
  let id = r.id;
  if (r.state === 'draft') await nodes.alpha.api('POST', `/v1/requests/${id}/approve`, {}, 'chief');
  await waitFor(async () => {
    try {
      return await nodes.bravo.api('GET', `/v1/requests/${id}`);
    } catch {
      return null;
    }
  }, 'the request at bravo');
  await nodes.bravo.api('POST', `/v1/requests/${id}/actions`, { action: 'acknowledge' });
  for (let i = 1; i <= 24; i++) {
    await nodes.bravo.api('POST', `/v1/requests/${id}/actions`, { action: 'request_clarification', args: { question: `question ${i}` } });
    await waitFor(async () => (await nodes.alpha.api('GET', `/v1/requests/${id}`)).state === 'clarification_requested', 'the question at alpha');
    await nodes.alpha.api('POST', `/v1/requests/${id}/actions`, { action: 'give_clarification', args: { answer: `answer number ${i}` } });
    await waitFor(async () => (await nodes.bravo.api('GET', `/v1/requests/${id}`)).state !== 'clarification_requested', 'the answer at bravo');
  }
  const page = await browser.context.newPage();
  const samples = [];
  for (let i = 0; i < count; i++) {
    await page.goto(`${nodes.bravo.url}/requests/${id}`);
    await page.getByText('answer number 24').first().waitFor({ timeout: 15000 });
    samples.push(await page.evaluate(() => performance.now()));
  }
  await page.close();
  return samples;
}

// Each run in a fresh browser (empty cache: the first load is a first load),
// signed in once by firstLoad; the other pages share its session.
const nodes = await startTwoNodes();
try {
  for (let run = 0; run < runs; run++) {
    const browser = await launch();
    try {
      record({ name: 'first_load', script_kB: (await firstLoad(browser, nodes.bravo)) / 1024 });
      const page = await browser.context.newPage();
      await page.goto(`${nodes.bravo.url}/alerts`);
      await page.locator('.stream-live').waitFor({ timeout: 15000 });
      const lat = await eventToRow(page, nodes, 20);
      await page.close();
      if (lat.length) record({ name: 'event_to_row', p50_ms: median(lat), p90_ms: pct(lat, 90), max_ms: Math.max(...lat), samples: lat.length });
      const open = await requestPage(browser, nodes, 5);
      record({ name: 'request_page_50', p50_ms: median(open), max_ms: Math.max(...open), samples: open.length });
    } finally {
      await browser.close();
    }
  }
} finally {
  await nodes.stopAll();
}
