import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type Reply } from '../protocol/index.ts';
import { createMemoryBackend } from '../engine/index.ts';
import type { ScenarioDoc } from '../engine/scenario/types.ts';
import { createEngineAdapter } from './engineAdapter.ts';
import { openScenarioMedia, scenarioDevices, uncleanShutdownNote } from './media.ts';
import { EngineServer } from './server.ts';
import {
  StoreInUseError,
  type DeviceRecord,
  type OpenedBackend,
  type StoreKind,
} from './storage/index.ts';

/**
 * A fake browser: device images survive "reloads" (new EngineServer) in `disk`, and a device
 * is locked while a server holds it (like the Web Lock of openBestBackend).
 */
function fakeBrowser() {
  const disk = new Map<string, ReturnType<typeof createMemoryBackend>>();
  const locked = new Set<string>();
  /** The catalog: name → record (clean shutdown flag flips on open/close). */
  const catalog = new Map<string, DeviceRecord>();
  let clock = 100;
  const open = (name: string, size: number, pref?: StoreKind): Promise<OpenedBackend> => {
    if (pref === 'memory') {
      const backend = createMemoryBackend(size);
      return Promise.resolve({
        backend,
        kind: 'memory',
        notes: [],
        close: () => Promise.resolve(),
      });
    }
    if (locked.has(name)) return Promise.reject(new StoreInUseError(name));
    locked.add(name);
    let b = disk.get(name);
    if (!b) disk.set(name, (b = createMemoryBackend(size)));
    const previous = catalog.get(name);
    const now = clock++;
    catalog.set(name, {
      name,
      size,
      backend: pref ?? 'opfs',
      created: previous?.created ?? now,
      lastOpened: now,
      cleanShutdown: false,
      lastCleanShutdown: previous?.lastCleanShutdown ?? null,
    });
    return Promise.resolve({
      backend: b,
      kind: pref ?? 'opfs',
      notes: [],
      previous: previous ? { ...previous } : undefined,
      close: () => {
        locked.delete(name);
        const r = catalog.get(name);
        if (r) catalog.set(name, { ...r, cleanShutdown: true, lastCleanShutdown: clock++ });
        return Promise.resolve();
      },
    });
  };
  return { disk, locked, catalog, open };
}

function server(browser: ReturnType<typeof fakeBrowser>) {
  const out: Reply[] = [];
  const s = new EngineServer(
    createEngineAdapter(),
    (r) => out.push(r),
    () => 0,
    (doc, store) => openScenarioMedia(doc, store, browser.open),
  );
  let id = 0;
  return async (body: object): Promise<Reply[]> => {
    id++;
    const mine = id;
    s.handle({ v: PROTOCOL_VERSION, id: mine, ...body });
    // The load opens devices asynchronously: wait for its last reply.
    for (
      let i = 0;
      i < 200 && !out.some((r) => r.id === mine && (r.type === 'done' || r.type === 'error'));
      i++
    )
      await new Promise((r) => setTimeout(r, 5));
    return out.filter((r) => r.id === mine);
  };
}

