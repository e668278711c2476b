/**
 * Who owns SCM bytes: an append-only log of notes `{dev, off, len, label}` built from effects
 * (`alloc`/`reserve` in a step, `tree.insert` node/record, `tree.split`, `tree.grow`,
 * `ilog.update`, VOS value writes `{kind:'scm.write', what:'value'}`) and the VOS key context
 * (vosContext.ts). The SCM map's hover shows the notes that cover a line, newest first.
 *
 * VOS effects carry no `dev`: they are attributed to the last SCM device the same actor
 * touched (VOS runs on one pool per target, one SCM device each).
 */
import type { Effect } from '../../engine/trace/event.ts';
import { createAppendLog, type Indexed } from './appendLog.ts';
import { effectKinds } from './effectKinds.ts';
import { actorOf, stepOf, type EventList } from './eventList.ts';
import { num, str } from './grow.ts';
import { describeCtx, updateVosCtx, VOS_CTX_STEPS, type VosCtx } from './vosContext.ts';

export interface OwnerNote extends Indexed {
  dev: string;
  off: number;
  len: number;
  label: string;
  step: string;
}

interface Ctx {
  vos: Map<string, VosCtx>;
  lastDev: Map<string, string>;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * The note for one effect, or null. `where` describes the actor's VOS context; it is a
 * function because most effects (cache-line writes and flushes) produce no note and the text
 * costs string formatting (epochs in hex).
 */
function label(f: Effect, where: () => string, step: string): [number, number, string] | null {
  const off = num(f, 'off');
  const len = num(f, 'len') ?? 0;
  const tree = str(f, 'tree') ?? 'tree';
  const w = (): string => {
    const x = where();
    return x === '' ? '' : ` — ${x}`;
  };
  switch (f.kind) {
    case 'alloc':
      return str(f, 'media') === 'scm' && off !== undefined
        ? [off, len, `allocated by ${step}${w()}`]
        : null;
    case 'reserve':
      return str(f, 'media') === 'scm' && off !== undefined
        ? [off, len, `reserved by ${step}${w()}`]
        : null;
    case 'scm.write':
      return str(f, 'dev') === undefined && off !== undefined
        ? [off, len, `${str(f, 'what') ?? 'data'} bytes${w()}`]
        : null;
    case 'tree.insert': {
      const rec = num(f, 'rec');
      const node = num(f, 'node');
      if (rec === undefined) return null;
      return [
        rec,
        1,
        `${tree} record (slot ${num(f, 'idx') ?? '?'} of node ${node === undefined ? '?' : hex(node)})${w()}`,
      ];
    }
    case 'tree.split': {
      const right = num(f, 'right');
      const node = num(f, 'node');
      return right === undefined
        ? null
        : [right, 1, `${tree} node (right half of split ${node === undefined ? '?' : hex(node)})`];
    }
    case 'tree.grow': {
      const root = num(f, 'root');
      return root === undefined
        ? null
        : [root, 1, `${tree} root node (depth ${num(f, 'depth') ?? '?'})`];
    }
    default:
      if (f.kind.startsWith('ilog.')) {
        const ilog = num(f, 'ilog');
        return ilog === undefined
          ? null
          : [
              ilog,
              1,
              `incarnation log ${f.kind.slice(5)} at epoch ${str(f, 'epoch') ?? '?'}${w()}`,
            ];
      }
      return null;
  }
}

const ALLOC_KINDS = new Set(['alloc', 'reserve', 'free', 'cancel']);
/** Effects that make notes or name the actor's SCM device (the other events are skipped). */
const OWNER_KINDS = [...ALLOC_KINDS, 'scm.', 'tx.', 'tree.', 'ilog.'];

/** `all`: read every event (tests: the kind/step selection must change nothing). */
export function createScmOwners(all = false) {
  return createAppendLog<OwnerNote, Ctx>(
    () => ({ vos: new Map(), lastDev: new Map() }),
    (e, i, ctx, push) => {
      const c = updateVosCtx(ctx.vos, e);
      if (!e.effects) return;
      for (const f of e.effects) {
        const d = str(f, 'dev');
        if (
          d !== undefined &&
          (f.kind.startsWith('scm.') ||
            f.kind.startsWith('tx.') ||
            (ALLOC_KINDS.has(f.kind) && str(f, 'media') === 'scm'))
        ) {
          ctx.lastDev.set(e.actor, d);
        }
      }
      let where: string | undefined;
      const describe = (): string => (where ??= describeCtx(c));
      for (const f of e.effects) {
        if (f.kind === 'tree.insert') {
          const node = num(f, 'node');
          if (node !== undefined) {
            const dev = ctx.lastDev.get(e.actor);
            if (dev !== undefined)
              push({
                i,
                dev,
                off: node,
                len: 1,
                label: `${str(f, 'tree') ?? 'tree'} node`,
                step: e.step,
              });
          }
        }
        const l = label(f, describe, e.step);
        if (!l) continue;
        const dev = str(f, 'dev') ?? ctx.lastDev.get(e.actor);
        if (dev === undefined) continue;
        push({ i, dev, off: l[0], len: l[1], label: l[2], step: e.step });
      }
    },
    // updateVosCtx moves only on VOS_CTX_STEPS; notes and devices come from OWNER_KINDS.
    all ? undefined : { kinds: OWNER_KINDS, steps: VOS_CTX_STEPS, skip: sameDevOnly },
  );
}

const ascii = new TextEncoder();
const KIND_KEY = ascii.encode('"kind":"');
const DEV_KEY = ascii.encode('"dev":"');

/**
 * Most selected events are cache-line writes, flushes and drains of the device the actor
 * already uses (`{"kind":"scm.write","dev":"engine0.tgt1.scm",…}` × n): they make no note and
 * leave `lastDev` as it is. Such an event is recognised from its raw effect bytes — no
 * note-making kind in its mask, not a context step, and as many `"dev":"<lastDev>"` as
 * `"kind":"` (so every effect names that device) — and skipped undecoded. Anything else
 * (pretty-printed JSON, another device, a value write without `dev`) is decoded as before.
 */
function sameDevOnly(l: EventList, i: number, ctx: Ctx, mask: number): boolean {
  if (!l.effectsBytes || (mask & noteMask(l)) !== 0) return false;
  const step = stepOf(l, i);
  if (step === undefined || VOS_CTX_STEPS.has(step)) return false;
  const dev = ctx.lastDev.get(actorOf(l, i) ?? '');
  const raw = l.effectsBytes(i);
  if (dev === undefined || !raw) return false;
  const want = devBytes(dev);
  let kinds = 0;
  let devs = 0;
  for (let p = raw.indexOf(0x22); p >= 0; p = raw.indexOf(0x22, p + 1)) {
    if (startsWith(raw, p, KIND_KEY)) kinds++;
    else if (startsWith(raw, p, DEV_KEY)) {
      const v = p + DEV_KEY.length;
      if (!startsWith(raw, v, want)) return false; // another device: decode it
      devs++;
      p = v + want.length - 1;
    }
  }
  // Every effect named the device (none without a `dev`, e.g. a VOS value write).
  return kinds > 0 && kinds === devs;
}

const startsWith = (hay: Uint8Array, at: number, needle: Uint8Array): boolean => {
  if (at + needle.length > hay.length) return false;
  for (let k = 0; k < needle.length; k++) if (hay[at + k] !== needle[k]) return false;
  return true;
};

/** `<dev>"` as bytes (memoized: a trace has a few devices). */
const devCache = new Map<string, Uint8Array>();
function devBytes(dev: string): Uint8Array {
  let b = devCache.get(dev);
  if (!b) {
    b = ascii.encode(`${JSON.stringify(dev).slice(1)}`);
    devCache.set(dev, b);
  }
  return b;
}

/** Mask bits of the kinds that make notes or set the device without a `dev` (+ overflow). */
const NOTE_KINDS = [...ALLOC_KINDS, 'tree.', 'ilog.'];
function noteMask(l: EventList): number {
  return effectKinds(l).maskOf(NOTE_KINDS);
}

/**
 * Notes about the bytes of line [lineOff, lineOff + lineLen) among the first `n` notes: notes
 * that overlap the line, plus notes that start inside an allocation that covers it. Newest first.
 */
export function ownersOf(
  notes: readonly OwnerNote[],
  n: number,
  dev: string,
  lineOff: number,
  lineLen: number,
): OwnerNote[] {
  // The newest live allocation/reservation covering the line gives the block bounds.
  let blockLo = lineOff;
  let blockHi = lineOff + lineLen;
  for (let k = n - 1; k >= 0; k--) {
    const o = notes[k] as OwnerNote;
    if (o.dev !== dev || o.len <= 1) continue;
    if (
      o.off < lineOff + lineLen &&
      lineOff < o.off + o.len &&
      /^(allocated|reserved)/.test(o.label)
    ) {
      blockLo = Math.min(blockLo, o.off);
      blockHi = Math.max(blockHi, o.off + o.len);
      break;
    }
  }
  const out: OwnerNote[] = [];
  for (let k = n - 1; k >= 0 && out.length < 8; k--) {
    const o = notes[k] as OwnerNote;
    if (o.dev !== dev) continue;
    const end = o.off + Math.max(1, o.len);
    if (o.off < blockHi && blockLo < end) out.push(o);
  }
  return out;
}
