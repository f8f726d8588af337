// A case entry's text with its translations beside it. SLOT for the shared
// translations component (ui/Translations.tsx, written with the requests'
// screens): until it is on main this shows the text alone; then it renders
// <Translations item field original onChanged /> inside the same element.
import type { CaseDoc } from './types';

export function TranslatedText({ original }: { item: CaseDoc; field: string; original: string; onChanged: () => void }) {
  return <div className="case-entry-text">{original}</div>;
}
