// Signing in over HTTP against an app under test, as the browser does: POST auth.login, keep
// the session cookie, send the CSRF token on changes.
import type { Hono } from 'hono';
import { DEMO_PASSWORD } from '../../server/auth/demo-accounts.ts';

export interface HttpSession {
  cookie: string;
  csrf: string;
  setCookie: string;
}

export async function trpcPost(app: Hono, path: string, input: unknown, headers: Record<string, string> = {}) {
  const res = await app.request(`/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input ?? null) });
  return { res, body: (await res.json()) as { result?: { data: unknown }; error?: { message: string; data: { code: string; httpStatus: number } } } };
}

export async function trpcGet(app: Hono, path: string, input: unknown, headers: Record<string, string> = {}) {
  const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await app.request(`/trpc/${path}${q}`, { headers });
  return { res, body: (await res.json()) as { result?: { data: unknown }; error?: { message: string; data: { code: string; httpStatus: number } } } };
}

export async function login(app: Hono, username: string, password = DEMO_PASSWORD, headers: Record<string, string> = {}): Promise<HttpSession> {
  const { res, body } = await trpcPost(app, 'auth.login', { username, password }, headers);
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${body.error?.message}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0];
  return { cookie, csrf: (body.result!.data as { csrfToken: string }).csrfToken, setCookie };
}

/** One message of a server-sent event stream. */
export interface SseMessage {
  event: string | null;
  id: string | null;
  data: unknown;
}

/**
 * Reads a tRPC subscription's event stream until its first refusal (`serialized-error`) or its
 * first data message, the end of the stream, or `ms`; then cancels it. The messages read.
 */
export async function readSse(res: Response, ms = 3000): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  const reader = res.body?.getReader();
  if (!reader) return out;
  const dec = new TextDecoder();
  let text = '';
  const end = Date.now() + ms;
  const done = () => out.some((m) => m.event === 'serialized-error' || (m.event === null && m.data !== null));
  while (!done() && Date.now() < end) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, end - Date.now())))]);
    if (!chunk || chunk.done) break;
    text += dec.decode(chunk.value);
    let cut: number;
    while ((cut = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, cut);
      text = text.slice(cut + 2);
      const m: SseMessage = { event: null, id: null, data: null };
      for (const line of block.split('\n')) {
        const [k, ...rest] = line.split(': ');
        const v = rest.join(': ');
        if (k === 'event') m.event = v;
        else if (k === 'id') m.id = v;
        else if (k === 'data') {
          try {
            m.data = JSON.parse(v);
          } catch {
            m.data = v;
          }
        }
      }
      if (m.event || m.data !== null) out.push(m);
    }
  }
  await reader.cancel().catch(() => {});
  return out;
}

/** A subscription's answer as the tRPC HTTP answers of queries are read: a refusal's error body, or none. */
export function sseError(messages: SseMessage[]): { error?: { message: string; data: { code: string; httpStatus: number; reason?: string; issues?: unknown[] } } } {
  const e = messages.find((m) => m.event === 'serialized-error');
  return e ? { error: e.data as never } : {};
}
