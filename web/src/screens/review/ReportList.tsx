// Review reports: make one for a peer and a period, the reports kept here
// (our own and the agreed ones), and checking a report file the peer sent
// (verify against our records, then sign it for the office).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError, get, post, query } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import { usePeers } from '../../api/peers';
import { Page } from '../../ui/Page';
import { ErrorNote } from './ReviewError';
import { Time } from '../../ui/Time';
import { dayStart, formatDay, isoDay, periodEndDay, type ReportFile, type ReviewSummary, type ReviewView, type Verification } from './review';
import { VerifyResult } from './VerifyResult';
import './review.css';
import { PeerOptions } from '../../ui/PeerOptions';
import { useAction } from '../../ui/useAction';

function MakeReport({ onMade }: { onMade: (id: string) => void }) {
  const { t } = useTranslation();
  const peers = usePeers();
  const [peer, setPeer] = useState('');
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 30 * 86400000)));
  const [to, setTo] = useState(() => isoDay(new Date()));
  const [toNow, setToNow] = useState(true);
  const { busy, error, run } = useAction();
  const chosen = peer || peers[0]?.name || '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      // "To now": the current second (a period must have ended); once
      // more two minutes earlier should this browser's clock run ahead of
      // the node's.
      const make = (end: string) => post<ReviewView>('/v1/reviews', { peer: chosen, from: dayStart(from), to: end });
      let made: ReviewView;
      try {
        made = await make(toNow ? new Date(Date.now() - 1000).toISOString() : dayStart(to));
      } catch (err) {
        if (!(toNow && err instanceof ApiError && err.code === 'review_period_not_ended')) throw err;
        made = await make(new Date(Date.now() - 120000).toISOString());
      }
      onMade(made.id);
    });
  };

  return (
    <form className="panel review-make" onSubmit={submit} aria-labelledby="make-report">
      <h2 id="make-report">{t('review.make_title')}</h2>
      <div className="filters">
        <label>
          {t('review.peer')}
          <select value={chosen} onChange={(e) => setPeer(e.target.value)} required>
            <PeerOptions peers={peers} />
          </select>
        </label>
        <label>
          {t('review.from')}
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </label>
        <label className="review-check">
          <input type="checkbox" checked={toNow} onChange={(e) => setToNow(e.target.checked)} /> {t('review.to_now')}
        </label>
        {!toNow && (
          <label>
            {t('review.to')}
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
          </label>
        )}
        <button type="submit" className="primary" disabled={busy || !chosen}>
          {busy ? t('review.making') : t('review.make')}
        </button>
      </div>
      <p className="hint">{t('review.make_hint')}</p>
      <ErrorNote error={error} />
    </form>
  );
}

// A report file from the peer: verify it here, and (supervisors) sign it.
function CheckPeerReport() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const [report, setReport] = useState<ReportFile | null>(null);
  const [result, setResult] = useState<Verification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notJson, setNotJson] = useState(false);
  const [busy, setBusy] = useState(false);

  const read = async (file: File | undefined) => {
    setResult(null);
    setError(null);
    setReport(null);
    setNotJson(false);
    if (!file) return;
    try {
      const json = JSON.parse(await file.text());
      const r = (json.report ?? json) as ReportFile;
      setReport(r);
      setBusy(true);
      setResult(await post<Verification>('/v1/reviews/verify', { report: r }));
    } catch (err) {
      if (err instanceof SyntaxError) setNotJson(true);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const sign = async () => {
    if (!report || !result) return;
    setBusy(true);
    setError(null);
    try {
      const agreed = await post<ReviewView>(`/v1/reviews/${result.id}/sign`, { report });
      navigate(`/review/reports/${agreed.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="check-report">
      <h2 id="check-report">{t('review.check_title')}</h2>
      <p className="hint">{t('review.check_hint')}</p>
      <label>
        {t('review.check_file')}
        <input type="file" accept="application/json,.json" onChange={(e) => void read(e.target.files?.[0])} />
      </label>
      {busy && <p className="muted">{t('common.loading')}</p>}
      {notJson && (
        <p className="error" role="alert">
          {t('review.file_not_json')}
        </p>
      )}
      <ErrorNote error={error} />
      {result && <VerifyResult result={result} />}
      {result && can('sign_reviews') && (
        <button type="button" className="primary" disabled={busy || !result.matches} onClick={() => void sign()}>
          {t('review.sign')}
        </button>
      )}
    </section>
  );
}

export default function ReportList() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const [reviews, setReviews] = useState<ReviewSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    get<{ reviews: ReviewSummary[] }>(`/v1/reviews${query({ limit: 500 })}`)
      .then((a) => {
        setReviews(a.reviews);
        setError(null);
      })
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  useEventListener((e) => {
    if (e.kind === 'review_agreed') load();
  });

  return (
    <Page title={t('nav.reports')}>
      {can('make_reviews') && <MakeReport onMade={(id) => navigate(`/review/reports/${id}`)} />}
      {can('make_reviews') && <CheckPeerReport />}
      <section aria-labelledby="kept-reports">
        <h2 id="kept-reports">{t('review.kept_title')}</h2>
        <ErrorNote error={error} />
        {reviews && reviews.length === 0 && <p className="muted">{t('review.none_kept')}</p>}
        {reviews && reviews.length > 0 && (
          <table className="review-list">
            <thead>
              <tr>
                <th scope="col">{t('review.period')}</th>
                <th scope="col">{t('review.peer')}</th>
                <th scope="col">{t('review.state')}</th>
                <th scope="col">{t('review.made_by')}</th>
                <th scope="col">{t('review.made_at')}</th>
              </tr>
            </thead>
            <tbody>
              {reviews.map((r) => (
                <tr key={r.id} data-report={r.id}>
                  <td>
                    <Link to={`/review/reports/${r.id}`}>
                      {t('review.period_words', {
                        from: formatDay(r.period_from, i18n.language),
                        to: formatDay(periodEndDay(r.period_to), i18n.language),
                      })}
                    </Link>
                  </td>
                  <td>{r.peer}</td>
                  <td>{r.state === 'agreed' ? t('review.state_agreed') : t('review.state_made')}</td>
                  <td>{r.made_by === 'ours' ? t('review.by_us') : t('review.by_peer')}</td>
                  <td>
                    <Time at={r.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Page>
  );
}
