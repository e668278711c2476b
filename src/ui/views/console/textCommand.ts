/**
 * The console's compact text form: one short command → one scenario op (the same object a
 * scenario document's `ops` list holds). Pure and table-driven, so completion, the help list
 * and the parser can never disagree:
 *
 *   obj update <obj> <dkey> <akey> --sv <bytes|text>   → daos_obj_update (single value)
 *   obj fetch <obj> <dkey> <akey> [--size N]            → daos_obj_fetch
 *   kv put <obj> <key> <value> / kv get <obj> <key>     → daos_kv_put / daos_kv_get
 *   rados put <pool> <oid> <text|--len N>               → rados_write_full
 *   rados get <pool> <oid>                              → rados_read
 *   rbd write <image> <offset> <len|text>               → rbd_write
 *   rbd read <image> <offset> <len>                     → rbd_read
 *   kill osd.1 | kill engine0.tgt1                      → fault_kill_osd | fault_kill_target
 *   restart osd.1 | restart engine0.tgt1                → restart
 *   power-cut engine0.tgt1 [--at <step>]                → fault_power_cut
 *   drop [N] [--from <actor>] [--to <actor>]            → fault_drop_messages
 *   partition <actor> <actor> [--ns N]                  → fault_partition (osd.N, client,
 *                                                         mon, engineN.tgtM)
 *   wait-healthy                                        → fault_partition {wait: true} (Ceph:
 *                                                         until healed and HEALTH_OK)
 *
 * A number where bytes are expected means that many bytes ('A' fill), anything else is UTF-8
 * text. Only ops the engine registered (catalog `ops`) are emitted; others are an error.
 */
import type { OpDoc } from '../../../protocol/index.ts';

export type TextResult = { ok: true; op: OpDoc } | { ok: false; error: string };

interface Args {
  pos: string[];
  opts: Map<string, string>;
}

interface CommandForm {
  /** The words that name it, e.g. `obj update`. */
  words: string;
  /** Argument synopsis for help and completion. */
  usage: string;
  /** Options it takes (each with one value). */
  options?: string[];
  /** Positional argument count [min, max]. */
  arity: [number, number];
  build(a: Args): OpDoc | string;
}

const FILL_BYTE = 0x41;
const isCount = (s: string) => /^\d+$/.test(s);
const u = (s: string | undefined, what: string): number | string => {
  if (s === undefined || !/^(\d+|0x[0-9a-f]+)$/i.test(s)) return `${what}: expected a number`;
  return Number(s);
};
/** `1024` → 1024 bytes of 'A'; anything else → its UTF-8 bytes. */
const bytesValue = (s: string) =>
  isCount(s) ? { fill: 'byte', len: Number(s), byte: FILL_BYTE } : { utf8: s };
const byteLen = (s: string) => (isCount(s) ? Number(s) : new TextEncoder().encode(s).length);

const OSD = /^osd\.(\d+)$/;
const TARGET = /^engine\d+\.tgt\d+$/;
const victim = (s: string) =>
  OSD.test(s) || TARGET.test(s) ? null : `"${s}": expected osd.N or engineN.tgtM`;

