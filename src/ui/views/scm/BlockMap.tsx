/**
 * A block map on one canvas (ImageData): `cells` cells, cell i drawn with `looks[cellLooks[i]]`;
 * cells in `marks` (touched by the current event) get an accent frame. Hover shows
 * `describe(i)` in a tooltip. Repaints in an effect — no React state per frame; only the
 * tooltip (pointer moves) is state.
 *
 * A seek usually changes a handful of cells: when the layout (rows, gaps, cell size) and theme
 * are those of the last paint, only cells whose look changed — and the frames of the previous
 * marks — are repainted, into the kept ImageData, and only their rows are put on the canvas.
 * Cells are painted by copying one pre-rendered tile per look (32-bit pixels), not pixel by
 * pixel through the pattern function.
 *
 * The canvas is only as tall as the scroll box shows (a 64 MiB device's map can be 3000 px
 * tall, of which ~500 are on screen): it sticks to the top of the scroll box inside a spacer of
 * the map's full height, and paints the band of map rows under it (`top` … `top + height`).
 * Scrolling repaints that band; a seek paints only what changed in it.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useApp } from '../../state/store.ts';
import { cellAt, GAP_H, layoutMap, type MapLayout } from './layout.ts';
import { bytesText, paintCell, parseColor, type Look } from './paint.ts';

export interface BlockMapProps {
  cells: number;
  /**
   * Look index (into `looks`) of every cell, at least `cells` long; look 0 must be the untouched
   * state (collapsible rows). A new array whenever looks may have changed (e.g. the cursor).
   */
  cellLooks: Uint8Array;
  looks: readonly Look[];
  /** Bytes per cell (gap labels). */
  unit: number;
  marks?: readonly number[];
  describe: (i: number) => ReactNode;
  label: string;
}

type Rgb = [number, number, number];

function themeColors(el: Element): { bg: Rgb; cellBg: Rgb; accent: string; muted: string } {
  const cs = getComputedStyle(el);
  const bg = parseColor(cs.getPropertyValue('--panel'), [255, 255, 255]);
  const dark = bg[0] + bg[1] + bg[2] < 384;
  const cellBg: Rgb = dark
    ? [bg[0] + 18, bg[1] + 20, bg[2] + 24]
    : [bg[0] - 22, bg[1] - 19, bg[2] - 15];
  return {
    bg,
    cellBg,
    accent: cs.getPropertyValue('--accent').trim() || '#1f6feb',
    muted: cs.getPropertyValue('--muted').trim() || '#5d6878',
  };
}

/** What the canvas shows now: enough to repaint only what a new frame changes. */
interface Painted {
  img: ImageData;
  /** The same pixels as 32-bit words (one per pixel). */
  px: Uint32Array;
  looks: Uint8Array;
  marks: readonly number[];
  layout: MapLayout;
  cells: number;
  theme: unknown;
  lookSet: readonly Look[];
  tiles: Uint32Array[];
  /** The theme's accent (mark frames). */
  accent: string;
  /** Row number → y of its band in map pixels (rows shown, gaps excluded). */
  rowY: Map<number, number>;
  /** The map y at the canvas's top row (the canvas shows map rows [top, top + img.height)). */
  top: number;
}

/** One pre-rendered cell per look: `size`×`size` pixels (the gap row/column in panel colour). */
function makeTiles(looks: readonly Look[], size: number, cellBg: Rgb, bg: Rgb): Uint32Array[] {
  return looks.map((look) => {
    const bytes = new Uint8ClampedArray(size * size * 4);
    for (let o = 0; o < bytes.length; o += 4) {
      bytes[o] = bg[0];
      bytes[o + 1] = bg[1];
      bytes[o + 2] = bg[2];
      bytes[o + 3] = 255;
    }
    paintCell(bytes, size, 0, 0, size, look, cellBg);
    return new Uint32Array(bytes.buffer);
  });
}

function word(rgb: Rgb): number {
  const b = new Uint8ClampedArray([rgb[0], rgb[1], rgb[2], 255]);
  return new Uint32Array(b.buffer)[0] as number;
}

/** Copy cell i's tile into the pixels, clipped to the canvas's band of the map. */
function blit(p: Painted, i: number, look: number): void {
  const { columns, cell } = p.layout;
  const ry = p.rowY.get(Math.floor(i / columns));
  if (ry === undefined) return;
  const y0 = ry - p.top;
  const H = p.img.height;
  if (y0 >= H || y0 + cell <= 0) return;
  const tile = p.tiles[look] ?? p.tiles[0];
  if (!tile) return;
  const W = p.img.width;
  const x0 = (i % columns) * cell;
  for (let y = Math.max(0, -y0); y < cell && y0 + y < H; y++) {
    p.px.set(tile.subarray(y * cell, (y + 1) * cell), (y0 + y) * W + x0);
  }
}

