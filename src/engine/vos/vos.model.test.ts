/**
 * Model-based property tests: random sequences of single-value and array updates (SCM- and
 * NVMe-sized), punches of akeys/dkeys/the object and fetches at random epochs, compared with a
 * plain in-memory model of versions; and power cuts at random persistence points followed by
 * recovery (the store must equal the model after the last committed update, all or nothing).
 */
import { describe, expect, it } from 'vitest';
import { der } from '../core/errors.ts';
import { createRuntime } from '../core/runtime.ts';
import { Rng } from '../core/rng.ts';
import { PowerCutError } from '../media/index.ts';
import type { Scm, Nvme } from '../media/index.ts';
import { createVosTarget, openVosTarget } from './target.ts';
import { arrIod, svIod, Vos, wrap } from './test-helpers.ts';
import type { VosIod } from './types.ts';

// ---- the reference model --------------------------------------------------------------------

interface MSv {
  e: number;
  data: Uint8Array | null;
}
interface MExt {
  lo: number;
  hi: number;
  e: number;
  data: Uint8Array | null;
}
interface MAkey {
  updates: number[];
  punches: number[];
  svs: MSv[];
  exts: MExt[];
}
interface MDkey {
  punches: number[];
  akeys: Map<string, MAkey>;
}

const AKEYS = ['sv0', 'sv1', 'ar1', 'ar16', 'ar1024'];
const isSv = (ak: string): boolean => ak.startsWith('sv');
const rsizeOf = (ak: string): number => Number(ak.slice(2));

class Model {
  objPunches: number[] = [];
  dkeys = new Map<string, MDkey>();
  /** Read timestamps (rh) and highest writes per path prefix. */
  rh = new Map<string, number>();
  wh = new Map<string, number>();

  clone(): Model {
    const m = new Model();
    m.objPunches = [...this.objPunches];
    for (const [k, d] of this.dkeys) {
      const akeys = new Map<string, MAkey>();
      for (const [a, x] of d.akeys)
        akeys.set(a, {
          updates: [...x.updates],
          punches: [...x.punches],
          svs: [...x.svs],
          exts: [...x.exts],
        });
      m.dkeys.set(k, { punches: [...d.punches], akeys });
    }
    m.rh = new Map(this.rh);
    m.wh = new Map(this.wh);
    return m;
  }

  dk(d: string): MDkey {
    let x = this.dkeys.get(d);
    if (!x) {
      x = { punches: [], akeys: new Map() };
      this.dkeys.set(d, x);
    }
    return x;
  }

  ak(d: string, a: string): MAkey {
    const dk = this.dk(d);
    let x = dk.akeys.get(a);
    if (!x) {
      x = { updates: [], punches: [], svs: [], exts: [] };
      dk.akeys.set(a, x);
    }
    return x;
  }

  private static maxLe(xs: number[], e: number): number {
    let m = -1;
    for (const x of xs) if (x <= e && x > m) m = x;
    return m;
  }

  lastPunch(d: string, a: string | null, e: number): number {
    const dk = this.dkeys.get(d);
    let p = Model.maxLe(this.objPunches, e);
    if (dk) p = Math.max(p, Model.maxLe(dk.punches, e));
    const ak = a === null ? undefined : dk?.akeys.get(a);
    if (ak) p = Math.max(p, Model.maxLe(ak.punches, e));
    return p;
  }

  akeyExists(d: string, a: string, e: number): boolean {
    const ak = this.dkeys.get(d)?.akeys.get(a);
    if (!ak) return false;
    const p = this.lastPunch(d, a, e);
    return ak.updates.some((u) => u <= e && u > p);
  }

  /** Expected fetch of an SV: its bytes or null (size 0). */
  sv(d: string, a: string, e: number): Uint8Array | null {
    if (!this.akeyExists(d, a, e)) return null;
    const ak = this.dkeys.get(d)?.akeys.get(a) as MAkey;
    const p = this.lastPunch(d, a, e);
    let best: MSv | null = null;
    for (const s of ak.svs) if (s.e <= e && s.e > p && (best === null || s.e > best.e)) best = s;
    return best?.data ?? null;
  }

