/**
 * Walkthrough documents (`iopath.walkthrough/1`): a scenario (a built-in's name or an inline
 * `iopath.scenario/1` document) + a seed + ordered stops. A stop picks one trace event — by
 * index, or by step id (+ optional op, actor, phase) and occurrence — and says what to show:
 * a caption (plain text with light emphasis: *em*, **strong**, `code`; never HTML), the stage
 * view tab, and a focus/zoom target (focus.ts applies it: the flow diagram frames the focused
 * step nodes at the zoom; another view scrolls its focused element into view and marks it).
 *
 * `expect` (optional) lists facts of the resolved event (`"data.primary": 0`) the caption
 * relies on; the built-in walkthrough test checks them against the engine, so captions stay
 * true when the engine changes.
 */
import type { Json } from '../../protocol/index.ts';

export const WALKTHROUGH_SCHEMA = 'iopath.walkthrough/1' as const;

/** Limits (the parser refuses beyond them with a clear message). */
export const MAX_WALKTHROUGH_CHARS = 2 * 1024 * 1024;
export const MAX_STOPS = 500;
export const MAX_CAPTION = 4000;
export const MAX_FOCUS = 16;
/** The flow diagram's zoom range (FlowView's minZoom / maxZoom). */
export const MIN_ZOOM = 0.2;
export const MAX_ZOOM = 2;

export interface StopAt {
  /** Trace event index (absolute); or, instead, `step` (+ filters) and `occurrence`. */
  index?: number;
  step?: string;
  /** Only events of this scenario op. */
  op?: number;
  actor?: string;
  /** Default: any phase but `exit` (enter or point: where a step starts). */
  phase?: 'enter' | 'exit' | 'point';
  /** 1-based among the matching events (default 1). */
  occurrence?: number;
}

export interface Stop {
  at: StopAt;
  caption: string;
  /** Stage view tab id (`flow`, `sequence`, `placement` …); default `flow`. */
  view?: string;
  /**
   * What to frame: step id(s) of the flow diagram, or in another view an element's id
   * (`osd.3`, a `data-step` / `data-focus` value). Without focus and zoom the view keeps its
   * own camera (the whole pipeline, or follow mode).
   */
  focus?: string | string[];
  /** Flow zoom level (MIN_ZOOM…MAX_ZOOM); alone it centres the stop's own step at that zoom. */
  zoom?: number;
  expect?: Record<string, Json>;
}

