// TLP 2.0 labels in their official colours, on black (FIRST TLP 2.0).
import { useTranslation } from 'react-i18next';
import { codeName } from '../i18n';

const classes: Record<string, string> = {
  'TLP:RED': 'tlp-red',
  'TLP:AMBER+STRICT': 'tlp-amber',
  'TLP:AMBER': 'tlp-amber',
  'TLP:GREEN': 'tlp-green',
  'TLP:CLEAR': 'tlp-clear',
};

export function TlpBadge({ tlp }: { tlp: string }) {
  const { t } = useTranslation();
  // The label itself is the code the standard prints; its name is the tooltip.
  return (
    <span className={`tlp ${classes[tlp] ?? 'tlp-clear'}`} title={codeName(t, 'tlp', tlp)}>
      {tlp}
    </span>
  );
}