  /** Expected array fetch of [lo, lo+nr): per record its bytes or null (hole). */
  arr(d: string, a: string, e: number, lo: number, nr: number): (Uint8Array | null)[] {
    const rs = rsizeOf(a);
    const out: (Uint8Array | null)[] = new Array<Uint8Array | null>(nr).fill(null);
    if (!this.akeyExists(d, a, e)) return out;
    const ak = this.dkeys.get(d)?.akeys.get(a) as MAkey;
    const p = this.lastPunch(d, a, e);
    for (let i = 0; i < nr; i++) {
      const idx = lo + i;
      let best: MExt | null = null;
      for (const x of ak.exts)
        if (x.e <= e && x.e > p && x.lo <= idx && idx <= x.hi && (best === null || x.e > best.e))
          best = x;
      if (best?.data) out[i] = best.data.slice((idx - best.lo) * rs, (idx - best.lo + 1) * rs);
    }
    return out;
  }

  read(path: string[], e: number): void {
    for (let i = 1; i <= path.length; i++) {
      const k = path.slice(0, i).join('/');
      this.rh.set(k, Math.max(this.rh.get(k) ?? 0, e));
    }
  }

  wrote(path: string[], e: number): void {
    for (let i = 1; i <= path.length; i++) {
      const k = path.slice(0, i).join('/');
      this.wh.set(k, Math.max(this.wh.get(k) ?? 0, e));
    }
  }

  /** A write at the end of `path` conflicts with a read at ≥ e of that entity. */
  conflict(path: string[], e: number): boolean {
    return (this.rh.get(path.join('/')) ?? 0) >= e;
  }

  underPunch(path: string[], e: number): boolean {
    return (this.wh.get(path.join('/')) ?? 0) > e;
  }
}

// ---- random operations ----------------------------------------------------------------------

function bytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = 33 + rng.int(0, 90);
  return b;
}

interface Ctx {
  rng: Rng;
  v: Vos;
  m: Model;
  cur: number;
  used: Set<number>;
  /** How the op now running changes the model if it commits (for power-cut checks). */
  pending?: (mm: Model) => void;
}

function writeEpoch(c: Ctx): number {
  let e: number;
  if (c.rng.chance(0.2)) {
    do e = c.rng.int(1, c.cur + 1);
    while (c.used.has(e) && c.used.size < c.cur);
    if (c.used.has(e)) e = ++c.cur;
  } else {
    c.cur += c.rng.int(1, 3);
    e = c.cur;
  }
  c.used.add(e);
  if (e > c.cur) c.cur = e;
  return e;
}

/** One random update; returns the rc it must have (checked by the caller). */
function randomUpdate(c: Ctx): { rc: number; expect: number } {
  const { rng, m } = c;
  const d = `dk${rng.int(0, 5)}`;
  const nAkeys = rng.int(1, 2);
  const names = [
    ...new Set(Array.from({ length: nAkeys }, () => AKEYS[rng.int(0, AKEYS.length - 1)] as string)),
  ];
  const e = writeEpoch(c);
  const iods: VosIod[] = [];
  const data: (Uint8Array | null)[] = [];
  const apply: ((mm: Model) => void)[] = [];
  for (const a of names) {
    if (isSv(a)) {
      const size = rng.chance(0.1) ? 0 : rng.chance(0.3) ? rng.int(4096, 6000) : rng.int(1, 200);
      const v = size === 0 ? null : bytes(rng, size);
      iods.push(svIod(a, size));
      data.push(v);
      apply.push((mm) => {
        const ak = mm.ak(d, a);
        ak.updates.push(e);
        ak.svs.push({ e, data: v });
      });
    } else {
      const rs = rsizeOf(a);
      const hole = rng.chance(0.1);
      // 1–3 disjoint recxs inside [0, 64)
      const starts = [
        ...new Set(Array.from({ length: rng.int(1, 3) }, () => rng.int(0, 3) * 16)),
      ].sort((x, y) => x - y);
      const recxs: [number, number][] = starts.map((s) => [
        s + rng.int(0, 4),
        rng.int(1, rs === 1024 ? 8 : 11),
      ]);
      const buf = hole ? null : bytes(rng, recxs.reduce((n, [, nr]) => n + nr, 0) * rs);
      iods.push(arrIod(a, hole ? 0 : rs, recxs));
      data.push(buf);
      apply.push((mm) => {
        const ak = mm.ak(d, a);
        ak.updates.push(e);
        let o = 0;
        for (const [lo, nr] of recxs) {
          ak.exts.push({
            lo,
            hi: lo + nr - 1,
            e,
            data: buf === null ? null : buf.slice(o, o + nr * rs),
          });
          o += nr * rs;
        }
      });
    }
  }
  const conflict = names.some((a) => m.conflict(['o', d, a], e));
  const expectRc = conflict ? der('TX_RESTART') : 0;
  c.pending = (mm) => {
    for (const f of apply) f(mm);
  };
  const rc = c.v.update(e, d, iods, data);
  if (rc === 0) {
    c.pending(m);
    for (const a of names) m.wrote(['o', d, a], e);
  }
  return { rc, expect: expectRc };
}

