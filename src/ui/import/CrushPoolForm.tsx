/**
 * The pool of an imported crushtool map (placement view): size, pg_num and rule. "Map PGs"
 * reloads the same map with that pool; the worker recomputes every PG with the engine's
 * CRUSH (the PG → OSDs table below shows them). Hidden for any other trace.
 */
import { useState } from 'react';
import { trace, useApp } from '../state/store.ts';
import { crushImportInfo, crushPoolDoc, crushTextOfSource } from './crushPool.ts';

export function CrushPoolForm() {
  const count = useApp((s) => s.count);
  const source = useApp((s) => s.source);
  const info = count > 0 ? crushImportInfo(trace.at(0)) : null;
  const text = source?.kind === 'trace' ? crushTextOfSource(source.text) : null;
  if (!info?.pool || text === null) return null;
  // Keyed by the pool shown, so the fields reset when another pool has been mapped.
  const p = info.pool;
  return <PoolFields key={`${p.size}/${p.pg_num}/${p.crush_rule}`} info={info} text={text} />;
}

function PoolFields({
  info,
  text,
}: {
  info: NonNullable<ReturnType<typeof crushImportInfo>>;
  text: string;
}) {
  const pool = info.pool!;
  const [size, setSize] = useState(String(pool.size));
  const [pgNum, setPgNum] = useState(String(pool.pg_num));
  const [rule, setRule] = useState(String(pool.crush_rule));
  return (
    <form
      className="pm-pool"
      data-testid="crush-pool"
      onSubmit={(e) => {
        e.preventDefault();
        useApp.getState().load({
          kind: 'trace',
          text: crushPoolDoc(text, {
            size: Number(size),
            pg_num: Number(pgNum),
            crush_rule: Number(rule),
          }),
        });
      }}
    >
      <span className="muted">pool 1 over the imported map:</span>{' '}
      <label>
        size{' '}
        <input
          type="number"
          min={1}
          max={10}
          value={size}
          onChange={(e) => setSize(e.target.value)}
          data-testid="crush-pool-size"
        />
      </label>{' '}
      <label>
        pg_num{' '}
        <input
          type="number"
          min={1}
          max={4096}
          value={pgNum}
          onChange={(e) => setPgNum(e.target.value)}
          data-testid="crush-pool-pgnum"
        />
      </label>{' '}
      <label>
        rule{' '}
        <select
          value={rule}
          onChange={(e) => setRule(e.target.value)}
          data-testid="crush-pool-rule"
        >
          {info.rules.map((r) => (
            <option key={r.id} value={r.id}>
              {r.id} {r.name}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="submit" className="btn btn-small" data-testid="crush-pool-apply">
        Map PGs
      </button>
    </form>
  );
}
