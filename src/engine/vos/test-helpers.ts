/**
 * Helpers for VOS tests and benchmarks: build a pool over memory-backed media and drive the
 * Proc-based API synchronously (run the simulation until the call completes).
 */
import { IoError } from '../core/errors.ts';
import { utf8Encode } from '../core/bytes.ts';
import { createRuntime, type Runtime } from '../core/runtime.ts';
import type { Proc } from '../core/sim.ts';
import { vosObjFetch, vosObjPunch, vosObjUpdate } from './api.ts';
import type { VosPool, VosCont } from './pool.ts';
import { createVosTarget, type VosTarget } from './target.ts';
import { DAOS_IOD_ARRAY, DAOS_IOD_SINGLE, type VosIod, type VosOid, type VosSgl } from './types.ts';

export interface TestPool {
  rt: Runtime;
  pool: VosPool;
  cont: VosCont;
  oid: VosOid;
}

export const CONT_UUID = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

/** A target on memory-backed media with one container; `oid` of object type `otype`. */
export function makeTarget(opts: {
  rt?: Runtime;
  scmBytes?: number;
  nvmeBlocks?: number;
  otype?: number;
  scmSysReserved?: number;
  mediaTrace?: boolean;
}): TestPool & { target: VosTarget } {
  const rt = opts.rt ?? createRuntime(1);
  const target = createVosTarget({
    rt,
    actor: 'engine0.tgt0',
    scmBytes: opts.scmBytes ?? 16 << 20,
    nvmeBlocks: opts.nvmeBlocks ?? 0,
    mediaTrace: opts.mediaTrace ?? false,
  });
  return { ...wrap(rt, target.pool, opts.otype, opts.scmSysReserved), target };
}

export function wrap(rt: Runtime, pool: VosPool, otype = 0, scmSysReserved = 0): TestPool {
  pool.scmSysReserved = scmSysReserved;
  const cont = pool.cont(CONT_UUID);
  const oid: VosOid = { hi: BigInt(otype) << 56n, lo: 0x1234n, shard: 0 };
  return { rt, pool, cont, oid };
}

/** Run a process to completion; returns 0 or the IoError rc. */
export function runRc(rt: Runtime, p: Proc<unknown>): number {
  try {
    rt.sim.runToCompletion(rt.sim.spawn('test', p));
    return 0;
  } catch (e) {
    if (e instanceof IoError) return e.rc;
    throw e;
  }
}

export const enc = (s: string): Uint8Array => utf8Encode(s);

export function svIod(akey: string | Uint8Array, size: number, flags = 0): VosIod {
  return {
    name: typeof akey === 'string' ? enc(akey) : akey,
    type: DAOS_IOD_SINGLE,
    size,
    flags,
    recxs: null,
  };
}

export function arrIod(
  akey: string | Uint8Array,
  rsize: number,
  recxs: [bigint | number, number][],
  flags = 0,
): VosIod {
  return {
    name: typeof akey === 'string' ? enc(akey) : akey,
    type: DAOS_IOD_ARRAY,
    size: rsize,
    flags,
    recxs: recxs.map(([idx, nr]) => ({ idx: BigInt(idx), nr })),
  };
}

export function sgl(data: Uint8Array): VosSgl {
  return { iovs: [{ buf: data, len: data.length }], nrOut: 0 };
}

export class Vos {
  constructor(readonly t: TestPool) {}

  update(
    epoch: bigint | number,
    dkey: string | Uint8Array,
    iods: VosIod[],
    data: (Uint8Array | null)[],
    flags = 0,
  ): number {
    const { rt, pool, cont, oid } = this.t;
    return runRc(
      rt,
      vosObjUpdate(
        pool,
        {
          cont,
          oid,
          epoch: BigInt(epoch),
          flags,
          dkey: typeof dkey === 'string' ? enc(dkey) : dkey,
          iods,
        },
        data.map((d) => (d === null ? null : sgl(d))),
      ),
    );
  }

  /** Fetch into buffers of `caps` bytes (pre-filled with `fill`); returns rc, sizes, sgls. */
  fetch(
    epoch: bigint | number,
    dkey: string | Uint8Array,
    iods: VosIod[],
    caps: number[] | null,
    flags = 0,
    fill = 0,
  ): { rc: number; sizes: number[]; sgls: VosSgl[] } {
    const { rt, pool, cont, oid } = this.t;
    const sgls =
      caps === null
        ? null
        : caps.map((c) => ({
            iovs: [{ buf: fill === 0 ? new Uint8Array(c) : new Uint8Array(c).fill(fill), len: 0 }],
            nrOut: 0,
          }));
    const rc = runRc(
      rt,
      vosObjFetch(
        pool,
        {
          cont,
          oid,
          epoch: BigInt(epoch),
          flags,
          dkey: typeof dkey === 'string' ? enc(dkey) : dkey,
          iods,
        },
        sgls,
      ),
    );
    return { rc, sizes: iods.map((i) => i.size), sgls: sgls ?? [] };
  }

  /** The visible single value (null when empty). */
  getSv(
    epoch: bigint | number,
    dkey: string | Uint8Array,
    akey: string,
    cap = 1 << 16,
  ): Uint8Array | null {
    const r = this.fetch(epoch, dkey, [svIod(akey, 0)], [cap]);
    if (r.rc !== 0) throw new IoError(r.rc, 'fetch');
    const size = r.sizes[0] as number;
    return size === 0 ? null : (r.sgls[0]?.iovs[0]?.buf.slice(0, size) ?? null);
  }

  punch(epoch: bigint | number, dkey?: string | Uint8Array, akeys?: string[], flags = 0): number {
    const { rt, pool, cont, oid } = this.t;
    const req = {
      cont,
      oid,
      epoch: BigInt(epoch),
      flags,
      ...(dkey !== undefined ? { dkey: typeof dkey === 'string' ? enc(dkey) : dkey } : {}),
      ...(akeys !== undefined ? { akeys: akeys.map(enc) } : {}),
    };
    return runRc(rt, vosObjPunch(pool, req));
  }
}
