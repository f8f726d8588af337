// Debian's chromium, driven by playwright-core (no download), started fresh
// for each test file with its own profile folder. Every page records its
// console errors and CSP violations; `assertClean()` fails the test on any.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passwordOf } from './nodes.mjs';

export const chromiumFlags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // The nodes' operators' certificates are self-signed (made by init).
  '--ignore-certificate-errors',
  // Lets the test check the alarm tone without a click; the app itself arms
  // the alarm on the sign-in click and does not depend on this flag.
  '--autoplay-policy=no-user-gesture-required',
];

export async function launch({ lang = 'en', timezone = 'Europe/Berlin' } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'hotline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: chromiumFlags,
    locale: lang,
    timezoneId: timezone,
    viewport: { width: 1400, height: 900 },
  });
  const problems = [];
  const watch = (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource|net::ERR_/.test(m.text())) problems.push(`console: ${m.text()}`);
      if (/Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    problems,
    async page() {
      const existing = context.pages().find((p) => p.url() === 'about:blank');
      return existing ?? context.newPage();
    },
    assertClean() {
      if (problems.length) throw new Error(`the browser reported:\n${problems.join('\n')}`);
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Opens `path` on `node` and signs in as `user` (the sign-in page first).
export async function signIn(page, node, user, path = '/alerts') {
  await page.goto(`${node.url}${path}`);
  await page.locator('form.signin').waitFor();
  await page.getByLabel(/user name|用户名/i).fill(user);
  await page.getByLabel(/^password$|^密码$/i).fill(passwordOf(user, node.name));
  await page.locator('form.signin button[type=submit]').click();
  await page.locator('.topbar').waitFor();
}
