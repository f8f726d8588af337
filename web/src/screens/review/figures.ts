// The figures the report page shows, section by section: where each is in a
// period's member of the body (docs/review.md "The body"), how it is written
// and whether a rise is better, worse or neither.
import type { Better, FigureKind } from './review';

export interface FigureDef {
  key: string; // catalogue key review.fig_<key>
  path: string; // inside `current` / `previous`
  kind: FigureKind;
  better: Better;
}

const f = (key: string, path: string, kind: FigureKind, better: Better): FigureDef => ({ key, path, kind, better });

export const requestFigures: FigureDef[] = [
  f('received', 'received', 'count', 'neutral'),
  f('ack_on_time', 'acknowledge/on_time_permille', 'permille', 'higher'),
  f('ack_late', 'acknowledge/late', 'count', 'lower'),
  f('ack_overdue', 'acknowledge/overdue', 'count', 'lower'),
  f('first_on_time', 'first_response/on_time_permille', 'permille', 'higher'),
  f('final_on_time', 'final_response/on_time_permille', 'permille', 'higher'),
  f('final_on_time_n', 'final_response/on_time', 'count', 'neutral'),
  f('final_late', 'final_response/late', 'count', 'lower'),
  f('final_overdue', 'final_response/overdue', 'count', 'lower'),
  f('final_pending', 'final_response/pending', 'count', 'neutral'),
  f('median_ack', 'time_to_acknowledge/median_s', 'duration', 'lower'),
  f('median_first', 'time_to_first_response/median_s', 'duration', 'lower'),
  f('median_final', 'time_to_final_response/median_s', 'duration', 'lower'),
  f('p90_final', 'time_to_final_response/p90_s', 'duration', 'lower'),
  f('open_at_end', 'open_at_end', 'count', 'neutral'),
  f('overdue_at_end', 'overdue_at_end', 'count', 'lower'),
  f('declined', 'declined/total', 'count', 'neutral'),
  f('withdrawn', 'withdrawn', 'count', 'neutral'),
  f('clarifications', 'clarifications', 'count', 'neutral'),
  f('rated', 'ratings/rated_permille', 'permille', 'higher'),
  f('completeness', 'ratings/completeness/mean_centi', 'centi', 'higher'),
  f('usefulness', 'ratings/usefulness/mean_centi', 'centi', 'higher'),
];

// Per kind and priority: the key figures only.
export const requestRowFigures: FigureDef[] = [
  f('received', 'received', 'count', 'neutral'),
  f('ack_on_time', 'acknowledge/on_time_permille', 'permille', 'higher'),
  f('final_on_time', 'final_response/on_time_permille', 'permille', 'higher'),
  f('median_final', 'time_to_final_response/median_s', 'duration', 'lower'),
  f('overdue_at_end', 'overdue_at_end', 'count', 'lower'),
];

export const alertFigures: FigureDef[] = [
  f('raised', 'raised', 'count', 'neutral'),
  f('ack_on_time', 'acknowledge/on_time_permille', 'permille', 'higher'),
  f('ack_late', 'acknowledge/late', 'count', 'lower'),
  f('ack_overdue', 'acknowledge/overdue', 'count', 'lower'),
  f('median_ack', 'time_to_acknowledge/median_s', 'duration', 'lower'),
  f('p90_ack', 'time_to_acknowledge/p90_s', 'duration', 'lower'),
  f('escalated', 'escalated', 'count', 'lower'),
];

export const takedownFigures: FigureDef[] = [
  f('takedown_requests', 'requests', 'count', 'neutral'),
  f('removed_on_time', 'removed_on_time', 'count', 'neutral'),
  f('removed_late', 'removed_late', 'count', 'lower'),
  f('not_removed', 'not_removed', 'count', 'lower'),
  f('removed_share', 'on_time_permille', 'permille', 'higher'),
];

export const checkFigures: FigureDef[] = [
  f('checks_held', 'held', 'count', 'neutral'),
  f('checks_in_time', 'answered_in_time', 'count', 'neutral'),
  f('checks_late', 'answered_late', 'count', 'lower'),
  f('checks_unanswered', 'unanswered', 'count', 'lower'),
  f('median_answer', 'time_to_answer/median_s', 'duration', 'lower'),
];

export const disputeFigures: FigureDef[] = [
  f('disputes_opened', 'opened', 'count', 'neutral'),
  f('disputes_settled', 'settled', 'count', 'neutral'),
  f('disputes_withdrawn', 'withdrawn', 'count', 'neutral'),
  f('disputes_open', 'open_at_end', 'count', 'neutral'),
  ...['timeliness', 'quality', 'attribution', 'jurisdiction', 'other'].map((g) =>
    f(`ground_${g}`, `by_ground/${g}`, 'count', 'neutral'),
  ),
];
