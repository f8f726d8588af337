// /admin/tokens: API tokens (never their text), create one (shown once,
// with a copy button) and revoke one. Through the API an admin makes
// tokens only for their own account or a service account; the form offers
// only those.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, post } from '../../api/client';
import { useSession } from '../../api/session';
import { ErrorNote, Page } from '../../ui/Page';
import { Time } from '../../ui/Time';
import type { Token, User } from './adminTypes';
import './admin.css';

function NewToken({ users, onCreated }: { users: string[]; onCreated: () => void }) {
  const { t } = useTranslation();
  const [user, setUser] = useState('');
  const [label, setLabel] = useState('');
  const [days, setDays] = useState('');
  const [readOnly, setReadOnly] = useState(false);
  const [created, setCreated] = useState<(Token & { token: string }) | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const owner = user || users[0] || '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setCreated(null);
    setCopied(false);
    try {
      const body: Record<string, unknown> = { user: owner, label: label.trim(), read_only: readOnly };
      if (days) body.expires_in_days = Number(days);
      setCreated(await post<Token & { token: string }>('/v1/tokens', body));
      setLabel('');
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="panel admin-form" onSubmit={submit} aria-labelledby="new-token">
      <h2 id="new-token">{t('admin.create_token')}</h2>
      <div className="admin-row">
        <label>
          {t('admin.token_user')}
          <select value={owner} onChange={(e) => setUser(e.target.value)} aria-describedby="token-user-hint">
            {users.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
          <span className="hint" id="token-user-hint">
            {t('admin.token_user_hint')}
          </span>
        </label>
        <label>
          {t('admin.token_label')}
          <input value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={64} />
        </label>
        <label>
          {t('admin.token_days')}
          <input type="number" min={1} max={365} value={days} onChange={(e) => setDays(e.target.value)} aria-describedby="token-days-hint" />
          <span className="hint" id="token-days-hint">
            {t('admin.token_days_hint')}
          </span>
        </label>
        <label className="admin-check">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} /> {t('admin.token_read_only')}
        </label>
      </div>
      <button type="submit" className="primary" disabled={!owner || !label.trim()}>
        {t('admin.create_token_submit')}
      </button>
      <ErrorNote error={error} />
      {created && (
        <div className="admin-secret" role="status">
          <p>
            <strong>{t('admin.token_shown_once')}</strong>
          </p>
          <code className="admin-token-text">{created.token}</code>{' '}
          <button type="button" onClick={() => void copy()}>
            {copied ? t('admin.copied') : t('admin.copy')}
          </button>
        </div>
      )}
    </form>
  );
}

function TokenRow({ tk, onRevoked }: { tk: Token; onRevoked: () => void }) {
  const { t } = useTranslation();
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const revoke = async () => {
    setError(null);
    try {
      await del(`/v1/tokens/${encodeURIComponent(tk.id)}`);
      setConfirm(false);
      onRevoked();
    } catch (err) {
      setError(err);
    }
  };
  const expired = !!tk.expires_at && Date.parse(tk.expires_at) < Date.now();
  return (
    <tr data-token={tk.label} className={tk.revoked_at || expired ? 'admin-disabled' : ''}>
      <th scope="row">{tk.label}</th>
      <td>{tk.user}</td>
      <td>{tk.read_only ? t('admin.read_only') : t('admin.read_write')}</td>
      <td>
        <Time at={tk.created_at} />
      </td>
      <td>
        <Time at={tk.last_used_at} />
      </td>
      <td>
        <Time at={tk.expires_at} />
      </td>
      <td className="admin-token-state">
        {tk.revoked_at ? (
          <>
            {t('admin.revoked')} <Time at={tk.revoked_at} />
          </>
        ) : expired ? (
          t('admin.expired')
        ) : confirm ? (
          <>
            <button type="button" className="danger" onClick={() => void revoke()}>
              {t('admin.revoke_confirm', { label: tk.label })}
            </button>{' '}
            <button type="button" onClick={() => setConfirm(false)}>
              {t('admin.cancel')}
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirm(true)}>
            {t('admin.revoke')}
          </button>
        )}
        <ErrorNote error={error} />
      </td>
    </tr>
  );
}

export default function Tokens() {
  const { t } = useTranslation();
  const { me } = useSession();
  const [tokens, setTokens] = useState<Token[]>([]);
  const [owners, setOwners] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(() => {
    get<{ tokens: Token[] }>('/v1/tokens')
      .then((a) => {
        setTokens(a.tokens);
        setError(null);
      })
      .catch(setError);
  }, []);
  useEffect(reload, [reload]);
  useEffect(() => {
    // Own account and service accounts (reading users needs manage_users).
    get<{ users: User[] }>('/v1/users')
      .then((a) => setOwners(a.users.filter((u) => u.name === me?.name || (u.roles.includes('service') && !u.disabled)).map((u) => u.name)))
      .catch(() => setOwners(me ? [me.name] : []));
  }, [me]);
  const ordered = [...tokens].sort((a, b) => Number(!!a.revoked_at) - Number(!!b.revoked_at) || b.created_at.localeCompare(a.created_at));
  return (
    <Page title={t('admin.tokens_title')}>
      <ErrorNote error={error} />
      <NewToken users={owners.length ? owners : me ? [me.name] : []} onCreated={reload} />
      {ordered.length === 0 ? (
        <p className="muted">{t('admin.no_tokens')}</p>
      ) : (
        <table className="admin-table admin-tokens">
          <thead>
            <tr>
              <th scope="col">{t('admin.token_label')}</th>
              <th scope="col">{t('admin.token_user')}</th>
              <th scope="col">{t('admin.token_access')}</th>
              <th scope="col">{t('admin.created')}</th>
              <th scope="col">{t('admin.last_used')}</th>
              <th scope="col">{t('admin.expires')}</th>
              <th scope="col">{t('admin.token_state')}</th>
            </tr>
          </thead>
          <tbody>
            {ordered.map((tk) => (
              <TokenRow key={tk.id} tk={tk} onRevoked={reload} />
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
