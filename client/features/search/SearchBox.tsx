// Search by case code, grid code or place name (server: search.query); picking a hit hands it
// to the route, which flies the map there and selects it.
import { useEffect, useState } from 'react';
import { api, type RouterOutputs } from '../../app/api.ts';
import { errorText, t, tData, type Lang } from '../../app/i18n.ts';
import { notify } from '../../app/notices.ts';

export type SearchHit = RouterOutputs['search']['query'][number];

export function SearchBox({ lang, onPick }: { lang: Lang; onPick(hit: SearchHit): void }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [hitsFor, setHitsFor] = useState('');
  useEffect(() => {
    const query = q.trim();
    if (!query) {
      setHits(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api.search.query.query({ q: query }).then(
        (h) => {
          if (!live) return;
          setHits(h);
          setHitsFor(query);
        },
        (err: Error) => live && notify(errorText(err)),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);
  const pick = (h: SearchHit) => {
    onPick(h);
    setHits(null);
  };
  return (
    <div className="search" data-testid="search">
      <input
        type="search"
        value={q}
        placeholder={t(lang, 'searchPlaceholder')}
        aria-label={t(lang, 'searchPlaceholder')}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          // only results of what is typed now, not of the query before the last keystroke
          if (e.key === 'Enter' && hits?.length && hitsFor === q.trim()) pick(hits[0]);
          if (e.key === 'Escape') setHits(null);
        }}
      />
      {hits && (
        <ul className="search-results" data-testid="search-results">
          {hits.length === 0 && <li className="muted">{t(lang, 'noResults')}</li>}
          {hits.map((h) => (
            <li key={`${h.kind}:${h.id}`}>
              <button onClick={() => pick(h)}>
                <span className="kind">{tData(lang, `kind_${h.kind}`, h.kind)}</span> {(lang === 'en' && h.labelEn) || h.label}
                {h.code && h.code !== h.label && <span className="muted"> {h.code}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
