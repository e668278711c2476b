/**
 * A saved scenario or trace (issue #3 item 5: "IndexedDB also holds the catalog … saved
 * scenarios and traces"). Pure logic: building a record from what is loaded, re-validating a
 * row read back from IndexedDB (storage is input too), the export file name. storage.ts does
 * the IndexedDB part.
 */
import { fileStem } from '../export/download.ts';
import { MAX_FILE_BYTES } from '../import/routeFiles.ts';

export type SavedKind = 'scenario' | 'trace';
/** Which simulated system the document drives (from its `cluster` keys / ops). */
export type SavedSystem = 'daos' | 'ceph' | 'daos+ceph' | 'unknown';

export interface SavedItem {
  /** IndexedDB key: `${kind}:${created}:${name}` (unique enough for one user's clicks). */
  id: string;
  name: string;
  kind: SavedKind;
  /** ms since the epoch (Date.now at save time). */
  created: number;
  /** UTF-8 bytes of `text`. */
  size: number;
  system: SavedSystem;
  /** The file's text: an iopath.scenario/1 or iopath.trace/1 document, as Open/Export use it. */
  text: string;
}

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** DAOS/Ceph from the document's cluster section, else from its op names (`daos_…`, `rados_…`). */
export function systemOf(doc: unknown): SavedSystem {
  if (typeof doc !== 'object' || doc === null) return 'unknown';
  const d = doc as { cluster?: unknown; ops?: unknown; scenario?: unknown };
  if (d.scenario !== undefined && d.ops === undefined) return systemOf(d.scenario); // a trace file
  const cluster = typeof d.cluster === 'object' && d.cluster !== null ? d.cluster : {};
  let daos = 'daos' in cluster;
  let ceph = 'ceph' in cluster;
  if (!daos && !ceph && Array.isArray(d.ops)) {
    for (const op of d.ops as unknown[]) {
      const name = (op as { op?: unknown } | null)?.op;
      if (typeof name !== 'string') continue;
      if (name.startsWith('daos_') || name.startsWith('dfs_')) daos = true;
      else if (/^(rados_|rbd_|ceph_|osd_|crush_)/.test(name)) ceph = true;
    }
  }
  return daos && ceph ? 'daos+ceph' : daos ? 'daos' : ceph ? 'ceph' : 'unknown';
}

/**
 * A record for `text` (the document as a file would hold it), or the reason it cannot be
 * saved: over the import size limit (the same 64 MiB a picked file may have), not JSON, or not
 * the kind it claims to be.
 */
export function makeSavedItem(
  name: string,
  kind: SavedKind,
  text: string,
  now: number,
): { ok: true; item: SavedItem } | { ok: false; error: string } {
  const size = utf8Bytes(text);
  if (size > MAX_FILE_BYTES)
    return {
      ok: false,
      error: `${name}: ${(size / 1048576).toFixed(1)} MiB is over the ${MAX_FILE_BYTES / 1048576} MiB limit; export it as a file instead`,
    };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${name}: not JSON (${(e as Error).message})` };
  }
  const schema = (doc as { schema?: unknown } | null)?.schema;
  const want = kind === 'trace' ? 'iopath.trace/1' : 'iopath.scenario/1';
  const isScenario = schema === want || (kind === 'scenario' && schema === undefined);
  if (!isScenario || typeof doc !== 'object' || doc === null)
    return { ok: false, error: `${name}: schema: expected "${want}"` };
  const clean = name.trim() || 'untitled';
  return {
    ok: true,
    item: {
      id: `${kind}:${now}:${clean}`,
      name: clean,
      kind,
      created: now,
      size,
      system: systemOf(doc),
      text,
    },
  };
}

const KINDS: readonly string[] = ['scenario', 'trace'];
const SYSTEMS: readonly string[] = ['daos', 'ceph', 'daos+ceph', 'unknown'];

/** A row read back from IndexedDB, checked field by field (null: not one of ours, skip it). */
export function parseSavedRow(row: unknown): SavedItem | null {
  if (typeof row !== 'object' || row === null) return null;
  const r = row as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.name !== 'string' || typeof r.text !== 'string')
    return null;
  if (typeof r.kind !== 'string' || !KINDS.includes(r.kind)) return null;
  const created = Number(r.created);
  if (!Number.isFinite(created)) return null;
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as SavedKind,
    created,
    size: utf8Bytes(r.text), // recomputed: the stored number is not trusted
    system:
      typeof r.system === 'string' && SYSTEMS.includes(r.system)
        ? (r.system as SavedSystem)
        : 'unknown',
    text: r.text,
  };
}

/** Newest first (ties by name) — the order the Saved panel lists them in. */
export function sortSaved(items: readonly SavedItem[]): SavedItem[] {
  return [...items].sort((a, b) => b.created - a.created || a.name.localeCompare(b.name));
}

/** The export/open file name: `<stem>.json` or `<stem>.trace.json`. */
export function savedFileName(item: Pick<SavedItem, 'name' | 'kind'>): string {
  const stem = fileStem(item.name);
  return item.kind === 'trace' ? `${stem}.trace.json` : `${stem}.json`;
}
