// What the browser tests and the render bench share: starting CityGrid as a newcomer would
// (`server/main.ts` on the embedded engine), Debian's Chromium through playwright-core, and
// reading pixels of what is on screen.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';

export const root = resolve(import.meta.dirname, '../..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => r(port));
    });
  });
}

/** Starts the server on an embedded data folder (seeding it the first time); resolves when ready. */
export async function startServer(port: number, dataDir: string, log: (line: string) => void = (l) => process.stdout.write(`[server] ${l}`)): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', CITYGRID_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      fail(new Error('server not ready within 10 minutes'));
    }, 600_000);
    child.stdout!.on('data', (d: Buffer) => {
      log(d.toString());
      if (d.toString().includes('CityGrid ready')) {
        clearTimeout(timer);
        ok();
      }
    });
    child.stderr!.on('data', (d: Buffer) => log(d.toString()));
    child.on('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  return child;
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** Decodes an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium's screenshots are). */
export function decodePng(png: Buffer): { width: number; height: number; channels: number; data: Uint8Array } {
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 4;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('ascii', pos + 4, pos + 8);
    const body = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[12] !== 0) throw new Error('only 8-bit non-interlaced PNGs');
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      if (!channels) throw new Error(`unsupported PNG colour type ${body[9]}`);
    } else if (type === 'IDAT') idat.push(body);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[y * stride + x - channels] : 0;
      const b = y > 0 ? data[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? data[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      data[y * stride + x] = (line[x] + pred) & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** The colours of a small square of the page around (x, y), as [r, g, b] per pixel. */
export async function pixelsAround(page: Page, x: number, y: number, radius = 2): Promise<[number, number, number][]> {
  const png = decodePng(await page.screenshot({ clip: { x: Math.round(x) - radius, y: Math.round(y) - radius, width: 2 * radius + 1, height: 2 * radius + 1 } }));
  const out: [number, number, number][] = [];
  for (let i = 0; i < png.width * png.height; i++) out.push([png.data[i * png.channels], png.data[i * png.channels + 1], png.data[i * png.channels + 2]]);
  return out;
}

export const colourDistance = (a: [number, number, number], b: [number, number, number]) => Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));

export const hex = (s: string): [number, number, number] => [parseInt(s.slice(1, 3), 16), parseInt(s.slice(3, 5), 16), parseInt(s.slice(5, 7), 16)];
