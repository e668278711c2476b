import { describe, expect, it } from 'vitest';
import { labelBox, overlaps, placeLabels, type LabelRequest } from './labelLayout.ts';

const boxesOf = (placed: ReturnType<typeof placeLabels>) =>
  placed.flatMap((p) => (p ? [labelBox(p.x, p.y, p.text)] : []));

describe('sequence label layout', () => {
  it('a fan-out on adjacent rows (osd_repop to two replicas) gets labels that do not overlap', () => {
    // osd.1 at x=290 sends to osd.3 (x=565) and osd.4 (x=700), rows 5 px apart — the
    // screenshot case: both labels used to sit at a third of their arrows, on top of each other.
    const reqs: LabelRequest[] = [
      {
        x1: 290,
        y1: 378,
        x2: 565,
        y2: 392,
        self: false,
        text: 'osd_repop (300 B)',
        short: 'osd_repop',
      },
      {
        x1: 290,
        y1: 383,
        x2: 700,
        y2: 407,
        self: false,
        text: 'osd_repop (300 B)',
        short: 'osd_repop',
      },
    ];
    const placed = placeLabels(reqs);
    expect(placed.every((p) => p !== null)).toBe(true);
    const [a, b] = boxesOf(placed);
    expect(overlaps(a!, b!)).toBe(false);
  });

  it('keeps the first choice (a third of the way) when nothing is in the way', () => {
    const [p] = placeLabels([
      { x1: 0, y1: 0, x2: 300, y2: 30, self: false, text: 'osd_op (200 B)' },
    ]);
    expect(p).toEqual({ x: 100, y: 10, text: 'osd_op (200 B)', shortened: false });
  });

  it('avoids obstacles, shortens, and leaves a label out rather than overlap', () => {
    const arrow = { x1: 0, y1: 100, x2: 200, y2: 100, self: false };
    // Everything along the arrow is blocked except room for the short text at the far end.
    const wall = { x: -50, y: 80, w: 200, h: 40 };
    const [p] = placeLabels([{ ...arrow, text: 'osd_repop_reply (100 B)', short: 'r' }], [wall]);
    expect(p?.shortened).toBe(true);
    expect(p?.text).toBe('r');
    const [q] = placeLabels(
      [{ ...arrow, text: 'osd_repop_reply (100 B)' }],
      [{ x: -100, y: 0, w: 400, h: 200 }],
    );
    expect(q).toBeNull();
  });

  it('over many random fan-outs no two placed labels ever overlap', () => {
    let x = 12345;
    const rnd = () => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x / 2 ** 32;
    };
    for (let seed = 0; seed < 200; seed++) {
      const reqs: LabelRequest[] = [];
      for (let k = 0; k < 12; k++) {
        const x1 = 80 + Math.floor(rnd() * 6) * 130;
        const x2 = 80 + Math.floor(rnd() * 6) * 130;
        const y1 = 50 + Math.floor(rnd() * 30) * 15;
        reqs.push({
          x1,
          y1,
          x2,
          y2: y1 + rnd() * 60,
          self: x1 === x2,
          text: 'osd_repop (300 B)',
          short: 'osd_repop',
        });
      }
      const boxes = boxesOf(placeLabels(reqs));
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++)
          expect(overlaps(boxes[i]!, boxes[j]!)).toBe(false);
    }
  });
});
