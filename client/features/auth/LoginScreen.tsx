// Sign-in (with the demo accounts listed in demo mode, clearly marked), and the forced change
// of a one-time password. Messages come from the server, which says what to do.
import { useState, type FormEvent } from 'react';
import { api } from '../../lib/api.ts';
import { loadSession, signIn, signOut, type Me } from '../../lib/session.ts';
import { errorText, say, type Lang } from '../../lib/i18n.ts';

export function LoginScreen({ lang, me }: { lang: Lang; me: Me }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    // a shift change signs many people in at once: when every hashing slot is taken the server
    // says "busy, retry in N s" (nothing was counted), so try again a few times before saying so
    for (let attempt = 0; ; attempt++) {
      try {
        await signIn(username.trim(), password);
        return;
      } catch (err) {
        const data = (err as { data?: { reason?: string; params?: { retryAfterSeconds?: number } } }).data;
        if (data?.reason === 'request.busy' && attempt < 3) {
          await new Promise((r) => setTimeout(r, 1000 * (data.params?.retryAfterSeconds ?? 1) + Math.random() * 500));
          continue;
        }
        // every refusal carries a reason code: shown in the UI's language
        setError(errorText(err, lang));
        setBusy(false);
        return;
      }
    }
  };
  return (
    <div className="login-screen" data-testid="login">
      <form className="login-card" onSubmit={submit}>
        <h2>{say(lang, 'signInTitle')}</h2>
        <label>
          {say(lang, 'username')}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label>
          {say(lang, 'password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{say(lang, busy ? 'signingIn' : 'signIn')}</button>
      </form>
      {me.demoAccounts.length > 0 && (
        <section className="login-card demo" data-testid="demo-accounts">
          <h3>{say(lang, 'demoAccounts')}</h3>
          <ul>
            {me.demoAccounts.map((a) => (
              <li key={a.username}>
                <button
                  type="button"
                  className="link"
                  data-demo={a.username}
                  onClick={() => {
                    setUsername(a.username);
                    setPassword(a.password);
                  }}
                >
                  {say(lang, 'demoUse')}
                </button>{' '}
                <code>{a.username}</code> · {say(lang, `role_${a.roleCode}`, a.roleCode)} <span className="badge">{say(lang, 'demoBadge')}</span>
              </li>
            ))}
          </ul>
          <p className="muted">
            {say(lang, 'password')}: <code>{me.demoAccounts[0].password}</code>
          </p>
        </section>
      )}
    </div>
  );
}

export function ChangePasswordScreen({ lang }: { lang: Lang }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.auth.changePassword.mutate({ currentPassword: current, newPassword: next });
      await loadSession();
    } catch (err) {
      setError(errorText(err, lang));
    }
  };
  return (
    <div className="login-screen" data-testid="change-password">
      <form className="login-card" onSubmit={submit}>
        <h2>{say(lang, 'mustChangeTitle')}</h2>
        <label>
          {say(lang, 'currentPassword')}
          <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        </label>
        <label>
          {say(lang, 'newPassword')}
          <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit">{say(lang, 'changePassword')}</button>{' '}
        <button type="button" className="link" onClick={() => void signOut()}>
          {say(lang, 'signOut')}
        </button>
      </form>
    </div>
  );
}

/** The header's account chip: who, which role and scope, and sign-out (not for wall screens). */
export function UserMenu({ lang, me }: { lang: Lang; me: Me }) {
  const a = me.actor;
  if (!a) return null;
  const scope =
    a.scope.kind === 'department'
      ? (lang === 'en' ? a.scope.department?.nameEn : a.scope.department?.name)
      : a.scope.districts === null
        ? say(lang, 'scopeCity')
        : a.scope.districts.map((d) => (lang === 'en' ? d.nameEn : d.name)).join('、');
  return (
    <span className="user-menu" data-testid="user-menu" data-user={a.name} data-role={a.role.code}>
      {a.kind === 'display' ? `${say(lang, 'wallScreen')} · ${a.displayName}` : a.displayName}
      <span className="muted"> · {lang === 'en' ? a.role.nameEn : a.role.name} · {scope}</span>
      {a.demo && <span className="badge">{say(lang, 'demoBadge')}</span>}
      {a.kind === 'user' && (
        <button data-testid="sign-out" onClick={() => void signOut()}>
          {say(lang, 'signOut')}
        </button>
      )}
    </span>
  );
}
