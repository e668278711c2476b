import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../protocol/index.ts';
import { evalBreak, parseBreak } from './breakExpr.ts';
import { findBreak, toggleStep, EMPTY_BREAKS } from './breakpoints.ts';

const ev = (over: Partial<TraceEvent>): TraceEvent => ({
  seq: 0,
  t: 0,
  pipeline: 'ceph.write',
  op: 0,
  step: 'x',
  phase: 'enter',
  actor: 'client',
  ...over,
});

function pred(src: string) {
  const r = parseBreak(src);
  if (!r.ok) throw new Error(`${r.error} at ${r.at}`);
  return (e: TraceEvent) => evalBreak(r.expr, e);
}

describe('parseBreak', () => {
  it('matches actor && step', () => {
    const p = pred('actor == "osd.2" && step == "issue_repop"');
    expect(p(ev({ actor: 'osd.2', step: 'issue_repop' }))).toBe(true);
    expect(p(ev({ actor: 'osd.1', step: 'issue_repop' }))).toBe(false);
    expect(p(ev({ actor: 'osd.2', step: 'do_op' }))).toBe(false);
  });

  it('&& binds tighter than ||, parentheses override', () => {
    const a = pred("step == 'a' || step == 'b' && actor == 'x'");
    expect(a(ev({ step: 'a', actor: 'y' }))).toBe(true);
    expect(a(ev({ step: 'b', actor: 'y' }))).toBe(false);
    const b = pred("(step == 'a' || step == 'b') && actor == 'x'");
    expect(b(ev({ step: 'a', actor: 'y' }))).toBe(false);
    expect(b(ev({ step: 'b', actor: 'x' }))).toBe(true);
  });

  it('numbers, != and ordering; literal on the left flips', () => {
    const p = pred('rc != 0 && phase == "exit"');
    expect(p(ev({ phase: 'exit', rc: -1007 }))).toBe(true);
    expect(p(ev({ phase: 'exit', rc: 0 }))).toBe(false);
    expect(pred('10 < seq')(ev({ seq: 11 }))).toBe(true);
    expect(pred('10 < seq')(ev({ seq: 10 }))).toBe(false);
    expect(pred('rc < 0')(ev({}))).toBe(false);
    expect(pred('op >= 0x2')(ev({ op: 2 }))).toBe(true);
  });

  it('reports errors with a position, never evaluates code', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['actor ==', /expected a field or a value/],
      ['actr == "x"', /unknown field "actr"/],
      ['step == "a" step', /expected && or \|\|/],
      ['(step == "a"', /expected "\)"/],
      ['step = "a"', /unexpected "="/],
      ['step == "a', /unterminated/],
      ['step == actor', /one field with one value/],
      ['constructor.constructor("x")()', /unexpected "\."/],
    ];
    for (const [src, re] of cases) {
      const r = parseBreak(src);
      expect(r.ok, src).toBe(false);
      if (!r.ok) {
        expect(r.error, src).toMatch(re);
        expect(r.at).toBeGreaterThanOrEqual(0);
        expect(r.at).toBeLessThanOrEqual(src.length);
      }
    }
  });
});

describe('findBreak', () => {
  const events = ['a', 'b', 'c', 'b', 'd'].flatMap((step, i) => [
    ev({ seq: 2 * i, step, phase: 'enter' }),
    ev({ seq: 2 * i + 1, step, phase: 'exit' }),
  ]);

  it('finds the next and previous entry of a step breakpoint', () => {
    const b = toggleStep(EMPTY_BREAKS, 'b');
    expect(findBreak(events, b, 0, 1)).toBe(2);
    expect(findBreak(events, b, 2, 1)).toBe(6);
    expect(findBreak(events, b, 6, 1)).toBe(-1);
    expect(findBreak(events, b, 9, -1)).toBe(6);
    expect(findBreak(events, b, 6, -1)).toBe(2);
    expect(findBreak(events, b, 2, -1)).toBe(-1);
    expect(findBreak(events, toggleStep(b, 'b'), 0, 1)).toBe(-1);
  });

  it('predicates see exits too', () => {
    const r = parseBreak('step == "c" && phase == "exit"');
    if (!r.ok) throw new Error(r.error);
    const b = { steps: new Set<string>(), predicates: [{ text: '', expr: r.expr }] };
    expect(findBreak(events, b, 0, 1)).toBe(5);
  });
});
