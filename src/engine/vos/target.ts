/**
 * One target's storage, assembled: SCM device → umem pool (root = vos_pool_df) → VEA (its space
 * descriptor inside the pool root) → NVMe device → VosPool. `openVosTarget` is the restart path:
 * new device objects over the same backends, umem recovery (undo-log rollback), vea_load, then
 * vos_pool_open — exactly what a real engine does after a power cut.
 */
import type { Runtime } from '../core/runtime.ts';
import {
  createMemoryBackend,
  createNvme,
  createScm,
  createUmem,
  createVea,
  openUmem,
  openVea,
} from '../media/index.ts';
import type { BlockBackend, NvmeDevice, ScmDevice, Umem, Vea } from '../media/types.ts';
import { POOL_DF } from './layout.ts';
import { VosPool } from './pool.ts';

export interface VosTargetOptions {
  rt: Runtime;
  /** `engine0.tgt1` */
  actor: string;
  scmBytes: number;
  /** 0 / absent: no NVMe (everything on SCM). */
  nvmeBlocks?: number;
  scmBackend?: BlockBackend;
  nvmeBackend?: BlockBackend;
  dataThresh?: number;
  /** Model the NVMe volatile write cache (the update path writes with FUA either way). */
  nvmeVolatileCache?: boolean;
  /** Emit media effects (scm.write, alloc …) into the trace (default true). */
  mediaTrace?: boolean;
}

export interface VosTarget {
  readonly pool: VosPool;
  readonly scm: ScmDevice;
  readonly umem: Umem;
  readonly nvme: NvmeDevice | undefined;
  readonly vea: Vea | undefined;
  readonly scmBackend: BlockBackend;
  readonly nvmeBackend: BlockBackend | undefined;
  readonly opts: VosTargetOptions;
}

function devices(opts: VosTargetOptions): {
  scm: ScmDevice;
  scmBackend: BlockBackend;
  nvme?: NvmeDevice;
  nvmeBackend?: BlockBackend;
} {
  const trace = opts.mediaTrace === false ? undefined : opts.rt.trace;
  const scmBackend = opts.scmBackend ?? createMemoryBackend(opts.scmBytes);
  const scm = createScm({
    id: `${opts.actor}.scm`,
    backend: scmBackend,
    size: opts.scmBytes,
    ...(trace ? { trace } : {}),
  });
  const blocks = opts.nvmeBlocks ?? 0;
  if (blocks === 0) return { scm, scmBackend };
  const nvmeBackend = opts.nvmeBackend ?? createMemoryBackend(blocks * 4096);
  const nvme = createNvme({
    id: `${opts.actor}.nvme`,
    blocks,
    backend: nvmeBackend,
    sim: opts.rt.sim,
    volatileCache: opts.nvmeVolatileCache ?? false,
    ...(trace ? { trace } : {}),
  });
  return { scm, scmBackend, nvme, nvmeBackend };
}

/** vos_pool_create on fresh media. */
export function createVosTarget(opts: VosTargetOptions): VosTarget {
  const trace = opts.mediaTrace === false ? undefined : opts.rt.trace;
  const d = devices(opts);
  const umem = createUmem(d.scm, {
    rootSize: POOL_DF.size,
    actor: opts.actor,
    ...(trace ? { trace } : {}),
  });
  const vea = d.nvme
    ? createVea(umem, {
        blocks: d.nvme.blocks,
        at: umem.rootOff + POOL_DF.pd_vea_df,
        id: d.nvme.id,
        now: () => opts.rt.sim.now, // freed extents age in virtual time
        ...(trace ? { trace } : {}),
      })
    : undefined;
  const pool = VosPool.create({
    rt: opts.rt,
    actor: opts.actor,
    umem,
    ...(d.nvme ? { nvme: d.nvme } : {}),
    ...(vea ? { vea } : {}),
    ...(opts.dataThresh !== undefined ? { dataThresh: opts.dataThresh } : {}),
  });
  return {
    pool,
    scm: d.scm,
    umem,
    nvme: d.nvme,
    vea,
    scmBackend: d.scmBackend,
    nvmeBackend: d.nvmeBackend,
    opts,
  };
}

/** Restart: recover umem and VEA from the same backends and open the VOS pool. */
export function openVosTarget(opts: VosTargetOptions & { scmBackend: BlockBackend }): VosTarget {
  const trace = opts.mediaTrace === false ? undefined : opts.rt.trace;
  const d = devices(opts);
  const umem = openUmem(d.scm, { actor: opts.actor, ...(trace ? { trace } : {}) });
  const vea = d.nvme
    ? openVea(umem, {
        dfOff: umem.rootOff + POOL_DF.pd_vea_df,
        id: d.nvme.id,
        actor: opts.actor,
        now: () => opts.rt.sim.now,
        ...(trace ? { trace } : {}),
      })
    : undefined;
  const pool = VosPool.open({
    rt: opts.rt,
    actor: opts.actor,
    umem,
    ...(d.nvme ? { nvme: d.nvme } : {}),
    ...(vea ? { vea } : {}),
    ...(opts.dataThresh !== undefined ? { dataThresh: opts.dataThresh } : {}),
  });
  return {
    pool,
    scm: d.scm,
    umem,
    nvme: d.nvme,
    vea,
    scmBackend: d.scmBackend,
    nvmeBackend: d.nvmeBackend,
    opts,
  };
}
