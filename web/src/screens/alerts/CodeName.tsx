// A code (state, priority, TLP, RSIT, …) by its name in the chosen
// language, the code itself as the tooltip.
import { useTranslation } from 'react-i18next';
import { codeName } from '../../i18n';

export function CodeName({ group, code }: { group: string; code: string }) {
  const { t } = useTranslation();
  return (
    <span className={`code code-${group}`} data-code={code} title={code}>
      {codeName(t, group, code)}
    </span>
  );
}
