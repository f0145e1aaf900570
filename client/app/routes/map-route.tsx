// 城市总览: the map, and the city at a glance (indicators of the URL's period, on demand).
import { useState } from 'react';
import { URL_DEFAULTS } from '../Console.tsx';
import { OverviewPanel } from '../../features/overview/OverviewPanel.tsx';
import { say } from '../../lib/i18n.ts';
import { parseUrlState } from '../../lib/url-state.ts';
import type { RouteDef } from './route.ts';

export const mapRoute: RouteDef = {
  path: '/',
  title: 'routeMap',
  Panel: function Overview({ lang, search }) {
    const [open, setOpen] = useState(false);
    const period = parseUrlState(search, URL_DEFAULTS).period;
    return (
      <details className="overview" data-testid="overview" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>{say(lang, 'overviewTitle')}</summary>
        {/* loaded on demand: the indicator queries would otherwise queue before the map's feeds */}
        {open && <OverviewPanel lang={lang} period={period} />}
      </details>
    );
  },
};
