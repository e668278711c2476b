/**
 * Parser for the text CRUSH map that `crushtool -d` prints (and users paste), following
 * CrushCompiler's semantics: tunables default to LEGACY when absent, item weights are
 * `(unsigned)(strtof(w) * 0x10000)`, an item without a weight gets its own weight (a
 * bucket's summed weight, or 1.0 for a device), buckets without `id` take the first free
 * id from -1 down, items without `pos` fill the first free slots. Every error names its
 * line: `CrushParseError: line 12: item 'osd.9' in bucket 'host0' is not defined`.
 *
 * Supported: tunable, device [class], type, buckets (uniform/list/tree/straw/straw2,
 * `id N [class C]`, alg, hash, `item NAME [weight W] [pos P]`), rules (id/ruleset, type,
 * min_size, max_size, every `step`, `take X class C` through the device-class shadow trees
 * rebuilt after parsing, see shadow.ts), `choose_args` (parsed and kept for printing; they
 * are not used by the mapper).
 */
import { legacyTunables, TUNABLE_NAMES } from './tunables.ts';
import { finalizeMap, makeBucket, weightFromFloat } from './build.ts';
import { buildShadowTrees } from './shadow.ts';
import {
  CRUSH_BUCKET_LIST,
  CRUSH_BUCKET_STRAW,
  CRUSH_BUCKET_STRAW2,
  CRUSH_BUCKET_TREE,
  CRUSH_BUCKET_UNIFORM,
  CRUSH_RULE_TYPE_ERASURE,
  CRUSH_RULE_TYPE_REPLICATED,
  type ChooseArg,
  type CrushMap,
  type CrushRule,
  type CrushTunables,
  type RuleOp,
  type RuleStep,
} from './types.ts';

export class CrushParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CrushParseError';
  }
}

interface Tok {
  text: string;
  line: number;
}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  const lines = src.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    let l = lines[ln]!;
    const hash = l.indexOf('#');
    if (hash >= 0) l = l.slice(0, hash);
    for (const m of l.matchAll(/[{}[\]]|[^\s{}[\]]+/g)) toks.push({ text: m[0], line: ln + 1 });
  }
  return toks;
}

const ALGS: Record<string, number> = {
  uniform: CRUSH_BUCKET_UNIFORM,
  list: CRUSH_BUCKET_LIST,
  tree: CRUSH_BUCKET_TREE,
  straw: CRUSH_BUCKET_STRAW,
  straw2: CRUSH_BUCKET_STRAW2,
};

const SET_STEPS: readonly RuleOp[] = [
  'set_choose_tries',
  'set_chooseleaf_tries',
  'set_choose_local_tries',
  'set_choose_local_fallback_tries',
  'set_chooseleaf_vary_r',
  'set_chooseleaf_stable',
];

/** Kept for callers of the first API; the map type itself now carries choose_args. */
export type ParsedCrushMap = CrushMap;

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  get done(): boolean {
    return this.i >= this.toks.length;
  }
  peek(): Tok | undefined {
    return this.toks[this.i];
  }
  lastLine(): number {
    return this.toks[Math.min(this.i, this.toks.length - 1)]?.line ?? 1;
  }
  next(what: string): Tok {
    const t = this.toks[this.i];
    if (t === undefined)
      throw new CrushParseError(this.lastLine(), `unexpected end of map, expected ${what}`);
    this.i++;
    return t;
  }
  expect(text: string): Tok {
    const t = this.next(`'${text}'`);
    if (t.text !== text) throw new CrushParseError(t.line, `expected '${text}', found '${t.text}'`);
    return t;
  }
  int(what: string): number {
    const t = this.next(what);
    if (!/^[-+]?\d+$/.test(t.text))
      throw new CrushParseError(t.line, `expected an integer ${what}, found '${t.text}'`);
    return parseInt(t.text, 10);
  }
  float(what: string): number {
    const t = this.next(what);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t.text))
      throw new CrushParseError(t.line, `expected a number ${what}, found '${t.text}'`);
    return parseFloat(t.text);
  }
  name(what: string): Tok {
    const t = this.next(what);
    if (/^[{}[\]]$/.test(t.text))
      throw new CrushParseError(t.line, `expected ${what}, found '${t.text}'`);
    return t;
  }
}

