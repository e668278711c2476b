/**
 * Where the worker keeps a scenario's simulated devices: `?store=memory|opfs|idb` in the URL
 * wins, else the settings choice (localStorage `iopath.store`), else memory — nothing persists
 * and no tab locks anything, the behaviour every share link and embed expects.
 */
export type StoreKind = 'memory' | 'opfs' | 'idb';

const KEY = 'iopath.store';

export function parseStore(s: string | null | undefined): StoreKind | undefined {
  return s === 'memory' || s === 'opfs' || s === 'idb' ? s : undefined;
}

export function storagePreference(search = globalThis.location?.search ?? ''): StoreKind {
  const fromUrl = parseStore(new URLSearchParams(search).get('store'));
  if (fromUrl) return fromUrl;
  try {
    return parseStore(globalThis.localStorage?.getItem(KEY)) ?? 'memory';
  } catch {
    return 'memory';
  }
}

export function saveStoragePreference(kind: StoreKind): void {
  try {
    globalThis.localStorage?.setItem(KEY, kind);
  } catch {
    // storage disabled: the choice lasts for this page only (the URL can carry it)
  }
}

export const STORE_LABEL: Record<StoreKind, string> = {
  memory: 'memory',
  opfs: 'OPFS',
  idb: 'IndexedDB',
};
