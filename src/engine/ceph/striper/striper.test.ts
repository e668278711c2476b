import { describe, expect, it } from 'vitest';
import { fixtureJson } from '../__fixtures__/load.ts';
import { fileToExtents, rbdDataObjectName, rbdLayout } from './striper.ts';

interface StriperVectors {
  object_size: number;
  stripe_unit: number;
  stripe_count: number;
  block_name_prefix: string;
  tests: {
    image_offset: number;
    length: number;
    extents: {
      object: string;
      objectno: number;
      obj_off: number;
      obj_len: number;
      buffer_extents: [number, number][];
    }[];
  }[];
}

const sv = fixtureJson<StriperVectors>('provided/striper_vectors_live_rbd.json');

describe('Striper::file_to_extents', () => {
  it('matches every live librbd vector (object 1 MiB, su 64 KiB, sc 4)', () => {
    expect(sv.tests.length).toBeGreaterThanOrEqual(6);
    const id = sv.block_name_prefix.replace(/^rbd_data\./, '');
    for (const t of sv.tests) {
      const got = fileToExtents(
        (n) => rbdDataObjectName(id, n),
        { objectSize: sv.object_size, stripeUnit: sv.stripe_unit, stripeCount: sv.stripe_count },
        t.image_offset,
        t.length,
      );
      expect(got).toEqual(
        t.extents.map((e) => ({
          oid: e.object,
          objectNo: e.objectno,
          offset: e.obj_off,
          length: e.obj_len,
          bufferExtents: e.buffer_extents,
        })),
      );
    }
  });
  it('default layout: spec §2.2 live example (object 10 @24576)', () => {
    const got = fileToExtents(
      (n) => rbdDataObjectName('1060a12fe1b0', n),
      rbdLayout(22),
      10 * 4 * 2 ** 20 + 24576,
      4096,
    );
    expect(got).toEqual([
      {
        oid: 'rbd_data.1060a12fe1b0.000000000000000a',
        objectNo: 10,
        offset: 24576,
        length: 4096,
        bufferExtents: [[0, 4096]],
      },
    ]);
  });
  it('a 600-byte write straddling the 4 MiB boundary splits in two objects', () => {
    const got = fileToExtents(
      (n) => rbdDataObjectName('abc', n),
      rbdLayout(22),
      4 * 2 ** 20 - 300,
      600,
    );
    expect(got.map((e) => [e.objectNo, e.offset, e.length, e.bufferExtents])).toEqual([
      [0, 4 * 2 ** 20 - 300, 300, [[0, 300]]],
      [1, 0, 300, [[300, 300]]],
    ]);
  });
  it('an 8 MiB write at 0 covers objects 0 and 1 whole', () => {
    const got = fileToExtents((n) => rbdDataObjectName('abc', n), rbdLayout(22), 0, 8 * 2 ** 20);
    expect(got.map((e) => [e.oid, e.offset, e.length])).toEqual([
      ['rbd_data.abc.0000000000000000', 0, 4 * 2 ** 20],
      ['rbd_data.abc.0000000000000001', 0, 4 * 2 ** 20],
    ]);
  });
  it('property: extents tile the buffer exactly (many layouts, seeded)', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let k = 0; k < 300; k++) {
      const order = 12 + rnd(11);
      const os = 2 ** order;
      const su = os / 2 ** rnd(Math.min(order - 10, 4) + 1);
      const sc = 1 + rnd(6);
      const off = rnd(50 * os);
      const len = 1 + rnd(6 * os);
      const ex = fileToExtents(
        (n) => String(n),
        { objectSize: os, stripeUnit: su, stripeCount: sc },
        off,
        len,
      );
      const pieces = ex.flatMap((e) => e.bufferExtents).sort((a, b) => a[0] - b[0]);
      let at = 0;
      for (const [o, l] of pieces) {
        expect(o).toBe(at);
        at += l;
      }
      expect(at).toBe(len);
      for (const e of ex) expect(e.offset + e.length).toBeLessThanOrEqual(os);
    }
  });
});
