/**
 * The embed postMessage API (docs/embed.md). Every message is `{iopath: 1, …}`; commands
 * carry an optional `id` echoed by the reply. Parsing is strict and total: anything else is
 * answered with a readable error (or ignored when it is not ours at all).
 */
export type EmbedCommand =
  | { cmd: 'load'; scenario: string | Record<string, unknown>; seed?: number; step?: number }
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
      const sc = data.scenario;
      if (!(typeof sc === 'string' && /^[a-z0-9][a-z0-9._-]{0,80}$/.test(sc)) && !isObj(sc))
        return fail('load.scenario: expected a built-in name or a scenario document');
      const c: EmbedCommand = { cmd: 'load', scenario: sc };
      if (data.seed !== undefined) {
        if (!isNat(data.seed) || data.seed > 0xffffffff)
          return fail('load.seed: expected 0..4294967295');
        c.seed = data.seed;
      }
      if (data.step !== undefined) {
        if (!isNat(data.step)) return fail('load.step: expected an event index ≥ 0');
        c.step = data.step;
      }
      return { ok: true, id, command: c };
    }
    default:
      return fail(`cmd: expected load, play, pause, seek, subscribe, unsubscribe or state`);
  }
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
