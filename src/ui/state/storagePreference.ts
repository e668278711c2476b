/**
 * Where the worker keeps a scenario's simulated devices: `?store=auto|memory|opfs|idb` in the
 * URL wins, else the settings choice (localStorage `iopath.store`), else `auto` — the worker
 * picks OPFS (sync access handles) → IndexedDB → memory by feature detection, and falls back
 * to memory when another tab holds the devices. An embed (`?embed=1`) defaults to memory: a
 * page with several embedded demos must not share (or lock) one set of devices, and an embed
 * should replay the same trace every time it is shown.
 *
 * A link that names what to show (`?scenario=` — a built-in, an encoded document or a share
 * link) also defaults to memory unless the store is chosen explicitly (in the URL or the
 * settings): the link stands for one exact trace (`&step=K` must land on the same step on every
 * machine and on every reload), and replaying a scenario over devices a previous run left
 * behind gives a different trace. Persistence is for the working session: the landing page
 * (no `?scenario=`) runs on the auto store, and so does anything after an explicit choice.
 */
export type StoreKind = 'memory' | 'opfs' | 'idb';
/** What the user asks for: a kind, or `auto` (the browser decides). */
export type StorePref = StoreKind | 'auto';

const KEY = 'iopath.store';

export function parseStore(s: string | null | undefined): StoreKind | undefined {
  return s === 'memory' || s === 'opfs' || s === 'idb' ? s : undefined;
}

export function parseStorePref(s: string | null | undefined): StorePref | undefined {
  return s === 'auto' ? 'auto' : parseStore(s);
}

export function storagePreference(search = globalThis.location?.search ?? ''): StorePref {
  const params = new URLSearchParams(search);
  const fromUrl = parseStorePref(params.get('store'));
  if (fromUrl) return fromUrl;
  if (params.get('embed') === '1') return 'memory';
  let saved: StorePref | undefined;
  try {
    saved = parseStorePref(globalThis.localStorage?.getItem(KEY));
  } catch {
    saved = undefined; // storage disabled: no saved choice
  }
  if (saved) return saved;
  return params.has('scenario') ? 'memory' : 'auto';
}

export function saveStoragePreference(kind: StorePref): void {
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

export const STORE_PREF_LABEL: Record<StorePref, string> = {
  auto: 'auto',
  ...STORE_LABEL,
};
