/**
 * The UI state (zustand). Views subscribe to the slices they draw; the trace itself lives in
 * `trace` (a columnar TraceStore, not React state) and the store carries only its `count`.
 *
 * Everything a view shows is a function of (catalog, trace prefix, cursor). Stepping back is
 * `setCursor(cursor - 1)`; nothing is re-run.
 */
import { create } from 'zustand';
import {
  saveStoragePreference,
  storagePreference,
  type StoreKind,
  type StorePref,
} from './storagePreference.ts';
import type {
  CatalogReply,
  OpDoc,
  PipelineView,
  Reply,
  ResultDoc,
  ScenarioInfo,
  ScenarioSource,
} from '../../protocol/index.ts';
import type { EngineClient } from '../bridge/EngineClient.ts';
import { findBreak, toggleStep, EMPTY_BREAKS, type BreakSet } from '../debug/breakpoints.ts';
import { parseBreak } from '../debug/breakExpr.ts';
import { clampCursor, nextOpStart, prevOpStart } from './navigation.ts';
import { TraceStore } from './traceStore.ts';

/** Where a load's devices live, as the worker reported it (`loaded.store`). */
export interface StorageInfo {
  kind: StoreKind;
  notes: string[];
  devices: number;
  auto?: boolean;
  previous?: { clean: boolean; lastCleanShutdown: number | null; created: number } | null;
}

export interface Catalog {
  pipelines: Map<string, PipelineView>;
  scenarios: ScenarioInfo[];
  rcNames: Record<string, string>;
  /** Registered scenario op names (empty when the worker did not say). */
  ops: ReadonlySet<string>;
}

export interface Problem {
  message: string;
  path?: string;
}

export type Status = 'starting' | 'loading' | 'ready';
/** A tab id (app/tabs.tsx lists them). */
export type Tab = string;
export type Theme = 'light' | 'dark';

/**
 * Playback speeds in steps per second (a log scale 0.1×–100×; `[`/`]` move along it). The last
 * one, Infinity, is "instant": play jumps straight to the next breakpoint or the end.
 */
export const SPEEDS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, Infinity] as const;

export interface AppState {
  catalog: Catalog | null;
  status: Status;
  scenarioName: string;
  /** What was loaded last (share links are built from it; null before the first load). */
  source: ScenarioSource | null;
  /** The loaded document (null for a replayed trace file or before the first load). */
  doc: { ops: OpDoc[] } | null;
  result: ResultDoc | null;
  /** Events in `trace` (bumps once per batch). */
  count: number;
  /** A long load's progress (a big trace file being read/scanned in the worker), else null. */
  progress: { phase: string; done: number; total: number } | null;
  cursor: number;
  playing: boolean;
  speedIndex: number;
  error: Problem | null;
  consoleError: string | null;
  consoleBusy: boolean;
  helpOpen: boolean;
  /** The flow camera follows the current step (zoomed in) instead of showing the whole pipeline. */
  follow: boolean;
  tab: Tab;
  /** The view shown in the main area (`flow` unless another stage tab is chosen). */
  stageTab: Tab;
  theme: Theme;
  /** Breakpoints: step ids toggled on flow nodes plus predicate expressions. */
  breaks: BreakSet;
  /** Set when the last continue found no breakpoint in that direction. */
  breakNote: string | null;
  /** Where the loaded scenario's devices live (null: plain memory, nothing was opened). */
  storage: StorageInfo | null;
  /** The store the next load asks for (`?store=`, the settings choice, else `auto`). */
  storePref: StorePref;
  setStorePref: (kind: StorePref) => void;
}

