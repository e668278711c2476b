/**
 * `?bench=1` only: a handle for the browser benchmark (bench/browser/ui-browser.ts) to drive the
 * store the way the page's own controls do — load a trace text through the worker (the call
 * `openFiles` makes after routing: a Blob goes to the worker unread as a `traceFile`, exactly
 * like a picked big trace), move the cursor, set the speed, play. Nothing else reads it;
 * without `?bench=1` it is never installed.
 */
import { trace, useApp } from '../state/store.ts';

export interface BenchHandle {
  loadTrace(text: string | Blob): void;
  state(): { status: string; count: number; cursor: number; playing: boolean };
  setCursor(i: number): void;
  setSpeedIndex(i: number): void;
  setPlaying(on: boolean): void;
  /** Index of the first event of `pipeline` (−1 when none). */
  firstOf(pipeline: string): number;
  /** Distinct pipelines of the loaded trace with the number of steps their diagrams draw. */
  pipelines(): { id: string; steps: number }[];
}

export function installBenchHook(win: Window & { iopathBench?: BenchHandle }): void {
  win.iopathBench = {
    loadTrace: (text) =>
      useApp
        .getState()
        .load(
          typeof text === 'string'
            ? { kind: 'trace', text }
            : { kind: 'traceFile', file: text, name: 'bench trace' },
        ),
    state: () => {
      const s = useApp.getState();
      return { status: s.status, count: s.count, cursor: s.cursor, playing: s.playing };
    },
    setCursor: (i) => useApp.getState().setCursor(i),
    setSpeedIndex: (i) => useApp.getState().setSpeedIndex(i),
    setPlaying: (on) => useApp.getState().setPlaying(on),
    firstOf: (pipeline) => {
      for (let i = 0; i < trace.length; i++) if (trace.pipelineOf(i) === pipeline) return i;
      return -1;
    },
    pipelines: () => {
      const cat = useApp.getState().catalog;
      return trace
        .distinct('pipeline')
        .map((id) => ({ id, steps: cat?.pipelines.get(id)?.steps.length ?? 0 }));
    },
  };
}
