// /indicators?value=V[&type=T]: look a value up across every case this
// person may read (GET /v1/indicators), as an analyst pastes an address,
// domain or hash from a log into MISP's or OpenCTI's search. The node finds
// the same value and what holds it (a domain's parent domains, the ranges
// holding an address, a URL's or e-mail address's host); each result links
// to its case. The search is in the URL, so it can be shared and reloaded.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { get, query } from '../../api/client';
import { codeName } from '../../i18n';
import { Page } from '../../ui/Page';
import { Time } from '../../ui/Time';
import { TlpBadge } from '../../ui/Tlp';
import { useFieldErrors } from './fields';
import { indicatorTypes, type IndicatorHit } from './indicators';
import './interop.css';

function Results({ hits }: { hits: IndicatorHit[] }) {
  const { t } = useTranslation();
  if (hits.length === 0)
    return (
      <p className="muted ix-no-hits" role="status">
        {t('interop.search_none')}
      </p>
    );
  return (
    <div className="ix-scroll">
      <p className="muted" role="status">
        {t('interop.search_count', { count: hits.length })}
      </p>
      <table className="ix-table ix-hits">
        <thead>
          <tr>
            <th scope="col">{t('interop.case')}</th>
            <th scope="col">{t('interop.type')}</th>
            <th scope="col">{t('interop.value')}</th>
            <th scope="col">{t('interop.matched')}</th>
            <th scope="col">{t('interop.tlp')}</th>
            <th scope="col">{t('interop.confidence')}</th>
            <th scope="col">{t('interop.first_seen')}</th>
            <th scope="col">{t('interop.last_seen')}</th>
            <th scope="col">{t('interop.note')}</th>
          </tr>
        </thead>
        <tbody>
          {hits.map((h) => (
            <tr key={`${h.case.id}:${h.type}:${h.value}`} className="ix-hit" data-case={h.case.id}>
              <td>
                <Link to={`/cases/${h.case.id}`}>{h.case.title}</Link>{' '}
                <span className="muted">
                  ({codeName(t, 'state', h.case.state)}) <code className="case-id">{h.case.id.slice(-8)}</code>
                </span>
              </td>
              <td>
                <code>{h.type}</code>
              </td>
              <td className="ix-value-cell">
                <code>{h.value}</code>
              </td>
              <td className="ix-matched">{t(`interop.matched_${h.matched}`, { defaultValue: h.matched })}</td>
              <td>
                <TlpBadge tlp={h.effective_tlp} />
              </td>
              <td className="ix-num">{h.confidence ?? <span className="muted">{t('common.none')}</span>}</td>
              <td>{h.first_seen ? <Time at={h.first_seen} /> : <span className="muted">{t('common.none')}</span>}</td>
              <td>{h.last_seen ? <Time at={h.last_seen} /> : <span className="muted">{t('common.none')}</span>}</td>
              <td className="ix-note">{h.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function IndicatorSearch() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const value = params.get('value') ?? '';
  const type = params.get('type') ?? '';
  const [text, setText] = useState(value);
  const [chosen, setChosen] = useState(type);
  const [hits, setHits] = useState<IndicatorHit[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const f = useFieldErrors(error, ['value', 'type']);

  useEffect(() => {
    setText(value);
    setChosen(type);
    if (!value) {
      setHits(null);
      setError(null);
      return;
    }
    let gone = false;
    setBusy(true);
    get<{ indicators: IndicatorHit[] }>(`/v1/indicators${query({ value, type, limit: 500 })}`)
      .then((a) => {
        if (gone) return;
        setHits(a.indicators);
        setError(null);
      })
      .catch((e) => {
        if (gone) return;
        setHits(null);
        setError(e);
      })
      .finally(() => !gone && setBusy(false));
    return () => {
      gone = true;
    };
  }, [value, type]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: Record<string, string> = {};
    if (text.trim()) next.value = text.trim();
    if (chosen) next.type = chosen;
    setParams(next);
  };

  return (
    <Page title={t('interop.search_title')}>
      <form className="panel ix-search-form" role="search" aria-label={t('interop.search_title')} onSubmit={submit}>
        <div className="ix-field ix-search-value">
          {f.label('value', t('interop.search_value'))}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} autoFocus aria-describedby="ix-search-hint" {...f.props('value')} />
          {f.note('value')}
        </div>
        <div className="ix-field">
          {f.label('type', t('interop.type'))}
          <select value={chosen} onChange={(e) => setChosen(e.target.value)} {...f.props('type')}>
            <option value="">{t('interop.type_guess')}</option>
            {indicatorTypes.map((x) => (
              <option key={x} value={x}>
                {codeName(t, 'indicator_type', x)} ({x})
              </option>
            ))}
          </select>
          {f.note('type')}
        </div>
        <button type="submit" className="primary" disabled={busy || !text.trim()}>
          {t('interop.search')}
        </button>
        <p className="hint ix-search-hint" id="ix-search-hint">
          {t('interop.search_hint')}
        </p>
      </form>
      {f.rest}
      {busy && <p className="muted">{t('common.loading')}</p>}
      {!busy && hits && <Results hits={hits} />}
    </Page>
  );
}
