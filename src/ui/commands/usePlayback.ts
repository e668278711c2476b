/**
 * Playback: while playing, advance the cursor at the chosen speed. Stops at the end of the
 * trace or on an event that hits a breakpoint ("run until break"). "Instant" jumps there in one
 * move. The engine never sees wall-clock time: this is the page's own clock.
 *
 * Driven by requestAnimationFrame, one cursor move per frame at most (issue 7: 60 fps, no task
 * > 50 ms): at 100 steps/s a timer moved the cursor ~1.7 times per frame and every move
 * re-rendered the panels and patched the diagram, frames nobody saw. Each frame moves by the
 * steps due since the last one (checking every event passed over for a breakpoint), so the
 * speed holds when frames are slow; a long stall (hidden tab, a busy machine) drops its backlog
 * instead of leaping ahead.
 */
import { useEffect } from 'react';
import { hits } from '../debug/breakpoints.ts';
import { SPEEDS, trace, useApp } from '../state/store.ts';

/** At most this much wall time of steps is taken in one frame (a stall's backlog is dropped). */
const MAX_CATCH_UP_S = 0.1;

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
    const maxPerFrame = Math.max(1, Math.ceil(perSecond * MAX_CATCH_UP_S));
    let start = -1;
    let taken = 0;
    let frame = 0;
    const tick = (now: number) => {
      if (start < 0) start = now;
      const due = Math.floor(((now - start) / 1000) * perSecond) - taken;
      if (due > 0) {
        taken += due;
        const s = useApp.getState();
        const last = trace.length - 1;
        let next = s.cursor;
        let stop = next >= last;
        for (let k = 0; k < Math.min(due, maxPerFrame) && !stop; k++) {
          next++;
          const e = trace.at(next);
          stop = next >= last || (e !== undefined && hits(s.breaks, e));
        }
        if (next !== s.cursor) s.setCursor(next);
        if (stop) {
          s.setPlaying(false);
          return;
        }
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, speedIndex]);
}
