// A case's indicators and sightings, as an analyst used to MISP attributes
// and OpenCTI observables reads them: one row per indicator (type, value,
// first and last seen, confidence, TLP, note, how often it was sighted),
// add and edit (while the case is open), import a STIX 2.1 bundle (from
// MISP or OpenCTI, while the case is open), report a sighting (in every
// state), and the sightings (who, where, when, how often). Both sides see
// the same: every change is a case action the peer receives.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Time } from '../../ui/Time';
import { TlpBadge } from '../../ui/Tlp';
import { IndicatorForm } from './IndicatorForm';
import { keyOf, sightingTotals, type Indicator, type Sighting } from './indicators';
import { SightingForm } from './SightingForm';
import { StixImport } from './StixImport';
import './interop.css';

export interface IndicatorCase {
  id: string;
  state: string;
  tlp: string;
  peer: string;
  indicators: Indicator[];
  sightings?: Sighting[];
}

type Open = { kind: 'edit' | 'sighting'; key: string } | null;

function Confidence({ value }: { value: number | null }) {
  const { t } = useTranslation();
  if (value === null || value === undefined) return <span className="muted">{t('common.none')}</span>;
  return <>{value}</>;
}

// Rows shown at first, and added by each "show more": a case filled from a
// large STIX bundle keeps its page fast.
const pageRows = 100;

function More({ shown, total, onMore }: { shown: number; total: number; onMore: () => void }) {
  const { t } = useTranslation();
  if (shown >= total) return null;
  return (
    <p className="ix-more">
      <span className="muted">{t('interop.shown_of', { shown, total })}</span>{' '}
      <button type="button" onClick={onMore}>
        {t('interop.show_more', { count: Math.min(pageRows, total - shown) })}
      </button>
    </p>
  );
}

