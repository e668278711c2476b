import { describe, expect, it, vi } from 'vitest';
import {
  EVENT_BATCH_SIZE,
  MAX_TRACE_FILE_BYTES,
  PROTOCOL_VERSION,
  decodeWireBatch,
  wireTransfer,
  type Reply,
  type TraceEvent,
  type WireBatch,
} from '../protocol/index.ts';
import type { OpDoc, ResultDoc, ScenarioDoc } from '../engine/scenario/types.ts';
import type { ScenarioEngine, ScenarioSession } from './engineApi.ts';
import { EngineServer } from './server.ts';
import { scanTracePart, type PartScan } from './traceScan.ts';
import { SPLIT_MIN_BYTES, answerPart, type PartScanner } from './traceSplit.ts';

/** Events of one stream's batches (seq from each batch's `first`). */
const decode = (r: { first: number; batch: WireBatch }, table: string[] = []): TraceEvent[] =>
  decodeWireBatch(r.batch, table).map((e, k) => ({ ...e, seq: r.first + k }));

/** A fake engine: each op emits `n` point events (n from the op's `n` field). */
function fakeEngine(): ScenarioEngine {
  const run = (doc: ScenarioDoc): ScenarioSession => {
    const events: TraceEvent[] = [];
    const ops: ScenarioDoc['ops'] = [];
    const result = {
      schema: 'iopath.result/1' as const,
      ops: [] as ResultDoc['ops'],
    };
    const pending: OpDoc[] = [...doc.ops];
    const exec = (op: OpDoc) => {
      const index = ops.length;
      ops.push(op);
      for (let i = 0; i < (op.n as number); i++) {
        events.push({
          seq: events.length,
          t: events.length,
          pipeline: 'p',
          op: index,
          step: `s${i}`,
          phase: 'point',
          actor: 'client',
        });
      }
      result.ops.push({ index, op: op.op, rc: 0, rc_name: 'OK', result: null });
    };
    return {
      events,
      result: () => result,
      doc: { ...doc, ops },
      runNextOp: () => {
        const op = pending.shift();
        if (op) exec(op);
        return pending.length > 0;
      },
      opsLeft: () => pending.length,
      append: (op) => {
        if (typeof op.n !== 'number') return 'n: expected a number';
        pending.push(op);
        return null;
      },
    };
  };
  return {
    pipelines: () => [
      {
        id: 'p',
        system: 'daos',
        title: 'P',
        summary: '',
        lanes: [{ id: 'client', label: 'C' }],
        steps: [
          { id: 's0', lane: 'client', caption: '', source: '' },
          { id: 's1', lane: 'client', caption: '', source: '' },
        ],
      },
    ],
    builtins: () => [
      {
        name: 'demo',
        system: 'daos',
        title: 'Demo',
        description: '',
        doc: { schema: 'iopath.scenario/1', ops: [{ op: 'x', n: 3 }] },
      },
    ],
    rcNames: () => ({ '-1005': 'DER_NONEXIST' }),
    validate: (doc) => {
      const ops = (doc as { ops?: unknown }).ops;
      if (!Array.isArray(ops)) return 'ops: expected an array';
      const bad = ops.findIndex((o: { n?: unknown }) => typeof o.n !== 'number');
      return bad < 0 ? null : `ops[${bad}].n: expected a number`;
    },
    start: run,
    parseTrace: (text) => {
      const d = JSON.parse(text) as { events?: TraceEvent[] };
      return d.events
        ? { ok: true, events: d.events, scenario: null }
        : { ok: false, error: 'events: expected an array' };
    },
  };
}

function harness() {
  const out: { reply: Reply; transfer: Transferable[] }[] = [];
  const server = new EngineServer(fakeEngine(), (reply, transfer) => out.push({ reply, transfer }));
  const send = (body: object, id = 1) => server.handle({ v: PROTOCOL_VERSION, id, ...body });
  return { out, send, server };
}

