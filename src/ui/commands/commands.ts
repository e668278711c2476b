/**
 * The one command registry: toolbar buttons, keyboard shortcuts, the help overlay and tests
 * all go through these entries, so a key and its button can never disagree.
 */
import { saveCurrent } from '../saved/actions.ts';
import { SPEEDS, useApp } from '../state/store.ts';

export interface Command {
  id: string;
  label: string;
  /** KeyboardEvent.key values (with "Shift+" prefix for shifted arrows). */
  keys: string[];
  /** How the help overlay spells the keys. */
  keyHint: string;
  run(): void;
}

const app = () => useApp.getState();

/** Window event that opens the command palette (app/CommandPalette.tsx listens). */
export const OPEN_PALETTE = 'iopath:open-palette';

export const COMMANDS: Command[] = [
  {
    id: 'play',
    label: 'Play / pause',
    keys: [' '],
    keyHint: 'Space',
    run: () => app().togglePlay(),
  },
  {
    id: 'next',
    label: 'Next step',
    keys: ['ArrowRight', '.', 'PageDown'],
    keyHint: '→ . PgDn',
    run: () => {
      app().setPlaying(false);
      app().step(1);
    },
  },
  {
    id: 'prev',
    label: 'Previous step',
    keys: ['ArrowLeft', ',', 'PageUp'],
    keyHint: '← , PgUp',
    run: () => {
      app().setPlaying(false);
      app().step(-1);
    },
  },
  {
    id: 'nextOp',
    label: 'Next op',
    keys: ['Shift+ArrowRight'],
    keyHint: 'Shift+→',
    run: () => {
      app().setPlaying(false);
      app().nextOp();
    },
  },
  {
    id: 'prevOp',
    label: 'Previous op',
    keys: ['Shift+ArrowLeft'],
    keyHint: 'Shift+←',
    run: () => {
      app().setPlaying(false);
      app().prevOp();
    },
  },
  {
    id: 'first',
    label: 'First step',
    keys: ['Home'],
    keyHint: 'Home',
    run: () => app().setCursor(0),
  },
  {
    id: 'last',
    label: 'Last step',
    keys: ['End'],
    keyHint: 'End',
    run: () => app().setCursor(Number.MAX_SAFE_INTEGER),
  },
  {
    id: 'slower',
    label: 'Slower',
    keys: ['['],
    keyHint: '[',
    run: () => app().setSpeedIndex(app().speedIndex - 1),
  },
  {
    id: 'faster',
    label: 'Faster',
    keys: [']'],
    keyHint: ']',
    run: () => app().setSpeedIndex(app().speedIndex + 1),
  },
  {
    id: 'breakpoint',
    label: 'Toggle a breakpoint on the current step',
    keys: ['b'],
    keyHint: 'b',
    run: () => app().toggleBreakStep(),
  },
  {
    id: 'continue',
    label: 'Run until break (forward)',
    keys: ['c'],
    keyHint: 'c',
    run: () => app().continueToBreak(1),
  },
  {
    id: 'reverseContinue',
    label: 'Reverse-continue to the previous break',
    keys: ['C'],
    keyHint: 'Shift+C',
    run: () => app().continueToBreak(-1),
  },
  {
    id: 'follow',
    label: 'Camera follows the current step',
    keys: ['f'],
    keyHint: 'f',
    run: () => app().setFollow(!app().follow),
  },
  {
    id: 'palette',
    label: 'Command palette',
    // Ctrl/Cmd+K is handled by app/CommandPalette.tsx (modifier keys never reach findByKey).
    keys: [],
    keyHint: 'Ctrl/Cmd+K',
    run: () => window.dispatchEvent(new Event(OPEN_PALETTE)),
  },
  {
    id: 'help',
    label: 'Keyboard help',
    keys: ['?'],
    keyHint: '?',
    run: () => app().setHelpOpen(!app().helpOpen),
  },
  {
    id: 'save',
    label: 'Save the current scenario (or trace file) in this browser',
    keys: ['S'],
    keyHint: 'Shift+S',
    run: () => {
      void saveCurrent();
    },
  },
  {
    id: 'theme',
    label: 'Toggle light/dark theme',
    keys: ['t'],
    keyHint: 't',
    run: () => app().setTheme(app().theme === 'dark' ? 'light' : 'dark'),
  },
];

export const command = (id: string): Command => {
  const c = COMMANDS.find((x) => x.id === id);
  if (!c) throw new Error(`no command ${id}`);
  return c;
};

export function speedLabel(i: number): string {
  const v = SPEEDS[i] ?? 1;
  return v === Infinity ? 'instant' : `${v}×`;
}

/** The registry key for a keyboard event ("Shift+ArrowRight", " ", "?"). */
export function keyOf(e: Pick<KeyboardEvent, 'key' | 'shiftKey'>): string {
  const arrows = e.key === 'ArrowLeft' || e.key === 'ArrowRight';
  return e.shiftKey && arrows ? `Shift+${e.key}` : e.key;
}

export function findByKey(key: string): Command | undefined {
  return COMMANDS.find((c) => c.keys.includes(key));
}
