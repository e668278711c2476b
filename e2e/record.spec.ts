/**
 * `npm run record`: with ffmpeg, a built-in walkthrough becomes a non-empty video of the
 * expected duration (stops × seconds per stop); without ffmpeg, the script stops with exit 2
 * and says how to install it. (ffmpeg is not part of CI; both branches are real checks.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures.ts';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

test('npm run record -- daos-update --out demo.webm', ({ baseURL }) => {
  test.setTimeout(240_000);
  const out = join(mkdtempSync(join(tmpdir(), 'iopath-rec-')), 'demo.webm');
  const r = spawnSync(
    process.execPath,
    [
      'scripts/record.mjs',
      'daos-update',
      '--out',
      out,
      '--fps',
      '2',
      '--seconds-per-stop',
      '1',
      '--url',
      baseURL ?? '',
    ],
    { encoding: 'utf8', env: process.env },
  );
  if (!hasFfmpeg) {
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/ffmpeg is not installed.*apt-get install ffmpeg/);
    return;
  }
  expect(r.status, r.stderr).toBe(0);
  const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
    frames: number;
    seconds: number;
  };
  expect(res.frames).toBe(12 * 2); // 12 stops × 1 s × 2 fps
  expect(statSync(out).size).toBeGreaterThan(10_000);
  const probe = spawnSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', out],
    { encoding: 'utf8' },
  );
  if (probe.status === 0) expect(Number(probe.stdout)).toBeCloseTo(12, 0);
});
