// One review report: its figures as tables (this period beside the
// previous, the trend in words) and charts, each figure explained on
// request, verified against our records, signed for the office
// (supervisors, a report the peer made), the HTML and PDF renderings, the
// report file to give the peer, and a print layout.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { get, post } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import { codeName } from '../../i18n';
import { Page } from '../../ui/Page';
import { ErrorNote } from './ReviewError';
import { Time } from '../../ui/Time';
import { alertFigures, checkFigures, disputeFigures, requestFigures, requestRowFigures, takedownFigures } from './figures';
import { FigureTable, type ExplainContext } from './FigureTable';
import { at, formatDay, num, periodEndDay, requestKindCode, reviewStatus, type Body, type Direction, type ReviewView, type Verification } from './review';
import { ReviewChart, type ChartSeries } from './ReviewChart';
import { VerifyResult } from './VerifyResult';
import './review.css';

const colours = { on_time: '#2e7d32', late: '#b26a00', overdue: '#c62828' };

function DirectionChart({ dir, title }: { dir: Direction; title: string }) {
  const { t } = useTranslation();
  const categories = useMemo(
    () => [
      t('review.chart_final_current'),
      t('review.chart_final_previous'),
      t('review.chart_alert_current'),
      t('review.chart_alert_previous'),
    ],
    [t],
  );
  const series: ChartSeries[] = useMemo(() => {
    const pick = (status: string) => [
      num(at(dir.requests_total.current, `final_response/${status}`)) ?? 0,
      num(at(dir.requests_total.previous, `final_response/${status}`)) ?? 0,
      num(at(dir.alerts_total.current, `acknowledge/${status}`)) ?? 0,
      num(at(dir.alerts_total.previous, `acknowledge/${status}`)) ?? 0,
    ];
    return (['on_time', 'late', 'overdue'] as const).map((s) => ({
      name: reviewStatus(t, s),
      values: pick(s),
      colour: colours[s],
    }));
  }, [dir, t]);
  const label = t('review.chart_label', {
    direction: title,
    summary: categories.map((c, i) => `${c}: ${series.map((s) => `${s.name} ${s.values[i]}`).join(', ')}`).join('; '),
  });
  return (
    <figure className="review-figure">
      <ReviewChart label={label} categories={categories} series={series} />
      <figcaption>{t('review.chart_caption')}</figcaption>
    </figure>
  );
}

function DirectionSection({ body, dir, index, context }: { body: Body; dir: Direction; index: number; context: ExplainContext }) {
  const { t } = useTranslation();
  const asker = body.parties[dir.asker].name;
  const responder = body.parties[dir.responder].name;
  const title = t('review.direction', { asker, responder });
  const base = `/directions/${index}`;
  return (
    <section className="review-section review-direction" aria-labelledby={`dir-${index}`}>
      <h2 id={`dir-${index}`}>{title}</h2>
      <DirectionChart dir={dir} title={title} />
      <FigureTable caption={t('review.requests_all')} pair={dir.requests_total} defs={requestFigures} pointer={`${base}/requests_total`} context={context} />
      {dir.requests.map((row, i) => (
        <FigureTable
          key={`${row.kind}-${row.priority}`}
          caption={t('review.requests_row', {
            kind: codeName(t, 'request_kind', requestKindCode(row.kind)),
            priority: codeName(t, 'priority', row.priority),
          })}
          pair={row}
          defs={requestRowFigures}
          pointer={`${base}/requests/${i}`}
          context={context}
        />
      ))}
      <FigureTable caption={t('review.alerts_all')} pair={dir.alerts_total} defs={alertFigures} pointer={`${base}/alerts_total`} context={context} />
      {dir.alerts.map((row, i) => (
        <FigureTable
          key={row.priority}
          caption={t('review.alerts_row', { priority: codeName(t, 'priority', row.priority) })}
          pair={row}
          defs={alertFigures}
          pointer={`${base}/alerts/${i}`}
          context={context}
        />
      ))}
      <FigureTable caption={t('review.takedown')} pair={dir.takedown} defs={takedownFigures} pointer={`${base}/takedown`} context={context} />
      <FigureTable caption={t('review.checks')} pair={dir.checks} defs={checkFigures} pointer={`${base}/checks`} context={context} />
    </section>
  );
}

