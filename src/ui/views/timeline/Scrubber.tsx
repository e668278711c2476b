/**
 * The scrubber: a range input over the whole trace (keyboard and screen-reader friendly) on
 * top of a canvas that paints the op segments and their boundaries (canvas, not SVG: a trace
 * can have thousands of ops).
 */
import { useEffect, useRef } from 'react';
import { trace, useApp, type Store } from '../../state/store.ts';
import { cursorMoved, setAttr, useStorePatch } from './storePatch.ts';

function paint(canvas: HTMLCanvasElement, count: number, w: number, h: number): void {
  const dpr = window.devicePixelRatio || 1;
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

/** The range input's cursor-driven state (value, bounds, spoken text), written directly. */
function patchRange(input: HTMLInputElement, s: Store): void {
  const max = Math.max(0, s.count - 1);
  setAttr(input, 'max', String(max));
  const value = String(Math.min(s.cursor, max));
  if (input.value !== value) input.value = value;
  input.disabled = s.count === 0;
  const e = trace.at(s.cursor);
  setAttr(
    input,
    'aria-valuetext',
    e ? `step ${s.cursor} of ${s.count}: ${e.step} (${e.phase}), op ${e.op}` : 'empty trace',
  );
}

export function Scrubber() {
  const count = useApp((s) => s.count);
  const setCursor = useApp((s) => s.setCursor);
  const theme = useApp((s) => s.theme);
  const canvas = useRef<HTMLCanvasElement>(null);
  const range = useRef<HTMLInputElement>(null);
  // Value, max and aria-valuetext follow the cursor outside React (storePatch.ts): the input is
  // uncontrolled, a step re-renders nothing here.
  useStorePatch(range, patchRange, cursorMoved);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    // At most one paint per frame: while a big trace streams in, `count` changes per batch
    // (hundreds of times) and each paint walks every op boundary.
    let frame = 0;
    // Repaint only when the canvas's pixel size changed (a repaint walks every op boundary).
    // Sizes come from the observer's entries: reading clientWidth here would force a layout.
    let painted = '';
    let size = '';
    let w = 0;
    let h = 0;
    const repaint = () => {
      if (size === painted) return;
      painted = size;
      paint(c, count, w, h);
    };
    const ro = new ResizeObserver(([r]) => {
      if (!r) return;
      w = r.contentRect.width;
      h = r.contentRect.height;
      const dpr = window.devicePixelRatio || 1;
      size = `${Math.round(w * dpr)}x${Math.round(h * dpr)}`;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(repaint);
    });
    ro.observe(c);
    return () => {
      cancelAnimationFrame(frame);
      ro.disconnect();
    };
  }, [count, theme]);

  return (
    <div className="scrubber">
      <canvas ref={canvas} className="scrubber-ops" aria-hidden="true" />
      <input
        ref={range}
        type="range"
        className="scrubber-range"
        min={0}
        defaultValue={0}
        onChange={(ev) => setCursor(Number(ev.target.value))}
        aria-label="Trace position"
      />
    </div>
  );
}
