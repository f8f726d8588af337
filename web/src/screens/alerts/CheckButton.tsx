// Sends the peer a communication check now (POST /v1/checks): an urgent
// TLP:CLEAR alert that a person at the peer's desk acknowledges within the
// alert deadline. With more than one peer, the person picks which.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api/client';
import { ErrorNote } from '../../ui/Page';
import type { Alert } from './alerts';

export function CheckButton({ peers, onSent }: { peers: string[]; onSent: (a: Alert) => void }) {
  const { t } = useTranslation();
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const peer = to || peers[0] || '';
  if (!peer) return null;
  const send = () => {
    setBusy(true);
    setError(null);
    post<Alert>('/v1/checks', { to: peer })
      .then(onSent, setError)
      .finally(() => setBusy(false));
  };
  return (
    <span className="alert-check">
      {peers.length > 1 && (
        <label>
          <span className="visually-hidden">{t('alerts.check_to')}</span>
          <select value={peer} onChange={(e) => setTo(e.target.value)}>
            {peers.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="button" onClick={send} disabled={busy}>
        {peers.length > 1 ? t('alerts.send_check') : t('alerts.send_check_to', { peer })}
      </button>
      <ErrorNote error={error} />
    </span>
  );
}