function TitleBlock({ view }: { view: ReviewView }) {
  const { t, i18n } = useTranslation();
  const body = view.report.body;
  const lang = i18n.language;
  const day = (iso: string) => formatDay(iso, lang);
  return (
    <section className="review-section review-title" aria-label={t('review.about')}>
      <dl className="review-facts">
        <dt>{t('review.parties')}</dt>
        <dd>
          {t('review.party_a', { name: body.parties.a.name, zone: body.parties.a.time_zone })}
          {'; '}
          {t('review.party_b', { name: body.parties.b.name, zone: body.parties.b.time_zone })}
        </dd>
        <dt>{t('review.period')}</dt>
        <dd>{t('review.period_words', { from: day(body.period.from), to: day(periodEndDay(body.period.to)) })}</dd>
        <dt>{t('review.previous_period')}</dt>
        <dd>
          {t('review.period_words', { from: day(body.previous_period.from), to: day(periodEndDay(body.previous_period.to)) })}
        </dd>
        <dt>{t('review.as_of')}</dt>
        <dd>
          <Time at={body.period.to} />{' '}
          {t('review.cut', { a: body.cut.a_to_b, b: body.cut.b_to_a, pa: body.parties.a.name, pb: body.parties.b.name })}
        </dd>
        <dt>{t('review.state')}</dt>
        <dd className={`review-state review-state-${view.state}`}>
          {view.state === 'agreed' ? t('review.state_agreed_long') : t('review.state_made_long', { count: view.signatures })}
        </dd>
        <dt>{t('review.report_id')}</dt>
        <dd>
          <code>{view.id}</code>
        </dd>
      </dl>
    </section>
  );
}