/** Parse a text CRUSH map. Throws CrushParseError (with the line number) on bad input. */
export function parseCrushMap(src: string): ParsedCrushMap {
  const p = new Parser(tokenize(src));
  const tunables: CrushTunables = legacyTunables();
  const map: ParsedCrushMap = {
    tunables,
    devices: new Map(),
    types: new Map(),
    buckets: [],
    rules: [],
    maxDevices: 0,
  };
  const typeIds = new Map<string, number>();
  const itemIds = new Map<string, number>(); // device and bucket names → id
  const itemWeight = new Map<number, number>(); // bucket id → summed weight
  const ruleNames = new Set<string>();

  while (!p.done) {
    const t = p.next('a section');
    switch (t.text) {
      case 'tunable': {
        const name = p.name('tunable name');
        const val = p.int('tunable value');
        if (!(TUNABLE_NAMES as readonly string[]).includes(name.text))
          throw new CrushParseError(name.line, `tunable ${name.text} not recognized`);
        tunables[name.text as keyof CrushTunables] = val;
        break;
      }
      case 'device': {
        const id = p.int('device id');
        const name = p.name('device name');
        if (id < 0) throw new CrushParseError(t.line, `device id ${id} must be >= 0`);
        if (itemIds.has(name.text))
          throw new CrushParseError(name.line, `item ${name.text} defined twice`);
        let className: string | undefined;
        if (p.peek()?.text === 'class' && p.peek()?.line === t.line) {
          p.next('class');
          className = p.name('class name').text;
        }
        itemIds.set(name.text, id);
        map.devices.set(
          id,
          className ? { id, name: name.text, className } : { id, name: name.text },
        );
        break;
      }
      case 'type': {
        const id = p.int('type id');
        const name = p.name('type name');
        typeIds.set(name.text, id);
        map.types.set(id, name.text);
        break;
      }
      case 'rule':
        parseRule(p, t, map, typeIds, itemIds, ruleNames);
        break;
      case 'choose_args':
        parseChooseArgs(p, map);
        break;
      default: {
        // A bucket: "<type name> <bucket name> { ... }".
        const type = typeIds.get(t.text);
        if (type === undefined)
          throw new CrushParseError(t.line, `bucket type '${t.text}' is not defined`);
        parseBucket(p, t, type, map, itemIds, itemWeight);
      }
    }
  }
  buildShadowTrees(map);
  return finalizeMap(map);
}

function parseBucket(
  p: Parser,
  start: Tok,
  type: number,
  map: ParsedCrushMap,
  itemIds: Map<string, number>,
  itemWeight: Map<number, number>,
): void {
  const name = p.name('bucket name');
  if (itemIds.has(name.text))
    throw new CrushParseError(name.line, `bucket or device '${name.text}' is already defined`);
  p.expect('{');
  let id = 0;
  let alg = -1;
  let hash = 0;
  const classIds = new Map<string, number>();
  const raw: { name: Tok; weight?: number; pos?: number }[] = [];
  for (;;) {
    const t = p.next("'}'");
    if (t.text === '}') break;
    switch (t.text) {
      case 'id': {
        const v = p.int('bucket id');
        if (p.peek()?.text === 'class' && p.peek()?.line === t.line) {
          p.next('class');
          const c = p.name('class name').text;
          if (classIds.has(c))
            throw new CrushParseError(
              t.line,
              `duplicate device class ${c} for bucket ${name.text}`,
            );
          classIds.set(c, v);
        } else {
          if (v >= 0) throw new CrushParseError(t.line, `bucket id ${v} must be negative`);
          id = v;
        }
        break;
      }
      case 'alg': {
        const a = p.name('bucket alg');
        const v = ALGS[a.text];
        if (v === undefined) throw new CrushParseError(a.line, `unknown bucket alg '${a.text}'`);
        alg = v;
        break;
      }
      case 'hash': {
        const h = p.name('hash');
        hash = h.text === 'rjenkins1' ? 0 : parseInt(h.text, 10);
        if (Number.isNaN(hash) || hash !== 0)
          throw new CrushParseError(h.line, `unknown hash '${h.text}' (only 0 = rjenkins1)`);
        break;
      }
      case 'item': {
        const iname = p.name('item name');
        const entry: { name: Tok; weight?: number; pos?: number } = { name: iname };
        while (p.peek()?.text === 'weight' || p.peek()?.text === 'pos') {
          const k = p.next('weight/pos');
          if (k.text === 'weight') entry.weight = weightFromFloat(p.float('weight'));
          else entry.pos = p.int('pos');
        }
        raw.push(entry);
        break;
      }
      default:
        throw new CrushParseError(t.line, `unexpected '${t.text}' in bucket '${name.text}'`);
    }
  }
  if (alg < 0) throw new CrushParseError(start.line, `bucket '${name.text}' has no alg`);
  const used = new Set<number>();
  for (const r of raw) {
    if (r.pos === undefined) continue;
    if (used.has(r.pos))
      throw new CrushParseError(
        r.name.line,
        `item '${r.name.text}' in bucket '${name.text}' has explicit pos ${r.pos}, which is occupied`,
      );
    used.add(r.pos);
  }
  let size = raw.length;
  if (used.size) size = Math.max(size, Math.max(...used));
  const items = new Array<number>(size).fill(0);
  const weights = new Array<number>(size).fill(0);
  let curpos = 0;
  let uniformWeight: number | undefined;
  for (const r of raw) {
    const itemId = itemIds.get(r.name.text);
    if (itemId === undefined)
      throw new CrushParseError(
        r.name.line,
        `item '${r.name.text}' in bucket '${name.text}' is not defined`,
      );
    const w = r.weight ?? itemWeight.get(itemId) ?? 0x10000;
    if (alg === CRUSH_BUCKET_UNIFORM) {
      if (uniformWeight === undefined) uniformWeight = w;
      else if (uniformWeight !== w)
        throw new CrushParseError(
          r.name.line,
          `item '${r.name.text}' in uniform bucket '${name.text}' has weight ${w} but previous item(s) have weight ${uniformWeight / 0x10000}; uniform bucket items must all have identical weights.`,
        );
    }
    let pos = r.pos ?? -1;
    if (pos >= size)
      throw new CrushParseError(
        r.name.line,
        `item '${r.name.text}' in bucket '${name.text}' has pos ${pos} >= size ${size}`,
      );
    if (pos < 0) {
      while (used.has(curpos)) curpos++;
      pos = curpos++;
    }
    items[pos] = itemId;
    weights[pos] = w;
  }
  if (id === 0) {
    const taken = new Set(itemIds.values());
    for (id = -1; taken.has(id); id--);
  }
  if (map.buckets[-1 - id] !== undefined)
    throw new CrushParseError(start.line, `Duplicate bucket id ${id}`);
  const b = makeBucket(
    { id, name: name.text, type, alg, hash, items, itemWeights: weights, classIds },
    map.tunables.straw_calc_version,
  );
  map.buckets[-1 - id] = b;
  itemIds.set(name.text, id);
  itemWeight.set(id, b.weight);
}

