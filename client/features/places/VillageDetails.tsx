// A village or residents' community (村/社区), and the districts and townships the map already
// holds (their feed carries everything the panel shows).
import { useQuery } from '@tanstack/react-query';
import { trpc } from '../../lib/api.ts';
import { FieldList, RecordDetails } from '../../lib/details-kit.tsx';
import { formatNumber, say, type Lang } from '../../lib/i18n.ts';
import type { Feed } from '../../map/binary-feed.ts';
import type { FeedMeta } from '../../map/polygon-feed.ts';

export function VillageDetails({ code, lang }: { code: string; lang: Lang }) {
  return (
    <RecordDetails
      lang={lang}
      state={useQuery(trpc.places.villageById.queryOptions({ code }))}
      title={(v) => v.name}
      fields={(v) => [
        ['f_code', v.code],
        ['f_kind', say(lang, `placeKind_${v.kind}`, v.kind)],
        ['f_population', formatNumber(lang, v.population)],
        ['f_township', v.township?.name],
        ['f_district', lang === 'en' ? v.district?.nameEn : v.district?.name],
      ]}
    />
  );
}

/** A district or township from its feed row. */
export function AreaDetails({ feed, code, kind, lang }: { feed: Feed<FeedMeta> | null; code: string; kind: 'district' | 'township'; lang: Lang }) {
  if (!feed) return <p className="muted">{say(lang, 'loading')}</p>;
  const i = feed.meta.codes.indexOf(code);
  if (i < 0) return <p className="error">{say(lang, 'noResults')}</p>;
  const population = feed.meta.props?.population?.[i];
  return (
    <>
      <h2 data-testid="details-title">{(lang === 'en' && feed.meta.namesEn?.[i]) || feed.meta.names[i]}</h2>
      <FieldList
        lang={lang}
        fields={[
          ['f_kind', say(lang, kind === 'district' ? 'kind_district' : 'kind_township')],
          ['f_code', feed.meta.codes[i]],
          ['f_population', typeof population === 'number' ? formatNumber(lang, population) : null],
        ]}
      />
    </>
  );
}