function Renderings({ view }: { view: ReviewView }) {
  const { t } = useTranslation();
  // The report file is made when asked for (with its judgements it can be large).
  const saveFile = () => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(view.report)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `review-${view.id.slice(0, 12)}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  };
  const base = `/v1/reviews/${view.id}`;
  const stem = `review-${view.id.slice(0, 12)}`;
  // Downloads: the HTML rendering carries its own inline style, which this
  // app's CSP would refuse in a tab; saved, it opens anywhere.
  return (
    <nav className="review-renderings review-no-print" aria-labelledby="renderings">
      <span id="renderings">{t('review.renderings')}</span>
      <a href={`${base}?format=html&lang=en`} download={`${stem}-en.html`}>
        {t('review.html_en')}
      </a>
      <a href={`${base}?format=html&lang=zh-CN`} download={`${stem}-zh-CN.html`}>
        {t('review.html_zh')}
      </a>
      <a href={`${base}?format=pdf&lang=en`} download={`${stem}-en.pdf`}>
        {t('review.pdf_en')}
      </a>
      <a href={`${base}?format=pdf&lang=zh-CN`} download={`${stem}-zh-CN.pdf`}>
        {t('review.pdf_zh')}
      </a>
      <button type="button" className="link-button" onClick={saveFile}>
        {t('review.download_file')}
      </button>
    </nav>
  );
}

function OtherSections({ body, context }: { body: Body; context: ExplainContext }) {
  const { t } = useTranslation();
  return (
    <>
      <section className="review-section" aria-labelledby="sec-disputes">
        <h2 id="sec-disputes">{t('review.disputes')}</h2>
        <FigureTable caption={t('review.disputes')} pair={body.disputes} defs={disputeFigures} pointer="/disputes" context={context} />
      </section>
      <section className="review-section" aria-labelledby="sec-cases">
        <h2 id="sec-cases">{t('review.cases')}</h2>
        <p>{t('review.cases_summary', { opened: body.cases.opened, open: body.cases.open_at_end, closed: body.cases.closed_at_end })}</p>
        {body.cases.list.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('review.case')}</th>
                <th scope="col">{t('review.opened_by')}</th>
                <th scope="col">{t('review.state')}</th>
                <th scope="col">{t('review.case_requests')}</th>
                <th scope="col">{t('review.case_alerts')}</th>
              </tr>
            </thead>
            <tbody>
              {body.cases.list.map((c) => (
                <tr key={String(c.id)}>
                  <td>
                    <Link to={`/cases/${String(c.id)}`}>{String(c.id).slice(0, 8)}</Link>
                  </td>
                  <td>{body.parties[c.opened_by as 'a' | 'b']?.name ?? String(c.opened_by)}</td>
                  <td>{codeName(t, 'state', String(c.state))}</td>
                  <td>{t('review.of', { n: String(c.requests_answered), total: String(c.requests) })}</td>
                  <td>{t('review.of', { n: String(c.alerts_acknowledged), total: String(c.alerts) })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="review-section" aria-labelledby="sec-adjustments">
        <h2 id="sec-adjustments">{t('review.adjustments')}</h2>
        {body.adjustments.length === 0 ? (
          <p>{t('review.no_adjustments')}</p>
        ) : (
          <ul>
            {body.adjustments.map((a) => (
              <li key={`${a.item}-${a.deadline}`}>
                <code>{a.item.slice(0, 8)}</code> · {codeName(t, 'deadline', a.deadline)} ·{' '}
                <Link to={`/review/disputes/${a.dispute}`}>{t('review.adjustment_dispute')}</Link>
                {typeof a.text === 'string' && <span className="review-text"> · {a.text}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export default function ReportPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { can } = useSession();
  const [view, setView] = useState<ReviewView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [verify, setVerify] = useState<Verification | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    get<ReviewView>(`/v1/reviews/${id}`)
      .then((v) => {
        setView(v);
        setError(null);
      })
      .catch(setError);
  }, [id]);
  useEffect(load, [load]);
  useEventListener((e) => {
    if (e.kind === 'review_agreed') load();
  });

  const context = useMemo<ExplainContext | null>(
    () => (view ? { peer: view.peer, from: view.report.body.period.from, to: view.report.body.period.to } : null),
    [view],
  );

  const act = async (what: 'verify' | 'sign') => {
    if (!view) return;
    setBusy(true);
    setActionError(null);
    try {
      if (what === 'verify') setVerify(await post<Verification>('/v1/reviews/verify', { report: view.report }));
      else setView(await post<ReviewView>(`/v1/reviews/${view.id}/sign`, { report: view.report }));
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  const mayVerify = can('make_reviews');
  const maySign = !!view && can('sign_reviews') && view.state === 'made' && view.made_by === 'theirs';
  const actions = view && (
    <>
      {mayVerify && (
        <button type="button" disabled={busy} onClick={() => void act('verify')}>
          {t('review.verify')}
        </button>
      )}
      {maySign && (
        <button type="button" className="primary" disabled={busy} onClick={() => void act('sign')}>
          {t('review.sign')}
        </button>
      )}
      <button type="button" onClick={() => window.print()}>
        {t('review.print')}
      </button>
    </>
  );

  return (
    <Page title={t('review.report_title', { peer: view?.peer ?? '' })} actions={actions}>
      <div className="review-report">
        <ErrorNote error={error} />
        {!view && !error && <p className="muted">{t('common.loading')}</p>}
        {view && context && (
          <>
            <Renderings view={view} />
            <ErrorNote error={actionError} />
            {verify && <VerifyResult result={verify} />}
            <TitleBlock view={view} />
            {view.report.body.directions.map((dir, i) => (
              <DirectionSection key={i} body={view.report.body} dir={dir} index={i} context={context} />
            ))}
            <OtherSections body={view.report.body} context={context} />
          </>
        )}
      </div>
    </Page>
  );
}
