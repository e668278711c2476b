import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { objSetup } from '../engine/daos/test-docs.ts';
import { iopath } from './test-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'iopath-media-'));

const SETUP = objSetup('OC_S1', { pool: 'tank' });
const IOD = { akey: 'a', type: 'DAOS_IOD_SINGLE', size: 11 };

function scenario(name: string, ops: unknown[]): string {
  const file = join(tmp, name);
  writeFileSync(
    file,
    JSON.stringify({
      schema: 'iopath.scenario/1',
      seed: 5,
      cluster: {
        daos: { engines: 1, targets_per_engine: 2, scm_bytes: 2 << 20, nvme_bytes: 1 << 20 },
      },
      ops: [...SETUP, ...ops],
    }),
  );
  return file;
}

const update = scenario('update.json', [
  { op: 'daos_obj_update', obj: 'o', dkey: 'd', iods: [IOD], data: [{ utf8: 'kept bytes!' }] },
]);
const fetch = scenario('fetch.json', [{ op: 'daos_obj_fetch', obj: 'o', dkey: 'd', iods: [IOD] }]);

function fetched(stdout: string): unknown {
  const out = JSON.parse(stdout) as { ops: { op: string; rc: number; result: unknown }[] };
  const f = out.ops.find((o) => o.op === 'daos_obj_fetch');
  expect(f?.rc).toBe(0);
  return (f?.result as { data: { utf8?: string }[] }).data[0]?.utf8;
}

describe('iopath run --media DIR', () => {
  it('keeps the devices between runs: a fetch-only run sees the update-only run’s bytes', () => {
    const dir = join(tmp, 'media');
    const a = iopath('run', update, '--media', dir);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    // The target the dkey hashed to got its images (and only devices that were used exist).
    expect(
      existsSync(join(dir, 'engine0.tgt0.scm.img')) ||
        existsSync(join(dir, 'engine0.tgt1.scm.img')),
    ).toBe(true);
    const b = iopath('run', fetch, '--media', dir);
    expect(b.code).toBe(0);
    expect(fetched(b.stdout)).toBe('kept bytes!');
  });

  it('without --media nothing survives: the same fetch finds no value', () => {
    const b = iopath('run', fetch);
    expect(b.code).toBe(0);
    expect(fetched(b.stdout) ?? '').toBe('');
  });
});
