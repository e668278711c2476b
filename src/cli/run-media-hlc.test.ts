import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { objSetup } from '../engine/daos/test-docs.ts';
import { iopath } from './test-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'iopath-hlc-'));

const IOD = { akey: 'a', type: 'DAOS_IOD_SINGLE', size: 11 };

function scenario(name: string, ops: unknown[]): string {
  const file = join(tmp, name);
  writeFileSync(
    file,
    JSON.stringify({
      schema: 'iopath.scenario/1',
      seed: 5,
      cluster: {
        daos: { engines: 1, targets_per_engine: 1, scm_bytes: 2 << 20, nvme_bytes: 1 << 20 },
      },
      ops: [...objSetup('OC_S1', { pool: 'tank', lo: 7 }), ...ops],
    }),
  );
  return file;
}

const put = (v: string): unknown => ({
  op: 'daos_obj_update',
  obj: 'o',
  dkey: 'd',
  iods: [IOD],
  data: [{ utf8: v }],
});

/** The epochs the server chose (`process_epoch` exits) in a trace file. */
function epochs(traceFile: string): bigint[] {
  const t = JSON.parse(readFileSync(traceFile, 'utf8')) as {
    events: { step: string; phase: string; data?: { orw_epoch?: string } }[];
  };
  return t.events
    .filter((e) => e.step === 'process_epoch' && e.phase === 'exit' && e.data?.orw_epoch)
    .map((e) => BigInt(e.data?.orw_epoch as string));
}

describe('iopath run --media DIR: the HLC starts above the epochs already on the devices', () => {
  it('a second run over the same devices writes at higher epochs, and its value wins', () => {
    const dir = join(tmp, 'media');
    const first = scenario('first.json', [put('first run!!')]);
    const second = scenario('second.json', [put('second run!')]);
    const read = scenario('read.json', [
      { op: 'daos_obj_fetch', obj: 'o', dkey: 'd', iods: [IOD] },
    ]);
    const t1 = join(tmp, 't1.json');
    const t2 = join(tmp, 't2.json');
    expect(iopath('run', first, '--media', dir, '--trace', t1).code).toBe(0);
    expect(iopath('run', second, '--media', dir, '--trace', t2).code).toBe(0);
    const [e1] = epochs(t1);
    const [e2] = epochs(t2);
    expect(e1).toBeDefined();
    expect(e2).toBeDefined();
    // Same seed, same virtual time: without the media's epochs both runs would pick the same.
    expect((e2 as bigint) > (e1 as bigint)).toBe(true);
    const r = iopath('run', read, '--media', dir);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { ops: { op: string; result?: unknown }[] };
    const f = out.ops.find((o) => o.op === 'daos_obj_fetch');
    expect((f?.result as { data: { utf8?: string }[] }).data[0]?.utf8).toBe('second run!');
  });

  it('without --media two runs pick the same epochs (deterministic virtual clock)', () => {
    const file = scenario('plain.json', [put('plain value')]);
    const a = join(tmp, 'a.json');
    const b = join(tmp, 'b.json');
    expect(iopath('run', file, '--trace', a).code).toBe(0);
    expect(iopath('run', file, '--trace', b).code).toBe(0);
    expect(epochs(a)).toEqual(epochs(b));
  });
});
