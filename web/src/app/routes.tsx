// Every screen, its URL and its place in the navigation. Screens load on
// first visit (their own script chunks), except the alert console, which a
// duty officer opens first.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import AlertConsole from '../screens/alerts/AlertConsole';

type Screen = ComponentType | LazyExoticComponent<ComponentType>;

export interface ScreenRoute {
  path: string;
  screen: Screen;
  // Shown in the navigation under this catalogue key; absent: not in the menu.
  nav?: string;
  // The permission a person needs to see it in the menu (the API decides).
  permission?: string;
  // Or: any one of these.
  anyPermission?: string[];
}

export const routes: ScreenRoute[] = [
  { path: '/alerts', screen: AlertConsole, nav: 'nav.alerts', permission: 'read_items' },
  { path: '/alerts/new', screen: lazy(() => import('../screens/alerts/NewAlert')) },
  { path: '/alerts/:id', screen: lazy(() => import('../screens/alerts/AlertPage')) },
  { path: '/requests', screen: lazy(() => import('../screens/requests/RequestList')), nav: 'nav.requests', permission: 'read_items' },
  { path: '/requests/new', screen: lazy(() => import('../screens/requests/NewRequest')) },
  { path: '/requests/:id', screen: lazy(() => import('../screens/requests/RequestPage')) },
  { path: '/cases', screen: lazy(() => import('../screens/cases/CaseList')), nav: 'nav.cases', permission: 'read_items' },
  { path: '/cases/new', screen: lazy(() => import('../screens/cases/NewCase')) },
  { path: '/cases/:id', screen: lazy(() => import('../screens/cases/CasePage')) },
  { path: '/indicators', screen: lazy(() => import('../screens/interop/IndicatorSearch')), nav: 'interop.nav_search', permission: 'read_items' },
  { path: '/ledger', screen: lazy(() => import('../screens/ledger/LedgerPage')), nav: 'nav.ledger', permission: 'read_ledger' },
  { path: '/review/reports', screen: lazy(() => import('../screens/review/ReportList')), nav: 'nav.reports', permission: 'read_review' },
  { path: '/review/reports/:id', screen: lazy(() => import('../screens/review/ReportPage')) },
  { path: '/review/disputes', screen: lazy(() => import('../screens/review/DisputeList')), nav: 'nav.disputes', permission: 'read_items' },
  { path: '/review/disputes/:id', screen: lazy(() => import('../screens/review/DisputePage')) },
  { path: '/review/rounds', screen: lazy(() => import('../screens/review/RoundList')), nav: 'nav.rounds', permission: 'read_review' },
  { path: '/review/rounds/:id', screen: lazy(() => import('../screens/review/RoundPage')) },
  { path: '/review/action-items', screen: lazy(() => import('../screens/review/ActionItems')), nav: 'nav.action_items', permission: 'read_review' },
  { path: '/admin/users', screen: lazy(() => import('../screens/admin/Users')), nav: 'nav.users', permission: 'manage_users' },
  { path: '/admin/tokens', screen: lazy(() => import('../screens/admin/Tokens')), nav: 'nav.tokens', permission: 'manage_tokens' },
  { path: '/admin/peers', screen: lazy(() => import('../screens/admin/Peers')), nav: 'nav.peers', permission: 'manage_peers' },
  { path: '/admin/taxii', screen: lazy(() => import('../screens/interop/TaxiiAdmin')), nav: 'interop.nav_taxii', permission: 'manage_peers' },
  { path: '/admin/agreement', screen: lazy(() => import('../screens/admin/Agreement')), nav: 'nav.agreement', permission: 'manage_agreement' },
  { path: '/escalations', screen: lazy(() => import('../screens/escalations/Escalations')), nav: 'nav.escalations', anyPermission: ['act_alerts', 'manage_webhook'] },
  { path: '/admin/mail', screen: lazy(() => import('../screens/admin/MailSettings')), nav: 'nav.mail', permission: 'manage_webhook' },
];
