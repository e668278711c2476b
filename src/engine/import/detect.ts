/**
 * What is this file? Routing by content (never by file name) for the page's one file input
 * and the CLI: a scenario, a trace, a walkthrough, a bundle of OSD dumps, or one OSD's
 * OpTracker dump. Only looks at the parsed JSON; never evaluates anything.
 */
import { OSD_DUMPS_SCHEMA } from './ceph-import.ts';
import { looksLikeOsdDump } from './ceph-dump.ts';

export type FileKind = 'scenario' | 'trace' | 'walkthrough' | 'osd-dumps' | 'osd-dump';

export type Detected = { ok: true; kind: FileKind; doc: unknown } | { ok: false; error: string };

export function detectFile(name: string, text: string): Detected {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      error: `${name}: $: not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`,
    };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return { ok: false, error: `${name}: $: expected an object` };
  const schema = (doc as { schema?: unknown }).schema;
  if (schema === 'iopath.trace/1') return { ok: true, kind: 'trace', doc };
  if (schema === 'iopath.walkthrough/1') return { ok: true, kind: 'walkthrough', doc };
  if (schema === OSD_DUMPS_SCHEMA) return { ok: true, kind: 'osd-dumps', doc };
  if (schema === 'iopath.scenario/1') return { ok: true, kind: 'scenario', doc };
  if (schema === undefined && looksLikeOsdDump(doc)) return { ok: true, kind: 'osd-dump', doc };
  if (schema === undefined && 'ops' in doc) return { ok: true, kind: 'scenario', doc };
  return {
    ok: false,
    error: `${name}: schema: expected "iopath.scenario/1", "iopath.trace/1", "iopath.walkthrough/1" or a Ceph dump_historic_ops${typeof schema === 'string' ? ` (got "${schema.slice(0, 40)}")` : ''}`,
  };
}