/** First band index whose y range reaches below map y `y` (bands are sorted by y). */
function firstBandFrom(layout: MapLayout, y: number): number {
  let lo = 0;
  let hi = layout.bands.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const b = layout.bands[mid] as MapLayout['bands'][number];
    const end = b.y + (b.kind === 'row' ? layout.cell : GAP_H);
    if (end <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const sameLayout = (a: MapLayout, b: MapLayout): boolean =>
  a.columns === b.columns &&
  a.cell === b.cell &&
  a.width === b.width &&
  a.height === b.height &&
  a.bands.length === b.bands.length &&
  a.bands.every((x, k) => {
    const y = b.bands[k];
    return (
      y !== undefined &&
      x.kind === y.kind &&
      x.y === y.y &&
      (x.kind === 'row'
        ? y.kind === 'row' && x.row === y.row
        : y.kind === 'gap' && x.from === y.from && x.to === y.to)
    );
  });

function fullPaint(
  ctx: CanvasRenderingContext2D,
  layout: MapLayout,
  cells: number,
  cellLooks: Uint8Array,
  looks: readonly Look[],
  unit: number,
  theme: unknown,
  col: ReturnType<typeof themeColors>,
  top: number,
  H: number,
  reuse: Painted | null,
): Painted {
  const W = Math.max(1, layout.width);
  // The tiles and the pixel buffer survive a repaint of the same size, look set and theme.
  const same =
    reuse !== null &&
    reuse.img.width === W &&
    reuse.img.height === H &&
    reuse.theme === theme &&
    reuse.lookSet === looks &&
    reuse.layout.cell === layout.cell;
  const img = same ? reuse.img : ctx.createImageData(W, H);
  const px = new Uint32Array(img.data.buffer);
  // panel background everywhere first (gaps, the tail of the last row)
  px.fill(word(col.bg));
  const rowY = new Map<number, number>();
  for (const b of layout.bands) if (b.kind === 'row') rowY.set(b.row, b.y);
  const p: Painted = {
    img,
    px,
    looks: cellLooks.slice(0, cells),
    marks: [],
    layout,
    cells,
    theme,
    lookSet: looks,
    tiles: same ? reuse.tiles : makeTiles(looks, layout.cell, col.cellBg, col.bg),
    accent: col.accent,
    rowY,
    top,
  };
  // Only the bands under the canvas.
  const from = firstBandFrom(layout, top);
  for (let k = from; k < layout.bands.length; k++) {
    const b = layout.bands[k] as MapLayout['bands'][number];
    if (b.y >= top + H) break;
    if (b.kind !== 'row') continue;
    const base = b.row * layout.columns;
    const end = Math.min(cells, base + layout.columns);
    for (let i = base; i < end; i++) blit(p, i, cellLooks[i] as number);
  }
  ctx.putImageData(img, 0, 0);
  // gap labels on top (2D API: few of them)
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (let k = from; k < layout.bands.length; k++) {
    const b = layout.bands[k] as MapLayout['bands'][number];
    if (b.y >= top + H) break;
    if (b.kind !== 'gap') continue;
    const y = b.y - top + GAP_H / 2;
    ctx.fillStyle = col.muted;
    ctx.fillRect(0, y, 8, 1);
    const bytes = (b.to - b.from) * layout.columns * unit;
    ctx.fillText(`⋯ ${bytesText(bytes)} untouched (${b.to - b.from} rows)`, 12, y);
  }
  return p;
}

/**
 * Repaint what changed since `p` (same layout, theme and looks): cells whose look differs and
 * the cells under the old marks (their frames spill one pixel up and left), row by row.
 */
function patch(ctx: CanvasRenderingContext2D, p: Painted, cellLooks: Uint8Array): void {
  const { columns, cell } = p.layout;
  /** row → [min x, max x) in cells */
  const dirty = new Map<number, [number, number]>();
  const touch = (i: number, spill: boolean): void => {
    const r = Math.floor(i / columns);
    const c = i % columns;
    const lo = spill ? Math.max(0, c - 1) : c;
    const d = dirty.get(r);
    if (d) {
      d[0] = Math.min(d[0], lo);
      d[1] = Math.max(d[1], c + 1);
    } else dirty.set(r, [lo, c + 1]);
    if (spill && r > 0) {
      // the frame's top line lies on the last pixel row of the band above
      const up = dirty.get(-1 - r);
      if (up) {
        up[0] = Math.min(up[0], lo);
        up[1] = Math.max(up[1], c + 1);
      } else dirty.set(-1 - r, [lo, c + 1]);
    }
  };
  const old = p.looks;
  for (let i = 0; i < p.cells; i++) {
    const v = cellLooks[i] as number;
    if (v !== old[i]) {
      old[i] = v;
      blit(p, i, v);
      touch(i, false);
    }
  }
  for (const i of p.marks) if (i < p.cells) touch(i, true);
  // putImageData clips the dirty rectangle to the canvas: rows off the band cost nothing.
  const H = p.img.height;
  for (const [r, [c0, c1]] of dirty) {
    if (r >= 0) {
      const ry = p.rowY.get(r);
      if (ry === undefined) continue;
      const y = ry - p.top;
      if (y >= H || y + cell <= 0) continue;
      ctx.putImageData(p.img, 0, 0, c0 * cell, y, (c1 - c0) * cell, cell);
    } else {
      const ry = p.rowY.get(-1 - r);
      if (ry === undefined || ry === 0) continue;
      const y = ry - p.top;
      if (y - 1 >= H || y - 1 < 0) continue;
      ctx.putImageData(p.img, 0, 0, c0 * cell, y - 1, (c1 - c0) * cell, 1);
    }
  }
}

/** The element whose scrolling moves the map (the view body), or null. */
function scrollerOf(el: HTMLElement): HTMLElement | null {
  for (let e = el.parentElement; e; e = e.parentElement) {
    const o = getComputedStyle(e).overflowY;
    if (o === 'auto' || o === 'scroll') return e;
  }
  return null;
}

export function BlockMap({ cells, cellLooks, looks, unit, marks, describe, label }: BlockMapProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const painted = useRef<Painted | null>(null);
  const [width, setWidth] = useState(320);
  /** The scroll box's height: the canvas is never taller. */
  const [viewH, setViewH] = useState(600);
  /** The map y under the canvas's top (changes as the view scrolls). */
  const [top, setTop] = useState(0);
  const [tip, setTip] = useState<{ i: number; x: number; y: number } | null>(null);
  const theme = useApp((s) => s.theme);

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const box = scrollerOf(el);
    const measure = () => {
      setWidth(Math.max(128, Math.floor(el.clientWidth)));
      if (box) setViewH(Math.max(64, box.clientHeight));
    };
    const onScroll = () => {
      if (!box) return;
      // How far the scroll box's top is below the map's top (0 while the map starts below it).
      const y = box.getBoundingClientRect().top - el.getBoundingClientRect().top;
      setTop(Math.max(0, Math.floor(y)));
    };
    const ro = new ResizeObserver(() => {
      measure();
      onScroll();
    });
    ro.observe(el);
    if (box) ro.observe(box);
    box?.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      ro.disconnect();
      box?.removeEventListener('scroll', onScroll);
    };
  }, []);

  const layout: MapLayout = useMemo(
    () => layoutMap(cells, (i) => cellLooks[i] === 0, width),
    [cells, width, cellLooks],
  );
  const canvasH = Math.max(1, Math.min(layout.height, viewH));
  // The canvas's band of the map: it cannot start past the map's last screenful.
  const band = Math.max(0, Math.min(top, layout.height - canvasH));

  useEffect(() => {
    // Paint on the next frame: the theme's CSS variables are applied by the App's effect, which
    // runs after this child's effect.
    const frame = requestAnimationFrame(() => {
      const c = canvas.current;
      if (!c) return;
      const ctx = c.getContext('2d');
      if (!ctx) return;
      const W = Math.max(1, layout.width);
      const H = canvasH;
      const prev = painted.current;
      let p: Painted;
      if (
        prev &&
        prev.theme === theme &&
        prev.lookSet === looks &&
        prev.cells === cells &&
        prev.top === band &&
        c.width === W &&
        c.height === H &&
        sameLayout(prev.layout, layout)
      ) {
        patch(ctx, prev, cellLooks);
        p = prev;
      } else {
        if (c.width !== W) c.width = W;
        if (c.height !== H) c.height = H;
        p = fullPaint(
          ctx,
          layout,
          cells,
          cellLooks,
          looks,
          unit,
          theme,
          themeColors(c),
          band,
          H,
          prev,
        );
      }
      p.marks = marks ? [...marks] : [];
      if (p.marks.length) {
        ctx.strokeStyle = p.accent;
        ctx.lineWidth = 1;
        const cell = layout.cell;
        for (const i of p.marks) {
          const ry = p.rowY.get(Math.floor(i / layout.columns));
          if (ry === undefined) continue;
          const y = ry - band;
          if (y >= H || y + cell <= 0) continue;
          const x = (i % layout.columns) * cell;
          ctx.strokeRect(x - 0.5, y - 0.5, cell, cell);
        }
      }
      painted.current = p;
    });
    return () => cancelAnimationFrame(frame);
  }, [layout, cells, looks, cellLooks, marks, unit, theme, band, canvasH]);

  const onMove = (ev: React.MouseEvent<HTMLCanvasElement>) => {
    const r = ev.currentTarget.getBoundingClientRect();
    const x = ev.clientX - r.left;
    // Map coordinates: the canvas shows the map from `band` down.
    const y = ev.clientY - r.top + band;
    const i = cellAt(layout, cells, x, y);
    setTip(i < 0 ? null : { i, x, y });
  };

  return (
    // The wrap is as tall as the whole map (the scroll range); the canvas sticks to the top of
    // the scroll box within it.
    <div className="bm-wrap" ref={wrap} style={{ height: layout.height }}>
      <canvas
        ref={canvas}
        className="bm-canvas"
        role="img"
        aria-label={label}
        style={{ width: layout.width, height: canvasH, top: 0 }}
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
