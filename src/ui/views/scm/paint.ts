/**
 * Pixel painter for block maps (browser-limits.md §4: ImageData, never an SVG element per cell).
 * Each state has a colour AND a pattern (solid, outline, checker, half, cross …) so the map
 * reads without colour vision; legends draw their swatches with the same painter.
 */
export type Pattern =
  'blank' | 'solid' | 'outline' | 'dotted' | 'checker' | 'half' | 'stripes' | 'cross' | 'dot';

export interface Look {
  label: string;
  /** What the state means, for the legend's title and the tooltip. */
  desc: string;
  rgb: readonly [number, number, number];
  pattern: Pattern;
}

function on(p: Pattern, x: number, y: number, s: number): boolean {
  const edge = x === 0 || y === 0 || x === s - 1 || y === s - 1;
  switch (p) {
    case 'blank':
      return false;
    case 'solid':
      return true;
    case 'outline':
      return edge;
    case 'dotted':
      return edge && (x + y) % 2 === 0;
    case 'checker':
      return (x + y) % 2 === 0;
    case 'half':
      return edge || y >= s / 2;
    case 'stripes':
      return y % 2 === 0;
    case 'cross':
      return x === y || x === s - 1 - y;
    case 'dot': {
      const m = (s - 1) / 2;
      return Math.abs(x - m) <= Math.max(0.5, s / 6) && Math.abs(y - m) <= Math.max(0.5, s / 6);
    }
  }
}

/**
 * Paint one cell of `size` px (the last row/column is the gap) at (x0, y0) into RGBA `px` of
 * width `w`. `bg` is the cell's background (distinct from the panel so free cells are visible).
 */
export function paintCell(
  px: Uint8ClampedArray,
  w: number,
  x0: number,
  y0: number,
  size: number,
  look: Look,
  bg: readonly [number, number, number],
): void {
  const s = Math.max(1, size - 1);
  // Tiny cells cannot show patterns: fall back to colour (blank stays background).
  const pat: Pattern = s < 3 ? (look.pattern === 'blank' ? 'blank' : 'solid') : look.pattern;
  for (let y = 0; y < s; y++) {
    let o = ((y0 + y) * w + x0) * 4;
    for (let x = 0; x < s; x++, o += 4) {
      const c = on(pat, x, y, s) ? look.rgb : bg;
      px[o] = c[0];
      px[o + 1] = c[1];
      px[o + 2] = c[2];
      px[o + 3] = 255;
    }
  }
}

/** `#rrggbb` / `rgb(r, g, b)` → [r, g, b] (theme colours come from CSS variables). */
export function parseColor(
  s: string,
  fallback: readonly [number, number, number],
): [number, number, number] {
  const t = s.trim();
  let m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(t);
  if (m)
    return [
      parseInt(m[1] as string, 16),
      parseInt(m[2] as string, 16),
      parseInt(m[3] as string, 16),
    ];
  m = /^rgba?\((\d+)[ ,]+(\d+)[ ,]+(\d+)/i.exec(t);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return [fallback[0], fallback[1], fallback[2]];
}

/** Human units for byte counts (legend stats, gap labels). */
export function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  if (n < 2 ** 30) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${(n / 2 ** 30).toFixed(2)} GiB`;
}
