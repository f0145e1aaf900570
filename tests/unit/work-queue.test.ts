// The queue of expensive work (server/http/work-queue.ts), by its order alone (no clock): one
// actor flooding it holds at most its share of the slots, so another actor's job starts at once;
// a freed slot goes to the longest-waiting job of an actor below its share; past an actor's
// waiting share it is refused 429 work.actorShare, past the queue's size 503 work.queueFull.
import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../server/http/work-queue.ts';

/** A job that runs until released. */
function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { open, work: () => p };
}
const settle = () => new Promise((r) => setImmediate(r));

describe('the expensive-work queue', () => {
  it('a flood from one actor leaves a slot for another: the other starts at once, before the flood\'s waiting jobs', async () => {
    const q = new WorkQueue({ slots: 2, perActor: 1, perActorWaiting: 4, maxWaiting: 32 });
    const started: string[] = [];
    q.onStart = (a) => started.push(a);
    const flood = Array.from({ length: 5 }, () => gate());
    const runs = flood.map((g) => q.run('A', g.work));
    await settle();
    expect(started).toEqual(['A']);
    expect(q.state()).toMatchObject({ running: 1, waiting: 4, actors: { A: { running: 1, waiting: 4 } } });
    // the sixth of the flood is over A's waiting share: refused at once
    await expect(q.run('A', async () => {})).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'work.actorShare', params: { max: 4, retryAfterSeconds: 5 } });
    const b = gate();
    const bRun = q.run('B', b.work);
    await settle();
    expect(started).toEqual(['A', 'B']);
    // B done: its slot stays free for others (A is at its share), A's next starts only when A's first ends
    b.open();
    await bRun;
    await settle();
    expect(started).toEqual(['A', 'B']);
    flood[0].open();
    await runs[0];
    await settle();
    expect(started).toEqual(['A', 'B', 'A']);
    for (const g of flood) g.open();
    await Promise.all(runs);
    expect(q.state()).toEqual({ running: 0, waiting: 0, actors: {} });
  });
  it('a freed slot goes to the longest-waiting job of an actor below its share', async () => {
    const q = new WorkQueue({ slots: 1, perActor: 1, perActorWaiting: 4, maxWaiting: 32 });
    const started: string[] = [];
    q.onStart = (a) => started.push(a);
    const gates = ['A', 'A', 'B', 'C', 'A'].map((a) => ({ a, g: gate() }));
    const runs = gates.map(({ a, g }) => q.run(a, g.work));
    await settle();
    for (const { g } of gates) {
      g.open();
      await settle();
      await settle();
    }
    await Promise.all(runs);
    expect(started).toEqual(['A', 'A', 'B', 'C', 'A']);
  });
  it('past the queue\'s size everyone is refused 503 work.queueFull; a refusal leaves no trace', async () => {
    const q = new WorkQueue({ slots: 1, perActor: 1, perActorWaiting: 2, maxWaiting: 2 });
    const g = gate();
    const runs = [q.run('A', g.work), q.run('B', g.work), q.run('C', g.work)];
    await settle();
    expect(q.wouldRefuse('D')).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'work.queueFull' });
    await expect(q.run('D', async () => {})).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'work.queueFull', params: { retryAfterSeconds: 5 } });
    expect(Object.keys(q.state().actors).sort()).toEqual(['A', 'B', 'C']);
    g.open();
    await Promise.all(runs);
    expect(q.wouldRefuse('D')).toBeNull();
  });
  it('a job that fails frees its slot and counts like any other', async () => {
    const q = new WorkQueue({ slots: 1, perActor: 1 });
    await expect(q.run('A', async () => { throw new Error('unreadable'); })).rejects.toThrow('unreadable');
    expect(q.state()).toEqual({ running: 0, waiting: 0, actors: {} });
    expect(await q.run('A', async () => 7)).toBe(7);
  });

  it('admits at most perActor + perActorWaiting requests of one actor before their bodies are read; another actor is not held back; a release frees the place once', () => {
    const q = new WorkQueue({ slots: 2, perActor: 1, perActorWaiting: 2, maxWaiting: 32 });
    const places = [1, 2, 3].map(() => q.reserve('A'));
    expect(places.every((p) => typeof p === 'function')).toBe(true);
    const fourth = q.reserve('A');
    expect(fourth).toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'work.actorShare' });
    expect(typeof q.reserve('B')).toBe('function');
    const release = places[0] as () => void;
    release();
    release(); // twice: still one place
    expect(typeof q.reserve('A')).toBe('function');
    expect(q.reserve('A')).toMatchObject({ reason: 'work.actorShare' });
  });
});