describe('EngineServer', () => {
  it('answers the catalog with edges resolved', () => {
    const h = harness();
    h.send({ type: 'catalog' });
    const r = h.out[0]!.reply;
    expect(r.type).toBe('catalog');
    if (r.type !== 'catalog') return;
    expect(r.pipelines[0]!.edges).toEqual([{ from: 's0', to: 's1', kind: 'control' }]);
    expect(r.scenarios).toEqual([{ name: 'demo', system: 'daos', title: 'Demo', description: '' }]);
  });

  it('loads a built-in: loaded, transferred event batches in order, done', () => {
    const h = harness();
    h.send({ type: 'load', source: { kind: 'builtin', name: 'demo' } });
    expect(h.out.map((o) => o.reply.type)).toEqual(['loaded', 'events', 'done']);
    const ev = h.out[1]!;
    if (ev.reply.type !== 'events') throw new Error('expected events');
    expect(ev.transfer).toEqual(wireTransfer(ev.reply.batch));
    expect(ev.transfer).toContain(ev.reply.batch.t.buffer);
    expect(decode(ev.reply).map((e) => e.step)).toEqual(['s0', 's1', 's2']);
    expect(h.out.every((o) => o.reply.id === 1 && o.reply.v === PROTOCOL_VERSION)).toBe(true);
  });

  it('splits big traces into EVENT_BATCH_SIZE batches', () => {
    const h = harness();
    const n = EVENT_BATCH_SIZE * 2 + 5;
    h.send({
      type: 'load',
      source: { kind: 'doc', doc: { schema: 'iopath.scenario/1', ops: [{ op: 'x', n }] } },
    });
    const batches = h.out.filter((o) => o.reply.type === 'events').map((o) => o.reply);
    expect(batches.map((b) => (b.type === 'events' ? [b.first, b.count] : []))).toEqual([
      [0, EVENT_BATCH_SIZE],
      [EVENT_BATCH_SIZE, EVENT_BATCH_SIZE],
      [2 * EVENT_BATCH_SIZE, 5],
    ]);
  });

  it('rejects an invalid document with its JSON path and keeps the loaded session', () => {
    const h = harness();
    h.send({ type: 'load', source: { kind: 'builtin', name: 'demo' } }, 1);
    h.send(
      { type: 'load', source: { kind: 'doc', doc: { ops: [{ op: 'x', n: 1 }, { op: 'y' }] } } },
      2,
    );
    expect(h.out.at(-1)!.reply).toEqual({
      v: PROTOCOL_VERSION,
      id: 2,
      type: 'error',
      code: 'invalid-document',
      message: 'ops[1].n: expected a number',
      path: 'ops[1].n',
    });
    h.send({ type: 'appendOp', op: { op: 'z', n: 2 } }, 3);
    const ev = h.out.find((o) => o.reply.id === 3 && o.reply.type === 'events')!.reply;
    expect(ev.type === 'events' && [ev.first, ev.count]).toEqual([3, 2]);
  });

  it('applies ?seed= to the document', () => {
    let seen: unknown;
    const engine = { ...fakeEngine() };
    const base = fakeEngine();
    engine.start = (doc) => {
      seen = doc.seed;
      return base.start(doc);
    };
    const server = new EngineServer(engine, () => {});
    server.handle({
      v: PROTOCOL_VERSION,
      id: 1,
      type: 'load',
      source: { kind: 'builtin', name: 'demo' },
      seed: 42,
    });
    expect(seen).toBe(42);
  });

  it('reports unknown built-ins, appendOp before load, bad ops and garbage without dying', () => {
    const h = harness();
    h.send({ type: 'load', source: { kind: 'builtin', name: 'nope' } }, 1);
    h.send({ type: 'appendOp', op: { op: 'x', n: 1 } }, 2);
    h.server.handle({ hello: 1 });
    h.send({ type: 'load', source: { kind: 'builtin', name: 'demo' } }, 3);
    h.send({ type: 'appendOp', op: { op: 'x' } }, 4);
    h.send({ type: 'load', source: { kind: 'trace', text: '{}' } }, 5);
    const errors = h.out
      .filter((o) => o.reply.type === 'error')
      .map((o) => o.reply.type === 'error' && [o.reply.id, o.reply.code]);
    expect(errors).toEqual([
      [1, 'unknown-scenario'],
      [2, 'bad-request'],
      [-1, 'bad-request'],
      [4, 'invalid-document'],
      [5, 'invalid-trace'],
    ]);
  });

  it('loads without running (runOps: 0), then runs op by op on request', () => {
    const h = harness();
    const doc = {
      schema: 'iopath.scenario/1',
      ops: [
        { op: 'a', n: 2 },
        { op: 'b', n: 3 },
      ],
    };
    h.send({ type: 'load', source: { kind: 'doc', doc }, runOps: 0 }, 1);
    expect(h.out.map((o) => o.reply.type)).toEqual(['loaded', 'done']);
    expect(h.out[1]!.reply).toMatchObject({ eventCount: 0, opsLeft: 2 });
    h.send({ type: 'run', ops: 1 }, 2);
    expect(h.out.at(-1)!.reply).toMatchObject({ id: 2, type: 'done', eventCount: 2, opsLeft: 1 });
    h.send({ type: 'run' }, 3);
    const batch = h.out.find((o) => o.reply.id === 3 && o.reply.type === 'events')!.reply;
    expect(batch).toMatchObject({ first: 2, count: 3 });
    expect(h.out.at(-1)!.reply).toMatchObject({ id: 3, type: 'done', eventCount: 5, opsLeft: 0 });
  });

  it('replays a trace file', () => {
    const h = harness();
    const events = [{ seq: 0, t: 0, pipeline: 'p', op: 0, step: 's0', phase: 'point', actor: 'a' }];
    h.send({ type: 'load', source: { kind: 'trace', text: JSON.stringify({ events }) } });
    expect(h.out.map((o) => o.reply.type)).toEqual(['loaded', 'events', 'done']);
  });

  it('imports a trace file from its bytes: progress, one batch over the file, done', async () => {
    const h = harness();
    const events: TraceEvent[] = [
      {
        seq: 0,
        t: 0,
        pipeline: 'p',
        op: 0,
        step: 's0',
        phase: 'enter',
        actor: 'a',
        data: { x: 1 },
      },
      { seq: 1, t: 9, pipeline: 'p', op: 0, step: 's0', phase: 'exit', actor: 'a', rc: -2 },
    ];
    const text = JSON.stringify({ schema: 'iopath.trace/1', scenario: null, events });
    const bytes = new TextEncoder().encode(text);
    const file = { size: bytes.length, arrayBuffer: () => Promise.resolve(bytes.buffer) };
    h.send({ type: 'load', source: { kind: 'traceFile', file, name: 'f.json' } });
    await vi.waitFor(() => expect(h.out.at(-1)?.reply.type).toBe('done'));
    expect(h.out.map((o) => o.reply.type)).toEqual([
      'progress',
      'progress',
      'loaded',
      'events',
      'done',
    ]);
    const ev = h.out[3]!;
    if (ev.reply.type !== 'events') throw new Error('expected events');
    // The file's own buffer is the payload blob, transferred with the columns.
    expect(ev.transfer).toContain(bytes.buffer);
    expect(decode(ev.reply)).toEqual(events);
  });

  it('answers a bad trace file with the JSON path; the previous trace stays', async () => {
    const h = harness();
    const text = '{"schema":"iopath.trace/1","events":[{"seq":0,"t":0,"op":0}]}';
    const bytes = new TextEncoder().encode(text);
    const file = { size: bytes.length, arrayBuffer: () => Promise.resolve(bytes.buffer) };
    h.send({ type: 'load', source: { kind: 'traceFile', file, name: 'f.json' } });
    await vi.waitFor(() => expect(h.out.at(-1)?.reply.type).toBe('error'));
    expect(h.out.at(-1)?.reply).toMatchObject({
      code: 'invalid-trace',
      path: 'events[0].pipeline',
      message: 'events[0].pipeline: expected a string',
    });
    expect(h.out.some((o) => o.reply.type === 'loaded')).toBe(false);
  });

  it('refuses a trace file over the limit before reading it', () => {
    const h = harness();
    const file = {
      size: MAX_TRACE_FILE_BYTES + 1,
      arrayBuffer: () => Promise.reject(new Error('must not be read')),
    };
    h.send({ type: 'load', source: { kind: 'traceFile', file, name: 'huge.json' } });
    expect(h.out.at(-1)?.reply).toMatchObject({ type: 'error', code: 'invalid-trace' });
    const r = h.out.at(-1)?.reply;
    expect(r?.type === 'error' && r.message).toMatch(/huge\.json .* over the 1024 MiB limit/);
  });
});

