// The labels of a new alert: TLP 2.0 in its colours, PAP, the Admiralty
// grading, RSIT incident types and Budapest Convention offences, each by its
// name in the chosen language.
import i18next from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import { TlpBadge } from '../../ui/Tlp';
import { CodeName } from './CodeName';
import { codeName } from '../../i18n';

export interface Labels {
  tlp: string;
  pap: string;
  reliability: string | null;
  credibility: number | null;
  rsit: string[];
  offences: string[];
}

export const defaultLabels: Labels = { tlp: 'TLP:AMBER', pap: 'PAP:AMBER', reliability: null, credibility: null, rsit: [], offences: [] };

const tlps = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'];
const paps = ['PAP:CLEAR', 'PAP:GREEN', 'PAP:AMBER', 'PAP:RED'];
const reliabilities = ['A', 'B', 'C', 'D', 'E', 'F'];
const credibilities = [1, 2, 3, 4, 5, 6];
const offences = Array.from({ length: 10 }, (_, i) => `budapest:art${i + 2}`);

// The RSIT codes: from GET /v1/vocabulary when the node has it, else the
// names in the catalogue; none: the field takes codes as text.
function codesOf(answer: unknown): string[] {
  const a = answer as Record<string, unknown> | null;
  const list = (a?.rsit ?? (a?.codes as Record<string, unknown> | undefined)?.rsit) as unknown;
  if (!Array.isArray(list)) return [];
  return list
    .map((x) => (typeof x === 'string' ? x : typeof x === 'object' && x && 'code' in x ? String((x as { code: unknown }).code) : ''))
    .filter(Boolean);
}

function useRsitCodes(): string[] {
  const [codes, setCodes] = useState<string[]>(() => {
    const bundle = i18next.getResourceBundle('en', 'translation') as Record<string, string> | undefined;
    return Object.keys(bundle ?? {})
      .filter((k) => k.startsWith('code.rsit.'))
      .map((k) => k.slice('code.rsit.'.length));
  });
  useEffect(() => {
    get<unknown>('/v1/vocabulary')
      .then((v) => {
        const list = codesOf(v);
        if (list.length) setCodes(list);
      })
      .catch(() => undefined);
  }, []);
  return codes;
}

function RsitField({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  const { t } = useTranslation();
  const codes = useRsitCodes();
  const [text, setText] = useState(value.join(', '));
  if (codes.length === 0) {
    return (
      <label>
        {t('alerts.rsit')}
        <input
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            onChange(e.target.value.split(/[\s,]+/).filter(Boolean));
          }}
          aria-describedby="rsit-hint"
        />
        <span id="rsit-hint" className="hint">{t('alerts.rsit_hint')}</span>
      </label>
    );
  }
  return (
    <label>
      {t('alerts.rsit')}
      <select multiple size={6} value={value} onChange={(e) => onChange(Array.from(e.target.selectedOptions, (o) => o.value))} aria-describedby="rsit-hint">
        {codes.map((c) => (
          <option key={c} value={c}>
            {codeName(t, 'rsit', c)} ({c})
          </option>
        ))}
      </select>
      <span id="rsit-hint" className="hint">{t('alerts.rsit_multi_hint')}</span>
    </label>
  );
}

export function LabelsFields({ labels, onChange }: { labels: Labels; onChange: (l: Labels) => void }) {
  const { t } = useTranslation();
  const set = <K extends keyof Labels>(k: K, v: Labels[K]) => onChange({ ...labels, [k]: v });
  return (
    <fieldset>
      <legend>{t('alerts.labels')}</legend>
      <fieldset className="tlp-field">
        <legend>{t('alerts.tlp')}</legend>
        <div className="tlp-choices">
          {tlps.map((tlp) => (
            <label key={tlp}>
              <input type="radio" name="tlp" value={tlp} checked={labels.tlp === tlp} onChange={() => set('tlp', tlp)} />
              <TlpBadge tlp={tlp} /> <CodeName group="tlp" code={tlp} />
            </label>
          ))}
        </div>
      </fieldset>
      <div className="label-row">
        <label>
          {t('alerts.pap')}
          <select value={labels.pap} onChange={(e) => set('pap', e.target.value)}>
            {paps.map((p) => (
              <option key={p} value={p}>
                {codeName(t, 'pap', p)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alerts.reliability')}
          <select value={labels.reliability ?? ''} onChange={(e) => set('reliability', e.target.value || null)}>
            <option value="">{t('alerts.not_graded')}</option>
            {reliabilities.map((r) => (
              <option key={r} value={r}>
                {r} · {t(`alerts.reliability_${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alerts.credibility')}
          <select value={labels.credibility ?? ''} onChange={(e) => set('credibility', e.target.value ? Number(e.target.value) : null)}>
            <option value="">{t('alerts.not_graded')}</option>
            {credibilities.map((c) => (
              <option key={c} value={c}>
                {c} · {t(`alerts.credibility_${c}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <RsitField value={labels.rsit} onChange={(v) => set('rsit', v)} />
      <fieldset>
        <legend>{t('alerts.offences')}</legend>
        <div className="offences">
          {offences.map((o) => (
            <label key={o}>
              <input
                type="checkbox"
                checked={labels.offences.includes(o)}
                onChange={(e) => set('offences', e.target.checked ? [...labels.offences, o] : labels.offences.filter((x) => x !== o))}
              />
              <CodeName group="offence" code={o} />
            </label>
          ))}
        </div>
      </fieldset>
    </fieldset>
  );
}
