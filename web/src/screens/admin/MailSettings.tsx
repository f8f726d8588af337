// /admin/mail: the SMTP relay escalations and round reminders are mailed
// through (GET/PUT/DELETE /v1/mail), its recipients, and "send a test mail"
// (POST /v1/mail/test), which says whether the relay took it or what it
// answered. The password can be set, never read back: the form shows only
// whether one is stored, and leaving the field empty keeps it.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, post, put } from '../../api/client';
import { ErrorNote, Page } from '../../ui/Page';
import './admin.css';
import './mail.css';

const kinds = ['alert', 'request', 'round'] as const;
const langs = ['en', 'zh-CN'] as const;

interface Recipient {
  address: string;
  lang: string;
  kinds: string[];
}

interface MailSettingsBody {
  configured: boolean;
  host?: string;
  port?: number;
  tls?: 'starttls' | 'implicit';
  ca_file?: string;
  user?: string;
  password_set?: boolean;
  from?: string;
  base_url?: string;
  recipients?: Recipient[];
}

interface TestResult {
  to: string;
  relay: string;
  delivered: boolean;
  permanent?: boolean;
  smtp_code?: number | null;
  error?: string;
}

interface Form {
  host: string;
  port: string;
  tls: 'starttls' | 'implicit';
  ca_file: string;
  user: string;
  password: string;
  from: string;
  base_url: string;
  recipients: Recipient[];
}

function formOf(s: MailSettingsBody): Form {
  return {
    host: s.host ?? '',
    port: s.port ? String(s.port) : '',
    tls: s.tls ?? 'starttls',
    ca_file: s.ca_file ?? '',
    user: s.user ?? '',
    password: '',
    from: s.from ?? '',
    base_url: s.base_url ?? window.location.origin,
    recipients: s.recipients?.length ? s.recipients : [{ address: '', lang: 'en', kinds: [] }],
  };
}

