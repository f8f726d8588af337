// What verifying a report against our records found: it matches, or each
// bad signature, each figure that differs (both values) and the node's
// sentence for each item judged differently.
import { useTranslation } from 'react-i18next';
import type { Verification } from './review';

function show(v: unknown): string {
  return v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function VerifyResult({ result }: { result: Verification }) {
  const { t } = useTranslation();
  return (
    <div className={`review-verify ${result.matches ? 'review-verify-ok' : 'review-verify-bad'}`} role="status">
      <p className="review-verify-verdict">
        <strong>{result.matches ? t('review.verify_matches') : t('review.verify_differs')}</strong>
      </p>
      {result.in_flight && (
        <p>
          {t('review.verify_in_flight')} <span className="review-text">{result.in_flight}</span>
        </p>
      )}
      {result.signature_problems.length > 0 && (
        <>
          <h3>{t('review.verify_signatures')}</h3>
          <ul>
            {result.signature_problems.map((s) => (
              <li key={s} className="review-text">
                {s}
              </li>
            ))}
          </ul>
        </>
      )}
      {result.figures.length > 0 && (
        <table>
          <caption>{t('review.verify_figures')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('review.figure')}</th>
              <th scope="col">{t('review.ours')}</th>
              <th scope="col">{t('review.theirs')}</th>
            </tr>
          </thead>
          <tbody>
            {result.figures.map((f) => (
              <tr key={f.path}>
                <td>
                  <code>{f.path}</code>
                </td>
                <td>{show(f.ours)}</td>
                <td>{show(f.theirs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!result.matches && result.lines.length > 0 && (
        <>
          <h3>{t('review.verify_lines')}</h3>
          <ul className="review-verify-lines">
            {result.lines.map((l, i) => (
              <li key={i} className="review-text">
                {l}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
