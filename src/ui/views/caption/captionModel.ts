/**
 * What the caption panel says about one event, as plain strings: a pure function of the event,
 * the catalog and the loaded document. CaptionPanel writes it into its elements
 * (`patchCaption`), touching only the parts that changed.
 */
import type { TraceEvent } from '../../../protocol/index.ts';
import type { Catalog } from '../../state/store.ts';
import { setAttr, setText } from '../timeline/storePatch.ts';
import { formatVirtualTime } from './time.ts';

const PHASE_TEXT = { enter: 'enter', exit: 'return', point: 'event' } as const;

export interface CaptionModel {
  fn: string;
  phase: TraceEvent['phase'];
  phaseText: string;
  /** "rc = -2 ENOENT", or null when the event has no rc. */
  rc: string | null;
  rcBad: boolean;
  actor: string;
  time: string;
  op: string;
  opName: string;
  /** The catalog's caption of the step ('' when the catalog lacks it). */
  caption: string;
  /** The event's own caption (shown after the step's), or null. */
  eventCaption: string | null;
  /** The step's source file, or null. */
  source: string | null;
}

export function captionModel(
  e: TraceEvent,
  catalog: Catalog | null,
  doc: { ops: { op: string }[] } | null,
): CaptionModel {
  const def = catalog?.pipelines.get(e.pipeline)?.steps.find((s) => s.id === e.step);
  const rcName =
    e.rc === undefined ? undefined : (catalog?.rcNames[String(e.rc)] ?? (e.rc === 0 ? 'OK' : ''));
  return {
    fn: `${e.step}()`,
    phase: e.phase,
    phaseText: PHASE_TEXT[e.phase],
    rc: e.rc === undefined ? null : `rc = ${e.rc}${rcName ? ` ${rcName}` : ''}`,
    rcBad: e.rc !== undefined && e.rc < 0,
    actor: e.actor,
    time: `t = ${formatVirtualTime(e.t)}`,
    op: `op ${e.op >= 0 ? e.op : '–'} `,
    opName: e.op >= 0 ? (doc?.ops[e.op]?.op ?? `op ${e.op}`) : 'setup',
    caption: def?.caption ?? '',
    eventCaption: e.caption ? ` ${e.caption}` : null,
    source: def?.source || null,
  };
}

/** The panel's parts, found once by their `data-part` names. */
export type CaptionParts = Record<
  'fn' | 'phase' | 'rc' | 'actor' | 'time' | 'op' | 'opName' | 'caption' | 'eventCaption',
  HTMLElement
> & { source: HTMLElement; sourceFile: HTMLElement };

export function captionParts(root: ParentNode): CaptionParts | null {
  const names = [
    'fn',
    'phase',
    'rc',
    'actor',
    'time',
    'op',
    'opName',
    'caption',
    'eventCaption',
    'source',
    'sourceFile',
  ] as const;
  const out: Partial<CaptionParts> = {};
  for (const n of names) {
    const el = root.querySelector<HTMLElement>(`[data-part="${n}"]`);
    if (!el) return null;
    out[n] = el;
  }
  return out as CaptionParts;
}

function show(el: HTMLElement, text: string | null): void {
  setText(el, text ?? '');
  if (el.hidden !== (text === null)) el.hidden = text === null;
}

/** Write `m` into the parts: text nodes and classes that differ, nothing else. */
export function patchCaption(p: CaptionParts, m: CaptionModel): void {
  setText(p.fn, m.fn);
  setText(p.phase, m.phaseText);
  setAttr(p.phase, 'class', `phase-badge phase-${m.phase}`);
  show(p.rc, m.rc);
  setAttr(p.rc, 'class', m.rcBad ? 'rc-badge rc-bad' : 'rc-badge');
  setText(p.actor, m.actor);
  setText(p.time, m.time);
  setText(p.op, m.op);
  setText(p.opName, m.opName);
  setText(p.caption, m.caption);
  show(p.eventCaption, m.eventCaption);
  setText(p.sourceFile, m.source ?? '');
  if (p.source.hidden !== (m.source === null)) p.source.hidden = m.source === null;
}
