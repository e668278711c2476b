/**
 * The power switch of an OSD's block device (used by `fault_power_cut {osd}`, ../power-cut.ts).
 */
import type { Proc } from '../../core/sim.ts';
import { createNvme, type Nvme, type NvmeOptions } from '../../media/nvme.ts';
import type { NvmeDevice } from '../../media/types.ts';

/**
 * An OSD's block device behind its power switch: delegates to the current `Nvme`; after a cut
 * `powerOn()` re-creates it over the same backend (the durable image), keeping the options.
 */
export class PowerDomainNvme implements NvmeDevice {
  private dev: Nvme;

  constructor(private readonly opts: NvmeOptions) {
    this.dev = createNvme(opts);
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
