/**
 * Media storage in a real browser (issue #3), in a PERSISTENT profile — the default Playwright
 * context is off-the-record, where OPFS and IndexedDB live in memory (browser-limits.md).
 * A small probe worker (media-storage/probe.worker.ts, bundled here with Vite) opens devices
 * through openBestBackend and writes through umem transactions:
 * - OPFS: write, reload, the value is there;
 * - IndexedDB: the same;
 * - a second tab opening a store the first tab holds gets "in use by another tab".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { persistentBrowser, root, type PersistentBrowser } from './persistent.ts';

let browser: PersistentBrowser | undefined;
let ctx: BrowserContext;
let base = '';

const html = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>probe</title>
<script type="module">
const w = new Worker('/probe.js', { type: 'module' });
let next = Promise.resolve();
window.probe = (req) => (next = next.then(() => new Promise((res) => {
  w.onmessage = (e) => res(e.data);
  w.postMessage(req);
})));
</script>`;

interface Reply {
  ok: boolean;
  result?: { kind: string; notes: string[]; prev: string };
  name?: string;
  error?: string;
}

const probe = (page: Page, req: object): Promise<Reply> =>
  page.evaluate((r) => (window as unknown as { probe(r: object): Promise<Reply> }).probe(r), req);

/** The probe page and its worker, bundled with Vite into the spec's folder. */
async function probeSite(dir: string) {
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      outDir: join(dir, 'dist'),
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      lib: {
        entry: join(root, 'e2e/media-storage/probe.worker.ts'),
        formats: ['es'],
        fileName: () => 'probe.js',
      },
    },
  });
  const js = readFileSync(join(dir, 'dist/probe.js'));
  return (req: IncomingMessage, res: ServerResponse) => {
    const isJs = req.url === '/probe.js';
    res.writeHead(200, { 'content-type': isJs ? 'text/javascript' : 'text/html' });
    res.end(isJs ? js : html);
  };
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  browser = await persistentBrowser('iopath-e2e-media-', probeSite);
  ({ ctx, base } = browser);
});

test.afterAll(async () => {
  await browser?.close();
});

for (const kind of ['opfs', 'idb'] as const) {
  test(`${kind}: a committed value survives a reload`, async () => {
    const page = await ctx.newPage();
    await page.goto(base);
    const w = await probe(page, {
      cmd: 'write',
      kind,
      name: `dev-${kind}`,
      value: `hello ${kind}`,
    });
    expect(w.ok, w.error).toBe(true);
    expect(w.result?.kind).toBe(kind);
    await page.reload();
    const r = await probe(page, { cmd: 'read', kind, name: `dev-${kind}` });
    expect(r.ok, r.error).toBe(true);
    expect(r.result?.kind).toBe(kind);
    expect(r.result?.prev).toBe(`hello ${kind}`);
    await page.close();
  });
}

test('a second tab gets "in use by another tab"', async () => {
  const a = await ctx.newPage();
  await a.goto(base);
  const held = await probe(a, { cmd: 'hold', kind: 'opfs', name: 'dev-shared' });
  expect(held.ok, held.error).toBe(true);
  const b = await ctx.newPage();
  await b.goto(base);
  const second = await probe(b, { cmd: 'write', kind: 'opfs', name: 'dev-shared', value: 'x' });
  expect(second.ok).toBe(false);
  expect(second.name).toBe('StoreInUseError');
  expect(second.error).toMatch(/in use by another tab/);
  // Once the first tab goes away its lock is released — asynchronously (the closed page's
  // worker and its Web Lock go away a little later), so poll instead of assuming it is instant.
  await a.close();
  await expect
    .poll(
      async () =>
        (await probe(b, { cmd: 'write', kind: 'opfs', name: 'dev-shared', value: 'y' })).ok,
      { timeout: 15_000 },
    )
    .toBe(true);
  await b.close();
});
