/**
 * Every built-in walkthrough against the real engine: its scenario runs, every stop resolves
 * to an event of the step it names, and the facts its caption states (`expect`) hold there.
 * (Test-only engine import: the page gets the same events through the worker.)
 */
import { describe, expect, test } from 'vitest';
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- checks captions against the real engine
import {
  ensureSystemsRegistered,
  getBuiltinScenario,
  runScenario,
  validateScenario,
  type ScenarioDoc,
} from '../../../engine/index.ts';
import { parseWalkthrough } from '../doc.ts';
import { checkExpect, resolveStop } from '../resolve.ts';
import { BUILTIN_WALKTHROUGHS } from './index.ts';

ensureSystemsRegistered();

describe.each(Object.entries(BUILTIN_WALKTHROUGHS))('%s', (_name, w) => {
  test('is a valid walkthrough document (round trip through JSON)', () => {
    const r = parseWalkthrough(JSON.stringify(w));
    expect(r.ok ? r.value : r.error).toEqual(w);
  });

  test('every stop resolves to its step and its caption facts hold', () => {
    const doc =
      typeof w.scenario === 'string'
        ? getBuiltinScenario(w.scenario)
        : (w.scenario as unknown as ScenarioDoc);
    expect(doc, JSON.stringify(w.scenario).slice(0, 80)).toBeDefined();
    const seeded = w.seed === undefined ? doc! : { ...doc!, seed: w.seed };
    expect(validateScenario(seeded).ok).toBe(true);
    const { runner } = runScenario(seeded);
    const events = runner.events;
    let last = -1;
    for (const [i, stop] of w.stops.entries()) {
      const r = resolveStop(stop.at, events);
      expect(r.ok ? '' : r.error, `stop ${i}`).toBe('');
      if (!r.ok) continue;
      const e = events[r.index]!;
      expect(e.step, `stop ${i}`).toBe(stop.at.step);
      if (stop.at.op !== undefined) expect(e.op).toBe(stop.at.op);
      if (stop.at.actor !== undefined) expect(e.actor).toBe(stop.at.actor);
      expect(checkExpect(stop, e), `stop ${i} (${stop.at.step})`).toEqual([]);
      // Stops go forward through the trace (a presenter moves on, not back).
      expect(r.index, `stop ${i} after stop ${i - 1}`).toBeGreaterThan(last);
      last = r.index;
    }
  });
});
