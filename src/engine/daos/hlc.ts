/**
 * Hybrid logical clock (`d_hlc_get`, `src/gurt/hlc.c`, spec §1.5). Physical part =
 * (unix_ns − 2021-01-01) × 16 with the low 18 bits used as a logical counter; strictly
 * increasing per process. The simulated wall clock is the virtual clock plus a fixed start
 * (2026-01-01 00:00:00 UTC) plus a small per-node skew, so epochs look like real ones.
 */
const HLC_EPOCH_UNIX_NS = 1_609_459_200n * 1_000_000_000n;
/** Simulated wall-clock time at virtual t = 0. */
export const SIM_START_UNIX_NS = 1_767_225_600n * 1_000_000_000n;
const D_HLC_NSEC = 16n;
const D_HLC_MASK = 0x3ffffn;

export class Hlc {
  private last = 0n;

  /** @param skewNs this node's clock offset from true virtual time (deterministic). */
  constructor(private readonly skewNs = 0) {}

  private physical(nowNs: number): bigint {
    const unix = SIM_START_UNIX_NS + BigInt(Math.round(nowNs + this.skewNs));
    return ((unix - HLC_EPOCH_UNIX_NS) * D_HLC_NSEC) & ~D_HLC_MASK;
  }

  /** `d_hlc_get`: max(physical, last + 1). */
  get(nowNs: number): bigint {
    const p = this.physical(nowNs);
    this.last = p > this.last ? p : this.last + 1n;
    return this.last;
  }

  /** `d_hlc_get_msg`: bump above a received timestamp (causality across nodes). */
  recv(nowNs: number, msg: bigint): bigint {
    const p = this.physical(nowNs);
    let v = p > this.last ? p : this.last + 1n;
    if (msg >= v) v = msg + 1n;
    this.last = v;
    return v;
  }
}
