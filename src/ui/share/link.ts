/**
 * Share links, version 1: `?v=1&scenario=<name | ~deflated doc>&seed=N&step=K&view=TAB`.
 *
 * An inline scenario is JSON → CompressionStream('deflate-raw') → base64url, prefixed with
 * `~` (not a base64url or built-in-name character, so old links — a name, raw JSON or plain
 * base64url JSON, all `v` 0 — still parse as before). `migrateParams` upgrades older
 * versions to the current one; add a case there when the format changes, never break links.
 * A link longer than MAX_LINK is not offered: the UI saves the document as a file instead.
 */
import type { ScenarioSource } from '../../protocol/index.ts';

export const LINK_VERSION = 1;
/** Conservative: chat apps and some browsers truncate beyond ~8 KB. */
export const MAX_LINK = 8000;
/** Largest inflated document accepted from a link. */
export const MAX_LINK_DOC_CHARS = 4 * 1024 * 1024;

function b64url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unb64url(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return null;
  try {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function pump(
  input: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  limit: number,
): Promise<Uint8Array> {
  const w = stream.writable.getWriter();
  void w.write(input as Uint8Array<ArrayBuffer>).catch(() => undefined);
  void w.close().catch(() => undefined);
  const r = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await r.read();
    if (done) break;
    n += value.length;
    if (n > limit) {
      void r.cancel();
      throw new Error(`more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** `~` + base64url(deflate-raw(JSON)). */
export async function encodeDocParam(doc: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(doc));
  return '~' + b64url(await pump(bytes, new CompressionStream('deflate-raw'), Infinity));
}

/** The document in a `~…` parameter, or an error message naming the parameter. */
export async function decodeDocParam(s: string): Promise<{ doc: unknown } | { error: string }> {
  const bytes = unb64url(s.startsWith('~') ? s.slice(1) : s);
  if (!bytes) return { error: 'scenario: the link is damaged (not base64url)' };
  let text: string;
  try {
    const raw = await pump(bytes, new DecompressionStream('deflate-raw'), MAX_LINK_DOC_CHARS);
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch (e) {
    return {
      error: `scenario: the link is damaged (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`,
    };
  }
  try {
    return { doc: JSON.parse(text) as unknown };
  } catch (e) {
    return {
      error: `scenario: the link's document is not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`,
    };
  }
}

/** Upgrade a link's parameters to LINK_VERSION (v absent = 0: same fields, no `view`). */
export function migrateParams(q: URLSearchParams): URLSearchParams | { error: string } {
  const raw = q.get('v');
  const v = raw === null ? 0 : Number(raw);
  if (!Number.isInteger(v) || v < 0) return { error: `v: expected a link version (got "${raw}")` };
  if (v > LINK_VERSION)
    return {
      error: `v: this link needs a newer iopath (link version ${v}, this page reads ≤ ${LINK_VERSION})`,
    };
  const out = new URLSearchParams(q);
  // v0 → v1: nothing to rename; v1 only adds `view` and the `~` encoding.
  out.set('v', String(LINK_VERSION));
  return out;
}

export interface ShareState {
  source: ScenarioSource | null;
  doc: unknown;
  seed?: number;
  step: number;
  view: string;
  embed?: boolean;
}

/** The link for what is on screen, or why there is none (then offer a file). */
export async function shareUrl(
  base: string,
  s: ShareState,
): Promise<{ url: string } | { tooLong: number } | { error: string }> {
  const q = new URLSearchParams();
  q.set('v', String(LINK_VERSION));
  if (s.source?.kind === 'builtin') q.set('scenario', s.source.name);
  else if (s.source?.kind === 'doc' && s.doc) q.set('scenario', await encodeDocParam(s.doc));
  else return { error: 'a trace file has no link: export it and share the file' };
  if (s.seed !== undefined) q.set('seed', String(s.seed));
  q.set('step', String(s.step));
  if (s.view !== 'flow') q.set('view', s.view);
  if (s.embed) q.set('embed', '1');
  const url = `${base}?${q.toString()}`;
  return url.length > MAX_LINK ? { tooLong: url.length } : { url };
}
