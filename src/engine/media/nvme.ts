/**
 * Simulated NVMe namespace: 4 KiB LBAs, a submission/completion queue with a virtual-time
 * latency model, and an optional volatile write cache.
 *
 * Timing: commands share one data channel of `bytesPerNs` bandwidth (transfers are serialized
 * on it) and each command adds its fixed latency after its transfer; at most `queueDepth`
 * commands are outstanding, later submitters wait for a completion. Data is applied at
 * completion.
 *
 * Durability: without a volatile cache (power-loss-protected enterprise drives, the default)
 * a completed write is durable. With `volatileCache`, a completed write sits in the device's
 * DRAM until `flush` (or it was written with FUA); a power cut drops those blocks.
 */
import type { Future, Proc, Sim } from '../core/sim.ts';
import { Future as FutureImpl, sleep, wait } from '../core/sim.ts';
import type { Tracer } from '../trace/tracer.ts';
import { createMemoryBackend } from './memory-backend.ts';
import { PowerCutError, type PersistenceHook } from './power.ts';
import { NVME_BLOCK, type BlockBackend, type NvmeDevice, type NvmeOp } from './types.ts';

export interface NvmeLatency {
  /** Fixed per-command latency after the transfer, in virtual ns. */
  readNs: number;
  writeNs: number;
  flushNs: number;
  /** Extra latency of a FUA write (it goes to media, not to the cache). */
  fuaNs: number;
  /** Data channel bandwidth in bytes per ns (2 = 2 GB/s). */
  bytesPerNs: number;
  queueDepth: number;
}

export const DEFAULT_NVME_LATENCY: NvmeLatency = {
  readNs: 80_000,
  writeNs: 20_000,
  flushNs: 200_000,
  fuaNs: 60_000,
  bytesPerNs: 2,
  queueDepth: 64,
};

export interface NvmeOptions {
  id: string;
  blocks: number;
  backend?: BlockBackend;
  sim: Sim;
  trace?: Tracer;
  latency?: Partial<NvmeLatency>;
  /** Model a volatile write cache (default false: completed writes are durable). */
  volatileCache?: boolean;
}

export class Nvme implements NvmeDevice {
  readonly id: string;
  readonly blocks: number;
  readonly backend: BlockBackend;
  readonly latency: NvmeLatency;
  readonly volatileCache: boolean;
  persistenceHook: PersistenceHook | undefined;
  private readonly sim: Sim;
  private readonly trace: Tracer | undefined;
  /** Completed but unflushed blocks (volatile cache only): lba → 4 KiB. */
  private readonly cache = new Map<number, Uint8Array>();
  private channelFreeAt = 0;
  private inflight = 0;
  private readonly slotWaiters: Array<Future<void>> = [];
  private dead = false;
  readonly stats = { reads: 0, writes: 0, flushes: 0, blocksWritten: 0 };

  constructor(opts: NvmeOptions) {
    if (!Number.isSafeInteger(opts.blocks) || opts.blocks <= 0) {
      throw new RangeError(`nvme ${opts.id}: bad block count ${opts.blocks}`);
    }
    const size = opts.blocks * NVME_BLOCK;
    const backend = opts.backend ?? createMemoryBackend(size);
    if (backend.size < size) {
      throw new RangeError(`nvme ${opts.id}: backend holds ${backend.size} < ${size} bytes`);
    }
    this.id = opts.id;
    this.blocks = opts.blocks;
    this.backend = backend;
    this.sim = opts.sim;
    this.trace = opts.trace;
    this.latency = { ...DEFAULT_NVME_LATENCY, ...opts.latency };
    this.volatileCache = opts.volatileCache ?? false;
  }

  *write(lba: number, data: Uint8Array, opts?: { fua?: boolean }): Proc<void> {
    if (data.length === 0 || data.length % NVME_BLOCK !== 0) {
      throw new RangeError(
        `nvme ${this.id}: write of ${data.length} bytes is not whole 4 KiB blocks`,
      );
    }
    const n = data.length / NVME_BLOCK;
    this.check(lba, n);
    const fua = opts?.fua === true;
    const copy = data.slice(); // the host buffer may be reused once submitted
    yield* this.submit('write', lba, n, fua);
    const lat = this.latency.writeNs + (fua && this.volatileCache ? this.latency.fuaNs : 0);
    yield* sleep(this.serviceTime(data.length, lat));
    this.persistenceHook?.({ kind: 'nvme.write', dev: this.id, lba, n });
    this.alive();
    if (this.volatileCache && !fua) {
      for (let i = 0; i < n; i++) {
        this.cache.set(lba + i, copy.subarray(i * NVME_BLOCK, (i + 1) * NVME_BLOCK));
      }
    } else {
      for (let i = 0; i < n; i++) this.cache.delete(lba + i);
      this.backend.write(lba * NVME_BLOCK, copy);
      this.backend.sync();
    }
    this.stats.writes++;
    this.stats.blocksWritten += n;
    this.complete('write', lba, n, this.volatileCache && !fua);
  }

