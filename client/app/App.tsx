// App composition: the header, the sign-in gate, and one map console that every route
// (client/app/routes/) adds its panels to. Language and theme follow the URL (?lang=en, ?theme=light).
import { useEffect, useState, type ReactNode } from 'react';
import { Console } from './Console.tsx';
import { errorText, say, langFromUrl, type Lang } from '../lib/i18n.ts';
import { loadSession, may, useSession } from '../lib/session.ts';
import { ChangePasswordScreen, LoginScreen, UserMenu } from '../features/auth/LoginScreen.tsx';
import { dismiss, useNotices } from '../lib/notices.ts';
import { URL_EVENT, writeUrl } from '../lib/use-url-state.ts';
import { ROUTES } from './routes/route-list.ts';
import { readableQuery } from '../lib/url-state.ts';

function useLocation(): [string, string] {
  const [loc, setLoc] = useState(() => [window.location.pathname, window.location.search] as [string, string]);
  useEffect(() => {
    const sync = () => setLoc([window.location.pathname, window.location.search]);
    window.addEventListener('popstate', sync);
    window.addEventListener(URL_EVENT, sync);
    return () => {
      window.removeEventListener('popstate', sync);
      window.removeEventListener(URL_EVENT, sync);
    };
  }, []);
  return loc;
}

function setParam(key: string, value: string | null) {
  const q = new URLSearchParams(window.location.search);
  if (value === null) q.delete(key);
  else q.set(key, value);
  writeUrl(window.location.pathname, readableQuery(q));
}

/** Who is asking decides what shows: sign-in, the one-time password change, or the console. */
function Gate({ lang, children }: { lang: Lang; children: ReactNode }) {
  const me = useSession();
  const [failed, setFailed] = useState<string | null>(null);
  if (failed) {
    return (
      <div className="login-screen">
        <p className="error" role="alert">{say(lang, 'failed')}{failed}</p>
        <button onClick={() => { setFailed(null); loadSession().catch((e: Error) => setFailed(errorText(e, lang))); }}>{say(lang, 'retry')}</button>
      </div>
    );
  }
  if (!me) return <p className="muted login-screen">{say(lang, 'loading')}</p>;
  if (!me.actor) {
    // a wall screen's address (display=…, even a malformed one) is never answered with the sign-in form
    if (new URLSearchParams(window.location.search).has('display')) {
      return (
        <div className="login-screen" data-testid="wall-token-invalid">
          <div role="alert">
            <p className="error">{say(lang, 'wallTokenInvalid')}</p>
            <p className="muted">{say(lang, 'wallTokenHint')}</p>
          </div>
        </div>
      );
    }
    return <LoginScreen lang={lang} me={me} />;
  }
  if (me.actor.mustChangePassword) return <ChangePasswordScreen lang={lang} />;
  return <>{children}</>;
}

export function App() {
  const [path, search] = useLocation();
  const lang = langFromUrl(search);
  const theme = new URLSearchParams(search).get('theme') === 'light' ? 'light' : 'dark';
  const me = useSession();
  const routes = ROUTES.filter((r) => !r.permissions || r.permissions.some((p) => may(me, p)));
  const route = routes.find((r) => r.path === path) ?? routes[0];
  /** A route that exists but is not this user's: said so, never silently the map instead. */
  const denied = route.path !== path ? ROUTES.find((r) => r.path === path) ?? null : null;
  const notices = useNotices();
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.documentElement.dataset.theme = theme;
    document.title = `${say(lang, route.title)} · CityGrid`;
  }, [lang, theme, route.title]);
  const notes = (
    <div className="notices" role="status">
      {notices.map((n) => (
        <div key={n.id} className="notice" onClick={() => dismiss(n.id)}>
          {n.text}
        </div>
      ))}
    </div>
  );
  // a wall screen or a page (the report): the route's own screen, full screen (no header, note or side panel)
  if ((route.layout === 'wall' || route.layout === 'page') && route.Screen && !denied) {
    return (
      <div className={`app app-${route.layout}`}>
        <Gate lang={lang}>
          <route.Screen lang={lang} search={search} />
        </Gate>
        {notes}
      </div>
    );
  }
  return (
    <div className="app">
      <header>
        <h1>{say(lang, 'title')}</h1>
        <nav>
          {routes.filter((r) => !r.hidden).map((r) => (
            <a
              key={r.path}
              href={`${r.path}${search}`}
              className={r === route ? 'on' : ''}
              onClick={(e) => {
                e.preventDefault();
                writeUrl(r.path, window.location.search.slice(1), true);
              }}
            >
              {say(lang, r.title)}
            </a>
          ))}
        </nav>
        <div className="header-tools">
          {me && <UserMenu lang={lang} me={me} />}
          <button onClick={() => setParam('theme', theme === 'dark' ? 'light' : null)}>{say(lang, theme === 'dark' ? 'theme' : 'themeDark')}</button>
          <button onClick={() => setParam('lang', lang === 'zh' ? 'en' : null)}>{say(lang, 'switchLang')}</button>
        </div>
      </header>
      <p className="note">{say(lang, 'illustrative')}</p>
      <Gate lang={lang}>
      {denied ? (
        <div className="login-screen" data-testid="no-permission" data-route={denied.path}>
          <div role="alert">
            <h2>{say(lang, 'noPermissionTitle')}</h2>
            <p>{say(lang, 'noPermissionText').replace('{page}', say(lang, denied.title))}</p>
            <a
              href={`/${search}`}
              data-testid="back-to-map"
              onClick={(e) => {
                e.preventDefault();
                writeUrl('/', window.location.search.slice(1), true);
              }}
            >
              {say(lang, 'backToMap')}
            </a>
          </div>
        </div>
      ) : (
      <Console title={say(lang, route.title)} overlay={route.Overlay ? <route.Overlay lang={lang} search={search} /> : null}>
        {route.Panel && <route.Panel key={route.path} lang={lang} search={search} />}
      </Console>
      )}
      </Gate>
      {notes}
    </div>
  );
}
