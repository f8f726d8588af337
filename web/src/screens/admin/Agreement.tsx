// Placeholder until this screen is built (issue 19).
import { useTranslation } from 'react-i18next';
import { Page } from '../../ui/Page';

export default function Agreement() {
  const { t } = useTranslation();
  return <Page title={t('nav.agreement')}>{null}</Page>;
}
