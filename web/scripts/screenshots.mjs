// Screenshots of the app's main screens in English and Chinese, for the
// documentation: `npm --prefix web run screenshots` (after building the node
// and the app) writes docs/screens/<screen>.<lang>.png, 1400×900.
//
// It starts two test nodes (alpha and bravo, as the browser tests do), fills
// them with the demo's kind of data through the API (a case, requests in
// several states, an alert bravo has not acknowledged, a dispute, a review
// round and report), and photographs each screen (tests/support/demo.mjs
// lists them) as its user sees it. The same screens, data and order every
// run; only the times differ.
//
// Options: --out DIR (default: docs/screens of the checkout).
// Environment: HOTLINE_BIN (default: build/release/src/cli/hotline of the
// checkout), HOTLINE_WEB_ROOT (default: web/dist), CHROMIUM (the browser,
// as for the browser tests: tests/support/browser.mjs).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const checkout = join(web, '..');
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = resolve(outAt >= 0 && args[outAt + 1] ? args[outAt + 1] : join(checkout, 'docs', 'screens'));
process.env.HOTLINE_BIN ??= join(checkout, 'build', 'release', 'src', 'cli', 'hotline');
process.env.HOTLINE_WEB_ROOT ??= join(web, 'dist');
for (const [what, path, how] of [
  ['the hotline executable', process.env.HOTLINE_BIN, 'build it (cmake --build --preset release) or set HOTLINE_BIN'],
  ['the built app', join(process.env.HOTLINE_WEB_ROOT, 'index.html'), 'run `npm --prefix web run build` or set HOTLINE_WEB_ROOT'],
]) {
  if (!existsSync(path)) {
    console.error(`screenshots: ${what} is missing (expected ${path}): ${how}`);
    process.exit(1);
  }
}

// The harness reads HOTLINE_BIN and HOTLINE_WEB_ROOT when it is loaded.
const { startTwoNodes } = await import('../tests/support/nodes.mjs');
const { launch } = await import('../tests/support/browser.mjs');
const { fillDemo, mainScreens, openScreen } = await import('../tests/support/demo.mjs');

// Each language as a person in its country would see it.
const languages = [
  { lang: 'en', timezone: 'Europe/Berlin' },
  { lang: 'zh-CN', timezone: 'Asia/Shanghai' },
];

async function photograph(demo, { lang, timezone }) {
  const browser = await launch({ lang, timezone });
  try {
    const page = await browser.page();
    // Charts and transitions drawn at once, not caught half way.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    for (const screen of mainScreens(demo)) {
      await openScreen(page, nodes, screen, lang);
      // The same picture every run: the pointer away, no caret, no
      // animation, the top of the page.
      await page.mouse.move(0, 0);
      await page.evaluate(() => {
        window.scrollTo(0, 0);
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      });
      const file = join(out, `${screen.name}.${lang}.png`);
      await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      console.log(`screenshots: ${file}`);
    }
    if (browser.problems.length) console.error(`screenshots: the browser reported (${lang}):\n${browser.problems.join('\n')}`);
  } finally {
    await browser.close();
  }
}

mkdirSync(out, { recursive: true });
const nodes = await startTwoNodes();
let failed = false;
try {
  const demo = await fillDemo(nodes);
  // The two languages side by side, each in its own browser.
  await Promise.all(languages.map((l) => photograph(demo, l)));
} catch (e) {
  failed = true;
  console.error(`screenshots: ${e.stack ?? e}`);
} finally {
  await nodes.stopAll();
}
process.exit(failed ? 1 : 0);
