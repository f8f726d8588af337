// The frame around every screen once signed in: the top bar, the alarm
// banner, the navigation and the screen itself.
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';
import { useSession } from '../api/session';
import { AlarmBanner } from '../screens/alerts/AlarmBanner';
import { routes } from './routes';
import { TopBar } from './TopBar';

export function Shell() {
  const { t } = useTranslation();
  const { can } = useSession();
  return (
    <div className="shell">
      <TopBar />
      <AlarmBanner />
      <div className="body">
        <nav className="nav" aria-label={t('nav.label')}>
          <ul>
            {routes
              .filter((r) => r.nav && (!r.permission || can(r.permission)) && (!r.anyPermission || r.anyPermission.some(can)))
              .map((r) => (
                <li key={r.path}>
                  <NavLink to={r.path}>{t(r.nav!)}</NavLink>
                </li>
              ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}
