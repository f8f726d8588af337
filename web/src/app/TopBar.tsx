// The bar at the top of every screen: each peer's link, live (up or down,
// last contact, envelopes queued), whether this page still hears the node,
// who is signed in with which role, the language, and signing out.
import { useTranslation } from 'react-i18next';
import { useEvents } from '../api/events';
import { usePeers } from '../api/peers';
import { useSession } from '../api/session';
import type { Peer } from '../api/types';
import { languages, setLanguage, type Language } from '../i18n';
import { codeName } from '../i18n';
import { TopSearch } from '../screens/interop/TopSearch';
import { Time } from '../ui/Time';

function PeerState({ peer }: { peer: Peer }) {
  const { t } = useTranslation();
  const up = peer.connected;
  return (
    <li className={`peer ${up ? 'peer-up' : 'peer-down'}`} data-peer={peer.name}>
      <span className="peer-dot" aria-hidden="true" />
      <span className="peer-name">{peer.name}</span>{' '}
      <span className="peer-state">{up ? t('top.link_up') : t('top.link_down')}</span>
      <span className="peer-detail muted">
        {' · '}
        {t('top.last_contact')} <Time at={peer.last_contact} />
        {' · '}
        {t('top.queued', { count: peer.queue_length })}
      </span>
    </li>
  );
}

export function TopBar() {
  const { t, i18n } = useTranslation();
  const { me, signOut } = useSession();
  const { status } = useEvents();
  const peers = usePeers();
  return (
    <header className="topbar">
      <a className="skip-link" href="#main">
        {t('top.skip_to_content')}
      </a>
      <span className="brand">{t('common.app_name')}</span>
      <ul className="peers" aria-label={t('top.links')}>
        {peers.map((p) => (
          <PeerState key={p.name} peer={p} />
        ))}
      </ul>
      <TopSearch />
      <span className={`stream stream-${status}`} role="status" aria-live="polite">
        {t(`top.stream_${status}`)}
      </span>
      <span className="me">
        {me?.display_name || me?.name}{' '}
        <span className="muted">({me?.roles.map((r) => codeName(t, 'role', r)).join(', ')})</span>
      </span>
      <label className="lang">
        <span className="visually-hidden">{t('top.language')}</span>
        <select value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)}>
          {languages.map((l) => (
            <option key={l} value={l}>
              {t(`top.lang_${l}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="link-button" onClick={() => void signOut()}>
        {t('top.sign_out')}
      </button>
    </header>
  );
}
