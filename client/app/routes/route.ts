// What a route is: its path, its title, who may open it, and what it adds to the map console
// every route shares (the map stays mounted from route to route). Each route is a file beside
// this one; client/app/routes/route-list.ts lists them (the header's order).
import type { ComponentType } from 'react';
import type { Lang, StringKey } from '../../lib/i18n.ts';

export interface RouteProps {
  lang: Lang;
  /** The URL's query (?lang=…, period, layers…). */
  search: string;
}

export interface RouteDef {
  path: string;
  title: StringKey;
  /** Any one of these lets a user open it (none: everyone signed in). */
  permissions?: readonly string[];
  /** Its panels in the side bar, under the layers (a panel may take the map's clicks: client/lib/map-interaction.ts). */
  Panel?: ComponentType<RouteProps>;
  /** A full panel over the map, whose feeds wait meanwhile (the page does not prefetch them either). */
  Overlay?: ComponentType<RouteProps>;
  /**
   * 'wall': the route is its `Screen`, full screen, with no header, note or side panel (a wall
   * screen read from across the room, client/features/wall/); otherwise the map console.
   */
  layout?: 'console' | 'wall' | 'page';
  /** 'page' too: the route's `Screen` alone, light (a page to read and print, client/features/report/). */
  Screen?: ComponentType<RouteProps>;
  /** Not in the header (opened from another screen). */
  hidden?: boolean;
}
