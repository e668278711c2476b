/**
 * Power-cut plumbing shared by the device models.
 *
 * After `powerCut()` a device object is dead: every call throws `PowerCutError`, so the code
 * that was running when the power went away unwinds instead of carrying on with state that no
 * longer exists. Recovery is always "re-create the device over the same backend and reopen"
 * (`openUmem`, `openVea`), exactly like rebooting a machine.
 */

export class PowerCutError extends Error {
  constructor(readonly device: string) {
    super(`${device}: power was cut (device is gone; reopen it to run recovery)`);
    this.name = 'PowerCutError';
  }
}

/** Where a device stands in its persistence protocol when the hook is consulted. */
export type PersistencePoint =
  | { readonly kind: 'scm.flush'; readonly dev: string; readonly off: number; readonly len: number }
  | { readonly kind: 'scm.drain'; readonly dev: string; readonly lines: number }
  | { readonly kind: 'nvme.write'; readonly dev: string; readonly lba: number; readonly n: number }
  | { readonly kind: 'nvme.flush'; readonly dev: string; readonly blocks: number };

/**
 * Called at every persistence point *before* it takes effect. Fault injection (tests, the
 * `fault_power_cut` op) cuts the power from here: call the device's `powerCut()` and throw
 * `PowerCutError`; the persistence point then never happens.
 */
export type PersistenceHook = (p: PersistencePoint) => void;
