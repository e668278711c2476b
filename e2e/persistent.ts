/**
 * A persistent Chromium profile and a loopback server, for the specs that need storage to
 * survive a reload (the default Playwright context is off-the-record: OPFS and IndexedDB
 * would live in memory). Each spec gets its own temporary folder, server and profile.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { build } from 'vite';
import { chromium, type BrowserContext } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.ts';

export const root = resolve(import.meta.dirname, '..');

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export interface PersistentBrowser {
  /** The spec's temporary folder (build output, profile). */
  dir: string;
  /** `http://127.0.0.1:<port>/` */
  base: string;
  ctx: BrowserContext;
  close(): Promise<void>;
}

/** Serve `handler` on loopback and open a persistent Chromium profile in a new temp folder. */
export async function persistentBrowser(
  prefix: string,
  handler: (dir: string) => Promise<RequestListener>,
): Promise<PersistentBrowser> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const server: Server = createServer(await handler(dir));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const executablePath =
    process.env.IOPATH_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const ctx = await chromium.launchPersistentContext(join(dir, 'profile'), {
    headless: true,
    executablePath,
    args: chromiumArgs.filter((a) => a !== '--headless'),
  });
  return {
    dir,
    base,
    ctx,
    async close() {
      await ctx.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The built app as a static site (unknown paths → index.html): IOPATH_E2E_DIST when that build
 * exists (scripts/e2e.mjs with IOPATH_SKIP_BUILD), else a fresh build into `dir`.
 */
export async function appSite(dir: string): Promise<RequestListener> {
  const prebuilt = process.env.IOPATH_E2E_DIST;
  let out = join(dir, 'dist');
  if (prebuilt && existsSync(join(prebuilt, 'index.html'))) out = resolve(prebuilt);
  else await build({ root, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  return (req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    let file = join(out, path);
    if (!file.startsWith(out) || !existsSync(file) || path === '/') file = join(out, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  };
}
