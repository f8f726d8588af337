// Report a sighting of one of the case's indicators (POST
// /v1/cases/{id}/sightings): when it was seen first and last, how often
// and where. Possible in every state of the case, a closed one too; the
// peer receives it like every case action.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api/client';
import { useFieldErrors } from './fields';
import { fromLocalInput, toLocalInput, type Indicator } from './indicators';

const fields = ['value', 'first_seen', 'last_seen', 'count', 'where'] as const;

export function SightingForm<Doc>({
  caseId,
  indicator,
  onSaved,
  onCancel,
}: {
  caseId: string;
  indicator: Indicator;
  onSaved: (doc: Doc) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const now = toLocalInput(new Date().toISOString());
  const [first, setFirst] = useState(now);
  const [last, setLast] = useState(now);
  const [count, setCount] = useState('1');
  const [where, setWhere] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const f = useFieldErrors(error, fields);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const doc = await post<Doc>(`/v1/cases/${encodeURIComponent(caseId)}/sightings`, {
        type: indicator.type,
        value: indicator.value,
        first_seen: fromLocalInput(first),
        last_seen: fromLocalInput(last),
        count: count.trim() === '' ? 1 : Number(count),
        where: where.trim(),
      });
      onSaved(doc);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="ix-form ix-sighting-form" onSubmit={submit} aria-label={t('interop.report_sighting_of', { value: indicator.value })}>
      <h3>{t('interop.report_sighting_of', { value: indicator.value })}</h3>
      <p className="hint">{t('interop.sighting_hint')}</p>
      <div className="ix-form-row">
        <div className="ix-field">
          {f.label('first_seen', t('interop.seen_first'))}
          <input type="datetime-local" value={first} onChange={(e) => setFirst(e.target.value)} required {...f.props('first_seen')} />
          {f.note('first_seen')}
        </div>
        <div className="ix-field">
          {f.label('last_seen', t('interop.seen_last'))}
          <input type="datetime-local" value={last} onChange={(e) => setLast(e.target.value)} required {...f.props('last_seen')} />
          {f.note('last_seen')}
        </div>
        <div className="ix-field ix-count">
          {f.label('count', t('interop.count'))}
          <input type="number" inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value)} {...f.props('count')} />
          {f.note('count')}
        </div>
        <div className="ix-field ix-where">
          {f.label('where', t('interop.where'))}
          <input value={where} onChange={(e) => setWhere(e.target.value)} placeholder={t('interop.where_example')} {...f.props('where')} />
          {f.note('where')}
        </div>
      </div>
          {f.note('value')}
      <div className="ix-form-buttons">
        <button type="submit" className="primary" disabled={busy}>
          {t('interop.report_sighting')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('interop.cancel')}
        </button>
      </div>
      {f.rest}
    </form>
  );
}
