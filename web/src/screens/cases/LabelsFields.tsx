// The labels of a new case: TLP 2.0, PAP, the Admiralty grading, RSIT
// incident types and Budapest Convention offences, each code shown by its
// name in the chosen language.
import { useTranslation } from 'react-i18next';
import { codeName } from '../../i18n';
import { TlpBadge } from '../../ui/Tlp';
import { credibilityCodes, offenceCodes, papCodes, reliabilityCodes, rsitCodes, tlpCodes, type Labels } from './vocab';

// Adds or removes `code`, keeping the list in the vocabulary's order.
function toggle(list: string[], code: string, order: readonly string[]): string[] {
  const next = list.includes(code) ? list.filter((c) => c !== code) : [...list, code];
  return order.filter((c) => next.includes(c));
}

const rsitClasses = [...new Set(rsitCodes.map((c) => c.split(':')[0]))];

export function LabelsFields({ labels, onChange }: { labels: Labels; onChange: (l: Labels) => void }) {
  const { t } = useTranslation();
  const set = (patch: Partial<Labels>) => onChange({ ...labels, ...patch });
  return (
    <fieldset className="case-labels">
      <legend>{t('cases.labels')}</legend>
      <div className="case-labels-row">
        <label>
          {t('cases.tlp')}
          <select value={labels.tlp} onChange={(e) => set({ tlp: e.target.value })}>
            {tlpCodes.map((c) => (
              <option key={c} value={c}>
                {c} · {codeName(t, 'tlp', c)}
              </option>
            ))}
          </select>
        </label>
        <span className="case-tlp-preview" aria-hidden="true">
          <TlpBadge tlp={labels.tlp} />
        </span>
        <label>
          {t('cases.pap')}
          <select value={labels.pap} onChange={(e) => set({ pap: e.target.value })}>
            {papCodes.map((c) => (
              <option key={c} value={c}>
                {c} · {codeName(t, 'pap', c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('cases.reliability')}
          <select value={labels.reliability ?? ''} onChange={(e) => set({ reliability: e.target.value || null })}>
            <option value="">{t('cases.not_graded')}</option>
            {reliabilityCodes.map((c) => (
              <option key={c} value={c}>
                {c} · {t(`cases.reliability_${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('cases.credibility')}
          <select
            value={labels.credibility ?? ''}
            onChange={(e) => set({ credibility: e.target.value ? Number(e.target.value) : null })}
          >
            <option value="">{t('cases.not_graded')}</option>
            {credibilityCodes.map((c) => (
              <option key={c} value={c}>
                {c} · {t(`cases.credibility_${c}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="case-labels-row case-codes-row">
        <fieldset className="case-codes-pick case-rsit">
          <legend>{t('cases.rsit')}</legend>
          {rsitClasses.map((cls) => (
            <fieldset key={cls} className="case-rsit-class">
              <legend>{codeName(t, 'rsit', cls)}</legend>
              {rsitCodes
                .filter((c) => c.startsWith(`${cls}:`))
                .map((c) => (
                  <label key={c} className="case-check">
                    <input type="checkbox" value={c} checked={labels.rsit.includes(c)} onChange={() => set({ rsit: toggle(labels.rsit, c, rsitCodes) })} />{' '}
                    {codeName(t, 'rsit', c)} <span className="muted">({c})</span>
                  </label>
                ))}
            </fieldset>
          ))}
        </fieldset>
        <fieldset className="case-codes-pick case-offences">
          <legend>{t('cases.offences')}</legend>
          {offenceCodes.map((c) => (
            <label key={c} className="case-check">
              <input type="checkbox" value={c} checked={labels.offences.includes(c)} onChange={() => set({ offences: toggle(labels.offences, c, offenceCodes) })} />{' '}
              {codeName(t, 'offence', c)} <span className="muted">({c})</span>
            </label>
          ))}
        </fieldset>
      </div>
    </fieldset>
  );
}

// The labels as names, for a case's page.
export function LabelsView({ labels }: { labels: Labels }) {
  const { t } = useTranslation();
  return (
    <dl className="case-labels-view">
      <dt>{t('cases.tlp')}</dt>
      <dd>
        <TlpBadge tlp={labels.tlp} /> {codeName(t, 'tlp', labels.tlp)}
      </dd>
      <dt>{t('cases.pap')}</dt>
      <dd>
        {labels.pap} · {codeName(t, 'pap', labels.pap)}
      </dd>
      {(labels.reliability || labels.credibility) && (
        <>
          <dt>{t('cases.grading')}</dt>
          <dd>
            {labels.reliability ?? '–'}
            {labels.credibility ?? '–'}
          </dd>
        </>
      )}
      {labels.rsit.length > 0 && (
        <>
          <dt>{t('cases.rsit')}</dt>
          <dd>
            <ul className="case-codes">
              {labels.rsit.map((c) => (
                <li key={c}>
                  {codeName(t, 'rsit', c)} <span className="muted">({c})</span>
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
      {labels.offences.length > 0 && (
        <>
          <dt>{t('cases.offences')}</dt>
          <dd>
            <ul className="case-codes">
              {labels.offences.map((c) => (
                <li key={c}>
                  {codeName(t, 'offence', c)} <span className="muted">({c})</span>
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
    </dl>
  );
}
