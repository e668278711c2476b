/**
 * The faults palette: pick a target or OSD seen in the trace and fire a fault now; arm a power
 * cut of a target at a step; partition two actors for a while (DAOS: client and targets; Ceph:
 * client, OSDs and the monitor), optionally waiting for the heal. Each button
 * appends one op to the running scenario and runs it (the console's appendOp path), so the
 * fault and its consequences land in the trace like any other op.
 */
import { useMemo, useState } from 'react';
import { trace, useApp } from '../../state/store.ts';
import {
  faultableActors,
  faultsFor,
  globalFaults,
  partitionableActors,
  partitionFault,
  powerCutAtStep,
  powerCutSteps,
  type FaultAction,
} from './faultOps.ts';

const NO_OPS: ReadonlySet<string> = new Set();

export function FaultsView() {
  const count = useApp((s) => s.count);
  const known = useApp((s) => s.catalog?.ops ?? NO_OPS);
  const busy = useApp((s) => s.consoleBusy);
  const error = useApp((s) => s.consoleError);
  const appendOp = useApp((s) => s.appendOp);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the trace grows in place; count says when
  const actors = useMemo(() => faultableActors(trace), [count]);
  const [picked, setPicked] = useState('');
  const actor = actors.includes(picked) ? picked : (actors[0] ?? '');
  const actions = [...(actor ? faultsFor(actor, known) : []), ...globalFaults(known)];
  const catalog = useApp((s) => s.catalog);
  const steps = useMemo(() => powerCutSteps(catalog?.pipelines.values() ?? []), [catalog]);
  const [stepPick, setStepPick] = useState('');
  const step = steps.includes(stepPick)
    ? stepPick
    : steps.includes('vos_update_end')
      ? 'vos_update_end'
      : (steps[0] ?? '');
  const cutAt = powerCutAtStep(actor, step, known);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the trace grows in place; count says when
  const ends = useMemo(() => partitionableActors(trace), [count]);
  const [aPick, setAPick] = useState('');
  const [bPick, setBPick] = useState('');
  const a = ends.includes(aPick) ? aPick : (ends[0] ?? '');
  const b = ends.includes(bPick) && bPick !== a ? bPick : (ends.find((x) => x !== a) ?? '');
  const [waitHeal, setWaitHeal] = useState(false);
  const partition = partitionFault(a, b, known, waitHeal);
  const fire = (f: FaultAction) => (
    <button
      type="button"
      data-fault={f.op.op}
      data-fault-kind={f.id}
      disabled={busy}
      onClick={() => appendOp(f.op)}
      title={JSON.stringify(f.op)}
    >
      ⚡ {f.label}
    </button>
  );
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
      {cutAt ? (
        <fieldset className="faults-group">
          <legend>Power cut at a step</legend>
          <label>
            Step{' '}
            <select
              data-testid="fault-step"
              aria-label="Step at which the power is cut"
              value={step}
              onChange={(e) => setStepPick(e.target.value)}
            >
              {steps.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          {fire(cutAt)}
        </fieldset>
      ) : null}
      {ends.length >= 2 && (known.size === 0 || known.has('fault_partition')) ? (
        <fieldset className="faults-group">
          <legend>Partition two actors</legend>
          <label>
            From{' '}
            <select
              data-testid="partition-a"
              aria-label="First side of the partition"
              value={a}
              onChange={(e) => setAPick(e.target.value)}
            >
              {ends.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          </label>
          <label>
            To{' '}
            <select
              data-testid="partition-b"
              aria-label="Second side of the partition"
              value={b}
              onChange={(e) => setBPick(e.target.value)}
            >
              {ends
                .filter((x) => x !== a)
                .map((x) => (
                  <option key={x} value={x}>
                    {x}
                  </option>
                ))}
            </select>
          </label>
          <label>
            <input
              type="checkbox"
              data-testid="partition-wait"
              checked={waitHeal}
              onChange={(e) => setWaitHeal(e.target.checked)}
            />{' '}
            Wait for the heal (Ceph: and HEALTH_OK)
          </label>
          {partition ? fire(partition) : null}
        </fieldset>
      ) : null}
      {error ? (
        <p className="bp-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
