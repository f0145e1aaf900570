// The admin screens: users and their bindings, role rights, wall-screen display tokens, the
// audit log and the settings. Every action goes through the API, which checks the rights again and audits it.
import { useState, type ReactNode } from 'react';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { api, trpc, type RouterOutputs } from '../../lib/api.ts';
import { may, useSession } from '../../lib/session.ts';
import { LoadedView, formatTime, type Loaded } from '../../lib/details-kit.tsx';
import { errorText, say, type Lang, type StringKey } from '../../lib/i18n.ts';
import { actionLabel } from '../../../domain/actions.ts';
import { messageOf } from '../../../domain/messages.ts';
import { auditDetailItems, outcomeText, targetText } from './audit-format.ts';

type Options = RouterOutputs['admin']['options'];
type User = RouterOutputs['admin']['users'][number];
type Tab = 'users' | 'roles' | 'tokens' | 'audit' | 'settings';
type SettingRow = RouterOutputs['admin']['settings'][number];

const TABS: { id: Tab; label: StringKey; permission: string }[] = [
  { id: 'users', label: 'adminUsers', permission: 'user.manage' },
  { id: 'roles', label: 'adminRoles', permission: 'user.manage' },
  { id: 'tokens', label: 'adminTokens', permission: 'token.manage' },
  { id: 'audit', label: 'adminAudit', permission: 'audit.read' },
  { id: 'settings', label: 'adminSettings', permission: 'user.manage' },
];

export const adminPermissions = TABS.map((x) => x.permission);

/**
 * Runs a mutation (`mutateAsync` of a `useMutation`) and reports its error; one per screen. What it
 * changed loads again by the invalidation table (client/lib/invalidations.ts), before it resolves.
 */
function useAction(lang: Lang): [string | null, (p: () => Promise<unknown>) => Promise<void>] {
  const [error, setError] = useState<string | null>(null);
  const run = async (p: () => Promise<unknown>) => {
    setError(null);
    try {
      await p();
    } catch (err) {
      setError(errorText(err, lang));
    }
  };
  return [error, run];
}

/** The first of some queries that is not ready yet (loading or failed), or null when all are. */
function notReady(...states: Loaded<unknown>[]): Loaded<unknown> | null {
  return states.find((x) => x.status !== 'success') ?? null;
}

export function AdminPanel({ lang }: { lang: Lang }) {
  const me = useSession();
  const tabs = TABS.filter((x) => may(me, x.permission));
  const [tab, setTab] = useState<Tab>(tabs[0]?.id ?? 'users');
  if (!tabs.length) return <p className="error">{say(lang, 'noPermission')}</p>;
  return (
    <section className="admin-panel" data-testid="admin">
      <nav className="tabs">
        {tabs.map((x) => (
          <button key={x.id} className={x.id === tab ? 'on' : ''} data-tab={x.id} onClick={() => setTab(x.id)}>
            {say(lang, x.label)}
          </button>
        ))}
      </nav>
      {tab === 'users' && <UsersTab lang={lang} />}
      {tab === 'roles' && <RolesTab lang={lang} />}
      {tab === 'tokens' && <TokensTab lang={lang} />}
      {tab === 'audit' && <AuditTab lang={lang} />}
      {tab === 'settings' && <SettingsTab lang={lang} />}
      <SystemLine lang={lang} />
    </section>
  );
}

/** The database behind the console (for administrators; not a figure of the users' overview). */
function SystemLine({ lang }: { lang: Lang }) {
  const state = useQuery(trpc.system.info.queryOptions());
  if (state.status !== 'success') return null;
  return (
    <p className="muted" data-testid="system-info">
      {say(lang, 'engine')}: {state.data.engine} · PostGIS {state.data.postgis}
    </p>
  );
}

const nameOf = (lang: Lang, x: { name: string; nameEn: string }) => (lang === 'en' ? x.nameEn : x.name);

function DistrictPicker({ lang, options, value, onChange }: { lang: Lang; options: Options; value: string[]; onChange(v: string[]): void }) {
  return (
    <span className="district-picker">
      {options.districts.map((d) => (
        <label key={d.code}>
          <input type="checkbox" value={d.code} checked={value.includes(d.code)} onChange={(e) => onChange(e.target.checked ? [...value, d.code] : value.filter((c) => c !== d.code))} />
          {nameOf(lang, d)}
        </label>
      ))}
    </span>
  );
}

interface Binding {
  roleCode: string;
  departmentId: number | null;
  districtCodes: string[];
}

