import { describe, expect, it } from 'vitest';
import { fixtureJson } from '../__fixtures__/load.ts';
import { crushHash32_2, crushHash32_3 } from './rjenkins.ts';
import { cephStrHashLinux, cephStrHashRjenkins } from './str-hash.ts';
import { calcPgMask, cephStableMod } from './stable-mod.ts';

interface HashVectors {
  crush_hash32_2: [number, number, number][];
  crush_hash32_3: [number, number, number, number][];
  crush_ln: Record<string, number>;
  ceph_str_hash_rjenkins: Record<string, number>;
}
const hv = fixtureJson<HashVectors>('provided/hash_vectors.json');

describe('rjenkins1 (vectors from libceph-common 16.2.15)', () => {
  it('crush_hash32_2: all 200 vectors', () => {
    expect(hv.crush_hash32_2.length).toBe(200);
    for (const [a, b, h] of hv.crush_hash32_2) expect(crushHash32_2(a, b)).toBe(h);
  });
  it('crush_hash32_3: all 200 vectors', () => {
    expect(hv.crush_hash32_3.length).toBe(200);
    for (const [a, b, c, h] of hv.crush_hash32_3) expect(crushHash32_3(a, b, c)).toBe(h);
  });
  it('negative bucket ids hash as two’s complement', () => {
    expect(crushHash32_3(5, -1, 0)).toBe(crushHash32_3(5, 0xffffffff, 0));
  });
});

describe('ceph_str_hash_rjenkins', () => {
  it('matches every reference value (incl. empty string and 11/12/13-byte tails)', () => {
    const entries = Object.entries(hv.ceph_str_hash_rjenkins);
    expect(entries.length).toBeGreaterThan(8);
    for (const [k, v] of entries) expect(cephStrHashRjenkins(k)).toBe(v);
  });
  it('spec §3.3 live values', () => {
    expect(cephStrHashRjenkins('testobj')).toBe(0x0780569b);
    expect(cephStrHashRjenkins('foo')).toBe(0x7fc1f406);
    expect(cephStrHashRjenkins('rbd_directory')).toBe(0x30a98c1c);
    expect(cephStrHashRjenkins('')).toBe(0xbd49d10d);
  });
});

describe('ceph_str_hash_linux', () => {
  it('is the dcache hash truncated to 32 bits', () => {
    // Reference computed with unbounded integers, reduced mod 2^32.
    const ref = (s: string): number => {
      let h = 0n;
      for (const c of Buffer.from(s, 'utf8')) h = (h + (BigInt(c) << 4n) + (BigInt(c) >> 4n)) * 11n;
      return Number(h & 0xffffffffn);
    };
    for (const s of ['', 'a', 'foo', 'rbd_data.1014b8b4567.0000000000000000', 'x'.repeat(300)])
      expect(cephStrHashLinux(s)).toBe(ref(s));
  });
});

describe('ceph_stable_mod', () => {
  it('folds values above pg_num into the lower half', () => {
    expect(calcPgMask(64)).toBe(63);
    expect(calcPgMask(100)).toBe(127);
    expect(calcPgMask(1)).toBe(0);
    expect(cephStableMod(0xf4cdbd3b, 64, 63)).toBe(0x3b);
    expect(cephStableMod(0xf4cdbd3b, 100, 127)).toBe(0x3b);
    expect(cephStableMod(120, 100, 127)).toBe(120 & 63);
  });
});
