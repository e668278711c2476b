/** Errors the browser storage backends raise (the UI shows their messages as they are). */
import { derError, type IoError } from '../../engine/index.ts';

/** Another tab (or worker) holds this store: never open it twice, that would corrupt it. */
export class StoreInUseError extends Error {
  constructor(readonly store: string) {
    super(`store "${store}" is in use by another tab; close it there (or pick ?store=memory)`);
    this.name = 'StoreInUseError';
  }
}

/** DOMException names for "over quota" differ between engines and APIs. */
export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/** Map a host storage failure to the engine's -DER_NOSPACE when it is a quota error. */
export function storageError(e: unknown, what: string): Error {
  if (isQuotaError(e)) return derError('NOSPACE', `${what}: browser storage quota exceeded`);
  return e instanceof Error ? e : new Error(`${what}: ${String(e)}`);
}

export type { IoError };
