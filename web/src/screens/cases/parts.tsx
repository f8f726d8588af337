// Small pieces of the case page: a one-field form for an action, a linked
// item with its title, and a file upload with its progress bar.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, upload, type Uploaded } from '../../api/client';
import { codeName } from '../../i18n';
import { ErrorNote } from '../../ui/Page';

// One text field and a button; the text is cleared once the action is done.
export function TextActionForm({
  label,
  submit,
  onSubmit,
  required = true,
  multiline = false,
  className = '',
  danger = false,
}: {
  label: string;
  submit: string;
  onSubmit: (text: string) => Promise<unknown>;
  required?: boolean;
  multiline?: boolean;
  className?: string;
  danger?: boolean;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(text.trim());
      setText('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className={`case-action-form ${className}`} onSubmit={send}>
      <label>
        {label}
        {multiline ? (
          <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} required={required} />
        ) : (
          <input value={text} onChange={(e) => setText(e.target.value)} required={required} />
        )}
      </label>
      <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy || (required && !text.trim())}>
        {submit}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

// A linked alert or request: a link to its page, with its title and state
// when this person may read it.
export function LinkedItem({ kind, id }: { kind: 'alert' | 'request'; id: string }) {
  const { t } = useTranslation();
  const [info, setInfo] = useState<{ title: string; state: string } | null>(null);
  useEffect(() => {
    let gone = false;
    get<{ title: string; state: string }>(`/v1/${kind}s/${id}`)
      .then((d) => !gone && setInfo({ title: d.title, state: d.state }))
      .catch(() => undefined);
    return () => {
      gone = true;
    };
  }, [kind, id]);
  return (
    <li className="case-linked" data-id={id}>
      <Link to={`/${kind}s/${id}`}>{info?.title || id.slice(0, 8)}</Link>{' '}
      {info && <span className="muted">({codeName(t, 'state', info.state)})</span>}{' '}
      <code className="muted case-id">{id}</code>
    </li>
  );
}

// Choose a file, upload it with a progress bar, then `onUploaded`.
export function UploadForm({ onUploaded }: { onUploaded: (f: Uploaded) => Promise<unknown> }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return;
    setBusy(true);
    setError(null);
    setProgress(0);
    try {
      const up = await upload(file, setProgress);
      await onUploaded(up);
      if (input.current) input.current.value = '';
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const percent = progress === null ? null : Math.round(progress * 100);
  return (
    <form className="case-action-form" onSubmit={send}>
      <label>
        {t('cases.file')}
        <input type="file" ref={input} required />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {t('cases.add_file')}
      </button>
      {percent !== null && (
        <span className="case-progress">
          <progress max={100} value={percent} aria-label={t('cases.upload_progress')} />{' '}
          <span className="case-progress-text">{t('cases.percent', { n: percent })}</span>
        </span>
      )}
      <ErrorNote error={error} />
    </form>
  );
}