export interface AppActions {
  setCursor: (i: number) => void;
  step: (delta: number) => void;
  nextOp: () => void;
  prevOp: () => void;
  togglePlay: () => void;
  setPlaying: (on: boolean) => void;
  setSpeedIndex: (i: number) => void;
  setTab: (t: Tab) => void;
  setStageTab: (t: Tab) => void;
  setHelpOpen: (open: boolean) => void;
  setFollow: (on: boolean) => void;
  setTheme: (t: Theme) => void;
  showError: (p: Problem | null) => void;
  clearConsoleError: () => void;
  /** Ask the worker for pipelines and built-ins; `onReady` runs once they arrived. */
  requestCatalog: (onReady?: (c: Catalog) => void) => void;
  /** `opts.store` overrides the store preference for this load (walkthroughs: memory). */
  load: (
    source: ScenarioSource,
    opts?: { seed?: number; step?: number; store?: StorePref },
  ) => void;
  appendOp: (op: OpDoc) => void;
  /** Toggle a step breakpoint (default: the current event's step). */
  toggleBreakStep: (step?: string) => void;
  /** Add a predicate breakpoint; returns the parse error (with its position) or null. */
  addBreakPredicate: (text: string) => { error: string; at: number } | null;
  removeBreakPredicate: (index: number) => void;
  clearBreaks: () => void;
  /** Run until break: move to the next (1) or previous (-1) event that hits a breakpoint. */
  continueToBreak: (dir: 1 | -1) => void;
}

export type Store = AppState & AppActions;

/** The loaded trace (module-level: one per page, shared by every view). */
export const trace = new TraceStore();

let client: EngineClient | null = null;
/** The load whose replies we still accept (a newer load makes older replies stale). */
let activeLoad = -1;

export function connectEngine(c: EngineClient): void {
  client = c;
}

/**
 * The page is going away: ask the worker to close the devices cleanly (flush, record the
 * clean shutdown in the catalog). Best effort — a killed tab never gets here, and the next
 * open then reports an unclean shutdown and the pools run recovery.
 */
export function closeStoreOnExit(): void {
  client?.request({ type: 'closeStore' }, () => undefined);
}

