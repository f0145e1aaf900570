// Throwaway databases on a PostgreSQL server, one per test run (never the one in DATABASE_URL).
import pg from 'pg';

let made = 0;

/**
 * Creates an empty database named after `prefix` (unique to this process and call) and returns
 * its URL. With `template` (the URL of a database nobody is connected to), a copy of that one.
 */
export async function createServerDatabase(serverUrl: string, prefix: string, opts: { template?: string } = {}): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${++made}`;
  const template = opts.template ? ` template "${new URL(opts.template).pathname.slice(1)}"` : '';
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`create database "${name}"${template}`);
        break;
      } catch (err) {
        // a template's last connection may still be closing on the server (55006): wait a little
        if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropServerDatabase(serverUrl: string, dbUrl: string): Promise<void> {
  const name = new URL(dbUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}
