// The cache's two ways of learning that server state changed: the live events (client/lib/live-cache.ts)
// and the mutations' invalidation table (client/lib/invalidations.ts); and that a lost session
// leaves nothing of its user's data behind. All on a real QueryClient under the real tRPC keys.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MutationObserver, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { api, newQueryClient, queryClient, trpc } from '../../client/lib/api.ts';
import { applyLiveMessage, applyServerEvent } from '../../client/lib/live-cache.ts';
import { INVALIDATIONS, mutationPath } from '../../client/lib/invalidations.ts';
import { isRefusal } from '../../client/lib/query-client.ts';
import { feedKey } from '../../client/lib/feed-keys.ts';
import { ACTIONS } from '../../domain/transitions.ts';
import '../../client/lib/session.ts';

/** The queries the console shows, by name, each seeded with data. */
function seeded(): [QueryClient, Record<string, QueryKey>] {
  const qc = newQueryClient();
  const keys: Record<string, QueryKey> = {
    users: trpc.admin.users.queryKey(),
    options: trpc.admin.options.queryKey(),
    tokens: trpc.admin.tokens.queryKey(),
    settings: trpc.admin.settings.queryKey(),
    system: trpc.system.info.queryKey(),
    case1: trpc.cases.byId.queryKey({ id: 1 }),
    case2: trpc.cases.byId.queryKey({ id: 2 }),
    caseSummary: trpc.cases.summary.queryKey({ from: '2022-01-01T00:00:00+08:00', to: '2022-12-31T23:59:59+08:00' }),
    indicators: trpc.indicators.period.queryKey({ from: '2022-01-01T00:00:00+08:00', to: '2022-12-31T23:59:59+08:00' }),
    community1: trpc.communities.byId.queryKey({ id: 1 }),
    community2: trpc.communities.byId.queryKey({ id: 2 }),
    communitySummary: trpc.communities.summary.queryKey(),
    rgrid1: trpc.grids.responsibilityById.queryKey({ id: 1 }),
    rgrid2: trpc.grids.responsibilityById.queryKey({ id: 2 }),
    grid7: trpc.grids.byId.queryKey({ id: 7 }),
    gridSummary: trpc.grids.summary.queryKey(),
    places: trpc.places.summary.queryKey(),
    search: trpc.search.query.queryKey({ q: '芗城' }),
    audit: [...trpc.audit.list.pathKey(), { input: { limit: 100 }, type: 'infinite' }],
    // the map's feeds, as client/lib/feeds.ts keys them
    casesFeed: feedKey('cases.bin', '/api/layers/cases.bin?from=2022-01-01T00%3A00%3A00%2B08%3A00&to=2022-09-01T00%3A00%3A00%2B08%3A00'),
    communitiesFeed: feedKey('communities.bin', '/api/layers/communities.bin'),
    gridsFeed: feedKey('grids.bin', '/api/layers/grids.bin'),
    rgridsFeed: feedKey('responsibility-grids.bin', '/api/layers/responsibility-grids.bin'),
    patrol2: trpc.grids.patrolCandidates.queryKey({ id: 2 }),
    // the work screens' lists
    queue: trpc.dispatch.queue.queryKey({ limit: 200 }),
    tasks: trpc.dispatch.myTasks.queryKey({ limit: 100 }),
    preview: trpc.dispatch.intakePreview.queryKey({ lng: 117.65, lat: 24.51, crs: 'wgs84', category: 'E0102' }),
  };
  for (const key of Object.values(keys)) qc.setQueryData(key, { seeded: true });
  return [qc, keys];
}

const invalidated = (qc: QueryClient, keys: Record<string, QueryKey>) =>
  Object.entries(keys)
    .filter(([, key]) => qc.getQueryState(key)?.isInvalidated)
    .map(([name]) => name)
    .sort();

