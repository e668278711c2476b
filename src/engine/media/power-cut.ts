/**
 * Cutting the power of a set of devices together (a target's SCM and NVMe share one power
 * supply): `cutPower(devices)` now, or `armPowerCut(devices)` — the cut happens at the next
 * persistence point any of them reaches (what `fault_power_cut` with `at_step` needs: arm it
 * when the step is reached, and the next flush / drain / NVMe completion loses the power).
 */
import { PowerCutError, type PersistenceHook, type PersistencePoint } from './power.ts';

export interface PowerDomainDevice {
  readonly id: string;
  persistenceHook: PersistenceHook | undefined;
  powerCut(): void;
}

export function cutPower(devices: readonly PowerDomainDevice[]): void {
  for (const d of devices) d.powerCut();
}

export interface ArmOptions {
  /** Let this many persistence points pass first (default 0: the very next one cuts). */
  skip?: number;
  /** Told where the cut happened (e.g. to trace it). */
  onCut?: (at: PersistencePoint) => void;
}

/**
 * Arm a cut at the next persistence point of any of `devices`. The point never takes effect:
 * every device loses its power and the running code gets `PowerCutError`. Returns `disarm`.
 */
export function armPowerCut(
  devices: readonly PowerDomainDevice[],
  opts: ArmOptions = {},
): () => void {
  let skip = opts.skip ?? 0;
  const saved = devices.map((d) => d.persistenceHook);
  const disarm = (): void => {
    devices.forEach((d, i) => {
      d.persistenceHook = saved[i];
    });
  };
  const hook: PersistenceHook = (p) => {
    if (skip-- > 0) return;
    disarm();
    cutPower(devices);
    opts.onCut?.(p);
    throw new PowerCutError(p.dev);
  };
  for (const d of devices) d.persistenceHook = hook;
  return disarm;
}
