// Expensive work (decoding an image, the coverage planner's exact solve) runs through one bounded
// queue per process with a share per actor (docs/decisions/0020-one-write-pipeline.md). The work
// itself leaves the main thread where it can (sharp decodes on libuv's threads); what the queue
// guarantees is who goes next: a slot that frees goes to the longest-waiting job of an actor
// running fewer than `perActor` jobs, so one actor flooding the route holds at most `perActor` of
// the `slots` and another's job starts as soon as a slot is free — never behind the flood.
// Beyond `perActorWaiting` jobs waiting, that actor is refused (429 work.actorShare); beyond
// `maxWaiting` waiting in all, everyone is (503 work.queueFull); both with a Retry-After.
import { refuse, type PublicError } from '../query-error.ts';
import type { Actor } from '../auth/actor.ts';

/** The queue's and the limiter's name for an actor. */
export const actorKey = (a: Pick<Actor, 'kind' | 'id'>) => `${a.kind}:${a.id}`;

export interface WorkQueueOptions {
  /** Jobs running at once (decoding the largest image takes a core and ~200 MB). */
  slots: number;
  /** Jobs one actor may have running at once. */
  perActor: number;
  /** Jobs one actor may have waiting. */
  perActorWaiting: number;
  /** Jobs waiting in all. */
  maxWaiting: number;
  /** What a refusal tells the client to wait, seconds. */
  retryAfterSeconds: number;
}

/** Two decodes per process (as since 0017), one of them at most per actor: the other is always someone else's. */
export const WORK_DEFAULTS: Readonly<WorkQueueOptions> = Object.freeze({ slots: 2, perActor: 1, perActorWaiting: 4, maxWaiting: 32, retryAfterSeconds: 5 });

interface Job {
  actor: string;
  start: () => void;
}

export interface WorkQueueState {
  running: number;
  waiting: number;
  /** Per actor: jobs running and waiting. */
  actors: Record<string, { running: number; waiting: number }>;
}

export class WorkQueue {
  readonly opts: WorkQueueOptions;
  private running = 0;
  private readonly waiting: Job[] = [];
  private readonly perActor = new Map<string, { running: number; waiting: number }>();
  /** Called as a job starts, with its actor (tests and the bench watch the order). */
  onStart?: (actor: string) => void;

  constructor(opts: Partial<WorkQueueOptions> = {}) {
    this.opts = { ...WORK_DEFAULTS, ...opts };
    if (this.opts.perActor > this.opts.slots) this.opts.perActor = this.opts.slots;
  }

  private counts(actor: string) {
    let c = this.perActor.get(actor);
    if (!c) this.perActor.set(actor, (c = { running: 0, waiting: 0 }));
    return c;
  }

  private forget(actor: string) {
    const c = this.perActor.get(actor);
    if (c && c.running === 0 && c.waiting === 0) this.perActor.delete(actor);
  }

  /** The refusal `run` would give `actor` now (checked before a body is read, so a refused flood is not read first), else null. */
  wouldRefuse(actor: string): PublicError | null {
    const c = this.perActor.get(actor) ?? { running: 0, waiting: 0 };
    if (this.running < this.opts.slots && c.running < this.opts.perActor) return null;
    if (c.waiting >= this.opts.perActorWaiting) return refuse('TOO_MANY_REQUESTS', 'work.actorShare', { max: this.opts.perActorWaiting, retryAfterSeconds: this.opts.retryAfterSeconds });
    if (this.waiting.length >= this.opts.maxWaiting) return refuse('SERVICE_UNAVAILABLE', 'work.queueFull', { retryAfterSeconds: this.opts.retryAfterSeconds });
    return null;
  }

  /** Requests admitted per actor and not yet ended (their bodies may be being read: memory held before the queue sees them). */
  private readonly admitted = new Map<string, number>();

  /**
   * Admits a request of `actor` before its body is read, until it ends (call the answer to
   * release it): at most perActor + perActorWaiting per actor at once, so parallel uploads from
   * one account are refused before each is read into memory, not once they reach the queue.
   * Answers the refusal instead when the actor's share or the queue is full.
   */
  reserve(actor: string): PublicError | (() => void) {
    const full = this.wouldRefuse(actor);
    if (full) return full;
    const n = this.admitted.get(actor) ?? 0;
    if (n >= this.opts.perActor + this.opts.perActorWaiting) return refuse('TOO_MANY_REQUESTS', 'work.actorShare', { max: this.opts.perActorWaiting, retryAfterSeconds: this.opts.retryAfterSeconds });
    this.admitted.set(actor, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const m = (this.admitted.get(actor) ?? 1) - 1;
      if (m <= 0) this.admitted.delete(actor);
      else this.admitted.set(actor, m);
    };
  }

  /** Runs `work` for `actor` when its turn comes; refuses at once when the actor's share or the queue is full. */
  async run<T>(actor: string, work: () => Promise<T>): Promise<T> {
    const full = this.wouldRefuse(actor);
    if (full) throw full;
    const c = this.counts(actor);
    if (this.running >= this.opts.slots || c.running >= this.opts.perActor) {
      c.waiting++;
      await new Promise<void>((start) => this.waiting.push({ actor, start }));
      // the slot was taken for this job by `next` (running counted there)
    } else {
      this.running++;
      c.running++;
    }
    this.onStart?.(actor);
    try {
      return await work();
    } finally {
      this.running--;
      c.running--;
      this.forget(actor);
      this.next();
    }
  }

  /** Starts the longest-waiting jobs whose actors are below their share, while slots are free. */
  private next() {
    while (this.running < this.opts.slots) {
      const i = this.waiting.findIndex((j) => this.counts(j.actor).running < this.opts.perActor);
      if (i < 0) return;
      const [job] = this.waiting.splice(i, 1);
      const c = this.counts(job.actor);
      c.waiting--;
      c.running++;
      this.running++;
      job.start();
    }
  }

  state(): WorkQueueState {
    return { running: this.running, waiting: this.waiting.length, actors: Object.fromEntries([...this.perActor].map(([k, v]) => [k, { ...v }])) };
  }
}

/** The process's queue for expensive work (every write route's `expensive` step; the coverage planner's exact solve). */
export const expensiveWork = new WorkQueue();