/** Role, and the binding its scope needs: a department, or districts. */
function BindingFields({ lang, options, value, onChange }: { lang: Lang; options: Options; value: Binding; onChange(b: Binding): void }) {
  const scope = options.roles.find((r) => r.code === value.roleCode)?.scope ?? 'city';
  return (
    <>
      <label>
        {say(lang, 'role')}
        <select name="roleCode" value={value.roleCode} onChange={(e) => onChange({ ...value, roleCode: e.target.value })}>
          {options.roles.filter((r) => r.assignable).map((r) => (
            <option key={r.code} value={r.code}>
              {nameOf(lang, r)}
            </option>
          ))}
        </select>
      </label>
      {scope === 'department' && (
        <label>
          {say(lang, 'department')}
          <select name="departmentId" value={value.departmentId ?? ''} onChange={(e) => onChange({ ...value, departmentId: e.target.value ? Number(e.target.value) : null })}>
            <option value="">—</option>
            {options.departments.map((d) => (
              <option key={d.id} value={d.id}>
                {nameOf(lang, d)}
              </option>
            ))}
          </select>
        </label>
      )}
      {scope === 'district' && (
        <div>
          {say(lang, 'districtsBound')}: <DistrictPicker lang={lang} options={options} value={value.districtCodes} onChange={(districtCodes) => onChange({ ...value, districtCodes })} />
        </div>
      )}
    </>
  );
}

function bindingLabel(lang: Lang, options: Options, u: User): string {
  const scope = options.roles.find((r) => r.code === u.roleCode)?.scope;
  if (scope === 'department') return options.departments.find((d) => d.id === u.departmentId)?.[lang === 'en' ? 'nameEn' : 'name'] ?? '—';
  if (scope === 'district') return u.districtCodes.map((c) => options.districts.find((d) => d.code === c)).filter(Boolean).map((d) => nameOf(lang, d!)).join('、') || '—';
  return say(lang, 'scopeCity');
}

