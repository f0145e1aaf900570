// POST /local/cli/<command>: the command line's way into a running server that holds the
// embedded data folder (db/cli.ts, docs/decisions/0011). Only straight from this machine (a
// loopback peer address, never X-Forwarded-For; no proxy or browser headers), only with the
// secret of the server file beside the lock (`authorization: Bearer <secret>`, compared in
// constant time), a small JSON body validated by the command's own schema. The command runs on
// the server's own engine and answers `{ lines }`; a refusal is `{ error, reason, params }`
// (http-error.ts). Every refusal is audited (counted when it repeats); commands audit themselves.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getConnInfo } from '@hono/node-server/conninfo';
import { LOCAL_CLI_PATH, VIA_SERVER, type CliCommand } from '../../db/cli.ts';
import { withStatementTag, type Engine } from '../../db/engine.ts';
import { describeIssues } from '../../domain/messages.ts';
import { writeAudit } from '../audit/audit-queries.ts';
import { resetPasswordCommand } from '../auth/reset-password-cli.ts';
import { reportCommand } from '../indicators/report-cli.ts';
import { correctDeadlinesCommand } from '../dispatch/deadline-cli.ts';
import { PublicError, refuse } from '../query-error.ts';
import { storableText } from '../inputs.ts';
import { zodIssues } from '../trpc.ts';
import { httpError } from './http-error.ts';

export interface LocalCliOptions {
  /** The server file's secret (db/cli.ts newCliSecret). */
  secret: string;
}

/** The commands a running server takes from its command line. */
const COMMANDS = new Map<string, CliCommand<unknown>>([resetPasswordCommand, reportCommand, correctDeadlinesCommand].map((c) => [c.name, c as CliCommand<unknown>]));
/** A command's input is a few short fields. */
export const LOCAL_CLI_BODY_LIMIT = 4 * 1024;

const digest = (v: string) => createHash('sha256').update(v).digest();

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (a dual-stack listener). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Whether a request came straight from this machine: the socket's peer is a loopback address;
 * no proxy put its forwarding headers on it (a proxy on this machine would make every visitor
 * look local); no browser sent it (Origin, Sec-Fetch-Site); and it names a loopback Host (a page
 * whose domain was rebound to 127.0.0.1 names its own).
 */
function fromThisMachine(c: Context): { ok: boolean; ip?: string } {
  let ip: string | undefined;
  try {
    ip = getConnInfo(c).remote.address;
  } catch {
    ip = undefined; // no socket (an in-process request): not known to be local
  }
  const h = c.req.raw.headers;
  const proxied = h.has('x-forwarded-for') || h.has('forwarded') || h.has('x-real-ip');
  const browser = h.has('origin') || h.has('sec-fetch-site');
  const host = new URL(c.req.url).hostname; // @hono/node-server builds the URL from the Host header
  return { ok: isLoopback(ip) && !proxied && !browser && LOOPBACK_HOST.test(host), ip };
}

/** Registers the route on the app (server/app.ts, only where the server wrote a server file). */
export function mountLocalCli(app: Hono, engine: Engine, opts: LocalCliOptions & { now: () => Date }): void {
  const expected = digest(opts.secret);
  /**
   * Every refusal is audited (a success is audited by its command): who asked, from where, why.
   * A guessing or probing loop leaves one counted row (writeAudit coalesce).
   */
  const refused = async (c: Context, err: unknown, extra: Record<string, unknown> = {}) => {
    const name = c.req.path.slice(LOCAL_CLI_PATH.length + 1);
    const reason = err instanceof PublicError ? (err.reason ?? err.code) : 'internal';
    await writeAudit(engine.db, {
      actor: { name: 'command line' },
      action: 'system.localCli',
      ip: fromThisMachine(c).ip,
      note: { detail: { outcome: 'denied', reason, command: COMMANDS.has(name) ? name : '(other)' } },
      now: opts.now(),
      coalesce: true,
    }).catch(() => {});
    return httpError(c, err, `local-cli ${name.slice(0, 60)}`, extra);
  };
  // who may ask, before anything reads the body
  app.use(`${LOCAL_CLI_PATH}/*`, async (c, next) => {
    if (!fromThisMachine(c).ok) return refused(c, refuse('FORBIDDEN', 'cli.notLocal'));
    const m = /^Bearer ([\w-]{1,200})$/.exec(c.req.header('authorization') ?? '');
    if (!m || !timingSafeEqual(digest(m[1]), expected)) return refused(c, refuse('UNAUTHORIZED', 'cli.badSecret'));
    await next();
  });
  app.use(`${LOCAL_CLI_PATH}/*`, bodyLimit({ maxSize: LOCAL_CLI_BODY_LIMIT, onError: (c) => refused(c, refuse('PAYLOAD_TOO_LARGE', 'request.tooLarge', { maxKB: LOCAL_CLI_BODY_LIMIT / 1024 })) }));
  app.post(`${LOCAL_CLI_PATH}/:command`, async (c) => {
    const name = c.req.param('command');
    const cmd = COMMANDS.get(name);
    if (!cmd) return refused(c, refuse('NOT_FOUND', 'cli.unknownCommand', { command: storableText(name, 60) ? name : '?', known: [...COMMANDS.keys()].join(', ') }));
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return refused(c, refuse('PARSE_ERROR', 'refused.PARSE_ERROR'));
    }
    const parsed = cmd.input.safeParse(raw);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      return refused(c, refuse('BAD_REQUEST', 'input.invalid', { details: describeIssues(issues) }), { issues });
    }
    try {
      // after sign-ins and single-record reads on the embedded connection, like any heavy request
      const lines = await withStatementTag({ priority: 'heavy', who: `local-cli:${name}` }, () => cmd.run(engine.db, parsed.data, { via: VIA_SERVER, now: opts.now(), ip: fromThisMachine(c).ip }));
      return c.json({ lines }, 200, { 'Cache-Control': 'no-store' });
    } catch (err) {
      return refused(c, err);
    }
  });
  app.all(`${LOCAL_CLI_PATH}/*`, (c) => refused(c, refuse('METHOD_NOT_SUPPORTED', 'refused.METHOD_NOT_SUPPORTED')));
}
