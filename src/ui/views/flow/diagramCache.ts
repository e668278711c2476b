/**
 * Mounted flow diagrams, kept across pipeline changes. Mounting an xyflow diagram costs
 * 50–450 ms on the test machine (node measuring, edge paths, paint): a seek or a play through a
 * trace that alternates pipelines (update → fetch → update …) paid that on every switch. So every
 * diagram drawn lately stays mounted: FlowView stacks their panels in one grid cell, the current
 * one visible, the others hidden in place (FlowView.tsx). Switching back toggles a few
 * attributes — no DOM move (a move tears down and rebuilds the subtree's layout objects, and
 * xyflow re-measures every node), no re-render.
 *
 * The list is kept in *creation* order, not recency order: React renders it as keyed children,
 * and a reorder would move mounted diagrams in the DOM. Recency lives beside it; the least
 * recently used diagrams beyond `MAX_DIAGRAMS` are dropped (unmounted).
 */
import type { PipelineView } from '../../../protocol/index.ts';

/**
 * Distinct diagrams kept mounted. The generated 1M-event bench trace draws ~20 shapes; a
 * diagram hidden in place costs memory, not frames (no style, layout or paint while hidden).
 */
export const MAX_DIAGRAMS = 32;

export interface DiagramEntry {
  /** layoutKey@aspect: one entry per drawn layout. */
  key: string;
  layoutKey: string;
  aspect: number;
  view: PipelineView;
  /** Mounted ahead of its first use (prewarm.ts): drawn once invisibly, then parked. */
  preloaded?: true;
}

export class DiagramCache {
  private entries: DiagramEntry[] = [];
  private lastUse = new Map<string, number>();
  private clock = 0;

  constructor(private readonly max = MAX_DIAGRAMS) {}

  /**
   * Mark `key` used (creating its entry). Returns the entries in creation order — the very same
   * array while nothing was added or dropped, so a switch between mounted diagrams re-renders
   * nothing.
   */
  touch(key: string, layoutKey: string, aspect: number, view: PipelineView): DiagramEntry[] {
    this.lastUse.set(key, ++this.clock);
    const old = this.entries.find((e) => e.key === key);
    if (old && old.view === view) return this.entries;
    const entry: DiagramEntry = { key, layoutKey, aspect, view };
    let next = old ? this.entries.map((e) => (e === old ? entry : e)) : [...this.entries, entry];
    if (next.length > this.max) {
      const keep = new Set(
        [...this.lastUse]
          .sort((a, b) => b[1] - a[1])
          .slice(0, this.max)
          .map(([k]) => k),
      );
      next = next.filter((e) => keep.has(e.key));
      for (const k of [...this.lastUse.keys()]) if (!keep.has(k)) this.lastUse.delete(k);
    }
    this.entries = next;
    return next;
  }

  /**
   * Mount ahead (prewarm.ts): add `key` unless it is there or the cache is full, without
   * marking it used — a diagram mounted ahead never evicts one that was drawn. Returns whether
   * it was added (the entries array is then a new one).
   */
  preload(key: string, layoutKey: string, aspect: number, view: PipelineView): boolean {
    if (this.entries.length >= this.max || this.entries.some((e) => e.key === key)) return false;
    this.lastUse.set(key, 0);
    this.entries = [...this.entries, { key, layoutKey, aspect, view, preloaded: true }];
    return true;
  }

  has(key: string): boolean {
    return this.entries.some((e) => e.key === key);
  }

  list(): DiagramEntry[] {
    return this.entries;
  }
}