const CLUSTER = {
  daos: { engines: 1, targets_per_engine: 2, scm_bytes: 2 << 20, nvme_bytes: 1 << 20 },
};
const SETUP = [
  { op: 'daos_pool_connect', pool: 'tank' },
  { op: 'daos_cont_create', pool: 'tank', cont: 'c' },
  { op: 'daos_cont_open', pool: 'tank', cont: 'c' },
  {
    op: 'daos_obj_generate_oid',
    cont: 'c',
    otype: 'DAOS_OT_MULTI_HASHED',
    oclass: 'OC_S1',
    as: 'o',
  },
  { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
];
const IOD = { akey: 'a', type: 'DAOS_IOD_SINGLE', size: 9 };
const doc = (ops: object[]) =>
  ({
    schema: 'iopath.scenario/1',
    seed: 4,
    cluster: CLUSTER,
    ops: [...SETUP, ...ops],
  }) as ScenarioDoc;
const UPDATE = doc([
  { op: 'daos_obj_update', obj: 'o', dkey: 'd', iods: [IOD], data: [{ utf8: 'persisted' }] },
]);
const FETCH = doc([{ op: 'daos_obj_fetch', obj: 'o', dkey: 'd', iods: [IOD] }]);

function fetched(replies: Reply[]): string | undefined {
  const done = replies.find((r) => r.type === 'done');
  if (done?.type !== 'done' || !done.result) throw new Error(JSON.stringify(replies.at(-1)));
  const f = done.result.ops.at(-1);
  return (f?.result as { data: { utf8?: string }[] } | null)?.data[0]?.utf8;
}

describe('worker: scenario devices on a persistent store', () => {
  it('lists one SCM and one NVMe image per target, sized from cluster.daos', () => {
    expect(scenarioDevices(UPDATE)).toEqual([
      { name: 'engine0.tgt0.scm', size: 2 << 20 },
      { name: 'engine0.tgt0.nvme', size: 1 << 20 },
      { name: 'engine0.tgt1.scm', size: 2 << 20 },
      { name: 'engine0.tgt1.nvme', size: 1 << 20 },
    ]);
  });

  it('an update, a "reload" (new worker), then a fetch-only scenario returns the bytes', async () => {
    const browser = fakeBrowser();
    const tab1 = server(browser);
    const a = await tab1({ type: 'load', source: { kind: 'doc', doc: UPDATE }, store: 'opfs' });
    expect(a.find((r) => r.type === 'loaded')).toMatchObject({
      store: { kind: 'opfs', devices: 4 },
    });
    // Loading another scenario releases the first one's devices, then reopens them.
    const b = await tab1({ type: 'load', source: { kind: 'doc', doc: FETCH }, store: 'opfs' });
    expect(fetched(b)).toBe('persisted');
    // A second tab while the first holds the devices: a clear storage error, nothing runs.
    const tab2 = server(browser);
    const c = await tab2({ type: 'load', source: { kind: 'doc', doc: FETCH }, store: 'opfs' });
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ type: 'error', code: 'storage' });
    expect((c[0] as { message: string }).message).toMatch(/in use by another tab/);
  });

  it('auto: the first kind found holds every device; the catalog reports the last shutdown', async () => {
    const browser = fakeBrowser();
    const tab = server(browser);
    const a = await tab({ type: 'load', source: { kind: 'doc', doc: UPDATE }, store: 'auto' });
    expect(a.find((r) => r.type === 'loaded')).toMatchObject({
      store: { kind: 'opfs', devices: 4, auto: true, previous: null },
    });
    // Closing on pagehide: a clean shutdown, locks released.
    const closed = await tab({ type: 'closeStore' });
    expect(closed).toEqual([expect.objectContaining({ type: 'storeClosed', devices: 4 })]);
    expect(browser.locked.size).toBe(0);
    const tab2 = server(browser);
    const b = await tab2({ type: 'load', source: { kind: 'doc', doc: FETCH }, store: 'auto' });
    expect(b.find((r) => r.type === 'loaded')).toMatchObject({
      store: { kind: 'opfs', auto: true, previous: { clean: true } },
    });
    expect(fetched(b)).toBe('persisted');
    // tab2 never closes (a killed tab): the next open says so, and recovery runs.
    for (const n of browser.locked) browser.locked.delete(n);
    const tab3 = server(browser);
    const c = await tab3({ type: 'load', source: { kind: 'doc', doc: FETCH }, store: 'auto' });
    const loaded = c.find((r) => r.type === 'loaded');
    expect(loaded).toMatchObject({ store: { previous: { clean: false } } });
    expect(JSON.stringify(loaded)).toMatch(/did not shut down cleanly.*recovery/);
    expect(fetched(c)).toBe('persisted');
  });

  it('auto: devices another tab holds → this tab runs on memory and says why', async () => {
    const browser = fakeBrowser();
    const tab1 = server(browser);
    await tab1({ type: 'load', source: { kind: 'doc', doc: UPDATE }, store: 'auto' });
    const tab2 = server(browser);
    const b = await tab2({ type: 'load', source: { kind: 'doc', doc: FETCH }, store: 'auto' });
    const loaded = b.find((r) => r.type === 'loaded');
    expect(loaded).toMatchObject({ store: { kind: 'memory', auto: true } });
    expect(JSON.stringify(loaded)).toMatch(/in use by another tab.*runs on memory/);
    expect(fetched(b) ?? '').toBe(''); // memory: the first tab's value is not here
    expect(browser.locked.size).toBe(4); // tab1 still holds its devices, untouched
  });

  it('opens the devices after the first at once; one failing releases every other', async () => {
    let inFlight = 0;
    let most = 0;
    const closed: string[] = [];
    const open = async (name: string, size: number, pref?: StoreKind): Promise<OpenedBackend> => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      if (name === 'engine0.tgt1.scm') throw new StoreInUseError(name);
      return {
        backend: createMemoryBackend(size),
        kind: pref ?? 'opfs',
        notes: [],
        close: () => {
          closed.push(name);
          return Promise.resolve();
        },
      };
    };
    await expect(openScenarioMedia(UPDATE, 'opfs', open)).rejects.toBeInstanceOf(StoreInUseError);
    expect(most).toBe(3); // the first alone, then the other three together
    expect(closed.sort()).toEqual(['engine0.tgt0.nvme', 'engine0.tgt0.scm', 'engine0.tgt1.nvme']);
    // All open: every device on its own name, in the scenario's order, on the first one's kind.
    const m = await openScenarioMedia(UPDATE, 'auto', (n, size, pref) =>
      n === 'engine0.tgt1.scm' ? open('x', size, pref) : open(n, size, pref),
    );
    expect(m.devices).toBe(4);
    expect(m.kind).toBe('opfs');
  });

  it('without a store the same fetch sees nothing (memory, as before)', async () => {
    const browser = fakeBrowser();
    const tab = server(browser);
    await tab({ type: 'load', source: { kind: 'doc', doc: UPDATE } });
    const b = await tab({ type: 'load', source: { kind: 'doc', doc: FETCH } });
    expect(fetched(b) ?? '').toBe('');
    expect(browser.disk.size).toBe(0);
  });
});

