// 系统管理: users, rights, display tokens and the audit log, over the map (whose feeds pause).
import { AdminPanel, adminPermissions } from '../../features/admin/AdminPanel.tsx';
import type { RouteDef } from './route.ts';

export const adminRoute: RouteDef = {
  path: '/admin',
  title: 'routeAdmin',
  permissions: adminPermissions,
  Overlay: ({ lang }) => <AdminPanel lang={lang} />,
};
