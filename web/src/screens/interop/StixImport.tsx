// "Import a STIX bundle" on a case (POST /v1/cases/{id}/stix): the analyst
// chooses a bundle exported from MISP or OpenCTI; the node reads it in one
// pass and stores what it maps (indicators added or updated, sightings) and
// keeps the rest as one attachment, in one transaction, each change sent to
// the peer; a bundle refused whole stores nothing and the node's sentence
// names the object and the field. The summary says what happened.
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { sendFile } from '../../api/client';
import { ErrorNote } from '../../ui/Page';
import './interop.css';

export interface StixSummary<Doc> {
  item: Doc;
  objects?: number;
  indicators?: { added?: number; updated?: number };
  sightings?: number;
  unmapped?: Record<string, number>;
  attachment?: string;
  warnings?: string[];
}

function Summary<Doc>({ s }: { s: StixSummary<Doc> }) {
  const { t } = useTranslation();
  const kept = Object.entries(s.unmapped ?? {});
  return (
    <div className="ix-done ix-stix-summary" role="status">
      <p>
        {t('interop.stix_summary', {
          objects: s.objects ?? 0,
          added: s.indicators?.added ?? 0,
          updated: s.indicators?.updated ?? 0,
          sightings: s.sightings ?? 0,
        })}
      </p>
      {kept.length > 0 && (
        <p>
          {t('interop.stix_kept', { file: s.attachment ?? '' })}{' '}
          {kept.map(([type, n]) => `${type} ×${n}`).join(', ')}
        </p>
      )}
      {(s.warnings ?? []).length > 0 && (
        <ul className="ix-warnings">
          {(s.warnings ?? []).map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function StixImport<Doc>({ caseId, onImported }: { caseId: string; onImported: (doc: Doc) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [summary, setSummary] = useState<StixSummary<Doc> | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return;
    setBusy(true);
    setError(null);
    setSummary(null);
    setProgress(0);
    try {
      const s = await sendFile<StixSummary<Doc>>('POST', `/v1/cases/${encodeURIComponent(caseId)}/stix`, file, 'application/json', setProgress);
      setSummary(s);
      if (input.current) input.current.value = '';
      onImported(s.item);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };
  return (
    <form className="ix-form ix-stix-import" onSubmit={submit} aria-labelledby="ix-stix-import">
      <h3 id="ix-stix-import">{t('interop.stix_import_title')}</h3>
      <p className="hint">{t('interop.stix_import_hint')}</p>
      <div className="ix-form-row">
        <div className="ix-field">
          <label className="ix-label" htmlFor="ix-stix-file">
            {t('interop.stix_file')}
          </label>
          <input id="ix-stix-file" type="file" accept=".json,application/json,application/stix+json" ref={input} required />
        </div>
      </div>
      <div className="ix-form-buttons">
        <button type="submit" className="primary" disabled={busy}>
          {t('interop.stix_import')}
        </button>
        {progress !== null && <progress max={100} value={Math.round(progress * 100)} aria-label={t('interop.stix_progress')} />}
      </div>
      <ErrorNote error={error} />
      {summary && <Summary s={summary} />}
    </form>
  );
}