describe('worker: Ceph OSD devices on a persistent store', () => {
  const cephDoc = (ops: object[]) =>
    ({
      schema: 'iopath.scenario/1',
      seed: 4,
      cluster: {
        ceph: {
          crush_map: { hosts: 3, osds_per_host: 1 },
          pools: [{ name: 'p', size: 3, min_size: 2, pg_num: 8 }],
        },
      },
      ops,
    }) as ScenarioDoc;
  const WRITE = cephDoc([
    { op: 'rados_write_full', pool: 'p', oid: 'a', value: { utf8: 'osd bytes' } },
  ]);
  const READ = cephDoc([{ op: 'rados_read', pool: 'p', oid: 'a', len: 9 }]);
  const readBack = (replies: Reply[]): string | undefined => {
    const done = replies.find((r) => r.type === 'done');
    if (done?.type !== 'done' || !done.result) throw new Error(JSON.stringify(replies.at(-1)));
    return (done.result.ops.at(-1)?.result as { value?: { utf8?: string } } | null)?.value?.utf8;
  };

  it('lists one block device per OSD (64 MiB: data + on-device store metadata)', () => {
    expect(scenarioDevices(WRITE)).toEqual(
      [0, 1, 2].map((i) => ({ name: `osd.${i}.block`, size: 64 << 20 })),
    );
  });

  it('an unclean shutdown note names the recovery of the system whose devices were kept', () => {
    const ceph = uncleanShutdownNote(scenarioDevices(WRITE).map((d) => d.name));
    expect(ceph).toMatch(/OSD replays its object store at mount/);
    expect(ceph).not.toMatch(/ulog_recover/);
    const both = uncleanShutdownNote(['engine0.tgt0.scm', 'osd.0.block']);
    expect(both).toMatch(/ulog_recover.*; each OSD/);
  });

  it('a write, a "reload" (new worker), then a read-only scenario returns the bytes', async () => {
    const browser = fakeBrowser();
    const tab1 = server(browser);
    const a = await tab1({ type: 'load', source: { kind: 'doc', doc: WRITE }, store: 'opfs' });
    expect(a.find((r) => r.type === 'loaded')).toMatchObject({
      store: { kind: 'opfs', devices: 3 },
    });
    await tab1({ type: 'closeStore' });
    const tab2 = server(browser);
    const b = await tab2({ type: 'load', source: { kind: 'doc', doc: READ }, store: 'opfs' });
    expect(readBack(b)).toBe('osd bytes');
    // On memory nothing was kept.
    const tab3 = server(fakeBrowser());
    const c = await tab3({ type: 'load', source: { kind: 'doc', doc: READ }, store: 'opfs' });
    expect(readBack(c)).toBeUndefined();
  });
});
