/**
 * Applies a FlowFrame to the rendered diagram by toggling attributes and classes on the DOM
 * elements xyflow already rendered. Measured (browser-limits.md §4): this holds 60 fps up to
 * ~500 nodes, where pushing new node/edge arrays through React per frame falls to ~30 fps.
 *
 * Per step the work is O(changed): what the previous frame marked is remembered per diagram
 * root, so a step touches the old and new current node, the newly visited ones and the old and
 * new taken edge — no sweep over every node. `full: true` (after xyflow added elements, or when
 * a diagram comes back on screen) re-derives everything from the DOM.
 *
 * Contract 3 hooks set here: the current step's element gets `aria-current="step"`.
 */
import type { FlowFrame } from './frame.ts';

function byStep(root: ParentNode, step: string): HTMLElement | null {
  return root.querySelector<HTMLElement>(`[data-step="${CSS.escape(step)}"]`);
}

function byEdge(root: ParentNode, id: string): SVGGElement | null {
  return root.querySelector<SVGGElement>(`[data-testid="rf__edge-${CSS.escape(id)}"]`);
}

/** What the last frame marked in a diagram (elements, so undoing it needs no query). */
interface Marked {
  current: HTMLElement | null;
  visited: Map<string, HTMLElement>;
  taken: SVGGElement | null;
  motion: SVGAnimationElement | null;
}

const marked = new WeakMap<HTMLElement, Marked>();

export interface ApplyOptions {
  /** Re-derive from the DOM (elements were added or re-mounted). */
  full?: boolean;
  /**
   * Run the token's motion along the taken edge. Off at fast playback: a 0.6 s SMIL motion
   * restarted at 100 steps/s keeps dozens running (each re-lays out the SVG every frame) for a
   * token nobody can follow; the taken edge is still drawn thick.
   */
  motion?: boolean;
}

function sweep(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-step][aria-current]')) {
    el.removeAttribute('aria-current');
    el.removeAttribute('data-phase');
    el.classList.remove('is-current', 'is-failed');
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-step].is-visited'))
    el.classList.remove('is-visited');
  for (const el of root.querySelectorAll<Element>('.react-flow__edge.is-taken'))
    el.classList.remove('is-taken', 'is-return');
}

export function applyFrame(root: HTMLElement, f: FlowFrame, opts: ApplyOptions = {}): void {
  let m = marked.get(root);
  if (!m || opts.full) {
    m?.motion?.endElement();
    sweep(root);
    m = { current: null, visited: new Map(), taken: null, motion: null };
    marked.set(root, m);
  }
  // Visited: drop what left the set, add what joined it.
  for (const [step, el] of m.visited) {
    if (!f.visited.has(step) || !el.isConnected) {
      el.classList.remove('is-visited');
      m.visited.delete(step);
    }
  }
  for (const step of f.visited) {
    if (m.visited.has(step)) continue;
    const el = byStep(root, step);
    if (!el) continue;
    el.classList.add('is-visited');
    m.visited.set(step, el);
  }
  // Current step.
  const cur = f.current === null ? null : byStep(root, f.current);
  if (m.current && m.current !== cur) {
    m.current.removeAttribute('aria-current');
    m.current.removeAttribute('data-phase');
    m.current.classList.remove('is-current', 'is-failed');
  }
  if (cur) {
    cur.setAttribute('aria-current', 'step');
    if (f.phase) cur.setAttribute('data-phase', f.phase);
    else cur.removeAttribute('data-phase');
    cur.classList.add('is-current');
    cur.classList.toggle('is-failed', f.failed);
  }
  m.current = cur;
  // Taken edge and its token.
  const g = f.taken ? byEdge(root, f.taken.id) : null;
  if (m.taken && m.taken !== g) m.taken.classList.remove('is-taken', 'is-return');
  // One token motion at a time: the previous one stops where the new one starts.
  m.motion?.endElement();
  m.motion = null;
  if (g && f.taken) {
    g.classList.add('is-taken');
    g.classList.toggle('is-return', f.taken.reverse);
    if (opts.motion !== false) {
      // Restart the token's SMIL motion along the edge (a DOM call, not a React render).
      const motion = g.querySelector<SVGAnimationElement>(
        f.taken.reverse ? 'animateMotion.token-back' : 'animateMotion.token-fwd',
      );
      motion?.beginElement();
      m.motion = motion;
    }
  }
  m.taken = g;
}

/**
 * Breakpoint markers: `data-break` on the step nodes that have one (CSS draws a red octagon
 * with the letter B — a shape and a letter, not only a colour) and an aria description.
 */
export function applyBreakMarkers(root: HTMLElement, steps: ReadonlySet<string>): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-step][data-break]')) {
    if (!steps.has(el.dataset.step ?? '')) {
      el.removeAttribute('data-break');
      el.removeAttribute('aria-description');
    }
  }
  for (const step of steps) {
    const el = byStep(root, step);
    if (el && !el.hasAttribute('data-break')) {
      el.setAttribute('data-break', 'on');
      el.setAttribute('aria-description', 'breakpoint');
    }
  }
}
