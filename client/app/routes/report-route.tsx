// 指标报表: the indicators report as a page of its own (client/features/report/), light and
// printable, with no header or map; opened from the overview with the console's period.
import { ReportPage } from '../../features/report/ReportPage.tsx';
import { scopeName } from '../../features/overview/OverviewPanel.tsx';
import { parseUrlState, readableQuery } from '../../lib/url-state.ts';
import { writeUrl } from '../../lib/use-url-state.ts';
import { useSession } from '../../lib/session.ts';
import { GROUPINGS, type Grouping } from '../../../domain/indicators.ts';
import { URL_DEFAULTS } from '../Console.tsx';
import type { RouteDef } from './route.ts';

export const reportRoute: RouteDef = {
  path: '/report',
  title: 'routeReport',
  permissions: ['indicators.read'],
  layout: 'page',
  hidden: true,
  Screen: function Report({ lang, search }) {
    const me = useSession();
    const { period } = parseUrlState(search, URL_DEFAULTS);
    const asked = new URLSearchParams(search).get('by');
    const by: Grouping = GROUPINGS.includes(asked as Grouping) ? (asked as Grouping) : 'district';
    const onBy = (next: Grouping) => {
      const q = new URLSearchParams(window.location.search);
      q.set('by', next);
      writeUrl(window.location.pathname, readableQuery(q));
    };
    return <ReportPage lang={lang} period={period} by={by} scope={scopeName(lang, me?.actor)} onBy={onBy} />;
  },
};
