// Secrets derived by hashing (sessions, display tokens, device cookies, CSRF): the database keeps
// only SHA-256 digests, so a leaked table cannot be replayed.
import { createHash } from 'node:crypto';

export const hashSecret = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The CSRF token of a session: derived from its secret, so nothing more is stored. */
export const csrfTokenFor = (sessionToken: string) => createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