export const FORMS: CommandForm[] = [
  {
    words: 'obj update',
    usage: '<obj> <dkey> <akey> --sv <bytes|text>',
    options: ['sv'],
    arity: [3, 3],
    build: ({ pos: [obj, dkey, akey], opts }) => {
      const sv = opts.get('sv');
      if (sv === undefined) return '--sv <bytes|text>: the value to write';
      return {
        op: 'daos_obj_update',
        obj: obj!,
        dkey: dkey!,
        iods: [{ akey: akey!, type: 'DAOS_IOD_SINGLE', size: byteLen(sv) }],
        data: [bytesValue(sv)],
      };
    },
  },
  {
    words: 'obj fetch',
    usage: '<obj> <dkey> <akey> [--size N]',
    options: ['size'],
    arity: [3, 3],
    build: ({ pos: [obj, dkey, akey], opts }) => {
      const size = u(opts.get('size') ?? '1024', '--size');
      if (typeof size === 'string') return size;
      return {
        op: 'daos_obj_fetch',
        obj: obj!,
        dkey: dkey!,
        iods: [{ akey: akey!, type: 'DAOS_IOD_SINGLE', size }],
      };
    },
  },
  {
    words: 'kv put',
    usage: '<obj> <key> <value>',
    arity: [3, 3],
    build: ({ pos: [obj, key, value] }) => ({
      op: 'daos_kv_put',
      obj: obj!,
      key: key!,
      value: { utf8: value! },
    }),
  },
  {
    words: 'kv get',
    usage: '<obj> <key>',
    arity: [2, 2],
    build: ({ pos: [obj, key] }) => ({ op: 'daos_kv_get', obj: obj!, key: key! }),
  },
  {
    words: 'rados put',
    usage: '<pool> <oid> <text|--len N>',
    options: ['len'],
    arity: [2, 3],
    build: ({ pos: [pool, oid, text], opts }) => {
      const len = opts.get('len');
      if ((text === undefined) === (len === undefined)) return 'give the data as <text> or --len N';
      let value: OpDoc[string] = { utf8: text ?? '' };
      if (len !== undefined) {
        const n = u(len, '--len');
        if (typeof n === 'string') return n;
        value = { fill: 'byte', len: n, byte: FILL_BYTE };
      }
      return { op: 'rados_write_full', pool: pool!, oid: oid!, value };
    },
  },
  {
    words: 'rados get',
    usage: '<pool> <oid>',
    arity: [2, 2],
    build: ({ pos: [pool, oid] }) => ({ op: 'rados_read', pool: pool!, oid: oid! }),
  },
  {
    words: 'rbd write',
    usage: '<image> <offset> <len|text>',
    arity: [3, 3],
    build: ({ pos: [image, off, data] }) => {
      const offset = u(off, 'offset');
      if (typeof offset === 'string') return offset;
      return { op: 'rbd_write', image: image!, offset, value: bytesValue(data!) };
    },
  },
  {
    words: 'rbd read',
    usage: '<image> <offset> <len>',
    arity: [3, 3],
    build: ({ pos: [image, off, l] }) => {
      const offset = u(off, 'offset');
      if (typeof offset === 'string') return offset;
      const len = u(l, 'len');
      if (typeof len === 'string') return len;
      return { op: 'rbd_read', image: image!, offset, len };
    },
  },
  {
    words: 'kill',
    usage: '<osd.N|engineN.tgtM>',
    arity: [1, 1],
    build: ({ pos: [who] }) => {
      const bad = victim(who!);
      if (bad) return bad;
      const osd = OSD.exec(who!);
      return osd
        ? { op: 'fault_kill_osd', osd: Number(osd[1]) }
        : { op: 'fault_kill_target', target: who! };
    },
  },
  {
    words: 'restart',
    usage: '<osd.N|engineN.tgtM>',
    arity: [1, 1],
    build: ({ pos: [who] }) => {
      const bad = victim(who!);
      if (bad) return bad;
      const osd = OSD.exec(who!);
      return osd ? { op: 'restart', osd: Number(osd[1]) } : { op: 'restart', target: who! };
    },
  },
  {
    words: 'power-cut',
    usage: '<engineN.tgtM> [--at <step>]',
    options: ['at'],
    arity: [1, 1],
    build: ({ pos: [target], opts }) => {
      if (!TARGET.test(target!)) return `"${target!}": expected a target like engine0.tgt1`;
      const at = opts.get('at');
      return at === undefined
        ? { op: 'fault_power_cut', target: target! }
        : { op: 'fault_power_cut', target: target!, at_step: at };
    },
  },
  {
    words: 'drop',
    usage: '[N] [--from <actor>] [--to <actor>]',
    options: ['from', 'to'],
    arity: [0, 1],
    build: ({ pos: [n], opts }) => {
      const count = u(n ?? '1', 'count');
      if (typeof count === 'string') return count;
      const op: OpDoc = { op: 'fault_drop_messages', count };
      const from = opts.get('from');
      const to = opts.get('to');
      if (from !== undefined) op.from = from;
      if (to !== undefined) op.to = to;
      return op;
    },
  },
  {
    words: 'partition',
    usage: '<actor> <actor> [--ns N]',
    options: ['ns'],
    arity: [2, 2],
    build: ({ pos: [a, b], opts }) => {
      if (a === b) return `partition: two different actors expected (got "${a!}" twice)`;
      const op: OpDoc = { op: 'fault_partition', between: [a!, b!] };
      const ns = opts.get('ns');
      if (ns !== undefined) {
        const n = u(ns, 'ns');
        if (typeof n === 'string') return n;
        op.ns = n;
      }
      return op;
    },
  },
  {
    // Time passes only while an op runs: this one lets a partition heal and the cluster
    // recover (Ceph: every OSD up, every PG active+clean) before the next command.
    words: 'wait-healthy',
    usage: '(until every partition healed and the cluster is healthy)',
    arity: [0, 0],
    build: () => ({ op: 'fault_partition', wait: true }),
  },
];

