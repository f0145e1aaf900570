// What the app adds under a feature's details panel, by selection kind: a case's workflow
// controls (the dispatch feature) under its details (the cases feature), which never import
// each other.
import type { Lang } from '../lib/i18n.ts';
import { CaseWork } from '../features/dispatch/CaseActions.tsx';

export function DetailsExtras({ lang, kind, selKey }: { lang: Lang; kind: string; selKey: string }) {
  if (kind === 'case' && /^\d+$/.test(selKey)) return <CaseWork lang={lang} id={Number(selKey)} />;
  return null;
}
