// A case entry's text with its translations beside it (the shared
// ui/Translations.tsx): kept on this node, marked out of date when the
// text they translate has changed.
import type { Item } from '../../api/types';
import { Translations } from '../../ui/Translations';
import type { CaseDoc } from './types';

export function TranslatedText({ item, field, original, onChanged }: { item: CaseDoc; field: string; original: string; onChanged: () => void }) {
  return (
    <div className="case-entry-text">
      <Translations item={item as unknown as Item} field={field} original={original} onChanged={onChanged} />
    </div>
  );
}