describe('live events invalidate the queries that show what changed', () => {
  it('a case event: that case, the period figures and search, no other case', async () => {
    const [qc, keys] = seeded();
    await applyServerEvent(qc, { kind: 'case', id: 1 });
    expect(invalidated(qc, keys)).toEqual(['case1', 'caseSummary', 'casesFeed', 'indicators', 'queue', 'search', 'tasks']);
    expect(qc.getQueryData(keys.case1)).toEqual({ seeded: true }); // still shown until loaded again
  });
  it('the stream messages: grid and compound events reload what shows them, figures the figures, a resumed stream what no token replays', async () => {
    const noPatch = () => null;
    let [qc, keys] = seeded();
    await applyLiveMessage(qc, { kind: 'grid', id: 1, districtCode: '350602', version: 3 }, noPatch);
    expect(invalidated(qc, keys)).toEqual(['grid7', 'rgrid1']);
    [qc, keys] = seeded();
    await applyLiveMessage(qc, { kind: 'community', id: 2, districtCode: '350602', version: 3 }, noPatch);
    expect(invalidated(qc, keys)).toEqual(['communitiesFeed', 'community2', 'communitySummary', 'search']);
    [qc, keys] = seeded();
    await applyLiveMessage(qc, { kind: 'indicators', districtCodes: ['350602'] }, noPatch);
    expect(invalidated(qc, keys)).toEqual(['caseSummary', 'indicators']);
    [qc, keys] = seeded();
    await applyLiveMessage(qc, { kind: 'ready', resumed: false }, noPatch);
    expect(invalidated(qc, keys)).toEqual([]);
    await applyLiveMessage(qc, { kind: 'ready', resumed: true }, noPatch);
    // the cases that left the viewer's scope while the stream was down: the case layer and the work lists
    // (and the grid layers: a publish missed meanwhile is not replayed either)
    expect(invalidated(qc, keys)).toEqual(['caseSummary', 'casesFeed', 'communitiesFeed', 'community1', 'community2', 'communitySummary', 'grid7', 'gridSummary', 'gridsFeed', 'indicators', 'patrol2', 'queue', 'rgrid1', 'rgrid2', 'rgridsFeed', 'tasks']);
    [qc, keys] = seeded();
    await applyLiveMessage(qc, { kind: 'gridCells', districtCode: '350602', villageCodes: ['350602001001'], at: '2026-12-07T00:00:00Z' }, noPatch);
    expect(invalidated(qc, keys)).toEqual(['grid7', 'gridSummary', 'gridsFeed', 'patrol2', 'rgrid1', 'rgrid2', 'rgridsFeed']);
    [qc, keys] = seeded();
    await applyLiveMessage(qc, { kind: 'resync', reason: 'live.scopeChanged' }, noPatch);
    expect(invalidated(qc, keys)).toEqual(Object.keys(keys).sort());
  });
  it('a case that left the viewer\'s scope (caseLeft): off the case layer, its panel and the work lists load again, no other case', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const [qc, keys] = seeded();
      const dropped: number[] = [];
      const drop = (_feed: unknown, caseId: number) => {
        dropped.push(caseId);
        return { dropped: caseId } as never;
      };
      await applyLiveMessage(qc, { kind: 'caseLeft', id: 77, caseId: 1 }, () => null, drop);
      expect(dropped).toEqual([1]);
      expect(qc.getQueryData(keys.casesFeed)).toEqual({ dropped: 1 });
      expect(qc.getQueryData(keys.case1)).toEqual({ seeded: true });
      expect(invalidated(qc, keys)).toEqual(expect.arrayContaining(['case1']));
      expect(invalidated(qc, keys)).not.toContain('case2');
      await vi.advanceTimersByTimeAsync(10_000);
      expect(invalidated(qc, keys)).toEqual(['case1', 'caseSummary', 'indicators', 'queue', 'tasks']);
    } finally {
      vi.useRealTimers();
    }
  });
  it('the hub\'s figures message reloads the figures at once and cancels the later reload a case event left (no second count for the same commit)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const [qc, keys] = seeded();
      await applyLiveMessage(qc, { kind: 'case', event: { id: 78, caseId: 2 } as never }, () => null);
      expect(invalidated(qc, keys)).not.toContain('indicators'); // the case event leaves the figures for later
      await applyLiveMessage(qc, { kind: 'indicators', districtCodes: ['350602'] }, () => null);
      expect(invalidated(qc, keys)).toEqual(expect.arrayContaining(['caseSummary', 'indicators']));
      // the figures loaded again (fresh data clears the mark); the case event's timer must not mark them again
      qc.setQueryData(keys.indicators, { reloaded: true });
      qc.setQueryData(keys.caseSummary, { reloaded: true });
      await vi.advanceTimersByTimeAsync(10_000);
      expect(invalidated(qc, keys)).not.toContain('indicators');
      expect(invalidated(qc, keys)).not.toContain('caseSummary');
    } finally {
      vi.useRealTimers();
    }
  });
  it('a community or responsibility-grid event: that record and what lists it', async () => {
    let [qc, keys] = seeded();
    await applyServerEvent(qc, { kind: 'community', id: 2 });
    expect(invalidated(qc, keys)).toEqual(['communitiesFeed', 'community2', 'communitySummary', 'search']);
    [qc, keys] = seeded();
    await applyServerEvent(qc, { kind: 'responsibilityGrid', id: 1 });
    expect(invalidated(qc, keys)).toEqual(['grid7', 'rgrid1']);
  });
});

/** Runs a mutation under its real tRPC mutation key (the answer faked) through the client's mutation cache. */
async function mutate(qc: QueryClient, mutationKey: QueryKey, input: unknown, fail = false) {
  const observer = new MutationObserver<unknown, Error, unknown>(qc, {
    mutationKey,
    mutationFn: async () => {
      if (fail) throw Object.assign(new Error('refused'), { data: { reason: 'version.stale', httpStatus: 409 } });
      return { ok: true };
    },
  });
  await observer.mutate(input).catch(() => {});
}

