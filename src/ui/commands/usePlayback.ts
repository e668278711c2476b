/**
 * Playback: while playing, advance the cursor at the chosen speed. Uses a timer on the main
 * thread (the engine never sees wall-clock time); stops at the end of the trace.
 */
import { useEffect } from 'react';
import { SPEEDS, trace, useApp } from '../state/store.ts';

export function usePlayback(): void {
  const playing = useApp((s) => s.playing);
  const speedIndex = useApp((s) => s.speedIndex);
  useEffect(() => {
    if (!playing) return;
    const perSecond = SPEEDS[speedIndex] ?? 2;
    const id = window.setInterval(() => {
      const s = useApp.getState();
      if (s.cursor >= trace.length - 1) s.setPlaying(false);
      else s.setCursor(s.cursor + 1);
    }, 1000 / perSecond);
    return () => window.clearInterval(id);
  }, [playing, speedIndex]);
}
