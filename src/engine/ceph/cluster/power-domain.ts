/**
 * The power switch of an OSD's block device (used by `fault_power_cut {osd}`, ../power-cut.ts).
 */
import type { Proc } from '../../core/sim.ts';
import { createNvme, type Nvme, type NvmeOptions } from '../../media/nvme.ts';
import type { PersistenceHook } from '../../media/power.ts';
import { NVME_BLOCK, type NvmeDevice } from '../../media/types.ts';

/**
 * An OSD's block device behind its power switch: delegates to the current `Nvme`; after a cut
 * `powerOn()` re-creates it over the same backend (the durable image), keeping the options.
 */
export class PowerDomainNvme implements NvmeDevice {
  private dev: Nvme;

  constructor(private readonly opts: NvmeOptions) {
    this.dev = createNvme(opts);
  }

  /** Armed by `fault_power_cut {osd, at_step}` (media/power-cut.ts `armPowerCut`). */
  get persistenceHook(): PersistenceHook | undefined {
    return this.dev.persistenceHook;
  }
  set persistenceHook(h: PersistenceHook | undefined) {
    this.dev.persistenceHook = h;
  }
  /** Whether the device has a volatile write cache (`cluster.ceph.device_write_cache`). */
  get volatileCache(): boolean {
    return this.dev.volatileCache;
  }
  /** Blocks completed into the volatile cache and not yet flushed. */
  cachedBlocks(): number[] {
    return this.dev.cachedBlocks();
  }
  /**
   * A durable write straight to the image, outside the simulation: only for mounting a store
   * kept from an earlier run before the scenario starts (the OSD booted before time 0).
   */
  writeDirect(lba: number, data: Uint8Array): void {
    if (lba < 0 || lba + data.length / NVME_BLOCK > this.dev.blocks)
      throw new RangeError(`${this.id}: direct write outside the device`);
    this.dev.backend.write(lba * NVME_BLOCK, data);
    this.dev.backend.sync();
  }
  get id(): string {
    return this.dev.id;
  }
  get blocks(): number {
    return this.dev.blocks;
  }
  /** True between a power cut and `powerOn()`. */
  get poweredOff(): boolean {
    return this.dev.isDead;
  }
  write(lba: number, data: Uint8Array, opts?: { fua?: boolean }): Proc<void> {
    return this.dev.write(lba, data, opts);
  }
  read(lba: number, nblocks: number): Proc<Uint8Array> {
    return this.dev.read(lba, nblocks);
  }
  flush(): Proc<void> {
    return this.dev.flush();
  }
  peek(lba: number, nblocks: number): Uint8Array {
    return this.dev.peek(lba, nblocks);
  }
  powerCut(): void {
    this.dev.powerCut();
  }
  /** Power restored: a fresh device over the same backend; only durable blocks remain. */
  powerOn(): void {
    if (!this.dev.isDead) return;
    this.dev = createNvme({ ...this.opts, backend: this.dev.backend });
  }
}
