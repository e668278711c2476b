/**
 * `iopath run FILE --media DIR` keeps Ceph OSD devices too (`osd.N.block.img`): the OSDs of
 * a later run mount what the earlier run left (BlueStore: RocksDB table + WAL replay;
 * FileStore: committed table + journal replay) and a read-only run sees the bytes.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iopath } from './test-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'iopath-ceph-media-'));

function scenario(name: string, store: string, ops: unknown[]): string {
  const file = join(tmp, `${store}-${name}`);
  writeFileSync(
    file,
    JSON.stringify({
      schema: 'iopath.scenario/1',
      seed: 5,
      cluster: {
        ceph: {
          objectstore: store,
          crush_map: { hosts: 3, osds_per_host: 1 },
          pools: [{ name: 'p', size: 3, min_size: 2, pg_num: 8 }],
        },
      },
      ops,
    }),
  );
  return file;
}

function reads(stdout: string): Array<string | undefined> {
  const out = JSON.parse(stdout) as {
    ops: { op: string; rc: number; result: { value?: { utf8?: string } } | null }[];
  };
  return out.ops.filter((o) => o.op === 'rados_read').map((o) => o.result?.value?.utf8);
}

describe.each(['bluestore', 'filestore'])('iopath run --media DIR with %s OSDs', (store) => {
  const write = (oid: string, text: string) => ({
    op: 'rados_write_full',
    pool: 'p',
    oid,
    value: { utf8: text },
  });
  const read = (oid: string, len: number) => ({ op: 'rados_read', pool: 'p', oid, len });

  it('a read-only run sees what the earlier runs wrote; without --media nothing survives', () => {
    const dir = join(tmp, `media-${store}`);
    const a = iopath(
      'run',
      scenario('a.json', store, [write('a', 'kept ceph bytes')]),
      '--media',
      dir,
    );
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    for (const o of [0, 1, 2]) expect(existsSync(join(dir, `osd.${o}.block.img`))).toBe(true);
    // A second run adds an object over the mounted stores (allocator rebuilt from the device).
    const b = iopath(
      'run',
      scenario('b.json', store, [write('b', 'second run'), read('a', 15)]),
      '--media',
      dir,
    );
    expect(b.code).toBe(0);
    expect(reads(b.stdout)).toEqual(['kept ceph bytes']);
    const readBoth = scenario('r.json', store, [read('a', 15), read('b', 10)]);
    const c = iopath('run', readBoth, '--media', dir);
    expect(c.code).toBe(0);
    expect(reads(c.stdout)).toEqual(['kept ceph bytes', 'second run']);
    const d = iopath('run', readBoth);
    expect(d.code).toBe(0);
    expect(reads(d.stdout)).toEqual([undefined, undefined]);
  });
});
