// Search by case code, grid code or place name (server: search.query); picking a hit hands it
// to the route, which flies the map there and selects it.
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { trpc, type RouterOutputs } from '../../lib/api.ts';
import { say, type Lang } from '../../lib/i18n.ts';

export type SearchHit = RouterOutputs['search']['query'][number];

export function SearchBox({ lang, onPick }: { lang: Lang; onPick(hit: SearchHit): void }) {
  const [q, setQ] = useState('');
  // the query asked: what is typed, once typing pauses for 200 ms
  const [asked, setAsked] = useState('');
  const [closed, setClosed] = useState(false);
  useEffect(() => {
    const query = q.trim();
    const timer = setTimeout(() => setAsked(query), query ? 200 : 0);
    return () => clearTimeout(timer);
  }, [q]);
  // a failure becomes a notice (client/lib/query-client.ts)
  const search = useQuery(trpc.search.query.queryOptions({ q: asked }, { enabled: !!asked, meta: { notify: true } }));
  // picking or Escape closes the list until the next answer
  useEffect(() => setClosed(false), [asked, search.data]);
  const hits: SearchHit[] | null = q.trim() && asked && !closed ? search.data ?? null : null;
  // what the hits answer (Enter picks only results of what is typed now)
  const hitsFor = asked;
  const pick = (h: SearchHit) => {
    onPick(h);
    setClosed(true);
  };
  return (
    <div className="search" data-testid="search">
      <input
        type="search"
        value={q}
        placeholder={say(lang, 'searchPlaceholder')}
        aria-label={say(lang, 'searchPlaceholder')}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          // only results of what is typed now, not of the query before the last keystroke
          if (e.key === 'Enter' && hits?.length && hitsFor === q.trim()) pick(hits[0]);
          if (e.key === 'Escape') setClosed(true);
        }}
      />
      {hits && (
        <ul className="search-results" data-testid="search-results">
          {hits.length === 0 && <li className="muted">{say(lang, 'noResults')}</li>}
          {hits.map((h) => (
            <li key={`${h.kind}:${h.id}`}>
              <button onClick={() => pick(h)}>
                <span className="kind">{say(lang, `kind_${h.kind}`, h.kind)}</span> {(lang === 'en' && h.labelEn) || h.label}
                {h.code && h.code !== h.label && <span className="muted"> {h.code}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
