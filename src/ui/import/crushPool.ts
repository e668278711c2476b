/**
 * The crushtool map import's pool (pure): which map text the loaded trace came from, and the
 * `iopath.crush-import/1` document that asks the worker to map another pool over it
 * (src/worker/crushImport.ts computes the PGs with the engine's CRUSH).
 */
import type { Json, TraceEvent } from '../../protocol/index.ts';

export const CRUSH_IMPORT_SCHEMA = 'iopath.crush-import/1';

export interface ImportedPool {
  size: number;
  pg_num: number;
  crush_rule: number;
}

export interface CrushImportInfo {
  pool: ImportedPool | null;
  rules: { id: number; name: string }[];
}

const isObj = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a crushtool import's event says (null: the trace is not a crushtool map import). */
export function crushImportInfo(e: TraceEvent | undefined): CrushImportInfo | null {
  const d = e?.data;
  if (!d || d.source !== 'crushtool -d' || !Array.isArray(d.rules)) return null;
  const ids = Array.isArray(d.rule_ids) ? d.rule_ids : [];
  const rules = d.rules.flatMap((name, i) =>
    typeof name === 'string' && typeof ids[i] === 'number' ? [{ id: ids[i], name }] : [],
  );
  const p = d.pool;
  const pool =
    isObj(p) &&
    typeof p.size === 'number' &&
    typeof p.pg_num === 'number' &&
    typeof p.crush_rule === 'number'
      ? { size: p.size, pg_num: p.pg_num, crush_rule: p.crush_rule }
      : null;
  return { pool, rules };
}

/** The crushtool text behind a loaded trace source: the text itself, or a crush-import doc's. */
export function crushTextOfSource(text: string): string | null {
  if (!text.trimStart().startsWith('{')) return text;
  try {
    const doc: unknown = JSON.parse(text);
    return isObj(doc) && doc.schema === CRUSH_IMPORT_SCHEMA && typeof doc.crush_map === 'string'
      ? doc.crush_map
      : null;
  } catch {
    return null;
  }
}

export function crushPoolDoc(crushText: string, pool: ImportedPool): string {
  return JSON.stringify({ schema: CRUSH_IMPORT_SCHEMA, crush_map: crushText, pool });
}