function initialTheme(): Theme {
  try {
    const saved = globalThis.localStorage?.getItem('iopath.theme');
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // storage disabled: fall back to the system preference
  }
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const useApp = create<Store>()((set, get) => ({
  storage: null,
  storePref: storagePreference(),
  setStorePref: (kind) => {
    saveStoragePreference(kind);
    set({ storePref: kind });
  },
  catalog: null,
  status: 'starting',
  scenarioName: '',
  source: null,
  doc: null,
  result: null,
  count: 0,
  progress: null,
  cursor: 0,
  playing: false,
  speedIndex: 4,
  breaks: EMPTY_BREAKS,
  breakNote: null,
  error: null,
  consoleError: null,
  consoleBusy: false,
  helpOpen: false,
  follow: false,
  tab: 'inspector',
  stageTab: 'flow',
  theme: initialTheme(),

  setCursor: (i) => set({ cursor: clampCursor(i, trace.length) }),
  step: (delta) => {
    const { cursor } = get();
    const next = clampCursor(cursor + delta, trace.length);
    set(next === cursor && delta > 0 ? { playing: false } : { cursor: next });
  },
  nextOp: () => set({ cursor: nextOpStart(trace.opStarts, get().cursor, trace.length) }),
  prevOp: () => set({ cursor: prevOpStart(trace.opStarts, get().cursor) }),
  togglePlay: () => {
    const { playing, cursor } = get();
    if (!playing && cursor >= trace.length - 1) set({ cursor: 0, playing: true });
    else set({ playing: !playing });
  },
  setPlaying: (on) => set({ playing: on }),
  setSpeedIndex: (i) => set({ speedIndex: Math.max(0, Math.min(SPEEDS.length - 1, i)) }),
  setTab: (t) => set({ tab: t }),
  setStageTab: (t) => set({ stageTab: t }),
  setHelpOpen: (open) => set({ helpOpen: open }),
  setFollow: (on) => set({ follow: on }),
  setTheme: (t) => {
    try {
      globalThis.localStorage?.setItem('iopath.theme', t);
    } catch {
      // not persisted; still applied
    }
    set({ theme: t });
  },
  showError: (p) => set({ error: p }),
  clearConsoleError: () => set({ consoleError: null }),

  toggleBreakStep: (step) => {
    const s = step ?? trace.at(get().cursor)?.step;
    if (s !== undefined) set({ breaks: toggleStep(get().breaks, s), breakNote: null });
  },
  addBreakPredicate: (text) => {
    const r = parseBreak(text);
    if (!r.ok) return { error: r.error, at: r.at };
    const b = get().breaks;
    set({ breaks: { ...b, predicates: [...b.predicates, { text: text.trim(), expr: r.expr }] } });
    return null;
  },
  removeBreakPredicate: (index) => {
    const b = get().breaks;
    set({ breaks: { ...b, predicates: b.predicates.filter((_, i) => i !== index) } });
  },
  clearBreaks: () => set({ breaks: EMPTY_BREAKS, breakNote: null }),
  continueToBreak: (dir) => {
    const { breaks, cursor } = get();
    const i = findBreak(trace, breaks, cursor, dir);
    if (i >= 0) set({ cursor: i, playing: false, breakNote: null });
    else
      set({
        playing: false,
        breakNote: dir > 0 ? 'no breakpoint ahead' : 'no breakpoint behind',
      });
  },

  requestCatalog: (onReady) => {
    client?.request({ type: 'catalog' }, (r) => {
      if (r.type === 'catalog') {
        const catalog = toCatalog(r);
        set({ catalog });
        onReady?.(catalog);
      } else if (r.type === 'error') set({ error: { message: r.message } });
    });
  },

  load: (source, opts = {}) => {
    if (!client) return;
    set({ status: 'loading', playing: false, progress: null });
    const pref = opts.store ?? get().storePref;
    const base =
      opts.seed === undefined
        ? { type: 'load' as const, source }
        : { type: 'load' as const, source, seed: opts.seed };
    // Memory is the worker's default: only a persistent store (or `auto`) is asked for.
    const body = pref === 'memory' ? base : { ...base, store: pref };
    let landed = false;
    const id = client.request(body, (r) => onLoadReply(r, opts.step));
    activeLoad = id;
    function onLoadReply(r: Reply, step: number | undefined): void {
      if (r.id !== activeLoad) return;
      switch (r.type) {
        case 'loaded':
          trace.clear();
          set({
            doc: r.doc,
            scenarioName: r.name,
            storage: r.store ?? null,
            source,
            result: null,
            count: 0,
            cursor: 0,
            error: null,
            consoleError: null,
          });
          return;
        case 'progress':
          set({ progress: { phase: r.phase, done: r.done, total: r.total } });
          return;
        case 'events': {
          trace.append(r.first, r.batch);
          // Land on ?step=K as soon as it has arrived (long scenarios keep streaming).
          if (step !== undefined && !landed && trace.length > step) {
            landed = true;
            set({ count: trace.length, cursor: step });
          } else set({ count: trace.length });
          return;
        }
        case 'done':
          set({
            status: 'ready',
            progress: null,
            result: r.result,
            count: trace.length,
            // ?step=K beyond the end lands on the last event; otherwise keep the cursor
            // (the user may already be stepping while the scenario streamed in).
            ...(landed || step === undefined ? {} : { cursor: clampCursor(step, trace.length) }),
          });
          return;
        case 'error':
          // The previous trace (if any) stays loaded: the app keeps running.
          set({
            status: 'ready',
            progress: null,
            error:
              r.path === undefined ? { message: r.message } : { message: r.message, path: r.path },
          });
          return;
        default:
          return;
      }
    }
  },

  appendOp: (op) => {
    if (!client) return;
    set({ consoleBusy: true, consoleError: null });
    const before = trace.length;
    client.request({ type: 'appendOp', op }, (r) => {
      switch (r.type) {
        case 'events':
          trace.append(r.first, r.batch);
          set({ count: trace.length });
          return;
        case 'done': {
          const doc = get().doc;
          set({
            consoleBusy: false,
            result: r.result,
            doc: doc ? { ...doc, ops: [...doc.ops, op] } : doc,
            // Land on the first event of the new op so the user can watch it.
            cursor: clampCursor(before, trace.length),
          });
          return;
        }
        case 'error':
          set({ consoleBusy: false, consoleError: r.message });
          return;
        default:
          return;
      }
    });
  },
}));

function toCatalog(r: CatalogReply): Catalog {
  return {
    pipelines: new Map(r.pipelines.map((p) => [p.id, p])),
    scenarios: r.scenarios,
    rcNames: r.rcNames,
    ops: new Set(r.ops ?? []),
  };
}
