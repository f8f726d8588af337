// Who may read a TLP:RED case: its author and its need-to-know list
// (GET/PUT /v1/cases/{id}/need-to-know). The author or a supervisor on the
// list changes it; anyone else is shown the list only.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get, put } from '../../api/client';
import { useSession } from '../../api/session';
import { ErrorNote } from '../../ui/Page';

interface Answer {
  author: string | null;
  people: string[];
}

export function NeedToKnow({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const path = `/v1/cases/${encodeURIComponent(caseId)}/need-to-know`;
  const load = useCallback(() => {
    get<Answer>(path)
      .then((a) => {
        setAnswer(a);
        setText(a.people.join(', '));
      })
      .catch(setError);
  }, [path]);
  useEffect(load, [load]);
  if (!answer) return <ErrorNote error={error} />;
  const mayChange = !!me && (me.name === answer.author || (me.roles.includes('supervisor') && answer.people.includes(me.name)));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const people = text
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      const a = await put<Answer>(path, { people });
      setAnswer(a);
      setText(a.people.join(', '));
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel case-ntk" aria-labelledby="case-ntk">
      <h2 id="case-ntk">{t('cases.need_to_know')}</h2>
      <p className="hint">{t('cases.need_to_know_hint')}</p>
      <p>
        {answer.author ? t('cases.ntk_author', { name: answer.author }) : t('cases.ntk_from_peer')}
        {' · '}
        {answer.people.length ? t('cases.ntk_people', { names: answer.people.join(', ') }) : t('cases.ntk_nobody')}
      </p>
      {mayChange && (
        <form className="case-action-form" onSubmit={save}>
          <label>
            {t('cases.ntk_edit')}
            <input value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
          </label>
          <button type="submit" className="primary">
            {t('cases.ntk_save')}
          </button>
          {saved && (
            <span className="case-done" role="status">
              {t('cases.ntk_saved')}
            </span>
          )}
        </form>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
