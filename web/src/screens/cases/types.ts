// The shape of a case document (docs/api/openapi.yaml, Case) as the case
// screens read it.
import type { Translation } from '../../api/types';
import type { Indicator, Sighting } from '../interop/indicators';
import type { Labels } from './vocab';

export interface CaseTimelineEntry {
  at: string;
  actor: string;
  side: 'ours' | 'theirs';
  action: string;
  text: string;
}

export interface CaseNote {
  at: string;
  author: string;
  text: string;
}

export interface CaseFile {
  sha256: string;
  size: number;
  name: string;
  action?: string;
  side?: string;
  actor?: string;
}

export interface CaseDoc {
  id: string;
  item_kind: 'case';
  state: 'open' | 'closed' | 'reopened' | string;
  peer: string;
  link: string;
  origin?: 'ours' | 'theirs';
  tlp: string;
  title: string;
  created_at: string;
  updated_at: string;
  labels?: Labels;
  alert_ids: string[];
  request_ids: string[];
  indicators: Indicator[];
  sightings?: Sighting[];
  attachments: string[];
  timeline: CaseTimelineEntry[];
  notes: CaseNote[];
  files: CaseFile[];
  translations?: Translation[];
}

export const isOpen = (state: string) => state === 'open' || state === 'reopened';