function randomPunch(c: Ctx): { rc: number; expect: number } {
  const { rng, m } = c;
  const e = writeEpoch(c);
  const kind = rng.int(0, 9);
  if (kind === 0) {
    const bad = m.conflict(['o'], e) || m.underPunch(['o'], e);
    c.pending = (mm) => mm.objPunches.push(e);
    const rc = c.v.punch(e);
    if (rc === 0) {
      m.objPunches.push(e);
      m.wrote(['o'], e);
    }
    return { rc, expect: bad ? der('TX_RESTART') : 0 };
  }
  const d = `dk${rng.int(0, 5)}`;
  if (kind <= 4) {
    const bad = m.conflict(['o', d], e) || m.underPunch(['o', d], e);
    c.pending = (mm) => mm.dk(d).punches.push(e);
    const rc = c.v.punch(e, d);
    if (rc === 0) {
      m.dk(d).punches.push(e);
      m.wrote(['o', d], e);
    }
    return { rc, expect: bad ? der('TX_RESTART') : 0 };
  }
  const a = AKEYS[rng.int(0, AKEYS.length - 1)] as string;
  const bad = m.conflict(['o', d, a], e) || m.underPunch(['o', d, a], e);
  c.pending = (mm) => {
    const dkeyWasVisible = [...(mm.dkeys.get(d)?.akeys.keys() ?? [])].some((x) =>
      mm.akeyExists(d, x, e),
    );
    mm.ak(d, a).punches.push(e);
    // punch propagation: no akey left → the dkey is punched too
    const left = [...(mm.dkeys.get(d)?.akeys.keys() ?? [])].some((x) => mm.akeyExists(d, x, e));
    if (dkeyWasVisible && !left) mm.dk(d).punches.push(e);
  };
  const rc = c.v.punch(e, d, [a]);
  if (rc === 0) {
    c.pending(m);
    m.wrote(['o', d, a], e);
  }
  return { rc, expect: bad ? der('TX_RESTART') : 0 };
}

/** Fetch one (dkey, akey) at epoch e and compare with the model. */
function checkFetch(c: Ctx, d: string, a: string, e: number, recordRead = true): void {
  const { v, m } = c;
  if (isSv(a)) {
    const r = v.fetch(e, d, [svIod(a, 0)], [8192]);
    expect(r.rc).toBe(0);
    const want = m.sv(d, a, e);
    expect(r.sizes[0], `${d}/${a}@${e}`).toBe(want?.length ?? 0);
    if (want) expect(r.sgls[0]?.iovs[0]?.buf.slice(0, want.length)).toEqual(want);
  } else {
    const rs = rsizeOf(a);
    const nr = 70;
    const r = v.fetch(e, d, [arrIod(a, rs, [[0, nr]])], [nr * rs], 0, 0xee);
    expect(r.rc).toBe(0);
    const want = m.arr(d, a, e, 0, nr);
    const any = want.some((x) => x !== null);
    expect(r.sizes[0], `${d}/${a}@${e}`).toBe(any ? rs : 0);
    const buf = r.sgls[0]?.iovs[0]?.buf as Uint8Array;
    const exp = new Uint8Array(nr * rs).fill(0xee);
    want.forEach((w, i) => {
      if (w) exp.set(w, i * rs);
    });
    expect(Buffer.compare(buf, exp), `${d}/${a}@${e}: bytes differ from the model`).toBe(0);
  }
  if (recordRead) m.read(['o', d, a], e);
}

describe('VOS vs a reference model (random ops at random epochs)', () => {
  it('matches over many seeds: SV + arrays, SCM + NVMe, punches, MVCC reads, ts conflicts', () => {
    let restarts = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const rng = new Rng(seed);
      const t = wrap(
        createRuntime(seed),
        createVosTarget({
          rt: createRuntime(seed),
          actor: 'engine0.tgt0',
          scmBytes: 32 << 20,
          nvmeBlocks: 4096,
          mediaTrace: false,
        }).pool,
      );
      const c: Ctx = { rng, v: new Vos(t), m: new Model(), cur: 10, used: new Set() };
      for (let op = 0; op < 160; op++) {
        const k = rng.int(0, 9);
        if (k <= 4) {
          const r = randomUpdate(c);
          expect(r.rc, `seed ${seed} op ${op} update`).toBe(r.expect);
          if (r.rc !== 0) restarts++;
        } else if (k <= 6) {
          const r = randomPunch(c);
          expect(r.rc, `seed ${seed} op ${op} punch`).toBe(r.expect);
        } else {
          checkFetch(
            c,
            `dk${rng.int(0, 5)}`,
            AKEYS[rng.int(0, AKEYS.length - 1)] as string,
            rng.int(1, c.cur + 3),
          );
        }
      }
      // Final sweep: every key at several epochs.
      for (let d = 0; d < 6; d++)
        for (const a of AKEYS)
          for (const e of [5, Math.floor(c.cur / 2), c.cur, c.cur + 10])
            checkFetch(c, `dk${d}`, a, e, false);
    }
    expect(restarts).toBeGreaterThan(0);
  });
});

