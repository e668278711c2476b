/**
 * Playback: while playing, advance the cursor at the chosen speed. Uses a timer on the main
 * thread (the engine never sees wall-clock time); stops at the end of the trace or on an
 * event that hits a breakpoint ("run until break"). "Instant" jumps there in one move.
 */
import { useEffect } from 'react';
import { hits } from '../debug/breakpoints.ts';
import { SPEEDS, trace, useApp } from '../state/store.ts';

export function usePlayback(): void {
  const playing = useApp((s) => s.playing);
  const speedIndex = useApp((s) => s.speedIndex);
  useEffect(() => {
    if (!playing) return;
    const perSecond = SPEEDS[speedIndex] ?? 2;
    if (perSecond === Infinity) {
      const s = useApp.getState();
      s.continueToBreak(1);
      if (useApp.getState().cursor === s.cursor) s.setCursor(trace.length - 1);
      s.setPlaying(false);
      return;
    }
    const id = window.setInterval(() => {
      const s = useApp.getState();
      if (s.cursor >= trace.length - 1) s.setPlaying(false);
      else {
        const next = s.cursor + 1;
        s.setCursor(next);
        const e = trace.at(next);
        if (e && hits(s.breaks, e)) s.setPlaying(false);
      }
    }, 1000 / perSecond);
    return () => window.clearInterval(id);
  }, [playing, speedIndex]);
}
