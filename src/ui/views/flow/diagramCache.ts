/**
 * Mounted flow diagrams, kept across pipeline changes. Mounting an xyflow diagram costs
 * 50–450 ms on the test machine (node measuring, edge paths, paint): a seek or a play through a
 * trace that alternates pipelines (update → fetch → update …) paid that on every switch. So each
 * diagram renders into its own host element (a React portal) that stays mounted: the current one
 * sits in the flow panel, the others wait in a "parking lot" outside the page's views — same size
 * (so nothing re-measures on return), hidden, inert, and outside `[data-view="flow"]` so the
 * contract-3 hooks only ever see the diagram on screen. Switching back is a DOM move, not a mount.
 *
 * Least recently used diagrams beyond `MAX_DIAGRAMS` are dropped (unmounted).
 */
import type { PipelineView } from '../../../protocol/index.ts';

export const MAX_DIAGRAMS = 12;

export interface DiagramEntry {
  /** layoutKey@aspect: one entry per drawn layout. */
  key: string;
  layoutKey: string;
  aspect: number;
  view: PipelineView;
  host: HTMLDivElement;
}

let parking: HTMLDivElement | null = null;

/** The hidden holder of diagrams not on screen (created on first use). */
export function parkingLot(): HTMLDivElement {
  if (parking && parking.isConnected) return parking;
  parking = document.createElement('div');
  parking.className = 'flow-parking';
  parking.setAttribute('aria-hidden', 'true');
  parking.inert = true;
  document.body.appendChild(parking);
  return parking;
}

/** Give the parking lot the slot's size (diagrams keep their measured size when parked). */
export function sizeParkingLot(width: number, height: number): void {
  const p = parkingLot();
  p.style.width = `${width}px`;
  p.style.height = `${height}px`;
}

/** The LRU list of diagrams, most recent first. */
export class DiagramCache {
  private entries: DiagramEntry[] = [];

  /** Make `key` the most recent entry (creating its host, parked); returns the list. */
  touch(key: string, layoutKey: string, aspect: number, view: PipelineView): DiagramEntry[] {
    const i = this.entries.findIndex((e) => e.key === key);
    if (i === 0 && this.entries[0]?.view === view) return this.entries;
    let entry: DiagramEntry;
    if (i >= 0) {
      entry = { ...(this.entries[i] as DiagramEntry), view };
      this.entries = [entry, ...this.entries.filter((_, k) => k !== i)];
    } else {
      const host = document.createElement('div');
      host.className = 'flow-host';
      // Parked (attached, sized) from the start so xyflow measures real sizes while mounting.
      parkingLot().appendChild(host);
      entry = { key, layoutKey, aspect, view, host };
      this.entries = [entry, ...this.entries];
    }
    for (const old of this.entries.slice(MAX_DIAGRAMS)) old.host.remove();
    this.entries = this.entries.slice(0, MAX_DIAGRAMS);
    return this.entries;
  }

  list(): DiagramEntry[] {
    return this.entries;
  }

  /** Forget everything (the flow panel unmounted): hosts leave the page. */
  clear(): void {
    for (const e of this.entries) e.host.remove();
    this.entries = [];
  }
}
