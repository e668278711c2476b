/**
 * Cursor-driven DOM outside React. What changes with every step (the position readout, the
 * scrubber's thumb, the caption) is written straight into the elements React rendered once,
 * from a store subscription: during playback that is up to one write per frame where a React
 * render would reconcile the whole toolbar or panel.
 *
 * `patch` and `changed` must be stable (module-level) functions.
 */
import { useLayoutEffect, type RefObject } from 'react';
import { useApp, type Store } from '../../state/store.ts';

/** Run `patch(el, state)` now and after every store change that `changed(state, prev)` accepts. */
export function useStorePatch<E extends Element>(
  ref: RefObject<E | null>,
  patch: (el: E, s: Store) => void,
  changed: (s: Store, p: Store) => boolean,
): void {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    patch(el, useApp.getState());
    return useApp.subscribe((s, p) => {
      if (changed(s, p)) patch(el, s);
    });
  }, [ref, patch, changed]);
}

/** The cursor or the trace length moved. */
export function cursorMoved(s: Store, p: Store): boolean {
  return s.cursor !== p.cursor || s.count !== p.count;
}

/**
 * Set an element's text, touching the DOM only when it differs (and then only the text node's
 * value: the node itself stays, so no layout object is rebuilt).
 */
export function setText(el: Element, text: string): void {
  const only = el.firstChild;
  if (only && only === el.lastChild && only.nodeType === 3) {
    if (only.nodeValue !== text) only.nodeValue = text;
  } else if (el.textContent !== text) el.textContent = text;
}

/** Set or remove an attribute, touching the DOM only when it differs. */
export function setAttr(el: Element, name: string, value: string | null): void {
  if (value === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** The "K / N" readout (`data-testid="position"`): cursor and last index, or a dash. */
export function positionText(cursor: number, count: number): string {
  return count === 0 ? '–' : `${cursor} / ${count - 1}`;
}
