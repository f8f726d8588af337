// The indicator search in the top bar: paste an address, a domain or a hash
// from anywhere and press Enter; the search screen (/indicators) shows
// which cases have it or what holds it.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSession } from '../../api/session';

export function TopSearch() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const [value, setValue] = useState('');
  if (!can('read_items')) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = value.trim();
    if (!v) return;
    navigate(`/indicators?value=${encodeURIComponent(v)}`);
    setValue('');
  };
  return (
    <form className="top-search" role="search" aria-label={t('interop.top_search')} onSubmit={submit}>
      <label className="visually-hidden" htmlFor="top-search-value">
        {t('interop.top_search')}
      </label>
      <input
        id="top-search-value"
        type="search"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder={t('interop.top_search_placeholder')}
        spellCheck={false}
      />
    </form>
  );
}
