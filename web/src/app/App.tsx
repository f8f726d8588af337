// The app: the session first, then the screens (docs/web.md).
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { EventsProvider } from '../api/events';
import { SessionProvider, useSession } from '../api/session';
import { AlarmProvider } from '../screens/alerts/AlarmProvider';
import { routes } from './routes';
import { Shell } from './Shell';
import { ExpiredDialog, SignInForm } from './SignIn';

// Where a person who opened a URL before signing in goes back to.
function nextOf(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/alerts';
}

function SignInPage() {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'signed_in') return <Navigate to={nextOf(location.search)} replace />;
  return (
    <main className="signin-page" id="main">
      <SignInForm />
    </main>
  );
}

function Screens() {
  const { t } = useTranslation();
  const { status, expired } = useSession();
  const location = useLocation();
  if (status === 'checking') return <p className="muted">{t('common.loading')}</p>;
  if (status === 'signed_out' && location.pathname !== '/signin') {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/signin?next=${next}`} replace />;
  }
  return (
    <EventsProvider enabled={status === 'signed_in'}>
      <AlarmProvider enabled={status === 'signed_in'}>
        <Routes>
          <Route path="/signin" element={<SignInPage />} />
          <Route element={<Shell />}>
            <Route index element={<Navigate to="/alerts" replace />} />
            {routes.map((r) => (
              <Route key={r.path} path={r.path} element={<r.screen />} />
            ))}
            <Route path="*" element={<p>{t('common.not_found')}</p>} />
          </Route>
        </Routes>
        {expired && <ExpiredDialog />}
      </AlarmProvider>
    </EventsProvider>
  );
}

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Screens />
      </BrowserRouter>
    </SessionProvider>
  );
}