export interface WalkthroughDoc {
  schema: typeof WALKTHROUGH_SCHEMA;
  title: string;
  description?: string;
  /** A built-in scenario's name or an inline scenario document. */
  scenario: string | { [k: string]: Json };
  seed?: number;
  stops: Stop[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNat = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const ID = /^[A-Za-z0-9_:.~<>-]{1,120}$/;
const VIEW = /^[a-z][a-z0-9-]{0,40}$/;

/** Validate a walkthrough (text or parsed JSON); the error names the JSON path. */
export function parseWalkthrough(input: unknown): Parsed<WalkthroughDoc> {
  let doc = input;
  if (typeof input === 'string') {
    if (input.length > MAX_WALKTHROUGH_CHARS)
      return {
        ok: false,
        error: `$: ${(input.length / 1048576).toFixed(1)} MiB is over the walkthrough limit of 2 MiB`,
      };
    try {
      doc = JSON.parse(input);
    } catch (e) {
      return {
        ok: false,
        error: `$: not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`,
      };
    }
  }
  const fail = (path: string, what: string): Parsed<WalkthroughDoc> => ({
    ok: false,
    error: `${path}: ${what}`,
  });
  if (!isObj(doc)) return fail('$', 'expected an object');
  if (doc.schema !== WALKTHROUGH_SCHEMA) return fail('schema', `expected "${WALKTHROUGH_SCHEMA}"`);
  if (typeof doc.title !== 'string' || doc.title.trim() === '' || doc.title.length > 200)
    return fail('title', 'expected a non-empty string (≤ 200 characters)');
  if (
    doc.description !== undefined &&
    (typeof doc.description !== 'string' || doc.description.length > MAX_CAPTION)
  )
    return fail('description', 'expected a string');
  const sc = doc.scenario;
  if (typeof sc === 'string') {
    if (!/^[a-z0-9][a-z0-9._-]{0,80}$/.test(sc))
      return fail('scenario', 'expected a built-in scenario name');
  } else if (!isObj(sc) || !Array.isArray(sc.ops)) {
    return fail('scenario', 'expected a built-in name or an iopath.scenario/1 document');
  }
  if (doc.seed !== undefined && (!isNat(doc.seed) || doc.seed > 0xffffffff))
    return fail('seed', 'expected an integer 0..4294967295');
  if (!Array.isArray(doc.stops) || doc.stops.length === 0)
    return fail('stops', 'expected a non-empty array');
  if (doc.stops.length > MAX_STOPS) return fail('stops', `at most ${MAX_STOPS} stops`);
  const stops: Stop[] = [];
  for (let i = 0; i < doc.stops.length; i++) {
    const s: unknown = doc.stops[i];
    const p = `stops[${i}]`;
    if (!isObj(s)) return fail(p, 'expected an object');
    const at = s.at;
    if (!isObj(at)) return fail(`${p}.at`, 'expected {index} or {step, occurrence?}');
    const out: StopAt = {};
    if (at.index !== undefined) {
      if (!isNat(at.index)) return fail(`${p}.at.index`, 'expected an event index ≥ 0');
      out.index = at.index;
    }
    if (at.step !== undefined) {
      if (typeof at.step !== 'string' || !ID.test(at.step))
        return fail(`${p}.at.step`, 'expected a step id');
      out.step = at.step;
    }
    if ((out.index === undefined) === (out.step === undefined))
      return fail(`${p}.at`, 'expected exactly one of index or step');
    if (at.op !== undefined) {
      if (!isNat(at.op)) return fail(`${p}.at.op`, 'expected an op index ≥ 0');
      out.op = at.op;
    }
    if (at.actor !== undefined) {
      if (typeof at.actor !== 'string' || !ID.test(at.actor))
        return fail(`${p}.at.actor`, 'expected an actor name');
      out.actor = at.actor;
    }
    if (at.phase !== undefined) {
      if (at.phase !== 'enter' && at.phase !== 'exit' && at.phase !== 'point')
        return fail(`${p}.at.phase`, 'expected enter, exit or point');
      out.phase = at.phase;
    }
    if (at.occurrence !== undefined) {
      if (!isNat(at.occurrence) || at.occurrence < 1)
        return fail(`${p}.at.occurrence`, 'expected an integer ≥ 1');
      out.occurrence = at.occurrence;
    }
    if (typeof s.caption !== 'string') return fail(`${p}.caption`, 'expected a string');
    if (s.caption.length > MAX_CAPTION)
      return fail(`${p}.caption`, `at most ${MAX_CAPTION} characters`);
    const stop: Stop = { at: out, caption: s.caption };
    if (s.view !== undefined) {
      if (typeof s.view !== 'string' || !VIEW.test(s.view))
        return fail(`${p}.view`, 'expected a view tab id');
      stop.view = s.view;
    }
    if (s.focus !== undefined) {
      const list: unknown[] = Array.isArray(s.focus) ? s.focus : [s.focus];
      if (list.length === 0 || list.length > MAX_FOCUS)
        return fail(`${p}.focus`, `expected a step id or a list of 1..${MAX_FOCUS} ids`);
      for (let j = 0; j < list.length; j++) {
        const f = list[j];
        if (typeof f !== 'string' || !ID.test(f))
          return fail(
            Array.isArray(s.focus) ? `${p}.focus[${j}]` : `${p}.focus`,
            'expected a step id',
          );
      }
      stop.focus = Array.isArray(s.focus) ? (list as string[]) : (s.focus as string);
    }
    if (s.zoom !== undefined) {
      if (typeof s.zoom !== 'number' || !(s.zoom >= MIN_ZOOM && s.zoom <= MAX_ZOOM))
        return fail(`${p}.zoom`, `expected a number ${MIN_ZOOM}..${MAX_ZOOM}`);
      stop.zoom = s.zoom;
    }
    if (s.expect !== undefined) {
      if (!isObj(s.expect)) return fail(`${p}.expect`, 'expected an object of "path": value');
      stop.expect = s.expect as Record<string, Json>;
    }
    stops.push(stop);
  }
  const value: WalkthroughDoc = {
    schema: WALKTHROUGH_SCHEMA,
    title: doc.title,
    scenario: sc as WalkthroughDoc['scenario'],
    stops,
  };
  if (typeof doc.description === 'string') value.description = doc.description;
  if (doc.seed !== undefined) value.seed = doc.seed;
  return { ok: true, value };
}
