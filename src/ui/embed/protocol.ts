/**
 * The embed postMessage API (docs/embed.md). Every message is `{iopath: 1, …}`; commands
 * carry an optional `id` echoed by the reply. Parsing is strict and total: anything else is
 * answered with a readable error (or ignored when it is not ours at all).
 */
export type EmbedCommand =
  | { cmd: 'load'; scenario: string | Record<string, unknown>; seed?: number; step?: number }
  /** An `iopath.trace/1` file, as its JSON text (an object is serialized by the parser). */
  | { cmd: 'load'; trace: string; step?: number }
  | { cmd: 'play' }
  | { cmd: 'pause' }
  | { cmd: 'seek'; step: number }
  | { cmd: 'subscribe' }
  | { cmd: 'unsubscribe' }
  | { cmd: 'state' };

export type ParsedCommand =
  | { ok: true; id: unknown; command: EmbedCommand }
  | { ok: false; id: unknown; error: string }
  | { ok: 'ignore' };

/** The largest document a `load` takes (scenario or trace, as JSON text). */
export const MAX_EMBED_LOAD_CHARS = 32 * 1024 * 1024;
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNat = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function parseCommand(data: unknown): ParsedCommand {
  if (!isObj(data) || data.iopath !== 1) return { ok: 'ignore' };
  const id = typeof data.id === 'string' || typeof data.id === 'number' ? data.id : undefined;
  const fail = (error: string): ParsedCommand => ({ ok: false, id, error });
  switch (data.cmd) {
    case 'play':
    case 'pause':
    case 'subscribe':
    case 'unsubscribe':
    case 'state':
      return { ok: true, id, command: { cmd: data.cmd } };
    case 'seek':
      if (!isNat(data.step)) return fail('seek.step: expected an event index ≥ 0');
      return { ok: true, id, command: { cmd: 'seek', step: data.step } };
    case 'load': {
      if ((data.scenario === undefined) === (data.trace === undefined))
        return fail('load: expected exactly one of scenario or trace');
      let step: number | undefined;
      if (data.step !== undefined) {
        if (!isNat(data.step)) return fail('load.step: expected an event index ≥ 0');
        step = data.step;
      }
      if (data.trace !== undefined) {
        if (data.seed !== undefined) return fail('load.seed: a trace has no seed (it is a record)');
        const t = parseTraceArg(data.trace);
        if (!t.ok) return fail(`load.trace${t.error}`);
        return {
          ok: true,
          id,
          command:
            step === undefined
              ? { cmd: 'load', trace: t.text }
              : { cmd: 'load', trace: t.text, step },
        };
      }
      const sc = data.scenario;
      if (!(typeof sc === 'string' && /^[a-z0-9][a-z0-9._-]{0,80}$/.test(sc)) && !isObj(sc))
        return fail('load.scenario: expected a built-in name or a scenario document');
      if (isObj(sc)) {
        const n = jsonLength(sc);
        if (n > MAX_EMBED_LOAD_CHARS)
          return fail(
            `load.scenario: ${mib(n)} is over the embed limit of ${mib(MAX_EMBED_LOAD_CHARS)}`,
          );
      }
      const c: EmbedCommand = { cmd: 'load', scenario: sc };
      if (data.seed !== undefined) {
        if (!isNat(data.seed) || data.seed > 0xffffffff)
          return fail('load.seed: expected 0..4294967295');
        c.seed = data.seed;
      }
      if (step !== undefined) c.step = step;
      return { ok: true, id, command: c };
    }
    default:
      return fail(`cmd: expected load, play, pause, seek, subscribe, unsubscribe or state`);
  }
}

/** JSON text length of a value (Infinity when it cannot be serialized: cycles, BigInt). */
function jsonLength(v: unknown): number {
  try {
    return JSON.stringify(v)?.length ?? Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * A trace argument: the JSON text of an `iopath.trace/1` file or that object. Checked here
 * only as far as the message goes (size, JSON, schema, an events list); the worker validates
 * every event and names the JSON path of the first problem. Errors start with the sub-path.
 */
export function parseTraceArg(
  v: unknown,
): { ok: true; text: string } | { ok: false; error: string } {
  let text: string;
  let doc: unknown;
  if (typeof v === 'string') {
    if (v.length > MAX_EMBED_LOAD_CHARS)
      return {
        ok: false,
        error: `: ${mib(v.length)} is over the embed limit of ${mib(MAX_EMBED_LOAD_CHARS)}`,
      };
    text = v;
    try {
      doc = JSON.parse(v);
    } catch (e) {
      return {
        ok: false,
        error: `: not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 120)})`,
      };
    }
  } else if (isObj(v)) {
    const n = jsonLength(v);
    if (n > MAX_EMBED_LOAD_CHARS)
      return {
        ok: false,
        error: `: ${n === Infinity ? 'cannot be serialized' : `${mib(n)} is over the embed limit of ${mib(MAX_EMBED_LOAD_CHARS)}`}`,
      };
    text = JSON.stringify(v);
    doc = v;
  } else return { ok: false, error: ': expected an iopath.trace/1 document or its JSON text' };
  if (!isObj(doc)) return { ok: false, error: ': expected an object' };
  if (doc.schema !== 'iopath.trace/1')
    return { ok: false, error: '.schema: expected "iopath.trace/1"' };
  if (!Array.isArray(doc.events)) return { ok: false, error: '.events: expected a list of events' };
  return { ok: true, text };
}

/**
 * Which parent origins may drive the embed: the `origin` URL parameter (comma-separated), else
 * the embedding page's origin (document.referrer), else only our own origin.
 */
export function allowedOrigins(search: string, referrer: string, self: string): Set<string> {
  const q = new URLSearchParams(search).get('origin');
  const out = new Set<string>([self]);
  if (q) {
    for (const o of q.split(',')) {
      try {
        out.add(new URL(o.trim()).origin);
      } catch {
        // not a URL: ignored
      }
    }
    return out;
  }
  try {
    if (referrer) out.add(new URL(referrer).origin);
  } catch {
    // no usable referrer
  }
  return out;
}
