/**
 * One owner per store: a Web Lock named after the store, held for as long as the store is
 * open. `ifAvailable` makes a second tab fail at once (null lock) instead of queueing behind us.
 */
import { StoreInUseError } from './errors.ts';

export type ReleaseLock = () => void;

export async function acquireStoreLock(store: string): Promise<ReleaseLock> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) return () => {}; // no Web Locks: OPFS's exclusive handle still protects us
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const got = await new Promise<boolean>((resolve, reject) => {
    locks
      .request(`iopath-store:${store}`, { mode: 'exclusive', ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : held; // keep the lock until release()
      })
      .catch(reject);
  });
  if (!got) throw new StoreInUseError(store);
  return release;
}
