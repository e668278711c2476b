/**
 * Applies a FlowFrame to the rendered diagram by toggling attributes and classes on the DOM
 * elements xyflow already rendered. Measured (browser-limits.md §4): this holds 60 fps up to
 * ~500 nodes, where pushing new node/edge arrays through React per frame falls to ~30 fps.
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

export function applyFrame(root: HTMLElement, f: FlowFrame): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-step][aria-current]')) {
    el.removeAttribute('aria-current');
    el.removeAttribute('data-phase');
    el.classList.remove('is-current', 'is-failed');
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-step].is-visited')) {
    if (!f.visited.has(el.dataset.step ?? '')) el.classList.remove('is-visited');
  }
  for (const el of root.querySelectorAll<Element>('.react-flow__edge.is-taken')) {
    el.classList.remove('is-taken', 'is-return');
  }
  for (const step of f.visited) byStep(root, step)?.classList.add('is-visited');
  if (f.current !== null) {
    const el = byStep(root, f.current);
    if (el) {
      el.setAttribute('aria-current', 'step');
      if (f.phase) el.setAttribute('data-phase', f.phase);
      el.classList.add('is-current');
      el.classList.toggle('is-failed', f.failed);
    }
  }
  if (f.taken) {
    const g = byEdge(root, f.taken.id);
    if (g) {
      g.classList.add('is-taken');
      g.classList.toggle('is-return', f.taken.reverse);
      // Restart the token's SMIL motion along the edge (a DOM call, not a React render).
      const motion = g.querySelector<SVGAnimationElement>(
        f.taken.reverse ? 'animateMotion.token-back' : 'animateMotion.token-fwd',
      );
      motion?.beginElement();
    }
  }
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
