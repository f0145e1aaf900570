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
