// The details panel: what was clicked or found, loaded over tRPC by the feature that owns it.
import type { Feed } from '../map/binary-feed.ts';
import type { FeedMeta } from '../map/polygon-feed.ts';
import { CaseDetails } from '../features/cases/CaseDetails.tsx';
import { GridDetails, ResponsibilityGridDetails } from '../features/grids/GridDetails.tsx';
import { ClinicDetails } from '../features/clinics/ClinicDetails.tsx';
import { CommunityDetails } from '../features/communities/CommunityDetails.tsx';
import { AreaDetails, VillageDetails } from '../features/places/VillageDetails.tsx';
import { t, type Lang } from '../lib/i18n.ts';

export interface Selection {
  kind: string;
  /** The id, or for districts, townships and villages their code. */
  key: string;
}

interface Props {
  lang: Lang;
  selection: Selection;
  places: { districts: Feed<FeedMeta> | null; townships: Feed<FeedMeta> | null };
  onClose(): void;
  onFly(lng: number, lat: number, zoom: number): void;
}

export function DetailsPanel({ lang, selection: { kind, key }, places, onClose, onFly }: Props) {
  const id = Number(key);
  return (
    <section className="details" data-testid="details" data-kind={kind}>
      <button className="close" onClick={onClose} aria-label={t(lang, 'close')}>
        ×
      </button>
      {kind === 'case' && <CaseDetails id={id} lang={lang} onFly={onFly} />}
      {kind === 'grid' && <GridDetails id={id} lang={lang} />}
      {kind === 'rgrid' && <ResponsibilityGridDetails id={id} lang={lang} />}
      {kind === 'clinic' && <ClinicDetails id={id} lang={lang} />}
      {kind === 'community' && <CommunityDetails id={id} lang={lang} />}
      {kind === 'village' && <VillageDetails code={key} lang={lang} />}
      {(kind === 'district' || kind === 'township') && <AreaDetails feed={kind === 'district' ? places.districts : places.townships} code={key} kind={kind} lang={lang} />}
    </section>
  );
}
