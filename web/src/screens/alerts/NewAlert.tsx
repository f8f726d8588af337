// Raising an alert (/alerts/new): to which peer, summary, details,
// priority, labels and attachments (each uploaded at once, with its
// progress). The form lives in this page's memory only: when the session
// has expired, the sign-in dialog opens over it and the alert is sent once
// the person has signed in again, with what they wrote.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { post, upload, type Uploaded } from '../../api/client';
import { useSession } from '../../api/session';
import { usePeers } from '../../app/TopBar';
import { ErrorNote, Page } from '../../ui/Page';
import type { Alert } from './alerts';
import { formatSize } from './AlertDetails';
import { defaultLabels, LabelsFields, type Labels } from './LabelsFields';
import { codeName } from '../../i18n';
import './alerts.css';

interface Attachment {
  key: number;
  file: File;
  progress: number;
  done?: Uploaded;
  error?: unknown;
}

function useAttachments() {
  const [list, setList] = useState<Attachment[]>([]);
  const next = useRef(0);
  const update = (key: number, change: Partial<Attachment>) => setList((l) => l.map((a) => (a.key === key ? { ...a, ...change } : a)));
  const add = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const key = ++next.current;
      setList((l) => [...l, { key, file, progress: 0 }]);
      upload(file, (f) => update(key, { progress: f }))
        .then((done) => update(key, { done, progress: 1 }))
        .catch((error: unknown) => update(key, { error }));
    }
  };
  const remove = (key: number) => setList((l) => l.filter((a) => a.key !== key));
  return { list, add, remove, busy: list.some((a) => !a.done && !a.error) };
}

function Attachments({ att }: { att: ReturnType<typeof useAttachments> }) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{t('alerts.attachments')}</legend>
      <label>
        {t('alerts.add_files')}
        <input type="file" multiple onChange={(e) => {
          att.add(e.target.files);
          e.target.value = '';
        }} />
      </label>
      {att.list.length > 0 && (
        <ul className="uploads">
          {att.list.map((a) => (
            <li key={a.key} data-file={a.file.name}>
              <span>{a.file.name}</span>
              <span className="muted">{formatSize(t, a.file.size)}</span>
              <progress max={1} value={a.progress} aria-label={t('alerts.upload_progress', { name: a.file.name })} />
              <span className="upload-state">
                {a.error ? <ErrorNote error={a.error} /> : a.done ? t('alerts.uploaded') : t('alerts.uploading', { percent: Math.round(a.progress * 100) })}
              </span>
              <button type="button" onClick={() => att.remove(a.key)}>
                {t('alerts.remove_file', { name: a.file.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

export default function NewAlert() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const peers = usePeers();
  const [to, setTo] = useState('');
  const [priority, setPriority] = useState('urgent');
  const [summary, setSummary] = useState('');
  const [details, setDetails] = useState('');
  const [labels, setLabels] = useState<Labels>(defaultLabels);
  const att = useAttachments();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!to && peers.length > 0) setTo(peers[0].name);
  }, [peers, to]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const attachments = att.list.filter((a) => a.done).map((a) => ({ sha256: a.done!.sha256, name: a.done!.name, size: a.done!.size }));
      const alert = await post<Alert>('/v1/alerts', { to, priority, summary: summary.trim(), details, labels, attachments });
      navigate(`/alerts/${alert.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  if (!can('act_alerts')) {
    return (
      <Page title={t('alerts.raise')}>
        <p className="error" role="alert">{t('error.forbidden')}</p>
      </Page>
    );
  }
  return (
    <Page title={t('alerts.raise')}>
      <form className="new-alert" onSubmit={submit}>
        <div className="label-row">
          <label>
            {t('alerts.to')}
            <select value={to} onChange={(e) => setTo(e.target.value)} required>
              {peers.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('alerts.col_priority')}
            <select value={priority} onChange={(e) => setPriority(e.target.value)}>
              {['urgent', 'normal'].map((p) => (
                <option key={p} value={p}>
                  {codeName(t, 'priority', p)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          {t('alerts.summary_field')}
          <input name="summary" value={summary} onChange={(e) => setSummary(e.target.value)} required maxLength={500} aria-describedby="summary-hint" />
          <span id="summary-hint" className="hint">{t('alerts.summary_hint')}</span>
        </label>
        <label>
          {t('alerts.details')}
          <textarea name="details" value={details} onChange={(e) => setDetails(e.target.value)} rows={8} />
        </label>
        <LabelsFields labels={labels} onChange={setLabels} />
        <Attachments att={att} />
        <ErrorNote error={error} />
        <div className="form-buttons">
          <button type="submit" className="primary" disabled={busy || att.busy || !to}>
            {busy ? t('alerts.sending') : t('alerts.send')}
          </button>
          <Link to="/alerts">{t('alerts.cancel')}</Link>
        </div>
      </form>
    </Page>
  );
}