function SightingTable({ c, sightings }: { c: IndicatorCase; sightings: Sighting[] }) {
  const { t } = useTranslation();
  const [limit, setLimit] = useState(pageRows);
  if (sightings.length === 0) return <p className="muted">{t('interop.sightings_empty')}</p>;
  return (
    <>
    <table className="ix-table ix-sightings">
      <thead>
        <tr>
          <th scope="col">{t('interop.indicator')}</th>
          <th scope="col">{t('interop.who')}</th>
          <th scope="col">{t('interop.where')}</th>
          <th scope="col">{t('interop.when')}</th>
          <th scope="col">{t('interop.count')}</th>
          <th scope="col">{t('interop.reported')}</th>
        </tr>
      </thead>
      <tbody>
        {sightings.slice(0, limit).map((s, i) => (
          <tr key={i} className={`ix-sighting ix-side-${s.side}`}>
            <td className="ix-value-cell">
              <code>{s.value}</code> <span className="muted">{s.type}</span>
            </td>
            <td>{s.side === 'ours' ? t('interop.seen_by_us', { by: s.by }) : t('interop.seen_by_peer', { by: s.by, peer: c.peer })}</td>
            <td>{s.where || <span className="muted">{t('common.none')}</span>}</td>
            <td>
              <Time at={s.first_seen} />
              {s.last_seen !== s.first_seen && (
                <>
                  {' – '}
                  <Time at={s.last_seen} />
                </>
              )}
            </td>
            <td className="ix-num">{s.count}</td>
            <td>
              <Time at={s.at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    <More shown={Math.min(limit, sightings.length)} total={sightings.length} onMore={() => setLimit(limit + pageRows)} />
    </>
  );
}

export function CaseIndicators<Doc extends IndicatorCase>({
  c,
  canAct,
  isOpen,
  onChanged,
}: {
  c: Doc;
  canAct: boolean;
  isOpen: boolean;
  onChanged: (doc: Doc) => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Open>(null);
  const [done, setDone] = useState<string | null>(null);
  const sightings = c.sightings ?? [];
  const totals = sightingTotals(sightings);
  const openOne = open ? c.indicators.find((i) => keyOf(i) === open.key) ?? null : null;
  const [filter, setFilter] = useState('');
  const [limit, setLimit] = useState(pageRows);
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? c.indicators.filter((i) => i.value.toLowerCase().includes(needle) || i.type.includes(needle) || i.note.toLowerCase().includes(needle))
    : c.indicators;
  const saved = (message: string) => (doc: Doc) => {
    setOpen(null);
    setDone(message);
    onChanged(doc);
  };

  return (
    <section className="panel ix-panel" aria-labelledby="case-indicators">
      <h2 id="case-indicators">
        {t('interop.indicators')} <span className="muted">({c.indicators.length})</span>
      </h2>
      {c.indicators.length > 10 && (
        <div className="ix-field ix-filter">
          <label className="ix-label" htmlFor="ix-filter">
            {t('interop.filter')}
          </label>
          <input id="ix-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} spellCheck={false} />
        </div>
      )}
      {c.indicators.length === 0 ? (
        <p className="muted">{t('interop.indicators_empty')}</p>
      ) : (
        <div className="ix-scroll">
          <table className="ix-table case-indicator-table">
            <thead>
              <tr>
                <th scope="col">{t('interop.type')}</th>
                <th scope="col">{t('interop.value')}</th>
                <th scope="col">{t('interop.first_seen')}</th>
                <th scope="col">{t('interop.last_seen')}</th>
                <th scope="col">{t('interop.confidence')}</th>
                <th scope="col">{t('interop.tlp')}</th>
                <th scope="col">{t('interop.note')}</th>
                <th scope="col">{t('interop.sightings_col')}</th>
                {canAct && <th scope="col">{t('interop.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, limit).map((i) => {
                const k = keyOf(i);
                const total = totals.get(k);
                return (
                  <tr key={k} className="ix-indicator" data-value={i.value}>
                    <td>
                      <code>{i.type}</code>
                    </td>
                    <td className="ix-value-cell case-indicator-value">
                      <code>{i.value}</code>
                    </td>
                    <td>{i.first_seen ? <Time at={i.first_seen} /> : <span className="muted">{t('common.none')}</span>}</td>
                    <td>{i.last_seen ? <Time at={i.last_seen} /> : <span className="muted">{t('common.none')}</span>}</td>
                    <td className="ix-num">
                      <Confidence value={i.confidence} />
                    </td>
                    <td>
                      <TlpBadge tlp={i.tlp ?? c.tlp} />
                      {!i.tlp && <span className="muted ix-inherited"> {t('interop.tlp_inherited')}</span>}
                    </td>
                    <td className="ix-note">{i.note}</td>
                    <td className="ix-num ix-sighting-count" title={total ? t('interop.sighting_reports', { count: total.reports }) : undefined}>
                      {total?.count ?? 0}
                    </td>
                    {canAct && (
                      <td className="ix-row-actions">
                        {isOpen && (
                          <button type="button" className="link-button" onClick={() => setOpen({ kind: 'edit', key: k })} aria-label={t('interop.edit_indicator_title', { value: i.value })}>
                            {t('interop.edit')}
                          </button>
                        )}
                        <button type="button" className="link-button" onClick={() => setOpen({ kind: 'sighting', key: k })} aria-label={t('interop.report_sighting_of', { value: i.value })}>
                          {t('interop.report_sighting')}
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <More shown={Math.min(limit, shown.length)} total={shown.length} onMore={() => setLimit(limit + pageRows)} />
        </div>
      )}
      {done && (
        <p className="ix-done" role="status">
          {done}
        </p>
      )}
      {canAct && openOne && open?.kind === 'edit' && (
        <IndicatorForm<Doc>
          key={`edit-${open.key}`}
          caseId={c.id}
          caseTlp={c.tlp}
          editing={openOne}
          onSaved={saved(t('interop.indicator_saved', { value: openOne.value }))}
          onCancel={() => setOpen(null)}
        />
      )}
      {canAct && openOne && open?.kind === 'sighting' && (
        <SightingForm<Doc>
          key={`sighting-${open.key}`}
          caseId={c.id}
          indicator={openOne}
          onSaved={saved(t('interop.sighting_saved', { value: openOne.value }))}
          onCancel={() => setOpen(null)}
        />
      )}
      {canAct && isOpen && !open && (
        <div className="ix-add">
          <h3>{t('interop.add_indicator_title')}</h3>
          <p className="hint">{t('interop.add_indicator_hint')}</p>
          <IndicatorForm<Doc> caseId={c.id} caseTlp={c.tlp} editing={null} onSaved={saved(t('interop.indicator_added'))} />
        </div>
      )}
      {canAct && isOpen && !open && (
        <StixImport<Doc>
          caseId={c.id}
          onImported={(doc) => {
            setDone(null);
            onChanged(doc);
          }}
        />
      )}
      <h3>
        {t('interop.sightings')} <span className="muted">({sightings.length})</span>
      </h3>
      <SightingTable c={c} sightings={sightings} />
    </section>
  );
}
