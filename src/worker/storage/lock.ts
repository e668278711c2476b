/**
 * One owner per store: a Web Lock named after the store, held for as long as the store is
 * open. A second tab fails instead of queueing behind us forever: at once (`waitMs` 0,
 * `ifAvailable`), or after `waitMs` — a reload's new worker may ask while the old page's
 * worker is still letting go of its locks, so the app waits a moment before saying "in use".
 */
import { StoreInUseError } from './errors.ts';

export type ReleaseLock = () => void;

export async function acquireStoreLock(store: string, waitMs = 0): Promise<ReleaseLock> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) return () => {}; // no Web Locks: OPFS's exclusive handle still protects us
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const opts: LockOptions =
    waitMs > 0 && typeof AbortSignal.timeout === 'function'
      ? { mode: 'exclusive', signal: AbortSignal.timeout(waitMs) }
      : { mode: 'exclusive', ifAvailable: true };
  const got = await new Promise<boolean>((resolve, reject) => {
    locks
      .request(`iopath-store:${store}`, opts, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : held; // keep the lock until release()
      })
      .catch((e: unknown) => {
        const name = (e as { name?: string } | null)?.name;
        if (name === 'TimeoutError' || name === 'AbortError') resolve(false);
        else reject(e instanceof Error ? e : new Error(String(e)));
      });
  });
  if (!got) throw new StoreInUseError(store);
  return release;
}
