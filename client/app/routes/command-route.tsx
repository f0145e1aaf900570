// 指挥中心: the wall screen (client/features/wall/), full screen, live, configured by its
// address; composed here with the console's map, bare, and the districts feed the map loads.
import { Console, URL_DEFAULTS, feedRequests } from '../Console.tsx';
import { WallScreen } from '../../features/wall/WallScreen.tsx';
import { parseUrlState } from '../../lib/url-state.ts';
import { may, useSession } from '../../lib/session.ts';
import type { MapController } from '../../map/MapView.tsx';
import type { RouteDef } from './route.ts';

function BareMap({ onMapReady }: { onMapReady(c: MapController): void }) {
  return <Console title="" bare onMapReady={onMapReady} />;
}

export const commandRoute: RouteDef = {
  path: '/command',
  title: 'routeCommand',
  permissions: ['indicators.read'],
  layout: 'wall',
  Screen: function Command({ lang, search }) {
    const me = useSession();
    const state = parseUrlState(search, URL_DEFAULTS);
    const districtsFeed = feedRequests(state, (p) => may(me, p)).find((r) => r.file === 'districts.bin')!;
    return <WallScreen lang={lang} search={search} period={state.period} Map={BareMap} districtsFeed={districtsFeed} />;
  },
};
