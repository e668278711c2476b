// `npm run record -- <walkthrough file | built-in name> --out demo.webm|mp4|gif`
//
// Drives presenter mode in headless Chromium (Playwright) and encodes a video with ffmpeg.
// Deterministic: a fixed viewport, light theme, reduced motion, and one screenshot per stop
// repeated for a fixed number of frames at a fixed frame rate — the same input gives the same
// frames (and, with single-threaded encoders, the same file).
//
// Options: --fps N (10), --seconds-per-stop S (3), --size WxH (1280x720), --frames DIR (keep
// the PNG frames there; with --frames and no --out, ffmpeg is not needed), --url BASE (use a
// running server instead of building and previewing dist/).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { findBrowser } from './find-browser.mjs';

// The built-in walkthrough names, as the page knows them (the keys of BUILTIN_WALKTHROUGHS).
const BUILTINS = [
  ...readFileSync(
    new URL('../src/ui/walkthrough/builtins/index.ts', import.meta.url),
    'utf8',
  ).matchAll(/^\s*'([a-z0-9-]+)': [A-Z_]+,$/gm),
].map((m) => m[1]);

/**
 * Injected before the app's first paint: no CSS transitions/animations, no caret, and pinned
 * fonts (DejaVu, Debian's default) instead of `system-ui`, whose resolution depends on the
 * machine's fontconfig.
 */
const CAPTURE_CSS = `
*,*::before,*::after{transition:none!important;animation:none!important;caret-color:transparent!important;scroll-behavior:auto!important}
:root{--sans:'DejaVu Sans',sans-serif!important;--mono:'DejaVu Sans Mono',monospace!important}`;

/**
 * Chromium flags for reproducible pixels: software raster on one thread (no GPU, no
 * SwiftShader/driver differences, no tile races), no font hinting, LCD text or subpixel glyph
 * positioning, sRGB, scale 1, compositor animations and scrolling on the main thread.
 */
export const CAPTURE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-gpu-compositing',
  '--disable-gpu-rasterization',
  '--num-raster-threads=1',
  '--disable-partial-raster',
  '--disable-checker-imaging',
  '--disable-skia-runtime-opts',
  '--font-render-hinting=none',
  '--disable-lcd-text',
  '--disable-font-subpixel-positioning',
  '--force-color-profile=srgb',
  '--force-device-scale-factor=1',
  '--disable-threaded-animation',
  '--disable-threaded-scrolling',
  '--disable-smooth-scrolling',
  '--hide-scrollbars',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--run-all-compositor-stages-before-draw',
];

function die(msg, code = 2) {
  console.error(`record: ${msg}`);
  process.exit(code);
}

function parse(argv) {
  const o = { fps: 10, perStop: 3, width: 1280, height: 720 };
  const pos = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) die(`${a}: expected a value`);
      return v;
    };
    if (a === '--out') o.out = val();
    else if (a === '--fps') o.fps = Number(val());
    else if (a === '--seconds-per-stop') o.perStop = Number(val());
    else if (a === '--frames') o.frames = val();
    else if (a === '--url') o.url = val();
    else if (a === '--size') {
      const m = /^(\d+)x(\d+)$/.exec(val());
      if (!m) die('--size: expected WxH, e.g. 1280x720');
      o.width = Number(m[1]);
      o.height = Number(m[2]);
    } else if (a.startsWith('--')) die(`${a}: unknown option`);
    else pos.push(a);
  }
  if (pos.length !== 1)
    die(
      'usage: npm run record -- <walkthrough file | built-in name> --out demo.webm|mp4|gif [--fps N] [--seconds-per-stop S] [--size WxH] [--frames DIR]',
    );
  o.input = pos[0];
  if (!o.out && !o.frames) die('--out: expected demo.webm, demo.mp4 or demo.gif');
  if (o.out && !['.webm', '.mp4', '.gif'].includes(extname(o.out)))
    die('--out: the file must end in .webm, .mp4 or .gif');
  if (!(o.fps >= 1 && o.fps <= 60)) die('--fps: expected 1..60');
  if (!(o.perStop > 0 && o.perStop <= 60))
    die('--seconds-per-stop: expected a number of seconds in (0, 60]');
  return o;
}

function checkFfmpeg() {
  const r = spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    die(
      'ffmpeg is not installed. Install it: Debian/Ubuntu `sudo apt-get install ffmpeg`, Fedora `sudo dnf install ffmpeg`, macOS `brew install ffmpeg`. (Or pass --frames DIR to keep the PNG frames only.)',
    );
}

