/**
 * The scrubber: a range input over the whole trace (keyboard and screen-reader friendly) on
 * top of a canvas that paints the op segments and their boundaries (canvas, not SVG: a trace
 * can have thousands of ops).
 */
import { useEffect, useRef } from 'react';
import { trace, useApp } from '../../state/store.ts';

function paint(canvas: HTMLCanvasElement, count: number): void {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  canvas.width = Math.max(1, Math.round(w * dpr));
  canvas.height = Math.max(1, Math.round(h * dpr));
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  if (count <= 1) return;
  const style = getComputedStyle(canvas);
  const a = style.getPropertyValue('--op-a').trim() || '#dde';
  const b = style.getPropertyValue('--op-b').trim() || '#ccd';
  const tick = style.getPropertyValue('--op-tick').trim() || '#667';
  const starts = trace.opStarts;
  const x = (i: number) => (i / (count - 1)) * w;
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k]!;
    const e = starts[k + 1] ?? count - 1;
    ctx.fillStyle = k % 2 === 0 ? a : b;
    ctx.fillRect(x(s), 0, Math.max(1, x(e) - x(s)), h);
  }
  ctx.fillStyle = tick;
  let lastX = -10;
  for (const s of starts) {
    const px = Math.round(x(s));
    if (px - lastX < 3) continue; // don't draw a solid bar for thousands of tiny ops
    ctx.fillRect(px, 0, 1, h);
    lastX = px;
  }
}

export function Scrubber() {
  const count = useApp((s) => s.count);
  const cursor = useApp((s) => s.cursor);
  const setCursor = useApp((s) => s.setCursor);
  const theme = useApp((s) => s.theme);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    // At most one paint per frame: while a big trace streams in, `count` changes per batch
    // (hundreds of times) and each paint walks every op boundary.
    let frame = 0;
    // The ResizeObserver also fires for sub-pixel changes (the readout's text width moves the
    // layout on every seek); a repaint walks every op boundary, so skip it when the canvas's
    // pixel size is what the last paint drew.
    let painted = '';
    const repaint = () => {
      const size = `${c.clientWidth}x${c.clientHeight}x${window.devicePixelRatio || 1}`;
      if (size === painted) return;
      painted = size;
      paint(c, count);
    };
    frame = requestAnimationFrame(repaint);
    const ro = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(repaint);
    });
    ro.observe(c);
    return () => {
      cancelAnimationFrame(frame);
      ro.disconnect();
    };
  }, [count, theme]);

  const e = trace.at(cursor);
  return (
    <div className="scrubber">
      <canvas ref={canvas} className="scrubber-ops" aria-hidden="true" />
      <input
        type="range"
        className="scrubber-range"
        min={0}
        max={Math.max(0, count - 1)}
        value={Math.min(cursor, Math.max(0, count - 1))}
        onChange={(ev) => setCursor(Number(ev.target.value))}
        aria-label="Trace position"
        aria-valuetext={
          e ? `step ${cursor} of ${count}: ${e.step} (${e.phase}), op ${e.op}` : 'empty trace'
        }
        disabled={count === 0}
      />
    </div>
  );
}