describe('EngineServer: a big trace file scanned by two threads', () => {
  // Over SPLIT_MIN_BYTES, so the helper (here in-process: answerPart as the helper worker runs
  // it) scans the second half and this side reads only the first.
  const events: TraceEvent[] = [];
  for (let i = 0, size = 0; size < SPLIT_MIN_BYTES + 4096; i++) {
    const e: TraceEvent = {
      seq: i,
      t: i * 3,
      pipeline: i % 3 ? 'daos.update' : 'ceph.write',
      op: i >> 4,
      step: `step_${i % 11}`,
      phase: i % 2 ? 'exit' : 'enter',
      actor: `osd.${i % 5}`,
      data: { i, pad: 'x'.repeat(120 + (i % 37)), nested: [{ a: i }, { b: 'q' }] },
    };
    if (i % 7 === 0) e.effects = [{ kind: 'scm.write', off: i, len: 8 }];
    events.push(e);
    size += JSON.stringify(e).length + 1;
  }
  const bytes = new TextEncoder().encode(
    JSON.stringify({ schema: 'iopath.trace/1', scenario: null, events }),
  );

  /** The decoded events are `events` (compared as their JSON lines: fast at this size). */
  function expectSame(got: TraceEvent[]): void {
    expect(got.length).toBe(events.length);
    const bad = got.findIndex((e, i) => JSON.stringify(e) !== JSON.stringify(events[i]));
    expect(bad < 0 ? null : [JSON.stringify(got[bad]), JSON.stringify(events[bad])]).toBe(null);
  }

  async function loadWith(helperAnswers: boolean) {
    const wholeReads: number[] = [];
    const file = new Blob([bytes]);
    // The whole file's arrayBuffer() is what this side should not need when the helper helps.
    const watched = {
      size: file.size,
      slice: (a?: number, b?: number) => file.slice(a, b),
      arrayBuffer: () => {
        wholeReads.push(1);
        return file.arrayBuffer();
      },
    };
    const scanner: PartScanner = (f, from) => {
      let at!: (v: number) => void;
      let part!: (p: PartScan | null) => void;
      const out = {
        at: new Promise<number>((r) => (at = r)),
        part: new Promise<PartScan | null>((r) => (part = r)),
      };
      void answerPart(
        { id: 1, file: f, from },
        (r) => ('at' in r ? at(r.at) : part(helperAnswers ? r.part : null)),
        scanTracePart,
      );
      return out;
    };
    const out: { reply: Reply; transfer: Transferable[] }[] = [];
    const server = new EngineServer(
      fakeEngine(),
      (reply, transfer) => out.push({ reply, transfer }),
      () => 0,
      undefined,
      scanner,
    );
    server.handle({
      v: PROTOCOL_VERSION,
      id: 1,
      type: 'load',
      source: { kind: 'traceFile', file: watched, name: 'big.json' },
    });
    await vi.waitFor(() => expect(out.at(-1)?.reply.type).toBe('done'), { timeout: 20_000 });
    const ev = out.find((o) => o.reply.type === 'events')!;
    if (ev.reply.type !== 'events') throw new Error('expected events');
    return { reply: ev.reply, transfer: ev.transfer, wholeReads: wholeReads.length };
  }

  it('reads only the first half when the helper brings the rest: the same events', async () => {
    const r = await loadWith(true);
    expect(r.wholeReads).toBe(0);
    // Blob 0 is this side's prefix, blob 2 the helper's bytes: both go to the UI, transferred.
    expect(r.reply.batch.blobs.length).toBe(3);
    expect(r.reply.batch.blobs[0]!.length).toBeLessThan(bytes.length);
    for (const b of r.reply.batch.blobs) expect(r.transfer).toContain(b.buffer);
    expectSame(decode(r.reply));
  }, 60_000);

  it('a helper whose part cannot be used: the whole file is read and scanned here', async () => {
    const r = await loadWith(false);
    expect(r.wholeReads).toBe(1);
    expectSame(decode(r.reply));
  }, 60_000);
});
