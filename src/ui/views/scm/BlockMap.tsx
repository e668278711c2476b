/**
 * A block map on one canvas (ImageData): `cells` cells, each drawn with `looks[lookOf(i)]`;
 * cells in `marks` (touched by the current event) get an accent frame. Hover shows
 * `describe(i)` in a tooltip. Repaints in an effect — no React state per frame; only the
 * tooltip (pointer moves) is state.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useApp } from '../../state/store.ts';
import { cellAt, GAP_H, layoutMap, type MapLayout } from './layout.ts';
import { bytesText, paintCell, parseColor, type Look } from './paint.ts';

export interface BlockMapProps {
  cells: number;
  /** Index into `looks`; look 0 must be the untouched state (collapsible rows). */
  lookOf: (i: number) => number;
  looks: readonly Look[];
  /** Bytes per cell (gap labels). */
  unit: number;
  marks?: readonly number[];
  describe: (i: number) => ReactNode;
  /** Changes whenever the cells' looks may have changed (e.g. the cursor). */
  version: unknown;
  label: string;
}

function themeColors(el: Element): {
  bg: [number, number, number];
  cellBg: [number, number, number];
  accent: string;
  muted: string;
} {
  const cs = getComputedStyle(el);
  const bg = parseColor(cs.getPropertyValue('--panel'), [255, 255, 255]);
  const dark = bg[0] + bg[1] + bg[2] < 384;
  const cellBg: [number, number, number] = dark
    ? [bg[0] + 18, bg[1] + 20, bg[2] + 24]
    : [bg[0] - 22, bg[1] - 19, bg[2] - 15];
  return {
    bg,
    cellBg,
    accent: cs.getPropertyValue('--accent').trim() || '#1f6feb',
    muted: cs.getPropertyValue('--muted').trim() || '#5d6878',
  };
}

export function BlockMap({
  cells,
  lookOf,
  looks,
  unit,
  marks,
  describe,
  version,
  label,
}: BlockMapProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(320);
  const [tip, setTip] = useState<{ i: number; x: number; y: number } | null>(null);
  const theme = useApp((s) => s.theme);

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(128, Math.floor(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const layout: MapLayout = useMemo(
    () => layoutMap(cells, (i) => lookOf(i) === 0, width),
    // lookOf changes with version; cells/width with the device and panel
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [cells, width, version],
  );

  useEffect(() => {
    // Paint on the next frame: the theme's CSS variables are applied by the App's effect, which
    // runs after this child's effect.
    const frame = requestAnimationFrame(() => {
      const c = canvas.current;
      if (!c) return;
      const ctx = c.getContext('2d');
      if (!ctx) return;
      const W = Math.max(1, layout.width);
      const H = Math.max(1, layout.height);
      if (c.width !== W) c.width = W;
      if (c.height !== H) c.height = H;
      const col = themeColors(c);
      const img = ctx.createImageData(W, H);
      const px = img.data;
      // panel background everywhere first (gaps, the tail of the last row)
      for (let o = 0; o < px.length; o += 4) {
        px[o] = col.bg[0];
        px[o + 1] = col.bg[1];
        px[o + 2] = col.bg[2];
        px[o + 3] = 255;
      }
      const cell = layout.cell;
      for (const b of layout.bands) {
        if (b.kind !== 'row') continue;
        const base = b.row * layout.columns;
        const end = Math.min(cells, base + layout.columns);
        for (let i = base; i < end; i++) {
          const look = looks[lookOf(i)] ?? looks[0];
          if (look) paintCell(px, W, (i - base) * cell, b.y, cell, look, col.cellBg);
        }
      }
      ctx.putImageData(img, 0, 0);
      // gap labels and current-event marks on top (2D API: few of them)
      ctx.font = '10px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      for (const b of layout.bands) {
        if (b.kind !== 'gap') continue;
        ctx.fillStyle = col.muted;
        ctx.fillRect(0, b.y + GAP_H / 2, 8, 1);
        const bytes = (b.to - b.from) * layout.columns * unit;
        ctx.fillText(
          `⋯ ${bytesText(bytes)} untouched (${b.to - b.from} rows)`,
          12,
          b.y + GAP_H / 2,
        );
      }
      if (marks && marks.length) {
        ctx.strokeStyle = col.accent;
        ctx.lineWidth = 1;
        const rowY = new Map<number, number>();
        for (const b of layout.bands) if (b.kind === 'row') rowY.set(b.row, b.y);
        for (const i of marks) {
          const y = rowY.get(Math.floor(i / layout.columns));
          if (y === undefined) continue;
          const x = (i % layout.columns) * cell;
          ctx.strokeRect(x - 0.5, y - 0.5, cell, cell);
        }
      }
    });
    return () => cancelAnimationFrame(frame);
  }, [layout, cells, looks, lookOf, marks, unit, version, theme]);

  const onMove = (ev: React.MouseEvent<HTMLCanvasElement>) => {
    const r = ev.currentTarget.getBoundingClientRect();
    const x = ev.clientX - r.left;
    const y = ev.clientY - r.top;
    const i = cellAt(layout, cells, x, y);
    setTip(i < 0 ? null : { i, x, y });
  };

  return (
    <div className="bm-wrap" ref={wrap}>
      <canvas
        ref={canvas}
        className="bm-canvas"
        role="img"
        aria-label={label}
        style={{ width: layout.width, height: layout.height }}
        onMouseMove={onMove}
        onMouseLeave={() => setTip(null)}
      />
      {tip ? (
        <div
          className="dv-tip"
          role="tooltip"
          style={{ left: Math.min(tip.x + 12, Math.max(0, width - 320)), top: tip.y + 14 }}
        >
          {describe(tip.i)}
        </div>
      ) : null}
    </div>
  );
}

/** A legend swatch drawn with the map's painter (shape + colour). */
export function Swatch({ look, size = 12 }: { look: Look; size?: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const theme = useApp((s) => s.theme);
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const c = ref.current;
      const ctx = c?.getContext('2d');
      if (!c || !ctx) return;
      const col = themeColors(c);
      const img = ctx.createImageData(size, size);
      paintCell(img.data, size, 0, 0, size + 1, look, col.cellBg);
      ctx.putImageData(img, 0, 0);
    });
    return () => cancelAnimationFrame(frame);
  }, [look, size, theme]);
  return <canvas ref={ref} width={size} height={size} aria-hidden="true" />;
}

export function Legend({ looks, counts }: { looks: readonly Look[]; counts?: readonly number[] }) {
  return (
    <ul className="dv-legend" aria-label="Legend">
      {looks.map((l, k) => (
        <li key={l.label} title={l.desc}>
          <Swatch look={l} />
          <span>{l.label}</span>
          {counts ? <span className="n">{counts[k] ?? 0}</span> : null}
        </li>
      ))}
    </ul>
  );
}
