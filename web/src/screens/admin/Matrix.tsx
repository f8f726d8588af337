// The agreement's deadline matrix as a table (kind × priority →
// acknowledge and respond minutes, calendar): read-only, as a difference
// against another matrix (changed cells show before → after), or editable.
import { useTranslation } from 'react-i18next';
import { codeName } from '../../i18n';
import type { DeadlineRule } from './adminTypes';

type T = (k: string, o?: Record<string, unknown>) => string;

export function kindName(t: T, kind: string): string {
  if (kind.startsWith('request.')) return `${codeName(t, 'item_kind', 'request')}: ${codeName(t, 'request_kind', kind.slice(8))}`;
  return codeName(t, 'item_kind', kind);
}

function minutesText(t: T, m: number | null): string {
  return m === null ? t('admin.no_deadline') : t('admin.minutes', { count: m });
}

function Cell<V>({ now, before, show }: { now: V; before?: V; show: (v: V) => string }) {
  const { t } = useTranslation();
  if (before === undefined || before === now) return <>{show(now)}</>;
  return (
    <span className="agr-changed">
      <del aria-label={t('admin.was', { value: show(before) })}>{show(before)}</del> → <ins>{show(now)}</ins>
    </span>
  );
}

function MinutesInput({ value, onChange, label }: { value: number | null; onChange: (v: number | null) => void; label: string }) {
  return (
    <input
      type="number"
      min={1}
      max={525600}
      className="agr-minutes"
      aria-label={label}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
    />
  );
}

export function Matrix({
  rules,
  before,
  onChange,
  caption,
}: {
  rules: DeadlineRule[];
  before?: DeadlineRule[];
  onChange?: (rules: DeadlineRule[]) => void;
  caption: string;
}) {
  const { t } = useTranslation();
  const find = (r: DeadlineRule) => before?.find((b) => b.kind === r.kind && b.priority === r.priority);
  const set = (i: number, patch: Partial<DeadlineRule>) => onChange?.(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <table className="agr-matrix">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('admin.kind')}</th>
          <th scope="col">{t('admin.priority')}</th>
          <th scope="col">{codeName(t, 'deadline', 'acknowledge')}</th>
          <th scope="col">{codeName(t, 'deadline', 'respond')}</th>
          <th scope="col">{t('admin.calendar')}</th>
        </tr>
      </thead>
      <tbody>
        {rules.map((r, i) => {
          const b = find(r);
          const rowName = `${kindName(t, r.kind)} · ${codeName(t, 'priority', r.priority)}`;
          const changed = b && (b.acknowledge_minutes !== r.acknowledge_minutes || b.respond_minutes !== r.respond_minutes || b.calendar !== r.calendar);
          return (
            <tr key={`${r.kind}/${r.priority}`} data-kind={r.kind} data-priority={r.priority} className={changed ? 'agr-row-changed' : ''}>
              <th scope="row">{kindName(t, r.kind)}</th>
              <td>{codeName(t, 'priority', r.priority)}</td>
              <td className="agr-ack">
                {onChange ? (
                  <MinutesInput value={r.acknowledge_minutes} onChange={(v) => set(i, { acknowledge_minutes: v })} label={t('admin.ack_of', { row: rowName })} />
                ) : (
                  <Cell now={r.acknowledge_minutes} before={b?.acknowledge_minutes} show={(v) => minutesText(t, v)} />
                )}
              </td>
              <td className="agr-respond">
                {onChange ? (
                  <MinutesInput value={r.respond_minutes} onChange={(v) => set(i, { respond_minutes: v })} label={t('admin.respond_of', { row: rowName })} />
                ) : (
                  <Cell now={r.respond_minutes} before={b?.respond_minutes} show={(v) => minutesText(t, v)} />
                )}
              </td>
              <td className="agr-calendar">
                {onChange ? (
                  <select value={r.calendar} onChange={(e) => set(i, { calendar: e.target.value })} aria-label={t('admin.calendar_of', { row: rowName })}>
                    {['always', 'office_hours'].map((c) => (
                      <option key={c} value={c}>
                        {codeName(t, 'calendar', c)}
                      </option>
                    ))}
                  </select>
                ) : (
                  <Cell now={r.calendar} before={b?.calendar} show={(v) => codeName(t, 'calendar', v)} />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
