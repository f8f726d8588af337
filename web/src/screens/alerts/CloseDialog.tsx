// Closing an alert this side raised: a note for the peer (may be empty),
// asked in a dialog over the page. Escape or Cancel leaves the alert open.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../ui/Page';
import { closeAlert, type Alert } from './alerts';

// Tab and Shift+Tab go round the dialog's own fields and buttons.
function keepFocusIn(box: HTMLElement, e: KeyboardEvent) {
  const items = Array.from(box.querySelectorAll<HTMLElement>('textarea, input, select, button, a[href]')).filter((el) => !el.hasAttribute('disabled'));
  if (items.length === 0) return;
  const first = items[0];
  const last = items[items.length - 1];
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  } else if (!box.contains(document.activeElement)) {
    e.preventDefault();
    first.focus();
  }
}

export function CloseDialog({ alert, onDone, onCancel }: { alert: { id: string; title: string }; onDone: (a: Alert) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const opener = useRef<Element | null>(document.activeElement);
  const form = useRef<HTMLFormElement>(null);
  const cancel = useRef(onCancel);
  cancel.current = onCancel;

  // Escape cancels; the focus goes back where it was when the dialog closes.
  useEffect(() => {
    const back = opener.current;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') cancel.current();
      if (e.key === 'Tab' && form.current) keepFocusIn(form.current, e);
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    };
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await closeAlert(alert.id, note));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop">
      <form ref={form} className="alert-dialog" role="dialog" aria-modal="true" aria-labelledby="close-title" onSubmit={submit}>
        <h2 id="close-title">{t('alerts.close_title', { title: alert.title })}</h2>
        <label>
          {t('alerts.close_note')}
          <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={4} autoFocus />
          <span className="hint">{t('alerts.close_note_hint')}</span>
        </label>
        <ErrorNote error={error} />
        <div className="form-buttons">
          <button type="submit" className="primary" disabled={busy}>
            {t('alerts.close')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('alerts.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
