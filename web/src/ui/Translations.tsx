// A text of an item with its translations beside it (issue 19: any text can
// get a translation, bound to the original; one made of an older version of
// the text is marked out of date). People with the `translate` permission
// add one (language + text); its author or a supervisor removes it.
// Translations stay on this node (POST/DELETE /v1/{kind}s/{id}/translations).
//
//   <Translations item={item} field="details" original={item.details} onChanged={reload} />
//
// `field` is the JSON pointer of the text in the item's document without the
// leading slash ("subject", "details", "history/4/note").
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, post } from '../api/client';
import { useSession } from '../api/session';
import type { Item, Translation } from '../api/types';
import { ErrorNote } from './Page';
import { Time } from './Time';
import './translations.css';

export const translationLanguages = ['en', 'zh-CN'] as const;

function kindPath(item: Item): string {
  return `/v1/${item.item_kind}s/${encodeURIComponent(item.id)}/translations`;
}

function AddForm({ item, field, onDone }: { item: Item; field: string; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  // Most people translate into the language they read.
  const [lang, setLang] = useState<string>(i18n.language === 'zh-CN' ? 'zh-CN' : 'en');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post(kindPath(item), { field, lang, text });
      setText('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="tr-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={`${id}-lang`}>{t('translations.language')}</label>
      <select id={`${id}-lang`} value={lang} onChange={(e) => setLang(e.target.value)}>
        {translationLanguages.map((l) => (
          <option key={l} value={l}>
            {t(`translations.lang_${l}`)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-text`}>{t('translations.text')}</label>
      <textarea id={`${id}-text`} rows={3} value={text} required onChange={(e) => setText(e.target.value)} />
      <div className="tr-form-buttons">
        <button type="submit" className="primary" disabled={busy || !text.trim()}>
          {t('translations.save')}
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

function One({ item, tr, onChanged }: { item: Item; tr: Translation; onChanged?: () => void }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const [error, setError] = useState<unknown>(null);
  const mayRemove = !!me && (me.name === tr.by || me.roles.includes('supervisor'));
  const remove = async () => {
    setError(null);
    try {
      await del(`${kindPath(item)}/${encodeURIComponent(tr.id)}`);
      onChanged?.();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className={`tr-one ${tr.current ? '' : 'tr-stale'}`} lang={tr.lang} data-lang={tr.lang}>
      <div className="tr-meta muted">
        <span className="tr-lang">{t(`translations.lang_${tr.lang}`, { defaultValue: tr.lang })}</span>
        {' · '}
        {t('translations.by', { name: tr.by })} <Time at={tr.at} />
        {!tr.current && (
          <>
            {' · '}
            <span className="tr-outdated">{t('translations.out_of_date')}</span>
          </>
        )}
      </div>
      <div className="tr-text">{tr.text}</div>
      {mayRemove && (
        <button type="button" className="link-button" onClick={() => void remove()}>
          {t('translations.remove')}
        </button>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

export function Translations({
  item,
  field,
  original,
  onChanged,
}: {
  item: Item;
  field: string;
  original: string;
  onChanged?: () => void;
}) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [adding, setAdding] = useState(false);
  const list = (item.translations ?? []).filter((x) => x.field === field);
  return (
    <div className={`translatable ${list.length ? 'has-translations' : ''}`} data-field={field}>
      <div className="tr-original">{original}</div>
      {list.length > 0 && (
        <div className="tr-list" role="group" aria-label={t('translations.list')}>
          {list.map((tr) => (
            <One key={tr.id} item={item} tr={tr} onChanged={onChanged} />
          ))}
        </div>
      )}
      {can('translate') && original.trim() !== '' && (
        <div className="tr-add">
          <button type="button" className="link-button" aria-expanded={adding} onClick={() => setAdding(!adding)}>
            {adding ? t('translations.cancel') : t('translations.add')}
          </button>
          {adding && (
            <AddForm
              item={item}
              field={field}
              onDone={() => {
                setAdding(false);
                onChanged?.();
              }}
            />
          )}
        </div>
      )}
    </div>
  );
}
