/** Global shortcuts from the command registry (ignored while typing in a field). */
import { useEffect } from 'react';
import { useApp } from '../state/store.ts';
import { findByKey, keyOf } from './commands.ts';

function isTyping(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return (
    t.isContentEditable ||
    t.tagName === 'INPUT' ||
    t.tagName === 'TEXTAREA' ||
    t.tagName === 'SELECT'
  );
}

export function useKeyboard(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'Escape' && useApp.getState().helpOpen) {
        useApp.getState().setHelpOpen(false);
        return;
      }
      if (isTyping(e.target)) return;
      const c = findByKey(keyOf(e));
      if (!c) return;
      e.preventDefault();
      c.run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