function parseRule(
  p: Parser,
  start: Tok,
  map: ParsedCrushMap,
  typeIds: Map<string, number>,
  itemIds: Map<string, number>,
  ruleNames: Set<string>,
): void {
  let name = '';
  if (p.peek()?.text !== '{') {
    name = p.name('rule name').text;
    if (ruleNames.has(name))
      throw new CrushParseError(start.line, `rule name '${name}' already defined`);
  }
  p.expect('{');
  const rule: CrushRule = {
    id: -1,
    name,
    type: CRUSH_RULE_TYPE_REPLICATED,
    minSize: 1,
    maxSize: 10,
    steps: [],
  };
  for (;;) {
    const t = p.next("'}'");
    if (t.text === '}') break;
    switch (t.text) {
      case 'id':
      case 'ruleset':
        rule.id = p.int('rule id');
        break;
      case 'type': {
        const v = p.name('rule type');
        if (v.text === 'replicated') rule.type = CRUSH_RULE_TYPE_REPLICATED;
        else if (v.text === 'erasure') rule.type = CRUSH_RULE_TYPE_ERASURE;
        else if (/^\d+$/.test(v.text)) rule.type = parseInt(v.text, 10);
        else throw new CrushParseError(v.line, `unknown rule type '${v.text}'`);
        break;
      }
      case 'min_size':
        rule.minSize = p.int('min_size');
        break;
      case 'max_size':
        rule.maxSize = p.int('max_size');
        break;
      case 'step':
        rule.steps.push(parseStep(p, name, typeIds, itemIds, map));
        break;
      default:
        throw new CrushParseError(t.line, `unexpected '${t.text}' in rule '${name}'`);
    }
  }
  if (rule.id < 0) throw new CrushParseError(start.line, `rule '${name}' has no id`);
  if (map.rules[rule.id] !== undefined)
    throw new CrushParseError(start.line, `rule ${rule.id} already exists`);
  map.rules[rule.id] = rule;
  if (name) ruleNames.add(name);
}

