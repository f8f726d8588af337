// The message catalogues: web/src/i18n/<lang>/<area>.json, flat keys
// "<area>.<name>", in English and Simplified Chinese. scripts/check-i18n.mjs
// (in `make test`) fails on a key missing in either language and on text
// written directly in a component.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

export const languages = ['en', 'zh-CN'] as const;
export type Language = (typeof languages)[number];
const langKey = 'hotline.lang';

const files = import.meta.glob('./*/*.json', { eager: true, import: 'default' }) as Record<
  string,
  Record<string, string>
>;

function catalogue(lang: Language): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, entries] of Object.entries(files)) {
    if (path.startsWith(`./${lang}/`)) Object.assign(out, entries);
  }
  return out;
}

export function initialLanguage(): Language {
  const saved = localStorage.getItem(langKey);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function setLanguage(lang: Language) {
  // The choice of language is not a secret; keeping it lets the sign-in page
  // open in it.
  localStorage.setItem(langKey, lang);
  document.documentElement.lang = lang;
  void i18next.changeLanguage(lang);
}

export function initI18n() {
  const lang = initialLanguage();
  document.documentElement.lang = lang;
  void i18next.use(initReactI18next).init({
    resources: {
      en: { translation: catalogue('en') },
      'zh-CN': { translation: catalogue('zh-CN') },
    },
    lng: lang,
    fallbackLng: false,
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false, prefix: '{', suffix: '}' },
    returnNull: false,
  });
}

// A code's name in the chosen language ("code.<group>.<code>"), or the code
// itself when the catalogue has no name for it (a newer node's code).
export function codeName(t: (k: string) => string, group: string, code: string): string {
  const key = `code.${group}.${code}`;
  const name = t(key);
  return name === key ? code : name;
}
