// /admin/users: every account with its roles; add one (with roles), change
// another person's roles, disable or enable it, set a new password. Nobody
// changes their own roles or disables their own account: the node refuses,
// and this screen does not offer it.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get, patch, post, put } from '../../api/client';
import { useSession } from '../../api/session';
import { codeName } from '../../i18n';
import { ErrorNote, Page } from '../../ui/Page';
import { Time } from '../../ui/Time';
import { roles, type User } from './adminTypes';
import './admin.css';

function RoleBoxes({ value, onChange, legend }: { value: string[]; onChange: (r: string[]) => void; legend: string }) {
  const { t } = useTranslation();
  const toggle = (r: string) => onChange(value.includes(r) ? value.filter((x) => x !== r) : [...value, r]);
  return (
    <fieldset className="admin-roles">
      <legend>{legend}</legend>
      {roles.map((r) => (
        <label key={r} className="admin-check">
          <input type="checkbox" checked={value.includes(r)} onChange={() => toggle(r)} /> {codeName(t, 'role', r)}
        </label>
      ))}
    </fieldset>
  );
}

function AddUser({ onAdded }: { onAdded: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [display, setDisplay] = useState('');
  const [password, setPassword] = useState('');
  const [chosen, setChosen] = useState<string[]>(['operator']);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const body: Record<string, unknown> = { name: name.trim(), roles: chosen, password };
      if (display.trim()) body.display_name = display.trim();
      const u = await post<User>('/v1/users', body);
      setDone(u.name);
      setName('');
      setDisplay('');
      setPassword('');
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="panel admin-form" onSubmit={submit} aria-labelledby="add-user">
      <h2 id="add-user">{t('admin.add_user')}</h2>
      <div className="admin-row">
        <label>
          {t('admin.user_name')}
          <input value={name} onChange={(e) => setName(e.target.value)} required pattern="[a-z0-9][a-z0-9._\-]{0,63}" aria-describedby="user-name-hint" autoComplete="off" />
          <span className="hint" id="user-name-hint">
            {t('admin.user_name_hint')}
          </span>
        </label>
        <label>
          {t('admin.display_name')}
          <input value={display} onChange={(e) => setDisplay(e.target.value)} autoComplete="off" />
        </label>
        <label>
          {t('admin.password')}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={12} autoComplete="new-password" aria-describedby="password-hint" />
          <span className="hint" id="password-hint">
            {t('admin.password_hint')}
          </span>
        </label>
      </div>
      <RoleBoxes value={chosen} onChange={setChosen} legend={t('admin.roles')} />
      <button type="submit" className="primary" disabled={!name.trim() || chosen.length === 0 || password.length < 12}>
        {t('admin.add_user_submit')}
      </button>
      {done && (
        <p className="admin-done" role="status">
          {t('admin.user_added', { name: done })}
        </p>
      )}
      <ErrorNote error={error} />
    </form>
  );
}

function EditUser({ user, self, onChanged }: { user: User; self: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<string[]>(user.roles);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = async (what: () => Promise<unknown>, message: string) => {
    setError(null);
    setDone(null);
    try {
      await what();
      setDone(message);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const base = `/v1/users/${encodeURIComponent(user.name)}`;
  return (
    <div className="admin-edit" data-user={user.name}>
      {self ? (
        <p className="notice">{t('admin.own_roles')}</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => patch(base, { roles: chosen }), t('admin.roles_saved'));
          }}
        >
          <RoleBoxes value={chosen} onChange={setChosen} legend={t('admin.roles_of', { name: user.name })} />
          <button type="submit" className="primary" disabled={chosen.length === 0}>
            {t('admin.save_roles')}
          </button>{' '}
          <button
            type="button"
            className={user.disabled ? '' : 'danger'}
            onClick={() => void run(() => patch(base, { disabled: !user.disabled }), user.disabled ? t('admin.enabled_done') : t('admin.disabled_done'))}
          >
            {user.disabled ? t('admin.enable') : t('admin.disable')}
          </button>
        </form>
      )}
      <form
        className="admin-row"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await put(`${base}/password`, { password });
            setPassword('');
          }, t('admin.password_set'));
        }}
      >
        <label>
          {t('admin.new_password_for', { name: user.name })}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} minLength={12} required autoComplete="new-password" />
        </label>
        <button type="submit" disabled={password.length < 12}>
          {t('admin.set_password')}
        </button>
      </form>
      {done && (
        <p className="admin-done" role="status">
          {done}
        </p>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

export default function Users() {
  const { t } = useTranslation();
  const { me } = useSession();
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const reload = useCallback(() => {
    get<{ users: User[] }>('/v1/users')
      .then((a) => {
        setUsers(a.users);
        setError(null);
      })
      .catch(setError);
  }, []);
  useEffect(reload, [reload]);
  return (
    <Page title={t('admin.users_title')}>
      <ErrorNote error={error} />
      <table className="admin-table admin-users">
        <thead>
          <tr>
            <th scope="col">{t('admin.user_name')}</th>
            <th scope="col">{t('admin.display_name')}</th>
            <th scope="col">{t('admin.roles')}</th>
            <th scope="col">{t('admin.account')}</th>
            <th scope="col">{t('admin.since')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('admin.change')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <UserRow key={u.name} u={u} self={u.name === me?.name} open={open === u.name} toggle={() => setOpen(open === u.name ? null : u.name)} reload={reload} />
          ))}
        </tbody>
      </table>
      <AddUser onAdded={reload} />
    </Page>
  );
}

function UserRow({ u, self, open, toggle, reload }: { u: User; self: boolean; open: boolean; toggle: () => void; reload: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <tr data-user={u.name} className={u.disabled ? 'admin-disabled' : ''}>
        <th scope="row">
          {u.name}
          {self && <span className="muted"> {t('admin.you')}</span>}
        </th>
        <td>{u.display_name}</td>
        <td className="admin-user-roles">{u.roles.map((r) => codeName(t, 'role', r)).join(', ')}</td>
        <td>
          {u.disabled ? <strong>{t('admin.disabled')}</strong> : t('admin.active')}
          {u.totp && ` · ${t('admin.totp')}`}
        </td>
        <td>
          <Time at={u.created_at} />
        </td>
        <td>
          <button type="button" aria-expanded={open} onClick={toggle}>
            {open ? t('admin.hide') : t('admin.change_user', { name: u.name })}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="admin-edit-row">
          <td colSpan={6}>
            <EditUser user={u} self={self} onChanged={reload} />
          </td>
        </tr>
      )}
    </>
  );
}