async function startServer() {
  if (!existsSync('dist/index.html')) {
    console.error('record: building the app (vite build) …');
    const b = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
    if (b.status !== 0) die('vite build failed', 1);
  }
  const port = 4300 + (process.pid % 500);
  const child = spawn(
    'npx',
    ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    {
      stdio: 'ignore',
      detached: true,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return { url, stop: () => process.kill(-child.pid) };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  process.kill(-child.pid);
  die('the preview server did not start', 1);
}

async function main() {
  const o = parse(process.argv.slice(2));
  if (o.out) checkFfmpeg();
  let file = null;
  if (existsSync(o.input) && statSync(o.input).isFile()) {
    file = resolve(o.input);
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      if (doc?.schema !== 'iopath.walkthrough/1')
        die(`${o.input}: schema: expected "iopath.walkthrough/1"`);
    } catch (e) {
      if (e instanceof SyntaxError)
        die(`${o.input}: $: not JSON (${e.message.replace(/\s+/g, ' ').slice(0, 120)})`);
      throw e;
    }
  } else if (!BUILTINS.includes(o.input)) {
    die(`${o.input}: no such file or built-in walkthrough (built-ins: ${BUILTINS.join(', ')})`);
  }

  const { chromium } = await import('playwright-core');
  const server = o.url
    ? { url: o.url.replace(/\/$/, ''), stop: () => undefined }
    : await startServer();
  const framesDir = o.frames ? resolve(o.frames) : mkdtempSync(join(tmpdir(), 'iopath-record-'));
  mkdirSync(framesDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: await findBrowser(),
    args: CAPTURE_FLAGS,
  });
  let frame = 0;
  /** sha256 of each stop's frame: two recordings of the same input print the same list. */
  const stopHashes = [];
  try {
    const ctx = await browser.newContext({
      viewport: { width: o.width, height: o.height },
      deviceScaleFactor: 1,
      reducedMotion: 'reduce',
      colorScheme: 'light',
    });
    await ctx.addInitScript((css) => {
      // Runs in the page (this file is linted as Node code: reach the DOM through globalThis).
      const { document, localStorage } = globalThis;
      localStorage.setItem('iopath.theme', 'light');
      const add = () => {
        const st = document.createElement('style');
        st.dataset.record = '1';
        st.textContent = css;
        document.head.append(st);
      };
      if (document.head) add();
      else document.addEventListener('DOMContentLoaded', add, { once: true });
    }, CAPTURE_CSS);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`record: page error: ${e.message}`));
    if (file) {
      await page.goto(`${server.url}/?present=1`);
      await page.getByTestId('import-file').setInputFiles(file);
    } else {
      await page.goto(`${server.url}/?walkthrough=${encodeURIComponent(o.input)}&present=1`);
    }
    await page.evaluate(() => globalThis.document.fonts.ready.then(() => undefined));
    const progress = page.getByTestId('presenter-progress');
    await progress.waitFor({ timeout: 60_000 });
    const total = Number(((await progress.textContent()) ?? '').split('/')[1]);
    if (!(total > 0)) die('the walkthrough has no stops', 1);
    const perStop = Math.round(o.fps * o.perStop);
    for (let k = 1; k <= total; k++) {
      await page.waitForFunction(
        (want) => {
          const p =
            globalThis.document.querySelector('[data-testid="presenter-progress"]')?.textContent ??
            '';
          const c =
            globalThis.document.querySelector('[data-testid="presenter-caption"]')?.textContent ??
            '';
          return p.trim().startsWith(`${want} /`) && !c.startsWith('Running the scenario');
        },
        k,
        { timeout: 60_000 },
      );
      // Same input → same frames: take the stop's picture once the page stopped changing
      // (the flow view pans/fits after a step; transitions are off, see the style tag).
      let png = await page.screenshot({ type: 'png', animations: 'disabled', caret: 'hide' });
      let stable = false;
      for (let tries = 0; tries < 20 && !stable; tries++) {
        await page.waitForTimeout(150);
        const again = await page.screenshot({ type: 'png', animations: 'disabled', caret: 'hide' });
        stable = again.equals(png);
        png = again;
      }
      if (!stable) console.error(`record: stop ${k} did not settle in 3 s; using its last frame`);
      stopHashes.push(createHash('sha256').update(png).digest('hex'));
      for (let i = 0; i < perStop; i++)
        writeFileSync(join(framesDir, `${String(frame++).padStart(6, '0')}.png`), png);
      if (k < total) await page.keyboard.press('PageDown');
    }
  } finally {
    await browser.close();
    server.stop();
  }
  console.error(
    `record: ${frame} frames at ${o.fps} fps (${(frame / o.fps).toFixed(1)} s) in ${framesDir}`,
  );
  const summary = { frames: frame, fps: o.fps, seconds: frame / o.fps, stopHashes };
  if (!o.out) {
    console.log(JSON.stringify({ framesDir, ...summary }));
    return;
  }
  const input = [
    '-y',
    '-loglevel',
    'error',
    '-framerate',
    String(o.fps),
    '-i',
    join(framesDir, '%06d.png'),
  ];
  const ext = extname(o.out);
  const args =
    ext === '.webm'
      ? [
          ...input,
          '-c:v',
          'libvpx-vp9',
          '-b:v',
          '0',
          '-crf',
          '33',
          '-pix_fmt',
          'yuv420p',
          '-threads',
          '1',
          '-row-mt',
          '0',
          o.out,
        ]
      : ext === '.mp4'
        ? [
            ...input,
            '-c:v',
            'libx264',
            '-preset',
            'medium',
            '-crf',
            '23',
            '-pix_fmt',
            'yuv420p',
            '-threads',
            '1',
            '-movflags',
            '+faststart',
            o.out,
          ]
        : [
            ...input,
            '-filter_complex',
            '[0:v]split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer',
            '-threads',
            '1',
            o.out,
          ];
  const r = spawnSync('ffmpeg', args, { stdio: 'inherit' });
  if (r.status !== 0) die('ffmpeg failed', 1);
  if (!o.frames) rmSync(framesDir, { recursive: true, force: true });
  console.log(JSON.stringify({ out: o.out, ...summary, bytes: statSync(o.out).size }));
}

main().catch((e) => die(e?.stack ?? String(e), 1));