function UsersTab({ lang }: { lang: Lang }) {
  const usersQuery = useQuery(trpc.admin.users.queryOptions());
  const optionsQuery = useQuery(trpc.admin.options.queryOptions());
  const createUser = useMutation(trpc.admin.createUser.mutationOptions());
  const updateUser = useMutation(trpc.admin.updateUser.mutationOptions());
  const liftLoginLock = useMutation(trpc.admin.liftLoginLock.mutationOptions());
  const resetPassword = useMutation(trpc.admin.resetPassword.mutationOptions());
  const [error, run] = useAction(lang);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  const [draft, setDraft] = useState({ username: '', displayName: '', binding: { roleCode: 'command_viewer', departmentId: null, districtCodes: [] } as Binding });
  const [editing, setEditing] = useState<{ user: User; displayName: string; binding: Binding } | null>(null);
  const waiting = notReady(usersQuery, optionsQuery);
  if (waiting || !usersQuery.data || !optionsQuery.data) return <LoadedView lang={lang} state={waiting ?? usersQuery}>{() => null}</LoadedView>;
  const [users, options] = [usersQuery.data, optionsQuery.data];
  return (
    <div data-testid="admin-users">
      {error && <p className="error" role="alert">{error}</p>}
      {secret && (
        <p className="secret" data-testid="one-time-password">
          {secret.username}: {say(lang, 'oneTimePassword')} <code>{secret.password}</code>
        </p>
      )}
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const r = await createUser.mutateAsync({ username: draft.username, displayName: draft.displayName, ...draft.binding });
            setSecret({ username: draft.username, password: r.oneTimePassword });
            setDraft({ ...draft, username: '', displayName: '' });
          });
        }}
      >
        <strong>{say(lang, 'createUser')}</strong>
        <label>
          {say(lang, 'username')}
          <input name="username" value={draft.username} onChange={(e) => setDraft({ ...draft, username: e.target.value })} required />
        </label>
        <label>
          {say(lang, 'displayName')}
          <input name="displayName" value={draft.displayName} onChange={(e) => setDraft({ ...draft, displayName: e.target.value })} required />
        </label>
        <BindingFields lang={lang} options={options} value={draft.binding} onChange={(binding) => setDraft({ ...draft, binding })} />
        <button type="submit">{say(lang, 'create')}</button>
      </form>
      <table className="admin-table">
        <thead>
          <tr>
            {(['username', 'displayName', 'role', 'scopeOf', 'status', 'lastSeen', 'edit'] as StringKey[]).map((k) => (
              <th key={k}>{say(lang, k)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {users.map((u) =>
            editing?.user.id === u.id ? (
              <tr key={u.id} data-user={u.username}>
                <td>{u.username}</td>
                <td colSpan={5}>
                  <input value={editing.displayName} onChange={(e) => setEditing({ ...editing, displayName: e.target.value })} />
                  <BindingFields lang={lang} options={options} value={editing.binding} onChange={(binding) => setEditing({ ...editing, binding })} />
                </td>
                <td>
                  <button
                    onClick={() =>
                      void run(async () => {
                        await updateUser.mutateAsync({ id: u.id, version: u.version, displayName: editing.displayName, ...editing.binding });
                        setEditing(null);
                      })
                    }
                  >
                    {say(lang, 'save')}
                  </button>
                  <button className="link" onClick={() => setEditing(null)}>
                    {say(lang, 'cancel')}
                  </button>
                </td>
              </tr>
            ) : (
              <tr key={u.id} data-user={u.username} className={u.disabled ? 'muted' : ''}>
                <td>
                  {u.username} {u.demo && <span className="badge">{say(lang, 'demoBadge')}</span>}
                </td>
                <td>{u.displayName}</td>
                <td>{say(lang, `role_${u.roleCode}`, u.roleCode)}</td>
                <td>{bindingLabel(lang, options, u)}</td>
                <td>
                  {say(lang, u.disabled ? 'disabled' : 'enabled')}
                  {u.lockedForSeconds !== null && (
                    <span className="badge warn" data-testid="login-locked" title={say(lang, 'loginLockedHint')}>
                      {say(lang, 'loginLocked')} {Math.ceil(u.lockedForSeconds / 60)} {say(lang, 'minutesShort')}
                    </span>
                  )}
                </td>
                <td>{formatTime(lang, u.lastSeenAt) ?? '—'}</td>
                <td className="actions">
                  <button className="link" onClick={() => setEditing({ user: u, displayName: u.displayName, binding: { roleCode: u.roleCode, departmentId: u.departmentId, districtCodes: u.districtCodes } })}>
                    {say(lang, 'edit')}
                  </button>
                  <button className="link" onClick={() => void run(() => updateUser.mutateAsync({ id: u.id, version: u.version, disabled: !u.disabled }))}>
                    {say(lang, u.disabled ? 'enable' : 'disable')}
                  </button>
                  {u.lockedForSeconds !== null && (
                    <button className="link" data-testid="lift-lock" onClick={() => void run(() => liftLoginLock.mutateAsync({ username: u.username }))}>
                      {say(lang, 'liftLock')}
                    </button>
                  )}
                  {!u.demo && (
                    <button className="link" onClick={() => void run(async () => setSecret({ username: u.username, password: (await resetPassword.mutateAsync({ id: u.id })).oneTimePassword }))}>
                      {say(lang, 'resetPassword')}
                    </button>
                  )}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function RolesTab({ lang }: { lang: Lang }) {
  const state = useQuery(trpc.admin.options.queryOptions());
  const setPermission = useMutation(trpc.admin.setPermission.mutationOptions());
  const [error, run] = useAction(lang);
  if (state.status !== 'success') return <LoadedView lang={lang} state={state}>{() => null}</LoadedView>;
  const options = state.data;
  return (
    <div data-testid="admin-roles">
      {error && <p className="error" role="alert">{error}</p>}
      <table className="admin-table matrix">
        <thead>
          <tr>
            <th />
            {options.roles.map((r) => (
              <th key={r.code} title={`${say(lang, 'scopeOf')}: ${say(lang, `scope_${r.scope}` as StringKey)}`}>
                {nameOf(lang, r)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {options.permissions.map((p) => (
            <tr key={p.code}>
              <th title={p.code}>{lang === 'en' ? p.descriptionEn : p.description}</th>
              {options.roles.map((r) => {
                const granted = r.permissions.includes(p.code);
                return (
                  <td key={r.code}>
                    <input
                      type="checkbox"
                      aria-label={`${r.code} ${p.code}`}
                      checked={granted}
                      onChange={() => void run(() => setPermission.mutateAsync({ roleCode: r.code, permission: p.code, granted: !granted }))}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TokensTab({ lang }: { lang: Lang }) {
  // the district picker needs admin.options (user.manage); a token manager without it makes city-wide tokens
  const me = useSession();
  const tokensQuery = useQuery(trpc.admin.tokens.queryOptions());
  const optionsQuery = useQuery(trpc.admin.options.queryOptions(undefined, { enabled: may(me, 'user.manage') }));
  const createToken = useMutation(trpc.admin.createToken.mutationOptions());
  const revokeToken = useMutation(trpc.admin.revokeToken.mutationOptions());
  const [error, run] = useAction(lang);
  const [name, setName] = useState('');
  const [districts, setDistricts] = useState<string[]>([]);
  const [made, setMade] = useState<string | null>(null);
  // options: wait for it only while it is being asked; a refusal leaves the picker out
  if (tokensQuery.status !== 'success' || (optionsQuery.isLoading && !optionsQuery.data)) return <LoadedView lang={lang} state={tokensQuery.status === 'success' ? { status: 'pending', error: null } : tokensQuery}>{() => null}</LoadedView>;
  const [tokens, options] = [tokensQuery.data, optionsQuery.data ?? null];
  return (
    <div data-testid="admin-tokens">
      {error && <p className="error" role="alert">{error}</p>}
      {made && (
        <p className="secret" data-testid="token-url">
          {say(lang, 'tokenCreated')} <code>{made}</code>
        </p>
      )}
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const r = await createToken.mutateAsync({ name, districtCodes: districts });
            setMade(`${window.location.origin}/command?display=${r.token}`);
            setName('');
          });
        }}
      >
        <label>
          {say(lang, 'tokenName')}
          <input name="tokenName" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        {options && (
          <div>
            {say(lang, 'districtsBound')} ({say(lang, 'scopeCity')} = —): <DistrictPicker lang={lang} options={options} value={districts} onChange={setDistricts} />
          </div>
        )}
        <button type="submit">{say(lang, 'create')}</button>
      </form>
      <Table
        lang={lang}
        head={['tokenName', 'districtsBound', 'createdAt', 'status', 'revoke']}
        rows={tokens.map((x) => [
          x.name,
          x.districtCodes.join('、') || say(lang, 'scopeCity'),
          formatTime(lang, x.createdAt),
          x.revokedAt ? `${say(lang, 'revoked')} ${formatTime(lang, x.revokedAt)}` : say(lang, 'enabled'),
          x.revokedAt ? null : (
            <button className="link" onClick={() => void run(() => revokeToken.mutateAsync({ id: x.id }))}>
              {say(lang, 'revoke')}
            </button>
          ),
        ])}
      />
    </div>
  );
}

/**
 * The settings (domain/settings-policy.ts): each with its label, description, value in force and
 * default; one is edited at a time. The server checks the value against the same policy and
 * refuses a stale edit (someone saved meanwhile); its refusal is shown in the UI's language.
 */
function SettingsTab({ lang }: { lang: Lang }) {
  const state = useQuery(trpc.admin.settings.queryOptions());
  const save = useMutation(trpc.admin.saveSetting.mutationOptions());
  const [error, run] = useAction(lang);
  const [editing, setEditing] = useState<{ key: string; value: string; expected: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const unit = (x: SettingRow) => (x.unit ? ` ${x.unit[lang]}` : '');
  return (
    <LoadedView lang={lang} state={state}>
      {(settings) => (
        <div data-testid="admin-settings">
          {/* a refusal shows beside the value being edited (the list is long); the confirmation at the top */}
          {error && !editing && <p className="error" role="alert">{error}</p>}
          {saved && !error && <p className="muted" role="status">{say(lang, 'settingSaved')}: {saved}</p>}
          <Table
            lang={lang}
            head={['settingName', 'settingValue', 'settingDefault', 'edit']}
            rows={settings.map((x) => [
              <span key="n" title={x.description[lang]}>
                {x.label[lang]}
                <br />
                <code className="muted">{x.key}</code>
                <br />
                <small className="muted">{x.description[lang]}</small>
              </span>,
              editing?.key === x.key ? (
                <form
                  key="f"
                  className="inline-form"
                  data-setting={x.key}
                  onSubmit={(e) => {
                    e.preventDefault();
                    void run(async () => {
                      setSaved(null);
                      await save.mutateAsync({ key: editing.key, value: editing.value, expected: editing.expected });
                      setSaved(x.label[lang]);
                      setEditing(null);
                    });
                  }}
                >
                  <input name="settingValue" aria-label={x.label[lang]} value={editing.value} onChange={(e) => setEditing({ ...editing, value: e.target.value })} />
                  {unit(x)} <button type="submit">{say(lang, 'save')}</button>{' '}
                  <button type="button" className="link" onClick={() => setEditing(null)}>
                    {say(lang, 'cancel')}
                  </button>
                  {error && (
                    <p className="error" role="alert">
                      {error}
                    </p>
                  )}
                </form>
              ) : (
                <span key="v" data-setting-value={x.key}>
                  {x.value}
                  {unit(x)}
                  {x.stored === null && <small className="muted"> {say(lang, 'settingNotStored')}</small>}
                  {x.problem && <span className="error"> {messageOf(x.problem.reason, x.problem.params, lang)}</span>}
                </span>
              ),
              `${x.default}${unit(x)}`,
              <button key="e" className="link" data-edit-setting={x.key} onClick={() => setEditing({ key: x.key, value: x.value, expected: x.value })}>
                {say(lang, 'edit')}
              </button>,
            ])}
          />
        </div>
      )}
    </LoadedView>
  );
}

function Table({ lang, head, rows }: { lang: Lang; head: StringKey[]; rows: ReactNode[][] }) {
  return (
    <table className="admin-table">
      <thead>
        <tr>
          {head.map((k) => (
            <th key={k}>{say(lang, k)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) => (
              <td key={j}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type AuditRow = RouterOutputs['audit']['list']['rows'][number];

type AuditFilter = { actor: string; action: string; outcome: string; from: string; to: string };

function auditInput(filter: AuditFilter) {
  const day = (d: string, end = false) => (d ? `${d}T${end ? '23:59:59' : '00:00:00'}+08:00` : undefined);
  return { actor: filter.actor || undefined, action: filter.action || undefined, outcome: filter.outcome || undefined, from: day(filter.from), to: day(filter.to, true), limit: 100 };
}

function AuditTab({ lang }: { lang: Lang }) {
  const [filter, setFilter] = useState<AuditFilter>({ actor: '', action: '', outcome: '', from: '', to: '' });
  const [applied, setApplied] = useState(filter);
  const input = auditInput(applied);
  // pages go back by `beforeId` (not tRPC's `cursor`), so the key is built by hand under audit.list's path:
  // invalidating that path (a live `audit` event) reaches it; fresh on every visit (staleTime 0)
  const audit = useInfiniteQuery({
    queryKey: [...trpc.audit.list.pathKey(), { input, type: 'infinite' }],
    queryFn: ({ pageParam }) => api.audit.list.query({ ...input, beforeId: pageParam }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.more ? last.rows.at(-1)?.id : undefined),
    staleTime: 0,
  });
  const rows: AuditRow[] = audit.data?.pages.flatMap((x) => x.rows) ?? [];
  const error = audit.error ? errorText(audit.error, lang) : null;
  const more = audit.hasNextPage;
  const load = () => {
    if (JSON.stringify(filter) === JSON.stringify(applied)) void audit.refetch();
    else setApplied(filter);
  };
  return (
    <div data-testid="admin-audit">
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          load();
        }}
      >
        <input name="actor" placeholder={say(lang, 'auditActor')} value={filter.actor} onChange={(e) => setFilter({ ...filter, actor: e.target.value })} />
        <input name="action" placeholder={say(lang, 'auditAction')} value={filter.action} onChange={(e) => setFilter({ ...filter, action: e.target.value })} />
        <select name="outcome" value={filter.outcome} onChange={(e) => setFilter({ ...filter, outcome: e.target.value })}>
          <option value="">{say(lang, 'auditAll')}</option>
          {['ok', 'denied', 'failed', 'throttled'].map((o) => (
            <option key={o} value={o}>
              {say(lang, `outcome_${o}`, o)}
            </option>
          ))}
        </select>
        <input type="date" name="from" value={filter.from} onChange={(e) => setFilter({ ...filter, from: e.target.value })} />
        <input type="date" name="to" value={filter.to} onChange={(e) => setFilter({ ...filter, to: e.target.value })} />
        <button type="submit">{say(lang, 'filter')}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <Table
        lang={lang}
        head={['auditAt', 'auditActor', 'auditAction', 'auditTarget', 'auditOutcome', 'auditFrom', 'auditDetail']}
        rows={rows.map((r) => [
          formatTime(lang, r.at),
          r.actor,
          // the action in words; its code too (what the filter above takes)
          <span key="a" data-testid="audit-action" data-action={r.action}>
            {actionLabel(r.action, lang)} <code className="muted">{r.action}</code>
          </span>,
          targetText(r.targetKind, r.targetId, lang),
          <span key="o" className={`outcome-${r.outcome.replace(/\W/g, '-')}`}>{outcomeText(r.outcome, lang)}</span>,
          r.ip ?? '',
          <span key="d" className="audit-detail" data-testid="audit-detail">
            {auditDetailItems(r.detail, lang, r.outcome).map((i, k) => (
              <span key={k} className="kv" data-key={i.key}>
                {i.label && <b>{i.label}{lang === 'zh' ? '：' : ': '}</b>}
                {i.value}
              </span>
            ))}
          </span>,
        ])}
      />
      {more && (
        <button className="link" onClick={() => void audit.fetchNextPage()}>
          {say(lang, 'more')}
        </button>
      )}
    </div>
  );
}
