// The action items of every closed round: those not done (or all), overdue
// ones marked, and "complete" for the items our side owns.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, post, query } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import { Page } from '../../ui/Page';
import { ErrorNote } from './ReviewError';
import { Time } from '../../ui/Time';
import { touches, type ListedActionItem } from './review';
import './review.css';

function Complete({ item, onDone }: { item: ListedActionItem; onDone: () => void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      className="review-row"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await post(`/v1/rounds/${item.round}/actions`, { action: 'complete_action_item', args: { index: item.number - 1, note } });
          onDone();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <label>
        {t('review.done_note')}
        <input value={note} onChange={(e) => setNote(e.target.value)} required />
      </label>
      <button type="submit" disabled={busy}>
        {t('review.complete')}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

export default function ActionItems() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [status, setStatus] = useState('open');
  const [items, setItems] = useState<ListedActionItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    get<{ action_items: ListedActionItem[] }>(`/v1/action-items${query({ status })}`)
      .then((a) => {
        setItems(a.action_items);
        setError(null);
      })
      .catch(setError);
  }, [status]);
  useEffect(load, [load]);
  useEventListener((e) => {
    if (touches('round', e) || e.kind === 'round_reminder') load();
  });

  return (
    <Page title={t('nav.action_items')}>
      <div className="filters">
        <label>
          {t('review.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="open">{t('review.items_not_done')}</option>
            <option value="all">{t('review.status_all')}</option>
          </select>
        </label>
      </div>
      <ErrorNote error={error} />
      {items && items.length === 0 && <p className="muted">{t('common.list_empty')}</p>}
      {items && items.length > 0 && (
        <table className="review-action-items">
          <thead>
            <tr>
              <th scope="col">{t('review.round')}</th>
              <th scope="col">{t('review.number')}</th>
              <th scope="col">{t('review.owner')}</th>
              <th scope="col">{t('review.item_text')}</th>
              <th scope="col">{t('review.due_date')}</th>
              <th scope="col">{t('review.done')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={`${a.round}-${a.number}`} className={a.overdue ? 'review-overdue' : ''}>
                <td>
                  <Link to={`/review/rounds/${a.round}`}>{a.round_title}</Link> <span className="muted">({a.peer})</span>
                </td>
                <td>{a.number}</td>
                <td>{a.owner === 'ours' ? t('review.side_ours') : t('review.side_theirs', { peer: a.peer })}</td>
                <td className="review-text">{a.text}</td>
                <td>
                  {a.due}
                  {a.overdue && <span className="review-overdue-word"> {t('review.overdue')}</span>}
                </td>
                <td>
                  {a.done ? (
                    <>
                      {t('review.done_by', { who: a.done_by })} <Time at={a.done_at} />
                    </>
                  ) : a.owner === 'ours' && can('prepare_rounds') ? (
                    <Complete item={a} onDone={load} />
                  ) : (
                    t('review.not_done')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
