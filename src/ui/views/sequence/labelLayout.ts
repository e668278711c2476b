/**
 * Where the message labels of the sequence diagram go, so they never overlap each other or the
 * fold counts ("+n") beside the lifelines. A fan-out from a primary (osd_repop to every replica
 * on adjacent rows) used to stack its labels at the same third of each arrow.
 *
 * Greedy, in drawing order: each label tries points along its own arrow (a third of the way
 * first, as before, then half, a quarter, two thirds …); if no point is free it tries a short
 * form (the message name without its size); if that fails too it is left out — the arrow keeps
 * its full text in its tooltip and aria-label. Pure: unit-tested without a DOM.
 */

/** The label font (sequence.css `.sq-label`: mono 9.5px) — width per character, line height. */
export const LABEL_CHAR_W = 5.75;
export const LABEL_H = 11;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelRequest {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** A message to itself (drawn as a loop to the right of the lifeline). */
  self: boolean;
  text: string;
  /** A shorter text to fall back on (e.g. without the byte count). */
  short?: string;
}

export interface PlacedLabel {
  /** Text anchor point (middle of the baseline). */
  x: number;
  y: number;
  text: string;
  /** The text was shortened; the full text is in the tooltip. */
  shortened: boolean;
}

const ALONG = [1 / 3, 1 / 2, 1 / 4, 2 / 3, 0.15, 0.8];
const SELF_DY = [0, 12, -12, 24];

/** The box a label's text covers around its anchor (baseline 3 px above the point). */
export function labelBox(x: number, y: number, text: string): Box {
  const w = text.length * LABEL_CHAR_W + 4;
  return { x: x - w / 2, y: y - 3 - 9, w, h: LABEL_H };
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function candidates(r: LabelRequest): { x: number; y: number }[] {
  if (r.self) {
    const x = r.x1 + 44;
    return SELF_DY.map((dy) => ({ x, y: r.y1 + (r.y2 - r.y1) / 3 + dy }));
  }
  return ALONG.map((t) => ({ x: r.x1 + (r.x2 - r.x1) * t, y: r.y1 + (r.y2 - r.y1) * t }));
}

/**
 * Places every label it can; `null` where none fits. `obstacles` are boxes labels must avoid
 * (fold counts, the current step's name); `bounds` keeps labels inside the drawing.
 */
export function placeLabels(
  requests: readonly LabelRequest[],
  obstacles: readonly Box[] = [],
  bounds?: { minX: number; maxX: number },
): (PlacedLabel | null)[] {
  const taken: Box[] = [...obstacles];
  const free = (b: Box): boolean =>
    (bounds === undefined || (b.x >= bounds.minX && b.x + b.w <= bounds.maxX)) &&
    !taken.some((o) => overlaps(o, b));
  return requests.map((r) => {
    const texts: [string, boolean][] = [[r.text, false]];
    if (r.short !== undefined && r.short !== r.text) texts.push([r.short, true]);
    for (const [text, shortened] of texts) {
      for (const p of candidates(r)) {
        const b = labelBox(p.x, p.y, text);
        if (free(b)) {
          taken.push(b);
          return { x: p.x, y: p.y, text, shortened };
        }
      }
    }
    return null;
  });
}
