/**
 * Virtual-time costs of the model (nanoseconds). They only need to be plausible and fixed:
 * they order concurrent events and make the timeline readable; nothing asserts on them.
 */
export const COST = {
  /** Client library bookkeeping per API step (task create/schedule, object layer). */
  clientStep: 300,
  /** One-way network latency of an RPC (Mercury over a fabric). */
  netLatency: 2_000,
  /** Wire time per byte (≈ 12.5 GB/s). */
  netPerByte: 0.08,
  /** Server handler bookkeeping per step. */
  serverStep: 400,
  /** VOS I/O context setup / tree work per step. */
  vosStep: 800,
  /** SCM copy per byte (≈ 2 GB/s store bandwidth). */
  scmPerByte: 0.5,
  /** NVMe 4 KiB write/read (device latency). */
  nvmeBlock: 10_000,
} as const;

export function wireNs(bytes: number): number {
  return COST.netLatency + Math.round(bytes * COST.netPerByte);
}
