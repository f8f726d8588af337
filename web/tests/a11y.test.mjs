// Accessibility: axe-core on every main screen, with the demo's data in it,
// in English and in Chinese. Fails on any violation of impact serious or
// critical, naming the rule, its impact and the elements.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startTwoNodes } from './support/nodes.mjs';
import { launch } from './support/browser.mjs';
import { fillDemo, mainScreens, openScreen } from './support/demo.mjs';

// The app's CSP forbids inline scripts, so page.addScriptTag is refused;
// evaluating the source through the debugging protocol is not subject to it.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let nodes;
let browser;
let demo;
before(async () => {
  nodes = await startTwoNodes();
  demo = await fillDemo(nodes);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await nodes?.stopAll();
});

// The serious and critical violations on the page, one line each.
async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${axeSource}\n;void 0`);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
      why: (v.nodes[0]?.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
    }));
  });
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}; at ${v.nodes.slice(0, 8).join(' | ')}${v.nodes.length > 8 ? ` and ${v.nodes.length - 8} more` : ''} (${v.why})`);
}

for (const lang of ['en', 'zh-CN']) {
  test(`no serious or critical accessibility violation on the main screens (${lang})`, async () => {
    const page = await browser.page();
    const found = [];
    for (const screen of mainScreens(demo)) {
      await openScreen(page, nodes, screen, lang);
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `${screen.name}: the page's lang`);
      for (const v of await violations(page)) found.push(`${screen.name} (${lang}, ${screen.path}): ${v}`);
    }
    assert.deepEqual(found, [], `accessibility violations:\n${found.join('\n')}`);
    browser.assertClean();
  });
}

test('the check finds a violation (an image without a text, a field without a label)', async () => {
  const page = await browser.page();
  await openScreen(page, nodes, mainScreens(demo).find((s) => s.name === 'alerts'), 'en');
  await page.evaluate(() => {
    const main = document.querySelector('main') ?? document.body;
    const img = document.createElement('img');
    img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
    main.append(img);
    main.append(document.createElement('input'));
  });
  const found = await violations(page);
  assert.ok(found.some((v) => v.startsWith('image-alt (critical)')), found.join('\n'));
  assert.ok(found.some((v) => v.startsWith('label (critical)')), found.join('\n'));
  await page.reload();
});
