/**
 * The page's one file input (`data-testid="import-file"`) and drag-and-drop: what each picked
 * file is, decided by its content (never its name) —
 *
 * - `iopath.walkthrough/1` → opens the walkthrough (runs its scenario, goes to stop 1);
 * - Ceph OpTracker dumps (`dump_historic_ops` / `dump_ops_in_flight`, one per OSD; pick the
 *   primary's and the replicas' together) → one `iopath.osd-dumps/1` bundle the worker turns
 *   into a trace (src/engine/import);
 * - `iopath.trace/1` → replayed; `iopath.scenario/1` → run;
 * - a `crushtool -d` text map (not JSON) → the worker compiles it into a one-event trace whose
 *   `osd_tree` the placement view draws (src/worker/crushImport.ts).
 *
 * Pure classification here (testable); the worker validates again and names the JSON path of
 * the first problem. Files are data: nothing is evaluated or inserted as HTML.
 */
import type { ScenarioSource } from '../../protocol/index.ts';

/**
 * Largest file read as text on the main thread (scenarios, walkthroughs, dumps, small traces).
 * A bigger file, or any file that starts like an `iopath.trace/1` document, is handed to the
 * worker unread (`bigTraceFile`): up to MAX_TRACE_FILE_BYTES (1 GiB).
 */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The first bytes of an `iopath.trace/1` file as the engine writes it (schema key first). */
export function startsLikeTrace(head: string): boolean {
  return /^\s*\{\s*"schema"\s*:\s*"iopath\.trace\/1"/.test(head);
}

/**
 * Whether one picked file goes to the worker as bytes (`traceFile`) rather than as text: it
 * starts like a trace, or it is too big for the text path (the worker then names what is wrong
 * with it). Over `maxTrace` it is an error either way.
 */
export function bigTraceFile(
  files: readonly { name: string; size: number; head: string }[],
  maxTrace: number,
): { kind: 'worker' } | { kind: 'text' } | { kind: 'error'; error: string } {
  const f = files[0];
  if (files.length !== 1 || !f) {
    const big = files.find((x) => x.size > MAX_FILE_BYTES);
    return big
      ? {
          kind: 'error',
          error: `${big.name}: $: ${(big.size / 1048576).toFixed(1)} MiB is over the 64 MiB limit`,
        }
      : { kind: 'text' };
  }
  if (f.size > maxTrace)
    return {
      kind: 'error',
      error: `${f.name}: $: ${(f.size / 1048576).toFixed(1)} MiB is over the ${maxTrace / 1048576} MiB limit for trace files`,
    };
  return startsLikeTrace(f.head) || f.size > MAX_FILE_BYTES ? { kind: 'worker' } : { kind: 'text' };
}

export type Routed =
  | { kind: 'load'; source: ScenarioSource }
  | { kind: 'walkthrough'; doc: unknown }
  | { kind: 'error'; error: string };

export interface PickedFile {
  name: string;
  text: string;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An OpTracker dump: `{ops:[…]}` with `num_ops` or `size`/`duration`, or ops carrying type_data. */
export function looksLikeOsdDump(doc: unknown): boolean {
  if (!isObj(doc) || !Array.isArray(doc.ops) || 'schema' in doc) return false;
  if ('num_ops' in doc || 'size' in doc || 'duration' in doc) return true;
  const first: unknown = doc.ops[0];
  return isObj(first) && 'description' in first && 'type_data' in first;
}

/**
 * `crushtool -d` output: not JSON, and a line that only a CRUSH map starts with (`# begin crush
 * map`, `tunable …`, `device N osd.N`, `type N name`, or a rule opening `rule name {`).
 */
export function looksLikeCrushText(text: string): boolean {
  if (/^\s*[[{]/.test(text)) return false;
  return /^(# begin crush map|tunable \w+ \d+|device \d+ \S+(?: class \S+)?|type \d+ \S+|rule \S+ \{)\s*$/m.test(
    text,
  );
}

export function routeFiles(files: readonly PickedFile[]): Routed {
  if (files.length === 0) return { kind: 'error', error: 'no file' };
  const docs: { name: string; text: string; doc: unknown }[] = [];
  for (const f of files) {
    if (f.text.length > MAX_FILE_BYTES)
      return {
        kind: 'error',
        error: `${f.name}: $: ${(f.text.length / 1048576).toFixed(1)} MiB is over the 64 MiB limit`,
      };
    try {
      docs.push({ ...f, doc: JSON.parse(f.text) as unknown });
    } catch (e) {
      // A crushtool -d text map: the worker compiles it (its errors name the line).
      if (files.length === 1 && looksLikeCrushText(f.text))
        return { kind: 'load', source: { kind: 'trace', text: f.text } };
      return {
        kind: 'error',
        error: `${f.name}: $: not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`,
      };
    }
  }
  const dumps = docs.filter((d) => looksLikeOsdDump(d.doc));
  if (dumps.length > 0) {
    const other = docs.find((d) => !looksLikeOsdDump(d.doc));
    if (other)
      return {
        kind: 'error',
        error: `${other.name}: $: open OSD dumps together, without other files`,
      };
    const bundle = {
      schema: 'iopath.osd-dumps/1',
      files: dumps.map((d) => ({ name: d.name, dump: d.doc })),
    };
    return { kind: 'load', source: { kind: 'trace', text: JSON.stringify(bundle) } };
  }
  if (docs.length > 1)
    return {
      kind: 'error',
      error: `${docs[1]!.name}: $: open one scenario, trace or walkthrough at a time (several files only for OSD dumps)`,
    };
  const { name, text, doc } = docs[0]!;
  const schema = isObj(doc) ? doc.schema : undefined;
  if (schema === 'iopath.walkthrough/1') return { kind: 'walkthrough', doc };
  if (schema === 'iopath.trace/1' || schema === 'iopath.osd-dumps/1')
    return { kind: 'load', source: { kind: 'trace', text } };
  if (schema === 'iopath.scenario/1' || (isObj(doc) && schema === undefined && 'ops' in doc))
    return { kind: 'load', source: { kind: 'doc', doc } };
  return {
    kind: 'error',
    error: `${name}: schema: expected "iopath.scenario/1", "iopath.trace/1", "iopath.walkthrough/1" or a Ceph dump_historic_ops${typeof schema === 'string' ? ` (got "${schema.slice(0, 40)}")` : ''}`,
  };
}
