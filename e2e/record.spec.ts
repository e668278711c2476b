/**
 * `npm run record`: a built-in walkthrough becomes a non-empty video of the expected duration
 * (stops × seconds per stop, read back with ffprobe) in each of the three formats, and the
 * three recordings capture the very same frames (same input → same frames: the script prints
 * each stop's frame hash). Without ffmpeg the script stops with exit 2 and says how to install
 * it. CI installs ffmpeg (.ci/run), so there the video branch must run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures.ts';
import { BUILTIN_WALKTHROUGHS } from '../src/ui/walkthrough/builtins/index.ts';

const hasFfmpeg =
  spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;
const STOPS = BUILTIN_WALKTHROUGHS['daos-update']!.stops.length;

function record(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, ['scripts/record.mjs', 'daos-update', ...args], {
    encoding: 'utf8',
    env,
  });
}

test('without ffmpeg on the PATH, record says how to install it (exit 2)', () => {
  const empty = mkdtempSync(join(tmpdir(), 'iopath-nopath-'));
  const r = record(['--out', join(empty, 'demo.webm')], { ...process.env, PATH: empty });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/ffmpeg is not installed.*apt-get install ffmpeg/);
});

test('npm run record -- daos-update --out demo.webm|mp4|gif: videos of the expected duration, same frames', ({
  baseURL,
}) => {
  test.setTimeout(600_000); // three captures + encodes; minutes when the machine is shared
  if (!hasFfmpeg) {
    // CI must exercise the encoder (.ci/run installs ffmpeg); elsewhere, check the message.
    expect(process.env.CI, 'CI must have ffmpeg and ffprobe (.ci/run installs them)').toBeFalsy();
    const r = record(['--out', join(tmpdir(), 'demo.webm'), '--url', baseURL ?? '']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/ffmpeg is not installed.*apt-get install ffmpeg/);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'iopath-rec-'));
  const codec = { webm: 'vp9', mp4: 'h264', gif: 'gif' } as const;
  const hashes: string[][] = [];
  for (const ext of ['webm', 'mp4', 'gif'] as const) {
    const out = join(dir, `demo.${ext}`);
    const r = record([
      '--out',
      out,
      '--fps',
      '2',
      '--seconds-per-stop',
      '1',
      '--url',
      baseURL ?? '',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
      frames: number;
      seconds: number;
      stopHashes: string[];
    };
    expect(res.frames).toBe(STOPS * 2); // stops × 1 s × 2 fps
    expect(res.stopHashes).toHaveLength(STOPS);
    hashes.push(res.stopHashes);
    expect(statSync(out).size).toBeGreaterThan(10_000);
    const probe = spawnSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-show_entries',
        'format=duration:stream=codec_name,width,height',
        '-of',
        'json',
        out,
      ],
      { encoding: 'utf8' },
    );
    expect(probe.status, probe.stderr).toBe(0);
    const info = JSON.parse(probe.stdout) as {
      format: { duration: string };
      streams: { codec_name: string; width: number; height: number }[];
    };
    expect(info.streams[0]).toMatchObject({ codec_name: codec[ext], width: 1280, height: 720 });
    expect(Math.abs(Number(info.format.duration) - STOPS)).toBeLessThan(0.6);
  }
  // Three recordings of the same walkthrough: identical frames, stop by stop.
  expect(hashes[1]).toEqual(hashes[0]);
  expect(hashes[2]).toEqual(hashes[0]);
  // Each stop shows something else (the frames are not all one picture).
  expect(new Set(hashes[0]).size).toBeGreaterThan(STOPS / 2);
});
