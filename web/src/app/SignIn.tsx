// Signing in: name, password, and the authenticator code when the account
// has one. Used as the sign-in page and as the dialog that opens over the
// page when a session has expired (the page behind it stays as it was).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { useSession } from '../api/session';
import { armAlarm } from '../screens/alerts/alarm';
import { languages, setLanguage, type Language } from '../i18n';

function message(t: (k: string, o?: Record<string, unknown>) => string, e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'auth_failed') return t('signin.failed');
    if (e.code === 'rate_limited' || e.status === 429) return t('signin.wait', { s: e.retryAfter ?? 2 });
    if (e.code === 'auth_totp_enrolment_required') return t('signin.totp_enrolment_required');
    if (e.code === 'server_busy') return t('signin.busy');
    if (e.code === 'unreachable') return t('signin.unreachable');
    return e.message;
  }
  return t('error.unexpected');
}

export function SignInForm({ expired }: { expired?: boolean }) {
  const { t, i18n } = useTranslation();
  const { signIn, me } = useSession();
  const [name, setName] = useState(expired && me ? me.name : '');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // The click is the gesture browsers need before a page may play sound.
    armAlarm();
    setBusy(true);
    setError(null);
    try {
      await signIn(name.trim(), password, totp.trim() || undefined);
    } catch (err) {
      setError(message(t, err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="signin" onSubmit={submit} aria-labelledby="signin-title">
      <h1 id="signin-title">{expired ? t('signin.expired_title') : t('signin.title')}</h1>
      {expired && <p className="notice">{t('signin.expired_text')}</p>}
      <label>
        {t('signin.name')}
        <input autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required autoFocus={!expired || !name} />
      </label>
      <label>
        {t('signin.password')}
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus={!!expired && !!name} />
      </label>
      <label>
        {t('signin.totp')}
        <input inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" value={totp} onChange={(e) => setTotp(e.target.value)} aria-describedby="totp-hint" />
        <span id="totp-hint" className="hint">{t('signin.totp_hint')}</span>
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('signin.signing_in') : t('signin.submit')}
      </button>
      <p className="hint">{t('signin.alarm_hint')}</p>
      {!expired && (
        <label className="lang">
          {t('top.language')}
          <select value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)}>
            {languages.map((l) => (
              <option key={l} value={l}>
                {t(`top.lang_${l}`)}
              </option>
            ))}
          </select>
        </label>
      )}
    </form>
  );
}

// The dialog over the page when the session expired.
export function ExpiredDialog() {
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="signin-title">
        <SignInForm expired />
      </div>
    </div>
  );
}
