/**
 * Shared chrome of the trace-derived views (scm, nvme, sequence, vos-tree, evtree, placement,
 * pglog): a panel carrying `data-view`, a header with title and controls, and a helpful empty
 * state. Styles in views.css.
 */
import type { ReactNode } from 'react';
import './views.css';

export function ViewPanel({
  name,
  title,
  controls,
  children,
  empty,
  cursor,
}: {
  /** The `data-view` name (DESIGN.md contract 3). */
  name: string;
  title: string;
  controls?: ReactNode;
  children?: ReactNode;
  /** When set, the view shows this hint instead of its body. */
  empty?: ReactNode;
  /** The step the body shows (`data-cursor`): tests and the bench wait on it after a seek. */
  cursor?: number;
}) {
  return (
    <section className="panel dv" data-view={name} data-cursor={cursor} aria-label={title}>
      <header className="dv-head">
        <h2>{title}</h2>
        {controls ? <div className="dv-controls">{controls}</div> : null}
      </header>
      {empty ? (
        <div className="dv-empty" role="note" data-empty="true">
          {empty}
        </div>
      ) : (
        <div className="dv-body">{children}</div>
      )}
    </section>
  );
}
