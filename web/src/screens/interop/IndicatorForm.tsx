// Add an indicator to a case, or edit one (POST /v1/cases/{id}/indicators):
// the type guessed by the node from the value unless chosen; first and last
// seen, confidence (0-100, STIX 2.1), its own TLP or the case's, a note.
// Editing sends every field again (the node keeps the earlier first seen
// and the later last seen); the type and value stay as they are.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api/client';
import { codeName } from '../../i18n';
import { tlpCodes } from '../cases/vocab';
import { useFieldErrors } from './fields';
import { fromLocalInput, indicatorTypes, toLocalInput, type Indicator } from './indicators';

const fields = ['type', 'value', 'first_seen', 'last_seen', 'confidence', 'tlp', 'note'] as const;

// A time field's value for the API: the original when the field still shows
// it (a minute-precise field must not move a time by the seconds it hides).
function timeOf(local: string, original: string | null | undefined): string | null {
  if (original && local === toLocalInput(original)) return original;
  return fromLocalInput(local);
}

export function IndicatorForm<Doc>({
  caseId,
  caseTlp,
  editing,
  onSaved,
  onCancel,
}: {
  caseId: string;
  caseTlp: string;
  editing: Indicator | null;
  onSaved: (doc: Doc) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const [type, setType] = useState(editing?.type ?? '');
  const [value, setValue] = useState(editing?.value ?? '');
  const [first, setFirst] = useState(toLocalInput(editing?.first_seen));
  const [last, setLast] = useState(toLocalInput(editing?.last_seen));
  const [confidence, setConfidence] = useState(editing?.confidence?.toString() ?? '');
  const [tlp, setTlp] = useState(editing?.tlp ?? '');
  const [note, setNote] = useState(editing?.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const f = useFieldErrors(error, fields);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = {
      value: value.trim(),
      first_seen: timeOf(first, editing?.first_seen),
      last_seen: timeOf(last, editing?.last_seen),
      confidence: confidence.trim() === '' ? null : Number(confidence),
      tlp: tlp || null,
      note: note.trim(),
    };
    if (type) body.type = type;
    try {
      const doc = await post<Doc>(`/v1/cases/${encodeURIComponent(caseId)}/indicators`, body);
      if (!editing) {
        setValue('');
        setType('');
        setFirst('');
        setLast('');
        setConfidence('');
        setTlp('');
        setNote('');
      }
      onSaved(doc);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="ix-form ix-indicator-form" onSubmit={submit} aria-label={editing ? t('interop.edit_indicator_title', { value: editing.value }) : t('interop.add_indicator_title')}>
      <div className="ix-form-row">
        <div className="ix-field ix-type">
          {f.label('type', t('interop.type'))}
          <select value={type} onChange={(e) => setType(e.target.value)} disabled={!!editing} {...f.props('type')}>
            <option value="">{t('interop.type_guess')}</option>
            {indicatorTypes.map((x) => (
              <option key={x} value={x}>
                {codeName(t, 'indicator_type', x)} ({x})
              </option>
            ))}
          </select>
          {f.note('type')}
        </div>
        <div className="ix-field ix-value">
          {f.label('value', t('interop.value'))}
          <input value={value} onChange={(e) => setValue(e.target.value)} required readOnly={!!editing} spellCheck={false} {...f.props('value')} />
          {f.note('value')}
        </div>
      </div>
      <div className="ix-form-row">
        <div className="ix-field">
          {f.label('first_seen', t('interop.first_seen'))}
          <input type="datetime-local" value={first} onChange={(e) => setFirst(e.target.value)} {...f.props('first_seen')} />
          {f.note('first_seen')}
        </div>
        <div className="ix-field">
          {f.label('last_seen', t('interop.last_seen'))}
          <input type="datetime-local" value={last} onChange={(e) => setLast(e.target.value)} {...f.props('last_seen')} />
          {f.note('last_seen')}
        </div>
        <div className="ix-field ix-confidence">
          {f.label('confidence', t('interop.confidence'))}
          <input type="number" inputMode="numeric" value={confidence} onChange={(e) => setConfidence(e.target.value)} {...f.props('confidence')} />
          {f.note('confidence')}
        </div>
        <div className="ix-field">
          {f.label('tlp', t('interop.tlp'))}
          <select value={tlp} onChange={(e) => setTlp(e.target.value)} {...f.props('tlp')}>
            <option value="">{t('interop.tlp_of_case', { tlp: caseTlp })}</option>
            {tlpCodes.map((x) => (
              <option key={x} value={x}>
                {x} · {codeName(t, 'tlp', x)}
              </option>
            ))}
          </select>
          {f.note('tlp')}
        </div>
      </div>
      <div className="ix-field">
        {f.label('note', t('interop.note'))}
        <input value={note} onChange={(e) => setNote(e.target.value)} {...f.props('note')} />
        {f.note('note')}
      </div>
      <div className="ix-form-buttons">
        <button type="submit" className="primary" disabled={busy || !value.trim()}>
          {editing ? t('interop.save_indicator') : t('interop.add_indicator')}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('interop.cancel')}
          </button>
        )}
      </div>
      {f.rest}
    </form>
  );
}