describe('VOS power cut at a random persistence point', () => {
  it('recovers to the last committed update, all or nothing', () => {
    let cuts = 0;
    for (let seed = 1; seed <= 16; seed++) {
      const rng = new Rng(1000 + seed);
      const rt = createRuntime(seed);
      const target = createVosTarget({
        rt,
        actor: 'engine0.tgt0',
        scmBytes: 8 << 20,
        nvmeBlocks: 2048,
        mediaTrace: false,
      });
      const scm = target.scm as Scm;
      const nvme = target.nvme as Nvme;
      const t = wrap(rt, target.pool);
      const c: Ctx = { rng, v: new Vos(t), m: new Model(), cur: 10, used: new Set() };
      // Warm up with committed ops, then arm the cut somewhere in the next ops.
      for (let i = 0; i < 10; i++) randomUpdate(c);
      let points = 0;
      const cutAt = rng.int(1, 400);
      const hook = (): void => {
        if (++points === cutAt) {
          scm.powerCut();
          nvme.powerCut();
          throw new PowerCutError(scm.id);
        }
      };
      scm.persistenceHook = hook;
      nvme.persistenceHook = hook;
      let before = c.m.clone();
      let after = before;
      let cut = false;
      for (let i = 0; i < 40 && !cut; i++) {
        before = c.m.clone();
        try {
          if (rng.chance(0.8)) randomUpdate(c);
          else randomPunch(c);
          after = c.m.clone();
        } catch (e) {
          if (!(e instanceof PowerCutError)) throw e;
          cut = true;
          // The interrupted op either committed (durably) or left no trace.
          after = c.m.clone();
          c.pending?.(after);
        }
      }
      if (!cut) continue;
      cuts++;
      // Restart: new devices over the same backends, recovery, reopen.
      const rt2 = createRuntime(seed + 100);
      const t2 = openVosTarget({
        ...target.opts,
        rt: rt2,
        scmBackend: target.scmBackend,
        ...(target.nvmeBackend ? { nvmeBackend: target.nvmeBackend } : {}),
      });
      const v2 = new Vos(wrap(rt2, t2.pool));
      const snapshot = (m: Model): string => {
        const parts: string[] = [];
        for (let d = 0; d < 6; d++) {
          for (const a of AKEYS) {
            for (const e of [c.cur, c.cur + 5]) {
              if (isSv(a)) parts.push(String(m.sv(`dk${d}`, a, e)));
              else parts.push(m.arr(`dk${d}`, a, e, 0, 70).map(String).join(','));
            }
          }
        }
        return parts.join('|');
      };
      const store = (): string => {
        const parts: string[] = [];
        for (let d = 0; d < 6; d++) {
          for (const a of AKEYS) {
            for (const e of [c.cur, c.cur + 5]) {
              if (isSv(a)) parts.push(String(v2.getSv(e, `dk${d}`, a)));
              else {
                const rs = rsizeOf(a);
                const r = v2.fetch(e, `dk${d}`, [arrIod(a, rs, [[0, 70]])], [70 * rs], 0, 0xee);
                const buf = r.sgls[0]?.iovs[0]?.buf as Uint8Array;
                const recs = Array.from({ length: 70 }, (_, i) =>
                  buf.slice(i * rs, (i + 1) * rs),
                ).map((x) => (x.every((b) => b === 0xee) ? null : x));
                parts.push(recs.map(String).join(','));
              }
            }
          }
        }
        return parts.join('|');
      };
      const got = store();
      const ok = got === snapshot(before) || got === snapshot(after);
      expect(
        ok,
        `seed ${seed}: store after recovery matches neither the pre- nor post-op model`,
      ).toBe(true);
    }
    expect(cuts).toBeGreaterThanOrEqual(12);
  });
});
