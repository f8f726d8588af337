// Who may read a TLP:RED alert: its author and its need-to-know list
// (GET …/need-to-know). The author, or a supervisor on the list, changes the
// list (PUT …/need-to-know); the node refuses anyone else, and the page
// shows its sentence and keeps the list as it was.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get, put } from '../../api/client';
import { useSession } from '../../api/session';
import { ErrorNote } from '../../ui/Page';
import { alertPath, type Alert } from './alerts';

interface NeedToKnowList {
  author: string | null;
  people: string[];
}

function mayChange(list: NeedToKnowList, me: { name: string; roles: string[] } | null): boolean {
  if (!me) return false;
  return list.author === me.name || (me.roles.includes('supervisor') && list.people.includes(me.name));
}

export function NeedToKnow({ alert }: { alert: Alert }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const [list, setList] = useState<NeedToKnowList | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const path = `${alertPath(alert.id)}/need-to-know`;
  const load = useCallback(() => {
    get<NeedToKnowList>(path)
      .then((l) => {
        setList(l);
        setText(l.people.join(', '));
      })
      .catch(setError);
  }, [path]);
  const red = alert.tlp === 'TLP:RED';
  useEffect(() => {
    if (red) load();
  }, [red, load]);

  if (!red) return null;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const l = await put<NeedToKnowList>(path, { people: text.split(/[\s,]+/).filter(Boolean) });
      setList(l);
      setText(l.people.join(', '));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel alert-section" aria-labelledby="alert-ntk-title">
      <h2 id="alert-ntk-title">{t('alerts.need_to_know')}</h2>
      <p className="hint">{t('alerts.need_to_know_hint')}</p>
      {list && (
        <dl className="alert-meta">
          <dt>{t('alerts.author')}</dt>
          <dd>{list.author ?? t('alerts.from_peer')}</dd>
          <dt>{t('alerts.people')}</dt>
          <dd className="ntk-people">{list.people.length ? list.people.join(', ') : t('common.none')}</dd>
        </dl>
      )}
      {list && mayChange(list, me) && (
        <form className="ntk-form" onSubmit={save}>
          <label>
            {t('alerts.people_edit')}
            <input value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <button type="submit" disabled={busy}>
            {t('alerts.save')}
          </button>
        </form>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