function RecipientRow({ r, index, onChange, onRemove }: { r: Recipient; index: number; onChange: (r: Recipient) => void; onRemove?: () => void }) {
  const { t } = useTranslation();
  const toggle = (k: string, on: boolean) => onChange({ ...r, kinds: on ? [...r.kinds, k] : r.kinds.filter((x) => x !== k) });
  return (
    <fieldset className="mail-recipient" data-recipient={index}>
      <legend>{t('mail.recipient_n', { n: index + 1 })}</legend>
      <div className="admin-row">
        <label>
          {t('mail.address')}
          <input type="email" value={r.address} onChange={(e) => onChange({ ...r, address: e.target.value })} required />
        </label>
        <label>
          {t('mail.lang')}
          <select value={r.lang} onChange={(e) => onChange({ ...r, lang: e.target.value })}>
            {langs.map((l) => (
              <option key={l} value={l}>
                {t(`mail.lang_${l}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="mail-kinds" role="group" aria-label={t('mail.kinds')}>
        <span>{t('mail.kinds')}</span>
        {kinds.map((k) => (
          <label key={k} className="admin-check">
            <input type="checkbox" checked={r.kinds.includes(k)} onChange={(e) => toggle(k, e.target.checked)} /> {t(`mail.kind_${k}`)}
          </label>
        ))}
        <span className="hint">{t('mail.kinds_hint')}</span>
      </div>
      {onRemove && (
        <button type="button" onClick={onRemove}>
          {t('mail.remove_recipient', { address: r.address || t('mail.recipient_n', { n: index + 1 }) })}
        </button>
      )}
    </fieldset>
  );
}

function TestMail({ configured }: { configured: boolean }) {
  const { t } = useTranslation();
  const [to, setTo] = useState('');
  const [lang, setLang] = useState('en');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      setResult(await post<TestResult>('/v1/mail/test', { to: to.trim(), lang }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel admin-form" onSubmit={send} aria-labelledby="mail-test">
      <h2 id="mail-test">{t('mail.test_title')}</h2>
      <div className="admin-row">
        <label>
          {t('mail.test_to')}
          <input type="email" value={to} onChange={(e) => setTo(e.target.value)} required />
        </label>
        <label>
          {t('mail.lang')}
          <select value={lang} onChange={(e) => setLang(e.target.value)}>
            {langs.map((l) => (
              <option key={l} value={l}>
                {t(`mail.lang_${l}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <button type="submit" disabled={!configured || busy || !to.trim()}>
        {busy ? t('mail.test_sending') : t('mail.test_send')}
      </button>
      {!configured && <p className="muted">{t('mail.test_needs_settings')}</p>}
      <ErrorNote error={error} />
      {result && (
        <p className={result.delivered ? 'admin-done mail-test-ok' : 'error mail-test-failed'} role="status">
          {result.delivered
            ? t('mail.test_delivered', { to: result.to, relay: result.relay })
            : t('mail.test_failed', { to: result.to, relay: result.relay, error: result.error ?? '' })}
        </p>
      )}
    </form>
  );
}

export default function MailSettings() {
  const { t } = useTranslation();
  const [settings, setSettings] = useState<MailSettingsBody | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [confirmClear, setConfirmClear] = useState(false);
  const load = useCallback(() => {
    get<MailSettingsBody>('/v1/mail')
      .then((s) => {
        setSettings(s);
        setForm(formOf(s));
      })
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setSaved(false);
    setForm((f) => (f ? { ...f, [k]: v } : f));
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    setError(null);
    setSaved(false);
    const body: Record<string, unknown> = {
      host: form.host.trim(),
      tls: form.tls,
      ca_file: form.ca_file.trim(),
      user: form.user.trim(),
      from: form.from.trim(),
      base_url: form.base_url.trim(),
      recipients: form.recipients.map((r) => ({ address: r.address.trim(), lang: r.lang, kinds: r.kinds })),
    };
    if (form.port.trim()) body.port = Number(form.port);
    if (form.password) body.password = form.password;
    try {
      const s = await put<MailSettingsBody>('/v1/mail', body);
      setSettings(s);
      setForm(formOf(s));
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  const clear = async () => {
    setError(null);
    try {
      await del('/v1/mail');
      setConfirmClear(false);
      setSaved(false);
      load();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Page title={t('mail.title')}>
      <p className="muted">{t('mail.intro')}</p>
      <ErrorNote error={error} />
      {settings && (
        <p className="mail-status" role="status">
          {settings.configured ? t('mail.status_on', { host: settings.host, port: settings.port }) : t('mail.status_off')}
        </p>
      )}
      {form && (
        <form className="panel admin-form mail-settings" onSubmit={save} aria-labelledby="mail-relay">
          <h2 id="mail-relay">{t('mail.relay')}</h2>
          <div className="admin-row">
            <label>
              {t('mail.host')}
              <input value={form.host} onChange={(e) => set('host', e.target.value)} required />
            </label>
            <label>
              {t('mail.tls')}
              <select value={form.tls} onChange={(e) => set('tls', e.target.value as Form['tls'])}>
                <option value="starttls">{t('mail.tls_starttls')}</option>
                <option value="implicit">{t('mail.tls_implicit')}</option>
              </select>
            </label>
            <label>
              {t('mail.port')}
              <input type="number" min={1} max={65535} value={form.port} onChange={(e) => set('port', e.target.value)} aria-describedby="mail-port-hint" />
              <span className="hint" id="mail-port-hint">
                {t('mail.port_hint')}
              </span>
            </label>
          </div>
          <div className="admin-row">
            <label>
              {t('mail.ca_file')}
              <input value={form.ca_file} onChange={(e) => set('ca_file', e.target.value)} aria-describedby="mail-ca-hint" />
              <span className="hint" id="mail-ca-hint">
                {t('mail.ca_file_hint')}
              </span>
            </label>
            <label>
              {t('mail.user')}
              <input value={form.user} onChange={(e) => set('user', e.target.value)} autoComplete="off" aria-describedby="mail-user-hint" />
              <span className="hint" id="mail-user-hint">
                {t('mail.user_hint')}
              </span>
            </label>
            <label>
              {t('mail.password')}
              <input type="password" value={form.password} onChange={(e) => set('password', e.target.value)} autoComplete="new-password" aria-describedby="mail-password-hint" />
              <span className="hint" id="mail-password-hint">
                {settings?.password_set ? t('mail.password_kept') : t('mail.password_none')}
              </span>
            </label>
          </div>
          <div className="admin-row">
            <label>
              {t('mail.from')}
              <input type="email" value={form.from} onChange={(e) => set('from', e.target.value)} required />
            </label>
            <label>
              {t('mail.base_url')}
              <input value={form.base_url} onChange={(e) => set('base_url', e.target.value)} required aria-describedby="mail-base-hint" />
              <span className="hint" id="mail-base-hint">
                {t('mail.base_url_hint')}
              </span>
            </label>
          </div>
          <h3>{t('mail.recipients')}</h3>
          {form.recipients.map((r, i) => (
            <RecipientRow
              key={i}
              r={r}
              index={i}
              onChange={(nr) => set('recipients', form.recipients.map((x, j) => (j === i ? nr : x)))}
              onRemove={form.recipients.length > 1 ? () => set('recipients', form.recipients.filter((_, j) => j !== i)) : undefined}
            />
          ))}
          <p>
            <button type="button" onClick={() => set('recipients', [...form.recipients, { address: '', lang: 'en', kinds: [] }])}>
              {t('mail.add_recipient')}
            </button>
          </p>
          <button type="submit" className="primary">
            {t('mail.save')}
          </button>{' '}
          {saved && (
            <span className="admin-done" role="status">
              {t('mail.saved')}
            </span>
          )}
          {settings?.configured &&
            (confirmClear ? (
              <>
                {' '}
                <button type="button" className="danger" onClick={() => void clear()}>
                  {t('mail.clear_confirm')}
                </button>{' '}
                <button type="button" onClick={() => setConfirmClear(false)}>
                  {t('admin.cancel')}
                </button>
              </>
            ) : (
              <>
                {' '}
                <button type="button" onClick={() => setConfirmClear(true)}>
                  {t('mail.clear')}
                </button>
              </>
            ))}
        </form>
      )}
      <TestMail configured={!!settings?.configured} />
    </Page>
  );
}