describe('the invalidation table: a mutation invalidates exactly what it changed', () => {
  const cases: [QueryKey, unknown, string[]][] = [
    [trpc.admin.createUser.mutationKey(), { username: 'x' }, ['users']],
    [trpc.admin.updateUser.mutationKey(), { id: 3, version: 1 }, ['users']],
    [trpc.admin.liftLoginLock.mutationKey(), { username: 'x' }, ['users']],
    [trpc.admin.resetPassword.mutationKey(), { id: 3 }, ['users']],
    [trpc.admin.setPermission.mutationKey(), { roleCode: 'r', permission: 'p', granted: true }, ['options']],
    [trpc.admin.createToken.mutationKey(), { name: 'wall' }, ['tokens']],
    [trpc.admin.saveSetting.mutationKey(), { key: 'clock.warn_ratio', value: '0.7', expected: '0.8' }, ['settings']],
    [trpc.admin.revokeToken.mutationKey(), { id: 1 }, ['tokens']],
    [trpc.communities.update.mutationKey(), { id: 1 }, ['community1', 'communitiesFeed', 'communitySummary', 'search']],
    [trpc.grids.assignResponsibility.mutationKey(), { id: 2 }, ['grid7', 'rgrid2']],
    [trpc.grids.setPatrolStaff.mutationKey(), { id: 2 }, ['grid7', 'patrol2', 'rgrid2']],
    // a published draft: every grid read and both grid layers
    [trpc.grids.publish.mutationKey(), { districtCode: '350602' }, ['grid7', 'gridSummary', 'gridsFeed', 'patrol2', 'rgrid1', 'rgrid2', 'rgridsFeed']],
    [trpc.cases.revealReporter.mutationKey(), { id: 1 }, []],
    // every move of the workflow: its case and the work lists (the map's layer follows by the live event)
    ...ACTIONS.map((a): [QueryKey, unknown, string[]] => [[['dispatch', a]], { id: 1 }, ['case1', 'queue', 'tasks']]),
    [trpc.dispatch.bulkDispatch.mutationKey(), { items: [{ id: 1 }, { id: 2 }] }, ['case1', 'case2', 'queue']],
    [trpc.dispatch.register.mutationKey(), { channel: '12345' }, ['preview', 'queue', 'tasks']],
  ];
  for (const [key, input, expected] of cases) {
    it(`${mutationPath(key)} → ${expected.join(', ') || 'nothing'}`, async () => {
      const [qc, keys] = seeded();
      await mutate(qc, key, input);
      expect(invalidated(qc, keys)).toEqual([...expected].sort());
    });
  }
  it('every line of the table is a mutation the tests above run', () => {
    const tested = new Set(cases.map(([key]) => mutationPath(key)));
    expect(Object.keys(INVALIDATIONS).filter((p) => !tested.has(p))).toEqual([]);
  });
  it('a refused mutation (a stale version) also loads again what it would have changed', async () => {
    const [qc, keys] = seeded();
    await mutate(qc, trpc.admin.updateUser.mutationKey(), { id: 3, version: 1 }, true);
    expect(invalidated(qc, keys)).toEqual(['users']);
  });
});

describe('the query policy', () => {
  it('a refusal is not retried; no answer at all is retried once', async () => {
    expect(isRefusal({ data: { reason: 'auth.forbidden', httpStatus: 403 } })).toBe(true);
    expect(isRefusal({ data: { httpStatus: 404 } })).toBe(true);
    expect(isRefusal({ data: { httpStatus: 500 } })).toBe(false);
    expect(isRefusal(new TypeError('Failed to fetch'))).toBe(false);
    const qc = newQueryClient();
    let asked = 0;
    const refused = Object.assign(new Error('no'), { data: { reason: 'auth.forbidden', httpStatus: 403 } });
    await qc.fetchQuery({ queryKey: ['refused'], queryFn: () => (asked++, Promise.reject(refused)), retryDelay: 0 }).catch(() => {});
    expect(asked).toBe(1);
    asked = 0;
    await qc.fetchQuery({ queryKey: ['unreachable'], queryFn: () => (asked++, Promise.reject(new TypeError('Failed to fetch'))), retryDelay: 0 }).catch(() => {});
    expect(asked).toBe(2);
  });
});

describe('session loss', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    queryClient.clear();
  });
  it('a 401 (the session expired or was ended elsewhere) clears the page cache: the next user sees nothing of this one', async () => {
    queryClient.setQueryData(trpc.admin.users.queryKey(), [{ username: 'previous-user' }] as never);
    queryClient.setQueryData(trpc.cases.byId.queryKey({ id: 1 }), { code: 'secret' } as never);
    // the map's feeds are queries too: a scoped case feed (same URL for every user) must not outlive its user
    queryClient.setQueryData(feedKey('cases.bin', '/api/layers/cases.bin?from=x&to=y'), { length: 1 } as never);
    const fetch = vi.fn(async () => new Response(JSON.stringify([{ error: { message: 'signed out', code: -32001, data: { code: 'UNAUTHORIZED', httpStatus: 401 } } }]), { status: 401, headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetch);
    await api.system.info.query().catch(() => {});
    expect(fetch).toHaveBeenCalled();
    await vi.waitFor(() => expect(queryClient.getQueryCache().getAll()).toEqual([]));
  });
});
