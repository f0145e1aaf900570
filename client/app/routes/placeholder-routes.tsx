// The routes whose own panels arrive with their issues (the command centre):
// the map console, and a line saying what is to come.
import { say, type StringKey } from '../../lib/i18n.ts';
import type { RouteDef } from './route.ts';

const placeholder = (path: string, title: StringKey): RouteDef => ({
  path,
  title,
  Panel: ({ lang }) => <p className="muted placeholder">{say(lang, 'placeholder')}</p>,
});

export const commandRoute = placeholder('/command', 'routeCommand');
