// App composition. The map shell and role routes arrive with the map-console issue; this
// frame already keeps its state (language) in the URL so a wall screen is set by its address.
import { useEffect, useState } from 'react';
import { OverviewPanel } from '../features/overview/OverviewPanel.tsx';
import { langFromUrl, t, type Lang } from './i18n.ts';

export function App() {
  const [lang, setLang] = useState<Lang>(() => langFromUrl(window.location.search));
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const toggle = () => {
    const next: Lang = lang === 'zh' ? 'en' : 'zh';
    const url = new URL(window.location.href);
    if (next === 'en') url.searchParams.set('lang', 'en');
    else url.searchParams.delete('lang');
    window.history.replaceState(null, '', url);
    setLang(next);
  };
  return (
    <>
      <header>
        <h1>{t(lang, 'title')}</h1>
        <button onClick={toggle}>{t(lang, 'switchLang')}</button>
      </header>
      <p className="note">{t(lang, 'illustrative')}</p>
      <OverviewPanel lang={lang} />
    </>
  );
}
