/**
 * The devices a scenario needs, opened in the browser before it runs. The engine is
 * synchronous and OPFS/IndexedDB open asynchronously, so the worker opens every DAOS target's
 * SCM and NVMe image up front (`engine0.tgt1.scm`, `engine0.tgt1.nvme`, sizes from
 * `cluster.daos`) with `openBestBackend`, and hands the runner a provider over them. Each
 * device holds its Web Lock until `close()`: a second tab opening the same devices gets
 * `StoreInUseError`, never a second writer.
 */
import { DAOS_CLUSTER_DEFAULTS, daosConfigFromDoc } from '../engine/daos/cluster.ts';
import { mapMediaProvider, type BlockBackend, type MediaProvider } from '../engine/media/index.ts';
import type { ScenarioDoc } from '../engine/scenario/types.ts';
import { openBestBackend, type OpenedBackend, type StoreKind } from './storage/index.ts';

export interface DeviceSpec {
  name: string;
  size: number;
}

/** Device images a DAOS scenario's targets use (none for a scenario without `cluster.daos`). */
export function scenarioDevices(doc: ScenarioDoc): DeviceSpec[] {
  const daos = doc.cluster?.daos;
  if (!daos) return [];
  const c = { ...DAOS_CLUSTER_DEFAULTS, ...daosConfigFromDoc(daos) };
  const out: DeviceSpec[] = [];
  const nvmeBlocks = Math.floor(c.nvmeBytes / 4096);
  for (let r = 0; r < c.engines; r++) {
    for (let i = 0; i < c.targetsPerEngine; i++) {
      out.push({ name: `engine${r}.tgt${i}.scm`, size: c.scmBytes });
      if (nvmeBlocks > 0) out.push({ name: `engine${r}.tgt${i}.nvme`, size: nvmeBlocks * 4096 });
    }
  }
  return out;
}

export interface OpenedMedia {
  provider: MediaProvider;
  /** The kind every device ended up on (the first one's; they share the fallback order). */
  kind: StoreKind;
  notes: string[];
  devices: number;
  close(): Promise<void>;
}

type Opener = (name: string, size: number, pref?: StoreKind) => Promise<OpenedBackend>;

/** Open the scenario's devices on `preference` (falling back like `openBestBackend`). */
export async function openScenarioMedia(
  doc: ScenarioDoc,
  preference: StoreKind | undefined,
  open: Opener = openBestBackend,
): Promise<OpenedMedia> {
  const opened: OpenedBackend[] = [];
  const closeAll = async (): Promise<void> => {
    for (const o of opened.splice(0)) await o.close();
  };
  const map = new Map<string, BlockBackend>();
  try {
    for (const d of scenarioDevices(doc)) {
      const o = await open(d.name, d.size, preference);
      opened.push(o);
      map.set(d.name, o.backend);
    }
  } catch (e) {
    await closeAll(); // release the locks taken so far: nothing half-open stays held
    throw e;
  }
  const kind: StoreKind = opened[0]?.kind ?? preference ?? 'memory';
  const notes = [...new Set(opened.flatMap((o) => o.notes))];
  return {
    provider: mapMediaProvider(kind, map),
    kind,
    notes,
    devices: opened.length,
    close: closeAll,
  };
}