  *read(lba: number, nblocks: number): Proc<Uint8Array> {
    this.check(lba, nblocks);
    if (nblocks === 0) throw new RangeError(`nvme ${this.id}: read of 0 blocks`);
    yield* this.submit('read', lba, nblocks, false);
    yield* sleep(this.serviceTime(nblocks * NVME_BLOCK, this.latency.readNs));
    this.alive();
    const out = this.peek(lba, nblocks);
    this.stats.reads++;
    this.complete('read', lba, nblocks);
    return out;
  }

  *flush(): Proc<void> {
    yield* this.submit('flush', 0, 0, false);
    yield* sleep(this.latency.flushNs);
    const n = this.cache.size;
    this.persistenceHook?.({ kind: 'nvme.flush', dev: this.id, blocks: n });
    this.alive();
    if (n > 0) {
      const lbas = [...this.cache.keys()].sort((a, b) => a - b);
      let i = 0;
      while (i < lbas.length) {
        let j = i + 1;
        while (j < lbas.length && lbas[j] === (lbas[j - 1] as number) + 1) j++;
        const buf = new Uint8Array((j - i) * NVME_BLOCK);
        for (let k = i; k < j; k++)
          buf.set(this.cache.get(lbas[k] as number) as Uint8Array, (k - i) * NVME_BLOCK);
        this.backend.write((lbas[i] as number) * NVME_BLOCK, buf);
        i = j;
      }
      this.cache.clear();
    }
    this.backend.sync();
    this.stats.flushes++;
    this.trace?.effect({ kind: 'nvme.flush', dev: this.id, blocks: n });
    this.complete('flush', 0, 0);
  }

  peek(lba: number, nblocks: number): Uint8Array {
    this.check(lba, nblocks);
    const out = new Uint8Array(nblocks * NVME_BLOCK);
    this.backend.read(lba * NVME_BLOCK, out);
    if (this.cache.size > 0) {
      for (let i = 0; i < nblocks; i++) {
        const c = this.cache.get(lba + i);
        if (c) out.set(c, i * NVME_BLOCK);
      }
    }
    return out;
  }

  /** LBAs written but not yet durable (volatile cache), ascending — for the NVMe map. */
  cachedBlocks(): number[] {
    return [...this.cache.keys()].sort((a, b) => a - b);
  }

  get outstanding(): number {
    return this.inflight;
  }

  get isDead(): boolean {
    return this.dead;
  }

  /** Cut the power: the volatile cache is lost; in-flight commands never complete. */
  powerCut(): void {
    if (this.dead) return;
    const lost = this.cache.size;
    this.cache.clear();
    this.dead = true;
    this.trace?.effect({ kind: 'nvme.power_cut', dev: this.id, lost_blocks: lost });
  }

  // ---- queue model ---------------------------------------------------------------------------

  private *submit(op: NvmeOp, lba: number, n: number, fua: boolean): Proc<void> {
    this.alive();
    while (this.inflight >= this.latency.queueDepth) {
      const f = new FutureImpl<void>(`${this.id}.sq`);
      this.slotWaiters.push(f);
      yield* wait(f);
      this.alive();
    }
    this.inflight++;
    const e = { kind: 'nvme.submit', dev: this.id, lba, n, op };
    this.trace?.effect(fua ? { ...e, fua } : e);
  }

  /** `cached` (writes): true when the data sits in the volatile cache, not yet durable. */
  private complete(op: NvmeOp, lba: number, n: number, cached?: boolean): void {
    this.inflight--;
    this.slotWaiters.shift()?.resolve();
    const e = { kind: 'nvme.complete', dev: this.id, lba, n, op };
    this.trace?.effect(cached === undefined ? e : { ...e, cached });
  }

  /** Virtual ns from now until a command moving `bytes` completes. */
  private serviceTime(bytes: number, latencyNs: number): number {
    const start = Math.max(this.sim.now, this.channelFreeAt);
    this.channelFreeAt = start + Math.ceil(bytes / this.latency.bytesPerNs);
    return this.channelFreeAt + latencyNs - this.sim.now;
  }

  private alive(): void {
    if (this.dead) throw new PowerCutError(this.id);
  }

  private check(lba: number, n: number): void {
    this.alive();
    if (
      !Number.isSafeInteger(lba) ||
      !Number.isSafeInteger(n) ||
      lba < 0 ||
      n < 0 ||
      lba + n > this.blocks
    ) {
      throw new RangeError(`nvme ${this.id}: blocks [${lba}, +${n}) outside [0, ${this.blocks})`);
    }
  }
}

export function createNvme(opts: NvmeOptions): Nvme {
  return new Nvme(opts);
}