/** Split on spaces, keeping "quoted text" (single or double quotes) as one word. */
export function splitWords(line: string): string[] | string {
  const out: string[] = [];
  const re = /\s*(?:"([^"]*)"|'([^']*)'|([^\s"'][^\s]*))/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(line)) !== null) {
    out.push(m[1] ?? m[2] ?? m[3] ?? '');
    last = re.lastIndex;
  }
  const rest = line.slice(last).trim();
  if (rest !== '') return `unterminated quote in ${rest}`;
  return out;
}

function findForm(words: string[]): CommandForm | undefined {
  return FORMS.find((f) => {
    const w = f.words.split(' ');
    return w.every((x, i) => words[i] === x);
  });
}

/** Parse a text command. `known`: registered op names (empty: don't check). */
export function parseTextCommand(line: string, known: ReadonlySet<string>): TextResult {
  const words = splitWords(line.trim());
  if (typeof words === 'string') return { ok: false, error: words };
  const form = findForm(words);
  if (!form) {
    const head = words[0] ?? '';
    const near = FORMS.filter((f) => f.words.startsWith(head)).map((f) => f.words);
    return {
      ok: false,
      error:
        near.length > 0
          ? `unknown command "${words.slice(0, 2).join(' ')}" — try ${near.join(', ')}`
          : `unknown command "${head}" — commands: ${[...new Set(FORMS.map((f) => f.words.split(' ')[0]))].join(', ')}, or one op as JSON`,
    };
  }
  const args: Args = { pos: [], opts: new Map() };
  const rest = words.slice(form.words.split(' ').length);
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w.startsWith('--') && w.length > 2) {
      const name = w.slice(2);
      if (!form.options?.includes(name))
        return {
          ok: false,
          error: `${form.words}: unknown option ${w} (usage: ${form.words} ${form.usage})`,
        };
      const v = rest[i + 1];
      if (v === undefined) return { ok: false, error: `${w}: expected a value` };
      args.opts.set(name, v);
      i++;
    } else args.pos.push(w);
  }
  const [min, max] = form.arity;
  if (args.pos.length < min || args.pos.length > max)
    return { ok: false, error: `usage: ${form.words} ${form.usage}` };
  const op = form.build(args);
  if (typeof op === 'string') return { ok: false, error: `${form.words}: ${op}` };
  if (known.size > 0 && !known.has(op.op))
    return { ok: false, error: `${op.op} is not an op this engine registered` };
  return { ok: true, op };
}

/**
 * Completion for the line typed so far: the command forms it can still become, as
 * `{ insert, hint }` — `insert` replaces the whole line when chosen (Tab takes the first).
 */
export function completeTextCommand(
  line: string,
  known: ReadonlySet<string>,
): { insert: string; hint: string }[] {
  const typed = line.replace(/^\s+/, '');
  const available = FORMS.filter((f) => {
    if (known.size === 0) return true;
    const probe = OPS_OF[f.words] ?? [];
    return probe.some((o) => known.has(o));
  });
  return available
    .filter(
      (f) => f.words.startsWith(typed) || typed.startsWith(`${f.words} `) || typed === f.words,
    )
    .map((f) => ({
      insert:
        f.words.startsWith(typed) && typed.length < f.words.length + 1 ? `${f.words} ` : typed,
      hint: `${f.words} ${f.usage}`,
    }));
}

/** Which ops a form may emit (completion hides forms whose ops are not registered). */
const OPS_OF: Record<string, string[]> = {
  'obj update': ['daos_obj_update'],
  'obj fetch': ['daos_obj_fetch'],
  'kv put': ['daos_kv_put'],
  'kv get': ['daos_kv_get'],
  'rados put': ['rados_write_full'],
  'rados get': ['rados_read'],
  'rbd write': ['rbd_write'],
  'rbd read': ['rbd_read'],
  kill: ['fault_kill_osd', 'fault_kill_target'],
  restart: ['restart'],
  'power-cut': ['fault_power_cut'],
  drop: ['fault_drop_messages'],
  partition: ['fault_partition'],
  'wait-healthy': ['fault_partition'],
};
