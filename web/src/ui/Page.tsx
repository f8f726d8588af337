// The frame of every screen: its title (also the tab's title) and an error line.
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · ${t('common.app_name')}`;
  }, [title, t]);
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

// An API error for a person: the node's sentence, and for a few codes a
// hint in the chosen language.
export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  let text: string;
  if (error instanceof ApiError) {
    const hint = t(`error.${error.code}`, { defaultValue: '' });
    text = hint || error.message;
  } else {
    text = t('error.unexpected');
  }
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}
