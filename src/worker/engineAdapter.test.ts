import { describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  decodeWireBatch,
  type Reply,
  type TraceEvent,
  type WireBatch,
} from '../protocol/index.ts';
import { runScenario, getBuiltinScenario } from '../engine/index.ts';
import { createEngineAdapter } from './engineAdapter.ts';
import { EngineServer } from './server.ts';

/** Events of one stream's batches (seq from each batch's `first`). */
const decode = (r: { first: number; batch: WireBatch }, table: string[] = []): TraceEvent[] =>
  decodeWireBatch(r.batch, table).map((e, k) => ({ ...e, seq: r.first + k }));

function serve() {
  const out: Reply[] = [];
  const server = new EngineServer(createEngineAdapter(), (r) => out.push(r));
  let id = 0;
  const send = (body: object) => {
    id++;
    server.handle({ v: PROTOCOL_VERSION, id, ...body });
    return out.filter((r) => r.id === id);
  };
  return { send };
}

describe('worker over the real engine', () => {
  it('lists the DAOS pipelines and the daos-key-sv built-in', () => {
    const [r] = serve().send({ type: 'catalog' });
    if (r?.type !== 'catalog') throw new Error(`expected catalog, got ${JSON.stringify(r)}`);
    const update = r.pipelines.find((p) => p.id === 'daos.update');
    expect(update?.edges.length).toBeGreaterThan(0);
    expect(r.scenarios.find((s) => s.name === 'daos-key-sv')?.system).toBe('daos');
    expect(r.rcNames['-1005']).toBe('DER_NONEXIST');
  });

  it('streams exactly the trace the engine produces for daos-key-sv', () => {
    const replies = serve().send({
      type: 'load',
      source: { kind: 'builtin', name: 'daos-key-sv' },
    });
    const table: string[] = [];
    const events = replies.flatMap((r) => (r.type === 'events' ? decode(r, table) : []));
    const direct = runScenario(getBuiltinScenario('daos-key-sv')).events;
    expect(JSON.stringify(events)).toBe(JSON.stringify(direct));
    expect(replies.at(-1)).toMatchObject({ type: 'done', eventCount: direct.length });
  });

  it('answers an invalid document with the JSON path of its first problem', () => {
    const doc = {
      schema: 'iopath.scenario/1',
      ops: [{ op: 'daos_pool_connect', pool: 'p' }, { op: 'no_such_op' }],
    };
    const [r] = serve().send({ type: 'load', source: { kind: 'doc', doc } });
    expect(r).toMatchObject({ type: 'error', code: 'invalid-document', path: 'ops[1].op' });
  });

  it('appends a console op to the loaded scenario and streams only its events', () => {
    const s = serve();
    const load = s.send({ type: 'load', source: { kind: 'builtin', name: 'daos-key-sv' } });
    const total =
      load.at(-1)?.type === 'done' ? (load.at(-1) as { eventCount: number }).eventCount : -1;
    const op = {
      op: 'daos_obj_fetch',
      obj: 'obj',
      dkey: 'dkey_0',
      iods: [{ akey: 'akey_sv', type: 'DAOS_IOD_SINGLE', size: 1024 }],
    };
    const more = s.send({ type: 'appendOp', op });
    const first = more.find((r) => r.type === 'events');
    expect(first).toMatchObject({ first: total });
    const done = more.at(-1);
    if (done?.type !== 'done') throw new Error('expected done');
    expect(done.result?.ops.at(-1)).toMatchObject({ op: 'daos_obj_fetch', rc: 0 });
  });
});
