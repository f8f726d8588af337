// An API error on a review screen: the review's own codes in the chosen
// language (review.error_<code>), with the node's sentence beside it where
// it names what was wrong (a member, a figure, the first difference);
// other codes as ui/Page's ErrorNote says them.
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { ErrorNote as CommonErrorNote } from '../../ui/Page';

// Codes whose node sentence says more than the hint.
const detailed = new Set(['review_invalid', 'review_mismatch', 'review_figure_unknown', 'dispute_invalid', 'round_invalid', 'review_period_invalid']);

export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!(error instanceof ApiError)) return <CommonErrorNote error={error} />;
  const key = `review.error_${error.code}`;
  const hint = t(key);
  if (hint === key) return <CommonErrorNote error={error} />;
  return (
    <p className="error" role="alert">
      {hint}
      {detailed.has(error.code) && <span className="review-text"> ({error.message})</span>}
    </p>
  );
}
