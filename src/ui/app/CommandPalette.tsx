/**
 * Command palette (Ctrl/Cmd+K): a fuzzy filter over the one command registry, so everything a
 * key or button does is also reachable by name. Enter runs the highlighted command.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { COMMANDS, OPEN_PALETTE, type Command } from '../commands/commands.ts';
import { fuzzyFilter } from '../commands/fuzzy.ts';

export function CommandPalette() {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [sel, setSel] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen((o) => !o);
        setQuery('');
        setSel(0);
      }
    };
    const onOpen = () => {
      setOpen(true);
      setQuery('');
      setSel(0);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener(OPEN_PALETTE, onOpen);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener(OPEN_PALETTE, onOpen);
    };
  }, []);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);
  const hits = useMemo(
    () =>
      fuzzyFilter(
        COMMANDS.filter((c) => c.id !== 'palette'),
        query,
        (c) => `${c.label} ${c.id}`,
      ),
    [query],
  );
  if (!open) return null;
  const run = (c: Command | undefined) => {
    if (!c) return;
    setOpen(false);
    c.run();
  };
  return (
    <div className="help-backdrop" onClick={() => setOpen(false)}>
      <div
        className="palette"
        role="dialog"
        aria-label="Command palette"
        data-testid="command-palette"
        onClick={(e) => e.stopPropagation()}
      >
        <input
          ref={input}
          value={query}
          aria-label="Type a command"
          aria-controls="palette-list"
          aria-activedescendant={hits[sel] ? `palette-${hits[sel].id}` : undefined}
          placeholder="Type a command…"
          onChange={(e) => {
            setQuery(e.target.value);
            setSel(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
            else if (e.key === 'ArrowDown') setSel((i) => Math.min(hits.length - 1, i + 1));
            else if (e.key === 'ArrowUp') setSel((i) => Math.max(0, i - 1));
            else if (e.key === 'Enter') run(hits[sel]);
            else return;
            e.preventDefault();
          }}
          spellCheck={false}
          autoComplete="off"
        />
        <ul id="palette-list" role="listbox" aria-label="Commands">
          {hits.map((c, i) => (
            <li
              key={c.id}
              id={`palette-${c.id}`}
              role="option"
              aria-selected={i === sel}
              data-command={c.id}
              className={i === sel ? 'is-selected' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                run(c);
              }}
            >
              <span>{c.label}</span>
              <kbd>{c.keyHint}</kbd>
            </li>
          ))}
          {hits.length === 0 ? <li className="palette-empty">No command matches</li> : null}
        </ul>
      </div>
    </div>
  );
}
