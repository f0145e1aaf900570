// 网格管理: the map with the area tool (the first user of the map's interaction seam; the grid
// editor draws through the same seam when it comes).
import { AreaTool } from '../../features/area/AreaTool.tsx';
import { say } from '../../lib/i18n.ts';
import type { RouteDef } from './route.ts';

export const gridsRoute: RouteDef = {
  path: '/grids',
  title: 'routeGrids',
  Panel: ({ lang }) => (
    <>
      <AreaTool lang={lang} />
      <p className="muted placeholder">{say(lang, 'placeholder')}</p>
    </>
  ),
};
