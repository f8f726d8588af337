// Checks the message catalogues and the components (run by `npm run check`,
// part of `make test`):
// 1. every catalogue file exists in both languages with the same keys, each
//    key starts with "<area>." (the file's name), no value is empty, and
//    both languages use the same {placeholders};
// 2. no component writes visible text directly: JSX text with a letter in it,
//    or a literal in a visible attribute (title, placeholder, alt, aria-label…);
// 3. every literal key passed to t('…') exists (plural keys by their _one/_other forms).
// Prints each finding as FILE:LINE: what; exits 1 when there is any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const langs = ['en', 'zh-CN'];
const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);

// ---- 1. catalogues
const keys = {};
for (const lang of langs) {
  keys[lang] = new Map();
  for (const f of readdirSync(join(src, 'i18n', lang))) {
    if (!f.endsWith('.json')) continue;
    const area = f.slice(0, -5);
    const path = join(src, 'i18n', lang, f);
    let entries;
    try {
      entries = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      problem(relative(root, path), `not valid JSON (${e.message})`);
      continue;
    }
    for (const [k, v] of Object.entries(entries)) {
      if (!k.startsWith(`${area}.`)) problem(relative(root, path), `key "${k}" does not start with "${area}."`);
      if (typeof v !== 'string' || v.trim() === '') problem(relative(root, path), `key "${k}" has no text`);
      keys[lang].set(k, { value: v, file: relative(root, path) });
    }
  }
}
const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
const pluralBase = (k) => k.replace(/_(zero|one|two|few|many|other)$/, '');
for (const [a, b] of [['en', 'zh-CN'], ['zh-CN', 'en']]) {
  for (const [k, { file }] of keys[a]) {
    if (keys[b].has(k)) continue;
    // A plural form one language needs and the other has not (zh has only _other).
    const base = pluralBase(k);
    if (base !== k && [...keys[b].keys()].some((x) => pluralBase(x) === base)) continue;
    problem(file, `key "${k}" is missing in ${b}`);
  }
}
for (const [k, { value, file }] of keys.en) {
  const zh = keys['zh-CN'].get(k);
  if (zh && placeholders(zh.value) !== placeholders(value))
    problem(file, `key "${k}": placeholders differ between en {${placeholders(value)}} and zh-CN {${placeholders(zh.value)}}`);
}

// ---- 2. and 3. components
const visibleAttributes = new Set(['title', 'placeholder', 'alt', 'aria-label', 'aria-description', 'aria-roledescription', 'label', 'header', 'summary']);
const letter = /\p{L}/u;
const known = (k) =>
  keys.en.has(k) || ['one', 'other'].some((f) => keys.en.has(`${k}_${f}`));
function files(d) {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    if (statSync(p).isDirectory()) return files(p);
    return /\.tsx?$/.test(f) ? [p] : [];
  });
}
for (const path of files(src)) {
  const text = readFileSync(path, 'utf8');
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const where = (node) => `${relative(root, path)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node) => {
    if (ts.isJsxText(node) && letter.test(node.text)) problem(where(node), `text written in the component: "${node.text.trim()}"`);
    if (ts.isJsxAttribute(node) && node.initializer) {
      const name = node.name.getText(sf);
      const init = node.initializer;
      const literal = ts.isStringLiteral(init)
        ? init.text
        : ts.isJsxExpression(init) && init.expression && ts.isStringLiteral(init.expression)
          ? init.expression.text
          : null;
      if (literal !== null && visibleAttributes.has(name) && letter.test(literal))
        problem(where(node), `text written in the attribute ${name}: "${literal}"`);
    }
    if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const callee = node.expression.getText(sf);
      const arg = node.arguments[0];
      if ((callee === 't' || callee.endsWith('.t')) && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) {
        if (!known(arg.text)) problem(where(node), `t('${arg.text}'): no such key in the catalogues`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`check-i18n: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`check-i18n: ${keys.en.size} keys in en and zh-CN, components clean`);