function parseStep(
  p: Parser,
  rname: string,
  typeIds: Map<string, number>,
  itemIds: Map<string, number>,
  map: ParsedCrushMap,
): RuleStep {
  const op = p.name('step');
  switch (op.text) {
    case 'take': {
      const item = p.name('take item');
      const id = itemIds.get(item.text);
      if (id === undefined)
        throw new CrushParseError(item.line, `in rule '${rname}' item '${item.text}' not defined`);
      if (p.peek()?.text === 'class' && p.peek()?.line === op.line) {
        p.next('class');
        const c = p.name('class name');
        const base = map.buckets[-1 - id];
        if (base === undefined || base.classIds.size === 0)
          throw new CrushParseError(
            c.line,
            `in rule '${rname}' step take ${item.text} has no class information`,
          );
        const shadow = base.classIds.get(c.text);
        if (shadow === undefined)
          throw new CrushParseError(
            c.line,
            `in rule '${rname}' step take ${item.text} no matching bucket for class ${c.text}`,
          );
        return { op: 'take', arg1: shadow, arg2: 0, className: c.text, baseItem: id };
      }
      return { op: 'take', arg1: id, arg2: 0 };
    }
    case 'emit':
      return { op: 'emit', arg1: 0, arg2: 0 };
    case 'noop':
      return { op: 'noop', arg1: 0, arg2: 0 };
    case 'choose':
    case 'chooseleaf': {
      const mode = p.name('firstn/indep');
      if (mode.text !== 'firstn' && mode.text !== 'indep')
        throw new CrushParseError(mode.line, `expected firstn or indep, found '${mode.text}'`);
      const n = p.int('number of replicas');
      p.expect('type');
      const tn = p.name('type name');
      const type = typeIds.get(tn.text);
      if (type === undefined)
        throw new CrushParseError(tn.line, `in rule '${rname}' type '${tn.text}' not defined`);
      return { op: `${op.text}_${mode.text}` as RuleOp, arg1: n, arg2: type };
    }
    default:
      if ((SET_STEPS as readonly string[]).includes(op.text))
        return { op: op.text as RuleOp, arg1: p.int(op.text), arg2: 0 };
      throw new CrushParseError(op.line, `bad crush step '${op.text}'`);
  }
}

function parseChooseArgs(p: Parser, map: ParsedCrushMap): void {
  // The index is an int64 printed as uint64: DEFAULT_CHOOSE_ARGS (-1) reads 18446744073709551615.
  const idTok = p.next('choose_args id');
  if (!/^-?\d+$/.test(idTok.text))
    throw new CrushParseError(idTok.line, `expected a choose_args id, found '${idTok.text}'`);
  let big = BigInt(idTok.text);
  if (big >= 1n << 63n) big -= 1n << 64n;
  const id = Number(big);
  p.expect('{');
  const args: ChooseArg[] = [];
  for (;;) {
    const t = p.next("'{' or '}'");
    if (t.text === '}') break;
    if (t.text !== '{') throw new CrushParseError(t.line, `expected '{', found '${t.text}'`);
    const arg: ChooseArg = { bucketId: 0 };
    const open = t;
    for (;;) {
      const k = p.next("'}'");
      if (k.text === '}') break;
      if (k.text === 'bucket_id') arg.bucketId = p.int('bucket_id');
      else if (k.text === 'weight_set') {
        p.expect('[');
        arg.weightSet = [];
        while (p.peek()?.text === '[') {
          p.next('[');
          const row: number[] = [];
          while (p.peek()?.text !== ']') row.push(weightFromFloat(p.float('weight')));
          p.expect(']');
          arg.weightSet.push(row);
        }
        p.expect(']');
      } else if (k.text === 'ids') {
        p.expect('[');
        arg.ids = [];
        while (p.peek()?.text !== ']') arg.ids.push(p.int('id'));
        p.expect(']');
      } else throw new CrushParseError(k.line, `unexpected '${k.text}' in choose_args`);
    }
    const b = map.buckets[-1 - arg.bucketId];
    if (arg.bucketId >= 0 || b === undefined)
      throw new CrushParseError(
        open.line,
        `choose_args: bucket_id ${arg.bucketId} is not a bucket`,
      );
    const size = b.items.length;
    for (const row of arg.weightSet ?? [])
      if (row.length !== size)
        throw new CrushParseError(
          open.line,
          `${arg.bucketId} needs exactly ${size} weights but got ${row.length}`,
        );
    if (arg.ids && arg.ids.length !== size)
      throw new CrushParseError(
        open.line,
        `${arg.bucketId} needs exactly ${size} ids but got ${arg.ids.length}`,
      );
    args.push(arg);
  }
  map.chooseArgs ??= new Map();
  map.chooseArgs.set(id, args);
}
