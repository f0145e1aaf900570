// `npm start` refuses bad configuration with one readable line and exit code 1, no stack.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function start(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, DATABASE_URL: '', CITYGRID_DATA_DIR: 'memory://', CITYGRID_NO_SEED: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('start-up errors', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => blocker.close());

  it.each([
    ['a port in use', () => ({ PORT: String(port) }), /Port \d+ on 127\.0\.0\.1 is already in use\. Stop the other program or start with PORT=/],
    ['a PORT that is not a number', () => ({ PORT: 'eighty' }), /Invalid environment: PORT/],
    ['a DATABASE_URL that is not postgres', () => ({ DATABASE_URL: 'mysql://x@y/z', PORT: '0' }), /DATABASE_URL must start with postgres:\/\//],
    ['an unreachable database server', () => ({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x', PORT: '0' }), /Cannot reach PostgreSQL at 127\.0\.0\.1:1/],
  ])('%s', async (_name, env, message) => {
    const { code, out } = await start(env());
    expect(code).toBe(1);
    expect(out).toMatch(message);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).not.toMatch(/\n\s+at /);
  });
});
