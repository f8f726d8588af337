// One table of a report's figures: the figure, this period, the previous
// one and the trend in words; each figure can be explained (the items
// behind it, GET /v1/reviews/explain) in a row that opens below it.
import { Fragment, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, query } from '../../api/client';
import { codeName } from '../../i18n';
import { ErrorNote } from './ReviewError';
import { Time } from '../../ui/Time';
import type { FigureDef } from './figures';
import { at, formatFigure, formatSeconds, itemPath, num, requestKindCode, reviewStatus, shortId, trendOf, type Explanation, type Judgement, type Pair } from './review';

export interface ExplainContext {
  peer: string;
  from: string;
  to: string;
}

function figureLabel(t: (k: string, o?: Record<string, unknown>) => string, def: FigureDef): string {
  if (def.key.startsWith('ground_')) return t('review.fig_by_ground', { ground: codeName(t, 'ground', def.key.slice(7)) });
  return t(`review.fig_${def.key}`);
}

const deadlines = ['acknowledge', 'first_response', 'final_response'] as const;

function JudgementRow({ j }: { j: Judgement }) {
  const { t } = useTranslation();
  const d = j.detail;
  const kind = String(d.kind ?? (j.group === 'cases' ? 'case' : j.group === 'disputes' ? 'dispute' : ''));
  const path = itemPath(kind, j.item);
  const received = typeof d.received_at === 'string' ? d.received_at : null;
  return (
    <li className="review-judgement" data-item={j.item}>
      {path ? <Link to={path}>{shortId(j.item)}</Link> : <code>{shortId(j.item)}</code>}{' '}
      <span className="muted">
        {kind.startsWith('request') ? codeName(t, 'request_kind', requestKindCode(kind)) : codeName(t, 'item_kind', kind)}
        {typeof d.priority === 'string' && ` · ${codeName(t, 'priority', d.priority)}`}
        {` · ${j.period === 'current' ? t('review.this_period') : t('review.previous_period')}`}
      </span>
      {received && (
        <>
          {' · '}
          {t('review.received')} <Time at={received} />
        </>
      )}
      <ul className="review-judgement-deadlines">
        {deadlines.map((name) => {
          const dl = d[name] as Record<string, unknown> | undefined;
          if (!dl || dl.status === 'no_deadline') return null;
          const counted = num(dl.counted_s);
          return (
            <li key={name}>
              {codeName(t, 'deadline', name)}: <strong>{reviewStatus(t, String(dl.status))}</strong>
              {typeof dl.due === 'string' && (
                <>
                  {' · '}
                  {t('review.due')} <Time at={dl.due} />
                </>
              )}
              {typeof dl.at === 'string' && (
                <>
                  {' · '}
                  {t('review.met')} <Time at={dl.at} />
                </>
              )}
              {counted !== null && ` · ${t('review.counted', { d: formatSeconds(t, counted) })}`}
              {dl.adjusted === true && ` · ${t('review.adjusted')}`}
            </li>
          );
        })}
      </ul>
    </li>
  );
}

function ExplainPanel({ figure, context, label }: { figure: string; context: ExplainContext; label: string }) {
  const { t } = useTranslation();
  const [answer, setAnswer] = useState<Explanation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    get<Explanation>(`/v1/reviews/explain${query({ ...context, figure })}`)
      .then(setAnswer)
      .catch(setError);
  }, [figure, context.peer, context.from, context.to]);
  useEffect(() => heading.current?.focus(), []);
  const disputeLink = `/review/disputes${query({ new: 1, peer: context.peer, figure, from: context.from, to: context.to })}`;
  return (
    <div className="review-explain" aria-live="polite">
      <h4 ref={heading} tabIndex={-1}>
        {t('review.explain_title', { figure: label })}
      </h4>
      <p className="muted">
        <code>{figure}</code>
      </p>
      <ErrorNote error={error} />
      {!answer && !error && <p className="muted">{t('common.loading')}</p>}
      {answer && (
        <>
          <p>{t('review.explain_count', { count: answer.items.length })}</p>
          <ul className="review-explain-items">
            {answer.items.map((j, i) => (
              <JudgementRow key={`${j.item}-${j.period}-${i}`} j={j} />
            ))}
          </ul>
        </>
      )}
      <p>
        <Link to={disputeLink}>{t('review.dispute_figure')}</Link>
      </p>
    </div>
  );
}

export function FigureTable({
  caption,
  pair,
  defs,
  pointer,
  context,
}: {
  caption: string;
  pair: Pair;
  defs: FigureDef[];
  pointer: string; // the JSON pointer of `pair` in the body
  context: ExplainContext;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <table className="review-figures">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('review.figure')}</th>
          <th scope="col">{t('review.this_period')}</th>
          <th scope="col">{t('review.previous_period')}</th>
          <th scope="col">{t('review.trend')}</th>
          <th scope="col" className="review-no-print">
            <span className="visually-hidden">{t('review.explain')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {defs.map((def) => {
          const cur = num(at(pair.current, def.path));
          const prev = num(at(pair.previous, def.path));
          const trend = trendOf(t, cur, prev, def.better);
          const figure = `${pointer}/current/${def.path}`;
          const label = figureLabel(t, def);
          const isOpen = open === figure;
          return (
            <Fragment key={def.key}>
              <tr data-figure={figure}>
                <th scope="row">{label}</th>
                <td className="review-num">{formatFigure(t, def.kind, cur)}</td>
                <td className="review-num">{formatFigure(t, def.kind, prev)}</td>
                <td className={`review-trend review-trend-${trend.tone}`}>{trend.text}</td>
                <td className="review-no-print">
                  <button
                    type="button"
                    className="link-button"
                    aria-expanded={isOpen}
                    aria-label={t('review.explain_figure', { figure: label })}
                    onClick={() => setOpen(isOpen ? null : figure)}
                  >
                    {isOpen ? t('review.explain_hide') : t('review.explain')}
                  </button>
                </td>
              </tr>
              {isOpen && (
                <tr className="review-explain-row">
                  <td colSpan={5}>
                    <ExplainPanel figure={figure} context={context} label={label} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
