/**
 * The right-click fault menu: right-click an OSD in the placement view, an actor in the sequence
 * diagram or a lane of the flow diagram, and kill / restart (/ power cut, drop; an OSD also
 * partition from the client, another OSD or the monitor) that target or OSD. Each item appends one op, like the Faults palette and the console. Keyboard: the first
 * item takes focus, ↑/↓ move, Escape closes (focus goes back where it was).
 */
import { useEffect, useRef } from 'react';
import { trace, useApp } from '../../state/store.ts';
import { faultsFor, partitionableActors } from './faultOps.ts';
import { closeFaultMenu, useFaultMenu } from './faultMenuState.ts';

const NO_OPS: ReadonlySet<string> = new Set();

export function FaultMenu() {
  const open = useFaultMenu((s) => s.open);
  const known = useApp((s) => s.catalog?.ops ?? NO_OPS);
  const busy = useApp((s) => s.consoleBusy);
  const appendOp = useApp((s) => s.appendOp);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const back = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLButtonElement>('[role="menuitem"]:not([disabled])')?.focus();
    const onDown = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) closeFaultMenu();
    };
    window.addEventListener('pointerdown', onDown, true);
    return () => {
      window.removeEventListener('pointerdown', onDown, true);
      back?.focus();
    };
  }, [open]);

  if (!open) return null;
  // An OSD also offers partitions from its peers in the trace (read when the menu opens).
  const peers = partitionableActors(trace);
  const items = open.actors.flatMap((a) => faultsFor(a, known, peers));
  // Keep the menu on screen.
  const x = Math.min(open.x, window.innerWidth - 260);
  const y = Math.min(open.y, window.innerHeight - 40 - 32 * Math.max(1, items.length));
  return (
    <div
      ref={ref}
      className="fault-menu"
      role="menu"
      aria-label={`Faults for ${open.title}`}
      data-testid="fault-menu"
      style={{ left: Math.max(4, x), top: Math.max(4, y) }}
      onKeyDown={(e) => {
        const list = [
          ...(ref.current?.querySelectorAll<HTMLButtonElement>(
            '[role="menuitem"]:not([disabled])',
          ) ?? []),
        ];
        const i = list.indexOf(document.activeElement as HTMLButtonElement);
        if (e.key === 'Escape' || e.key === 'Tab') {
          e.preventDefault();
          e.stopPropagation();
          closeFaultMenu();
        } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          e.stopPropagation();
          const n = list.length;
          list[(i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n]?.focus();
        }
      }}
    >
      <div className="fault-menu-title">⚡ {open.title}</div>
      {items.map((f) => (
        <button
          key={`${f.id}:${f.label}`}
          type="button"
          role="menuitem"
          data-fault={f.op.op}
          disabled={busy}
          onClick={() => {
            closeFaultMenu();
            appendOp(f.op);
          }}
        >
          {f.label}
        </button>
      ))}
      {items.length === 0 ? <p className="fault-menu-none">No target or OSD to hit here.</p> : null}
    </div>
  );
}
