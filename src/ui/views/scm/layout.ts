/**
 * Block-map layout: cells in rows of `columns`; runs of rows where every cell is untouched
 * collapse into one "gap" band, so a mostly empty 64 MiB device still shows the few pages in
 * use at a readable size. Pure (tested in layout.test.ts).
 */
export type Band =
  { kind: 'row'; row: number; y: number } | { kind: 'gap'; from: number; to: number; y: number };

export interface MapLayout {
  columns: number;
  cell: number;
  bands: Band[];
  height: number;
  width: number;
}

export const GAP_H = 14;

/**
 * `blank(i)` says a cell is untouched. Columns grow (×2) while the map would be taller than
 * `maxHeight`; cell size is the width divided by the columns (at least 2 px).
 */
export function layoutMap(
  cells: number,
  blank: (i: number) => boolean,
  width: number,
  maxHeight = 3000,
  minColumns = 64,
): MapLayout {
  let columns = minColumns;
  for (;;) {
    const cell = Math.max(2, Math.floor(width / columns));
    const bands = bandsFor(cells, columns, cell, blank);
    const last = bands[bands.length - 1];
    const height = last ? last.y + (last.kind === 'row' ? cell : GAP_H) : 0;
    if (height <= maxHeight || columns >= 4096)
      return { columns, cell, bands, height, width: columns * cell };
    columns *= 2;
  }
}

function bandsFor(
  cells: number,
  columns: number,
  cell: number,
  blank: (i: number) => boolean,
): Band[] {
  const rows = Math.ceil(cells / columns);
  const bands: Band[] = [];
  let y = 0;
  let r = 0;
  while (r < rows) {
    let r2 = r;
    while (r2 < rows && rowBlank(r2, columns, cells, blank)) r2++;
    // Collapse only runs of 3+ empty rows (a single empty row reads better as a row).
    if (r2 - r >= 3) {
      bands.push({ kind: 'gap', from: r, to: r2, y });
      y += GAP_H;
      r = r2;
      continue;
    }
    bands.push({ kind: 'row', row: r, y });
    y += cell;
    r++;
  }
  return bands;
}

function rowBlank(
  r: number,
  columns: number,
  cells: number,
  blank: (i: number) => boolean,
): boolean {
  const end = Math.min(cells, (r + 1) * columns);
  for (let i = r * columns; i < end; i++) if (!blank(i)) return false;
  return true;
}

/** The cell index under (x, y) in layout pixels, or -1. */
export function cellAt(l: MapLayout, cells: number, x: number, y: number): number {
  if (x < 0 || x >= l.columns * l.cell) return -1;
  let lo = 0;
  let hi = l.bands.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((l.bands[mid] as Band).y <= y) lo = mid;
    else hi = mid - 1;
  }
  const b = l.bands[lo];
  if (!b || b.kind !== 'row' || y >= b.y + l.cell) return -1;
  const i = b.row * l.columns + Math.floor(x / l.cell);
  return i < cells ? i : -1;
}
