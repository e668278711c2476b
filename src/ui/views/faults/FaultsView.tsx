/**
 * The faults palette: pick a target or OSD seen in the trace and fire a fault now. Each button
 * appends one op to the running scenario and runs it (the console's appendOp path), so the
 * fault and its consequences land in the trace like any other op.
 */
import { useMemo, useState } from 'react';
import { trace, useApp } from '../../state/store.ts';
import { faultableActors, faultsFor, globalFaults } from './faultOps.ts';

const NO_OPS: ReadonlySet<string> = new Set();

export function FaultsView() {
  const count = useApp((s) => s.count);
  const known = useApp((s) => s.catalog?.ops ?? NO_OPS);
  const busy = useApp((s) => s.consoleBusy);
  const error = useApp((s) => s.consoleError);
  const appendOp = useApp((s) => s.appendOp);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the trace grows in place; count says when
  const actors = useMemo(() => faultableActors(trace.events), [count]);
  const [picked, setPicked] = useState('');
  const actor = actors.includes(picked) ? picked : (actors[0] ?? '');
  const actions = [...(actor ? faultsFor(actor, known) : []), ...globalFaults(known)];
  return (
    <section className="faults" data-view="faults" aria-label="Faults palette">
      <label className="faults-pick">
        Target{' '}
        <select
          data-testid="fault-actor"
          value={actor}
          onChange={(e) => setPicked(e.target.value)}
          aria-label="Target or OSD to hit"
        >
          {actors.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <div className="faults-actions" role="group" aria-label="Faults">
        {actions.map((f) => (
          <button
            key={`${f.id}:${f.label}`}
            type="button"
            data-fault={f.op.op}
            disabled={busy}
            onClick={() => appendOp(f.op)}
            title={JSON.stringify(f.op)}
          >
            ⚡ {f.label}
          </button>
        ))}
        {actions.length === 0 ? <p>No fault ops for this scenario’s system.</p> : null}
      </div>
      {error ? (
        <p className="bp-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
