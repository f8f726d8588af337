// Checks the message catalogues and the components (run by `npm run check`,
// part of `make test`):
// 1. every catalogue file exists in both languages with the same keys, each
//    key starts with "<area>." (the file's name), no value is empty, and
//    both languages use the same {placeholders};
// 2. no component writes visible text directly: JSX text with a letter in it,
//    or a literal in a visible attribute (title, placeholder, alt, aria-label…);
// 3. every literal key passed to t('…') exists (plural keys by their _one/_other forms);
// 4. every code the node uses (states, actions, kinds, labels, roles,
//    permissions, deadlines, events…), read from the C++ sources and the
//    RSIT table, has its name "code.<group>.<code>" in code.json.
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

// ---- 4. codes
const repo = join(root, '..');
const cpp = (p) => readFileSync(join(repo, p), 'utf8');
// The members of `enum class NAME { … }` (comments dropped, a trailing "_"
// of a C++ keyword dropped).
function enumMembers(text, name, where) {
  const m = text.match(new RegExp(`enum class ${name}\\s*\\{([^}]*)\\}`));
  if (!m) {
    problem(where, `check-i18n: no "enum class ${name}" found (the check must follow the C++ code)`);
    return [];
  }
  return m[1]
    .replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '')
    .split(',')
    .map((s) => s.trim().replace(/_$/, ''))
    .filter(Boolean);
}
// The string literals of the first match of `re` (its group 1).
function literals(text, re, where, what) {
  const m = text.match(re);
  if (!m) {
    problem(where, `check-i18n: ${what} not found (the check must follow the C++ code)`);
    return [];
  }
  return [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
}
const codes = new Map(); // group -> Set of codes
const need = (group, list, from) => {
  if (!codes.has(group)) codes.set(group, new Map());
  for (const c of list) if (!codes.get(group).has(c)) codes.get(group).set(c, from);
};
const model = 'src/hotline/model';
for (const [file, states, actions] of [
  ['alert.h', 'AlertState', 'AlertAction'],
  ['request.h', 'RequestState', 'RequestAction'],
  ['case_file.h', 'CaseState', 'CaseAction'],
  ['dispute.h', 'DisputeState', 'DisputeAction'],
  ['review_round.h', 'RoundState', 'RoundAction'],
]) {
  const text = cpp(`${model}/${file}`);
  need('state', enumMembers(text, states, `${model}/${file}`), `${model}/${file}`);
  need('action', enumMembers(text, actions, `${model}/${file}`), `${model}/${file}`);
}
need('request_kind', enumMembers(cpp(`${model}/request.h`), 'RequestKind', `${model}/request.h`), `${model}/request.h`);
need('decline_reason', enumMembers(cpp(`${model}/request.h`), 'DeclineReason', `${model}/request.h`), `${model}/request.h`);
need('ground', enumMembers(cpp(`${model}/dispute.h`), 'DisputeGround', `${model}/dispute.h`), `${model}/dispute.h`);
need('priority', enumMembers(cpp(`${model}/vocabulary.h`), 'Priority', `${model}/vocabulary.h`), `${model}/vocabulary.h`);
need('side', enumMembers(cpp(`${model}/vocabulary.h`), 'Side', `${model}/vocabulary.h`), `${model}/vocabulary.h`);
need('calendar', enumMembers(cpp(`${model}/agreement.h`), 'Calendar', `${model}/agreement.h`), `${model}/agreement.h`);
{
  const text = cpp(`${model}/request.h`);
  const rating = text.match(/struct Rating \{([^}]*)\}/);
  need('rating', rating ? [...rating[1].matchAll(/int (\w+) = /g)].map((x) => x[1]) : [], `${model}/request.h`);
  if (!rating) problem(`${model}/request.h`, 'check-i18n: no "struct Rating" found');
}
{
  const p = `${model}/labels.cpp`;
  const text = cpp(p);
  need('tlp', literals(text, /kTlpNames\{([^}]*)\}/, p, 'kTlpNames'), p);
  need('pap', literals(text, /kPapNames\{([^}]*)\}/, p, 'kPapNames'), p);
  need('offence', [...text.matchAll(/\{"(budapest:art\d+)"/g)].map((x) => x[1]), p);
}
{
  const p = `${model}/indicator.h`;
  need('indicator_type', literals(cpp(p), /kIndicatorTypes\{([^}]*)\}/, p, 'kIndicatorTypes'), p);
}
{
  const p = 'tests/vectors/taxonomies/rsit.csv';
  for (const line of cpp(p).trim().split('\n').slice(1)) {
    const [cls, , type] = line.split(',');
    need('rsit', [cls, `${cls}:${type}`], p);
  }
}
{
  const p = 'src/hotline/service/deadline_service.cpp';
  const text = cpp(p);
  need('deadline', [...text.matchAll(/compute\("(\w+)"/g)].map((x) => x[1]), p);
  need('deadline_status', [...text.matchAll(/status = ([^;]*);/g)].flatMap((x) => [...x[1].matchAll(/"(\w+)"/g)].map((y) => y[1])), p);
  const d = `${model}/dispute.cpp`;
  need('deadline', literals(cpp(d), /kAdjustableDeadlines\{([^}]*)\}/, d, 'kAdjustableDeadlines'), d);
}
{
  const p = 'src/hotline/service/item_replay.h';
  need('item_kind', [...cpp(p).matchAll(/inline constexpr const char\* k\w+ = "(\w+)";/g)].map((x) => x[1]), p);
  const u = 'src/hotline/service/user_service.h';
  need('role', enumMembers(cpp(u), 'Role', u), u);
  need('permission', enumMembers(cpp(u), 'Permission', u), u);
  const e = 'web/src/api/events.tsx';
  const kinds = cpp(e).match(/eventKinds = \[([^\]]*)\]/);
  if (!kinds) problem(e, 'check-i18n: eventKinds not found (the check must follow the code)');
  need('event', kinds ? [...kinds[1].matchAll(/'(\w+)'/g)].map((x) => x[1]) : [], e);
}
let codeCount = 0;
for (const [group, list] of codes) {
  if (list.size === 0) problem('scripts/check-i18n.mjs', `no ${group} codes found in the sources (the check must follow them)`);
  for (const [code, from] of list) {
    codeCount++;
    if (!keys.en.has(`code.${group}.${code}`))
      problem('src/i18n/en/code.json', `no name for the ${group} "${code}" (${from}): add "code.${group}.${code}" in both languages`);
  }
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`check-i18n: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`check-i18n: ${keys.en.size} keys in en and zh-CN, components clean, ${codeCount} codes named`);
