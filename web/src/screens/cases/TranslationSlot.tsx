// SLOT for the shared translations component (ui/Translations.tsx, written
// by the requests' screens): beside every case entry. Until it is on main
// this renders nothing; then it renders <Translations item field original
// onChanged /> with the same props.
import type { CaseDoc } from './types';

export function TranslationSlot(_props: { item: CaseDoc; field: string; original: string; onChanged: () => void }) {
  return null;
}
