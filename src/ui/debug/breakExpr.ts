/**
 * Predicate breakpoints: a tiny, safe expression language over a trace event's fields.
 *
 *   actor == "osd.2" && step == "issue_repop"
 *   (phase == "exit" && rc != 0) || seq >= 120
 *
 * Grammar (no eval, no Function — the text is parsed into a tree and the tree is interpreted):
 *   or   := and ('||' and)*
 *   and  := cmp ('&&' cmp)*
 *   cmp  := '(' or ')' | field OP literal | literal OP field
 *   OP   := == | != | < | <= | > | >=
 * Fields: seq t pipeline op step phase actor rc. Literals: "str", 'str', numbers.
 */
import type { TraceEvent } from '../../protocol/index.ts';

export const BREAK_FIELDS = ['seq', 't', 'pipeline', 'op', 'step', 'phase', 'actor', 'rc'] as const;
export type BreakField = (typeof BREAK_FIELDS)[number];
type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type BreakExpr =
  | { kind: 'and' | 'or'; left: BreakExpr; right: BreakExpr }
  | { kind: 'cmp'; field: BreakField; op: CmpOp; value: string | number };

export type ParsedBreak = { ok: true; expr: BreakExpr } | { ok: false; error: string; at: number };

type Token =
  | { k: 'id'; v: string; at: number }
  | { k: 'str'; v: string; at: number }
  | { k: 'num'; v: number; at: number }
  | { k: 'op'; v: CmpOp | '&&' | '||' | '(' | ')'; at: number };

class BreakSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const TWO_CHAR = ['==', '!=', '<=', '>=', '&&', '||'] as const;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    const op2 = TWO_CHAR.find((o) => o === two);
    if (op2) {
      out.push({ k: 'op', v: op2, at: i });
      i += 2;
      continue;
    }
    if (c === '(' || c === ')' || c === '<' || c === '>') {
      out.push({ k: 'op', v: c, at: i });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new BreakSyntaxError('unterminated string', i);
      out.push({ k: 'str', v: src.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const num = /^-?(?:0x[0-9a-f]+|\d+(?:\.\d+)?)/i.exec(src.slice(i));
    if (num) {
      out.push({ k: 'num', v: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    throw new BreakSyntaxError(`unexpected "${c}"`, i);
  }
  return out;
}

const CMP_OPS: readonly string[] = ['==', '!=', '<', '<=', '>', '>='];
const FLIP: Record<CmpOp, CmpOp> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

export function parseBreak(src: string): ParsedBreak {
  let toks: Token[];
  try {
    toks = tokenize(src);
  } catch (e) {
    const err = e as BreakSyntaxError;
    return { ok: false, error: err.message, at: err.at };
  }
  let pos = 0;
  const peek = () => toks[pos];
  const endAt = src.length;
  const fail = (msg: string, t = peek()): never => {
    throw new BreakSyntaxError(msg, t?.at ?? endAt);
  };
  const isOp = (v: string) => {
    const t = peek();
    return t?.k === 'op' && t.v === v;
  };

  function or(): BreakExpr {
    let left = and();
    while (isOp('||')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }
  function and(): BreakExpr {
    let left = cmp();
    while (isOp('&&')) {
      pos++;
      left = { kind: 'and', left, right: cmp() };
    }
    return left;
  }
  function operand(): Token {
    const t = peek();
    if (!t) return fail('expected a field or a value');
    if (t.k === 'op') return fail(`unexpected "${t.v}"`);
    pos++;
    return t;
  }
  function field(t: Token): BreakField {
    const f = BREAK_FIELDS.find((x) => x === t.v);
    if (!f) return fail(`unknown field "${String(t.v)}" (fields: ${BREAK_FIELDS.join(' ')})`, t);
    return f;
  }
  function cmp(): BreakExpr {
    if (isOp('(')) {
      pos++;
      const inner = or();
      if (!isOp(')')) fail('expected ")"');
      pos++;
      return inner;
    }
    const a = operand();
    const o = peek();
    if (!o || o.k !== 'op' || !CMP_OPS.includes(o.v)) return fail('expected == != < <= > >=');
    pos++;
    const op = o.v as CmpOp;
    const b = operand();
    if (a.k === 'id' && b.k !== 'id') return { kind: 'cmp', field: field(a), op, value: b.v };
    if (b.k === 'id' && a.k !== 'id')
      return { kind: 'cmp', field: field(b), op: FLIP[op], value: a.v };
    return fail('compare one field with one value', a);
  }

  try {
    if (toks.length === 0) return { ok: false, error: 'empty expression', at: 0 };
    const expr = or();
    if (pos < toks.length) fail('expected && or ||');
    return { ok: true, expr };
  } catch (e) {
    const err = e as BreakSyntaxError;
    return { ok: false, error: err.message, at: err.at };
  }
}

function fieldValue(e: TraceEvent, f: BreakField): string | number | undefined {
  return e[f];
}

export function evalBreak(x: BreakExpr, e: TraceEvent): boolean {
  switch (x.kind) {
    case 'and':
      return evalBreak(x.left, e) && evalBreak(x.right, e);
    case 'or':
      return evalBreak(x.left, e) || evalBreak(x.right, e);
    case 'cmp': {
      const v = fieldValue(e, x.field);
      if (x.op === '==') return v === x.value;
      if (x.op === '!=') return v !== x.value;
      // Ordering only between numbers (an absent rc never satisfies rc < 0).
      if (typeof v !== 'number' || typeof x.value !== 'number') return false;
      if (x.op === '<') return v < x.value;
      if (x.op === '<=') return v <= x.value;
      if (x.op === '>') return v > x.value;
      return v >= x.value;
    }
  }
}
