/**
 * The devices a scenario needs, opened in the browser before it runs. The engine is
 * synchronous and OPFS/IndexedDB open asynchronously, so the worker opens every DAOS target's
 * SCM and NVMe image up front (`engine0.tgt1.scm`, `engine0.tgt1.nvme`, sizes from
 * `cluster.daos`) with `openBestBackend`, and hands the runner a provider over them. Each
 * device holds its Web Lock until `close()`: a second tab opening the same devices gets
 * `StoreInUseError`, never a second writer (with `auto`, it runs on memory instead).
 *
 * Opening everything up front is cheap because the persistent images are sparse (OPFS files
 * grow as written, IndexedDB keeps only written pages): a default cluster's 16 devices
 * (2.5 GB of address space) cost what their pools actually hold.
 */
import { cephDevices } from '../engine/ceph/cluster/cluster.ts';
import { DAOS_CLUSTER_DEFAULTS, daosConfigFromDoc } from '../engine/daos/cluster.ts';
import { mapMediaProvider, type BlockBackend, type MediaProvider } from '../engine/media/index.ts';
import type { ScenarioDoc } from '../engine/scenario/types.ts';
import {
  openBestBackend,
  StoreInUseError,
  type OpenedBackend,
  type OpenOptions,
  type StoreKind,
} from './storage/index.ts';

export interface DeviceSpec {
  name: string;
  size: number;
}

/**
 * Device images a scenario uses: each DAOS target's SCM and NVMe, each Ceph OSD's block device
 * (`osd.N.block`, its store's data and on-device metadata). None without a cluster section.
 */
export function scenarioDevices(doc: ScenarioDoc): DeviceSpec[] {
  const ceph = doc.cluster?.ceph;
  const out: DeviceSpec[] = ceph === undefined ? [] : cephDevices(ceph);
  const daos = doc.cluster?.daos;
  if (!daos) return out;
  const c = { ...DAOS_CLUSTER_DEFAULTS, ...daosConfigFromDoc(daos) };
  const nvmeBlocks = Math.floor(c.nvmeBytes / 4096);
  for (let r = 0; r < c.engines; r++) {
    for (let i = 0; i < c.targetsPerEngine; i++) {
      out.push({ name: `engine${r}.tgt${i}.scm`, size: c.scmBytes });
      if (nvmeBlocks > 0) out.push({ name: `engine${r}.tgt${i}.nvme`, size: nvmeBlocks * 4096 });
    }
  }
  return out;
}

/** What the store knew about the devices before this load (the catalog, catalog.ts). */
export interface PreviousShutdown {
  /** True: every device was closed cleanly last time; false: at least one was not. */
  clean: boolean;
  /** When they were last closed cleanly (host ms; null: never). */
  lastCleanShutdown: number | null;
  /** When the oldest of them was created (host ms). */
  created: number;
}

export interface OpenedMedia {
  provider: MediaProvider;
  /** The kind every device ended up on (the first one's; they share the fallback order). */
  kind: StoreKind;
  /** True when the app chose the store itself (`auto`), false when the user did. */
  auto: boolean;
  notes: string[];
  devices: number;
  /** How the devices' previous session ended; null when they are new (or memory). */
  previous: PreviousShutdown | null;
  close(): Promise<void>;
}

/** Wait this long for devices another worker is releasing (a reload) before "in use". */
export const STORE_LOCK_WAIT_MS = 3000;

type Opener = (
  name: string,
  size: number,
  pref?: StoreKind,
  opts?: OpenOptions,
) => Promise<OpenedBackend>;

/**
 * Open the scenario's devices. An explicit `store` is tried first (an unavailable kind falls
 * back like `openBestBackend`; a store another tab holds is an error). `auto` lets the browser
 * pick — OPFS with sync handles, else IndexedDB, else memory — and when the picked store is in
 * use by another tab it runs on memory with a note instead of failing: the user asked for
 * nothing in particular, and a second tab must still work.
 */
export async function openScenarioMedia(
  doc: ScenarioDoc,
  store: StoreKind | 'auto' | undefined,
  open: Opener = openBestBackend,
): Promise<OpenedMedia> {
  const auto = store === 'auto' || store === undefined;
  try {
    return await openAll(doc, auto ? undefined : store, auto, open);
  } catch (e) {
    if (!auto || !(e instanceof StoreInUseError)) throw e;
    const m = await openAll(doc, 'memory', true, open);
    m.notes.unshift(`${e.message} — this tab runs on memory (nothing it writes persists)`);
    return m;
  }
}

async function openAll(
  doc: ScenarioDoc,
  preference: StoreKind | undefined,
  auto: boolean,
  open: Opener,
): Promise<OpenedMedia> {
  const opened: OpenedBackend[] = [];
  const closeAll = async (): Promise<void> => {
    for (const o of opened.splice(0)) await o.close();
  };
  const map = new Map<string, BlockBackend>();
  const devices = scenarioDevices(doc);
  const names = devices.map((d) => d.name);
  let pref = preference;
  const opts = { waitMs: STORE_LOCK_WAIT_MS };
  try {
    const [first, ...rest] = devices;
    if (first) {
      const o = await open(first.name, first.size, pref, opts);
      opened.push(o);
      pref ??= o.kind; // every device on the kind the first one landed on
    }
    // The others all at once (a first load on a fresh profile opens 16 devices: one after the
    // other, their lock + file + catalog round trips added up to a visible part of it).
    const results = await Promise.allSettled(rest.map((d) => open(d.name, d.size, pref, opts)));
    for (const r of results) if (r.status === 'fulfilled') opened.push(r.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    opened.forEach((o, k) => map.set(names[k] as string, o.backend));
  } catch (e) {
    await closeAll(); // release the locks taken so far: nothing half-open stays held
    throw e;
  }
  const kind: StoreKind = opened[0]?.kind ?? preference ?? 'memory';
  const notes = [...new Set(opened.flatMap((o) => o.notes))];
  const previous = previousShutdown(opened);
  if (previous && !previous.clean) notes.push(uncleanShutdownNote(names));
  return {
    provider: mapMediaProvider(kind, map),
    kind,
    auto,
    notes,
    devices: opened.length,
    previous,
    close: closeAll,
  };
}

/**
 * What recovery the devices of an unclean previous session get, by system: DAOS targets replay
 * their SCM undo log when the pool opens; Ceph OSDs replay their store's log at mount.
 */
export function uncleanShutdownNote(deviceNames: readonly string[]): string {
  const osd = deviceNames.some((n) => n.startsWith('osd.'));
  const daos = deviceNames.some((n) => !n.startsWith('osd.'));
  const what = [
    daos
      ? 'each DAOS target runs recovery (media.recovery: ulog_recover) when its pool is opened'
      : '',
    osd
      ? 'each OSD replays its object store at mount (BlueStore: _open_db, _deferred_replay; FileStore: journal_replay)'
      : '',
  ].filter(Boolean);
  return `the previous session did not shut down cleanly: ${what.join('; ')}`;
}

function previousShutdown(opened: readonly OpenedBackend[]): PreviousShutdown | null {
  const recs = opened.flatMap((o) => (o.previous ? [o.previous] : []));
  if (recs.length === 0) return null;
  const clean = recs.every((r) => r.cleanShutdown);
  const times = recs.map((r) => r.lastCleanShutdown).filter((t): t is number => t !== null);
  return {
    clean,
    lastCleanShutdown: times.length > 0 ? Math.max(...times) : null,
    created: Math.min(...recs.map((r) => r.created)),
  };
}
