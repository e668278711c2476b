/**
 * Walkthrough state: the one being presented (and where its stops landed in the trace), the
 * draft being recorded, and the saved library. Presenting drives the app store: load the
 * walkthrough's scenario, then each stop sets the cursor and the stage view.
 */
import { create } from 'zustand';
import type { ScenarioSource } from '../../protocol/index.ts';
import { trace, useApp } from '../state/store.ts';
import { parseWalkthrough, type Stop, type WalkthroughDoc } from './doc.ts';
import { showStopFocus } from './focus.ts';
import { stopFocus } from './focusTarget.ts';
import { resolveStop } from './resolve.ts';
import { deleteWalkthrough, listSaved, saveWalkthrough, type SavedWalkthrough } from './storage.ts';

export interface WalkState {
  active: WalkthroughDoc | null;
  /** Event index per stop (null until the trace is loaded; -1 = did not resolve). */
  resolved: number[] | null;
  stop: number;
  presenting: boolean;
  /** '.' blanks the screen (clickers' "black screen" key). */
  blank: boolean;
  /** Record mode: the walkthrough being authored, and its IDB id. */
  draft: WalkthroughDoc | null;
  draftId: string | null;
  library: SavedWalkthrough[];
  problem: string | null;
}

export const useWalk = create<WalkState>()(() => ({
  active: null,
  resolved: null,
  stop: 0,
  presenting: false,
  blank: false,
  draft: null,
  draftId: null,
  library: [],
  problem: null,
}));

export function scenarioSourceOf(w: WalkthroughDoc): ScenarioSource {
  return typeof w.scenario === 'string'
    ? { kind: 'builtin', name: w.scenario }
    : { kind: 'doc', doc: w.scenario };
}

/** Resolve every stop against the loaded trace. */
function resolveAll(w: WalkthroughDoc): { indexes: number[]; problem: string | null } {
  let problem: string | null = null;
  const indexes = w.stops.map((s, i) => {
    const r = resolveStop(s.at, trace);
    if (!r.ok) {
      problem ??= `stops[${i}].at: ${r.error}`;
      return -1;
    }
    return r.index;
  });
  return { indexes, problem };
}

/** Show stop `i` (cursor + view). */
export function goToStop(i: number): void {
  const s = useWalk.getState();
  const w = s.active;
  if (!w || !s.resolved) return;
  const k = Math.max(0, Math.min(w.stops.length - 1, i));
  useWalk.setState({ stop: k, blank: false });
  const idx = s.resolved[k] ?? -1;
  const app = useApp.getState();
  app.setPlaying(false);
  if (idx >= 0) app.setCursor(idx);
  const stop = w.stops[k];
  app.setStageTab(stop?.view ?? 'flow');
  showStopFocus(stop && idx >= 0 ? stopFocus(stop, idx, trace.at(idx)?.step) : null);
}

let unsubscribe: (() => void) | null = null;

/**
 * Open a walkthrough: validate, load its scenario (seeded), resolve the stops once the run
 * is done, go to `startStop`. `present` enters presenter mode.
 */
export function openWalkthrough(
  input: unknown,
  opts: { present?: boolean; startStop?: number } = {},
): string | null {
  const p = parseWalkthrough(input);
  if (!p.ok) {
    useApp.getState().showError({ message: `walkthrough: ${p.error}` });
    return p.error;
  }
  const w = p.value;
  unsubscribe?.();
  useWalk.setState({
    active: w,
    resolved: null,
    stop: 0,
    presenting: !!opts.present,
    blank: false,
    problem: null,
  });
  const app = useApp.getState();
  // A walkthrough's stops point into one exact trace: run it on fresh memory devices, never
  // over images a persistent store kept from earlier runs (that would be another trace).
  const loadOpts =
    w.seed === undefined
      ? { store: 'memory' as const }
      : { seed: w.seed, store: 'memory' as const };
  let sawLoading = false;
  unsubscribe = useApp.subscribe((st) => {
    if (st.status === 'loading') sawLoading = true;
    if (!sawLoading || st.status !== 'ready') return;
    unsubscribe?.();
    unsubscribe = null;
    if (useWalk.getState().active !== w) return;
    const { indexes, problem } = resolveAll(w);
    useWalk.setState({ resolved: indexes, problem });
    if (problem) useApp.getState().showError({ message: `walkthrough: ${problem}` });
    goToStop(opts.startStop ?? 0);
  });
  app.load(scenarioSourceOf(w), loadOpts);
  return null;
}

export function setPresenting(on: boolean): void {
  useWalk.setState({ presenting: on, blank: false });
  if (on) {
    void document.documentElement.requestFullscreen?.().catch(() => undefined);
  } else if (document.fullscreenElement) {
    void document.exitFullscreen().catch(() => undefined);
  }
}

// ---------------------------------------------------------------- record mode

/** A new draft over what is loaded now (a built-in name or the loaded document). */
export function newDraft(): string | null {
  const app = useApp.getState();
  const src = app.source;
  let scenario: WalkthroughDoc['scenario'];
  if (src?.kind === 'builtin') scenario = src.name;
  else if (src?.kind === 'doc' && app.doc)
    scenario = JSON.parse(JSON.stringify(app.doc)) as Exclude<WalkthroughDoc['scenario'], string>;
  else return 'A walkthrough needs a scenario (a built-in or a scenario file), not a trace file.';
  const seed = (app.doc as { seed?: unknown } | null)?.seed;
  const draft: WalkthroughDoc = {
    schema: 'iopath.walkthrough/1',
    title: `Walkthrough of ${app.scenarioName || 'a scenario'}`,
    scenario,
    stops: [],
  };
  if (typeof seed === 'number') draft.seed = seed;
  useWalk.setState({ draft, draftId: `w${Date.now().toString(36)}` });
  return null;
}

/** The stop for the event at the cursor: its step id, op, actor and occurrence among those. */
export function stopAtCursor(): Stop | null {
  const app = useApp.getState();
  const e = trace.at(app.cursor);
  if (!e) return null;
  let occurrence = 0;
  for (let i = 0; i <= app.cursor; i++) {
    const x = trace.at(i);
    if (x && x.step === e.step && x.op === e.op && x.actor === e.actor && x.phase === e.phase)
      occurrence++;
  }
  const at: Stop['at'] = { step: e.step, actor: e.actor, phase: e.phase, occurrence };
  if (e.op >= 0) at.op = e.op;
  return { at, caption: '', view: app.stageTab };
}

export function updateDraft(f: (d: WalkthroughDoc) => WalkthroughDoc): void {
  const d = useWalk.getState().draft;
  if (d) useWalk.setState({ draft: f(d) });
}

export async function refreshLibrary(): Promise<void> {
  try {
    useWalk.setState({ library: await listSaved() });
  } catch (e) {
    useWalk.setState({ problem: `saved walkthroughs: ${(e as Error).message}` });
  }
}

export async function saveDraft(): Promise<string | null> {
  const { draft, draftId } = useWalk.getState();
  if (!draft || !draftId) return 'nothing to save';
  const p = parseWalkthrough(draft);
  if (!p.ok) return p.error;
  await saveWalkthrough(draftId, p.value);
  await refreshLibrary();
  return null;
}

export async function removeSaved(id: string): Promise<void> {
  await deleteWalkthrough(id);
  await refreshLibrary();
}
