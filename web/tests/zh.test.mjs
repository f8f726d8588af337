// In Chinese, every main screen (with the demo's data in it) shows no
// English word: what is visible (document.body.innerText) may hold codes,
// identifiers and names, but no English text of the app. Prints each
// offending word with its screen and where it stands.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { accounts, startTwoNodes } from './support/nodes.mjs';
import { launch } from './support/browser.mjs';
import { fillDemo, mainScreens, openScreen } from './support/demo.mjs';

let nodes;
let browser;
let demo;
before(async () => {
  nodes = await startTwoNodes();
  demo = await fillDemo(nodes);
  browser = await launch({ lang: 'zh-CN', timezone: 'Asia/Shanghai' });
});
after(async () => {
  await browser?.close();
  await nodes?.stopAll();
});

// Every code the app names (code.json): shown beside its name in
// parentheses, or as a tooltip, the code may stand as it is.
const codes = new Set(
  Object.keys(JSON.parse(readFileSync(new URL('../src/i18n/en/code.json', import.meta.url), 'utf8'))).map((k) =>
    k.split('.').slice(2).join('.'),
  ),
);
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const codeInParentheses = new RegExp(`[(（](${[...codes].map(escapeRe).join('|')})[)）]`, 'g');

// What may stand in Chinese text as it is: the people's own words (the
// demo's texts), then codes, identifiers, names and units.
const allowedPatterns = [
  codeInParentheses,
  /https?:\/\/\S+/g, // URLs
  /\b(?:[a-z0-9-]+\.)+example\b/g, // example domains (RFC 2606) in hints
  /[\w.+-]+@[\w-]+(\.[\w-]+)+/g, // e-mail addresses
  /\b(TLP|PAP):[A-Z+]+/g, // TLP 2.0 and PAP labels
  /\bbudapest:art\d+\b/g, // Budapest Convention offences
  /\b[a-z0-9]+(-[a-z0-9]+)*:[a-z0-9]+(-[a-z0-9]+)*\b/g, // RSIT "class:type"
  /\b[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\b/gi, // UUIDs (item ids)
  /\b[0-9a-f]{2,8}(?:[ :][0-9a-f]{2,8}){3,}\b/gi, // key fingerprints in groups
  /\b[0-9a-f]{8,}\b/gi, // hashes, short item ids, links
  /\b[\w-]+\.(pdf|json|html|htm|png|jpg|txt|csv|eml|zip|xml|log)\b/gi, // file names
  /\b[A-Z][a-z]+(\/[A-Za-z_-]+)+\b/g, // time zones (Europe/Berlin)
  /\b[\w-]*\d[\w-]*\b/g, // words with a digit (Ed25519, SHA-256, ipv4-addr, 2026-12-07)
  /\b[a-z0-9]+(?:-[a-z0-9]+)+\b/g, // identifiers with a hyphen (codes, token names)
  /\b[A-Z]{2,}s?\b/g, // abbreviations (API, TOTP, UTC, PDF, JSON)
  /\b[A-Z]\b/g, // single letters (grades A to F, keys)
];
const allowedWords = new Set([
  ...Object.keys(accounts),
  'alpha', 'bravo', 'Hotline', 'English', // peers, the brand, the language's own name
  'OpenCTI', // a platform's name (MISP, STIX, TAXII pass as abbreviations)
  'ms', 's', 'min', 'h', 'KiB', 'MiB', 'GiB', 'KB', 'MB', 'GB', // units
  'en', 'zh', 'CN', 'test', // language codes; the nodes' users' "--as test"
  'Alt', 'Ctrl', 'Shift', 'Mac', 'Cmd', 'Enter', 'Esc', 'Tab', // keys as printed on them
]);

// The English words in `text` that are none of the above.
// In `attributes` mode (tooltips, labels for assistive technology) a code
// may also stand alone.
export function englishWords(text, peopleTexts, { attributes = false } = {}) {
  let rest = text;
  for (const t of [...peopleTexts].sort((a, b) => b.length - a.length)) rest = rest.split(t).join(' ');
  for (const re of allowedPatterns) rest = rest.replace(re, ' ');
  // A code as the node writes it (snake_case) only as a tooltip or label:
  // shown as text it is a code the screen did not name.
  if (attributes) rest = rest.replace(/\b\w*_\w*\b/g, ' ');
  const found = [];
  for (const m of rest.matchAll(/[A-Za-z][A-Za-z'’-]*/g)) {
    const word = m[0].replace(/[-'’]+$/, '');
    if (allowedWords.has(word) || (attributes && codes.has(word))) continue;
    const at = Math.max(0, m.index - 25);
    found.push({ word, context: rest.slice(at, m.index + word.length + 25).replace(/\s+/g, ' ').trim() });
  }
  return found;
}

// The page's visible text, and apart from it its tooltips, placeholders and
// labels for assistive technology (text too) and its title.
async function visibleText(page) {
  return page.evaluate(() => {
    const extra = [...document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')]
      .filter((e) => !(e instanceof HTMLElement && e.hidden))
      .flatMap((e) => ['aria-label', 'title', 'placeholder', 'alt'].map((a) => e.getAttribute(a)).filter(Boolean));
    return { text: document.body.innerText, attributes: `${extra.join('\n')}\n${document.title}` };
  });
}

test('no English word on the main screens in Chinese', async () => {
  const page = await browser.page();
  const found = [];
  for (const screen of mainScreens(demo)) {
    await openScreen(page, nodes, screen, 'zh-CN');
    const { text, attributes } = await visibleText(page);
    assert.match(text, /\p{Script=Han}/u, `${screen.name}: no Chinese text at all`);
    for (const { word, context } of englishWords(text, demo.texts))
      found.push(`${screen.name} (${screen.path}): "${word}" in "…${context}…"`);
    for (const { word, context } of englishWords(attributes, demo.texts, { attributes: true }))
      found.push(`${screen.name} (${screen.path}): "${word}" in a tooltip or label "…${context}…"`);
  }
  assert.deepEqual(found, [], `English words on Chinese screens:\n${found.join('\n')}`);
  browser.assertClean();
});

test('the check finds an English word, and lets codes, names and ids pass', () => {
  const ok = 'TLP:AMBER+STRICT PAP:GREEN fraud:phishing budapest:art8 01a25172-76d1-73cd-92da-1297d8e61def ' +
    'alpha bravo duty 请求 report.pdf Europe/Berlin SHA-256 Ed25519 API 15 min https://a.example/x';
  assert.deepEqual(englishWords(ok, []), []);
  assert.deepEqual(englishWords('警报 Acknowledge 已确认', []).map((f) => f.word), ['Acknowledge']);
  assert.deepEqual(englishWords('有害内容 (abusive-content) 欺诈 (fraud) 按住 Ctrl 键 A · 完全可靠', []), []);
  assert.deepEqual(englishWords('紧急 urgent', []).map((f) => f.word), ['urgent']);
  assert.deepEqual(englishWords('紧急 urgent', [], { attributes: true }), []);
  assert.deepEqual(englishWords('状态 responded_partial', []).map((f) => f.word), ['responded', 'partial']);
  assert.deepEqual(englishWords('状态 responded_partial', [], { attributes: true }), []);
  assert.deepEqual(englishWords('案件 Data breach at a company', ['Data breach at a company']), []);
});

// The node's own list of its codes (GET /v1/vocabulary), where the node has
// it: every code has its name in code.json (both languages have the same
// keys: scripts/check-i18n.mjs), every translation language its name.
const catalogue = (area) => JSON.parse(readFileSync(new URL(`../src/i18n/en/${area}.json`, import.meta.url), 'utf8'));
const names = new Set(Object.keys(catalogue('code')));
const vocabularyGroups = {
  request_kinds: 'request_kind', priorities: 'priority', decline_reasons: 'decline_reason', dispute_grounds: 'ground',
  tlp: 'tlp', pap: 'pap', rsit_classes: 'rsit', rsit_types: 'rsit', offences: 'offence',
  states: 'state', actions: 'action', // per item kind: {"alert": [...], ...}
};

// What GET /v1/vocabulary lists and the catalogues do not name.
export function vocabularyProblems(vocabulary) {
  const problems = [];
  for (const [key, value] of Object.entries(vocabulary)) {
    if (key === 'translation_languages') {
      for (const l of value) if (!catalogue('top')[`top.lang_${l}`]) problems.push(`${key}: ${l} (no "top.lang_${l}")`);
      continue;
    }
    const group = vocabularyGroups[key];
    if (!group) {
      problems.push(`${key}: a list this test does not know: give its codes names in code.json and add it here`);
      continue;
    }
    const lists = Array.isArray(value) ? { [key]: value } : value;
    for (const [where, list] of Object.entries(lists))
      for (const code of list)
        if (!names.has(`code.${group}.${code}`)) problems.push(`${key === where ? key : `${key}.${where}`}: ${code} (no "code.${group}.${code}")`);
  }
  return problems;
}

test('every code GET /v1/vocabulary lists has a name', async (t) => {
  const r = await nodes.alpha.raw('GET', '/v1/vocabulary', undefined, {
    Authorization: `Bearer ${nodes.alpha.token('chief')}`,
    Accept: 'application/json',
  });
  if (r.status === 404) {
    t.skip('this node has no GET /v1/vocabulary');
    return;
  }
  assert.equal(r.status, 200, r.body.toString());
  const vocabulary = JSON.parse(r.body.toString());
  assert.ok(vocabulary.states?.request?.includes('clarification_requested'), r.body.toString());
  const problems = vocabularyProblems(vocabulary);
  assert.deepEqual(problems, [], `codes without a name:\n${problems.join('\n')}`);
});

test('the vocabulary check finds a code without a name and a list it does not know', () => {
  const sample = {
    request_kinds: ['information'], dispute_grounds: ['timeliness'], rsit_types: ['fraud:phishing'], tlp: ['TLP:RED'],
    states: { alert: ['raised'], round: ['agenda_agreed'] }, actions: { request: ['mark_received'] },
    translation_languages: ['en', 'zh-CN'],
  };
  assert.deepEqual(vocabularyProblems(sample), []);
  assert.deepEqual(
    vocabularyProblems({ ...sample, states: { alert: ['raised', 'exploded'] }, colours: ['red'], translation_languages: ['fr'] }).sort(),
    [
      'colours: a list this test does not know: give its codes names in code.json and add it here',
      'states.alert: exploded (no "code.state.exploded")',
      'translation_languages: fr (no "top.lang_fr")',
    ],
  );
});
