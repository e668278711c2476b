/**
 * The Ceph importer against real 16.2.15 dumps (__fixtures__/README.md): the joined request,
 * the steps in order per OSD, and the real durations (µs gaps computed from the dumps' own
 * `time` strings, not from the wrapped `duration` fields).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseTrace, serializeTrace } from '../trace/serialize.ts';
import { importCephDumps, type ImportInput } from './ceph-import.ts';
import { describe as describeOp } from './ceph-description.ts';
import { parseUtime, diffNs } from './utime.ts';

const fx = (name: string): ImportInput => ({
  name,
  text: readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'),
});

function ok(inputs: ImportInput[]) {
  const r = importCephDumps(inputs);
  if (!r.ok) throw new Error(r.error);
  return r;
}

const stepsOf = (events: { actor: string; step: string; phase: string }[], actor: string) =>
  events.filter((e) => e.actor === actor).map((e) => `${e.step}:${e.phase}`);

describe('utime', () => {
  test('parses Ceph stamps exactly, with zones and ns fractions', () => {
    const a = parseUtime('2026-11-21T22:33:24.358058+0000');
    expect(a).toEqual({ sec: 1795300404, nsec: 358058000 });
    expect(parseUtime('1970-01-01T00:00:00Z')).toEqual({ sec: 0, nsec: 0 });
    expect(parseUtime('2026-11-21T23:33:24.358058+0100')).toEqual(a);
    const b = parseUtime('2026-11-21T22:33:24.358058123+0000');
    expect(diffNs(b!, a!)).toBe(123);
    expect(parseUtime('2024-02-29T00:00:00+0000')?.sec).toBe(1709164800);
    for (const bad of ['', '2026-13-01T00:00:00+0000', '2026-02-30T00:00:00Z', 'yesterday'])
      expect(parseUtime(bad)).toBeNull();
  });
});

describe('descriptions', () => {
  test('osd_op, osd_repop, osd_repop_reply', () => {
    const op = describeOp(
      'osd_op(client.4153.0:1 2.b 2:d96a01e0:::testobj:head [writefull 0~4096] snapc 0=[] ondisk+write+known_if_redirected e27)',
    );
    expect(op).toMatchObject({
      kind: 'osd_op',
      reqid: 'client.4153.0:1',
      pg: '2.b',
      object: 'testobj',
      ops: ['writefull 0~4096'],
      flags: 'ondisk+write+known_if_redirected',
      write: true,
    });
    expect(
      describeOp(
        "osd_repop(client.4153.0:1 2.b e27/25 2:d96a01e0:::testobj:head v 27'1, mlcod=0'0)",
      ),
    ).toMatchObject({
      kind: 'osd_repop',
      reqid: 'client.4153.0:1',
      object: 'testobj',
      version: "27'1",
    });
    expect(describeOp('osd_repop_reply(client.4153.0:1 2.b e27/25 ondisk, result = 0)').kind).toBe(
      'osd_repop_reply',
    );
    expect(describeOp('MOSDPGPull(2.4 e63/62 cost 8389608)').kind).toBe('other');
  });
});

describe('rados put 4 KiB on 3 MemStore OSDs', () => {
  const r = ok([fx('put4k.osd.2.json'), fx('put4k.osd.1.json'), fx('put4k.osd.0.json')]);
  const ev = r.trace.events;

  test('one request joined over the primary and both replicas', () => {
    expect(r.summary.requests).toEqual([
      {
        op: 0,
        reqid: 'client.4154.0:1',
        pipeline: 'ceph.write',
        pg: '2.0',
        object: 'obj-put-4k',
        ops: ['writefull 0~4096'],
        primary: 'osd.2',
        replicas: ['osd.0', 'osd.1'],
        span_us: 2172,
      },
    ]);
    expect(r.summary.warnings).toEqual([]);
    // The two osd_repop_reply ops were folded into the primary's do_repop_reply steps.
    expect(ev.filter((e) => e.step === 'do_repop_reply')).toHaveLength(2);
    expect(ev.every((e) => e.pipeline === 'ceph.write' && e.op === 0)).toBe(true);
  });

  test('primary steps in order', () => {
    expect(stepsOf(ev, 'osd.2')).toEqual([
      'ms_fast_dispatch:enter',
      'ms_fast_dispatch:exit',
      'enqueue_op:point',
      'dequeue_op:point',
      'execute_ctx:point',
      'issue_op:point',
      'op_commit:point',
      'do_repop_reply:point',
      'do_repop_reply:point',
      'osd_op_reply:enter',
      'osd_op_reply:exit',
    ]);
  });

  test('replica steps in order', () => {
    for (const osd of ['osd.0', 'osd.1'])
      expect(stepsOf(ev, osd)).toEqual([
        'ms_fast_dispatch:enter',
        'ms_fast_dispatch:exit',
        'enqueue_op:point',
        'dequeue_op:point',
        'do_repop:point',
        'repop_commit:enter',
        'repop_commit:exit',
      ]);
  });

  test('real timestamps: t is ns after the earliest stamp, gaps as in the dump', () => {
    expect(ev[0]).toMatchObject({
      seq: 0,
      t: 0,
      step: 'ms_fast_dispatch',
      data: { optracker: 'header_read' },
    });
    const at = (actor: string, step: string, phase = 'point') =>
      ev.find((e) => e.actor === actor && e.step === step && e.phase === phase)!.t;
    // osd.2: header_read 22:33:…  → waiting for subops 255 µs later, reply done at 2168 µs.
    expect(at('osd.2', 'issue_op')).toBe(255_000);
    expect(at('osd.2', 'op_commit')).toBe(1_672_000);
    expect(at('osd.2', 'osd_op_reply', 'exit')).toBe(2_168_000);
    // Replica osd.0 receives the repop 1004 µs after the primary sent it (one host, one clock).
    expect(at('osd.0', 'ms_fast_dispatch', 'enter') - at('osd.2', 'issue_op')).toBe(1_004_000);
    // seq dense, t non-decreasing.
    ev.forEach((e, i) => {
      expect(e.seq).toBe(i);
      if (i > 0) expect(e.t).toBeGreaterThanOrEqual(ev[i - 1]!.t);
    });
  });

  test('messages: the repops and the replies are send/recv effects', () => {
    const sends = ev.flatMap((e) => (e.effects ?? []).filter((f) => f.kind === 'msg.send'));
    expect(sends.map((s) => [s.from, s.to, s.msg].map(String).join(' '))).toEqual([
      'osd.2 osd.0 osd_repop',
      'osd.2 osd.1 osd_repop',
      'osd.0 osd.2 osd_repop_reply',
      'osd.1 osd.2 osd_repop_reply',
      'osd.2 client.4154 osd_op_reply',
    ]);
  });

  test('the output is a valid iopath.trace/1 file and is deterministic', () => {
    const text = serializeTrace(null, ev);
    const back = parseTrace(text);
    expect(back.ok).toBe(true);
    const again = ok([fx('put4k.osd.2.json'), fx('put4k.osd.1.json'), fx('put4k.osd.0.json')]);
    expect(serializeTrace(null, again.trace.events)).toBe(text);
  });
});

test('a read: ceph.read, no replicas, done is the reply', () => {
  const r = ok([fx('get5k.osd.2.json')]);
  expect(r.summary.requests[0]).toMatchObject({
    pipeline: 'ceph.read',
    primary: 'osd.2',
    replicas: [],
  });
  expect(r.trace.events.map((e) => [e.step, e.t])).toEqual([
    ['ms_fast_dispatch', 0],
    ['ms_fast_dispatch', 14_000],
    ['enqueue_op', 20_000],
    ['dequeue_op', 47_000],
    ['execute_ctx', 91_000],
    ['osd_op_reply', 140_000],
  ]);
  expect(r.trace.events.every((e) => e.pipeline === 'ceph.read')).toBe(true);
});

test('FileStore: the journal marks map to the FileJournal steps', () => {
  const r = ok([
    fx('filestore.osd.5.json'),
    fx('filestore.osd.4.json'),
    fx('filestore.osd.6.json'),
  ]);
  expect(r.summary.requests[0]).toMatchObject({ primary: 'osd.5', replicas: ['osd.4', 'osd.6'] });
  expect(stepsOf(r.trace.events, 'osd.5')).toEqual([
    'ms_fast_dispatch:enter',
    'ms_fast_dispatch:exit',
    'enqueue_op:point',
    'dequeue_op:point',
    'execute_ctx:point',
    'issue_op:point',
    'submit_entry:point',
    'do_aio_write:point',
    'op_commit:point',
    'queue_completions_thru:point',
    'do_repop_reply:point',
    'do_repop_reply:point',
    'osd_op_reply:enter',
    'osd_op_reply:exit',
  ]);
});

test('RBD 8 MiB write: three requests (two data objects, one object-map update)', () => {
  const r = ok([fx('rbd8m.osd.0.json'), fx('rbd8m.osd.1.json'), fx('rbd8m.osd.2.json')]);
  const objs = r.summary.requests.map((q) => [q.object, q.primary, q.ops.join(',')]);
  expect(objs).toContainEqual([
    'rbd_data.1021d18ea65d.0000000000000000',
    'osd.0',
    expect.stringContaining('writefull 0~4194304'),
  ]);
  expect(objs).toContainEqual([
    'rbd_data.1021d18ea65d.0000000000000001',
    'osd.1',
    expect.stringContaining('writefull 0~4194304'),
  ]);
  expect(objs.some((o) => o[0] === 'rbd_object_map.1021d18ea65d')).toBe(true);
  // Every event's op points at its request.
  for (const e of r.trace.events) expect(r.summary.requests[e.op]).toBeDefined();
});

test('dump_ops_in_flight: an op still waiting for a replica', () => {
  const r = ok([fx('inflight.osd.3.json')]);
  const steps = r.trace.events.map((e) => e.step);
  expect(steps.slice(-3)).toEqual(['issue_op', 'do_repop_reply', 'op_commit']);
  expect(steps).not.toContain('osd_op_reply');
  expect(r.summary.files[0]?.kind).toBe('in_flight');
});

describe('bad input: the first problem with its JSON path', () => {
  const one = (text: string, name = 'osd.1.json') => importCephDumps([{ name, text }]);
  test.each([
    ['not json', '{', 'osd.1.json: $: not JSON'],
    ['array', '[]', 'osd.1.json: ops: expected the output of'],
    ['ops not array', '{"ops":3,"size":1}', 'osd.1.json: ops: expected'],
    ['op not object', '{"ops":[1],"size":1}', 'osd.1.json: ops[0]: expected an object'],
    [
      'no description',
      '{"ops":[{"type_data":{"events":[]}}],"size":1}',
      'osd.1.json: ops[0].description: expected a string',
    ],
    [
      'bad time',
      '{"ops":[{"description":"x","type_data":{"events":[{"event":"initiated","time":"now"}]}}],"size":1}',
      'osd.1.json: ops[0].type_data.events[0].time: expected a Ceph timestamp',
    ],
    ['nothing to draw', '{"ops":[],"size":20,"duration":600}', 'osd.1.json: ops: no osd_op'],
    ['a scenario', '{"schema":"iopath.scenario/1","ops":[]}', 'osd.1.json: ops: no osd_op'],
  ])('%s', (_name, text, prefix) => {
    const r = one(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.startsWith(prefix)).toBe(true);
  });
  test('no files', () => {
    expect(importCephDumps([])).toEqual({ ok: false, error: 'import: no input files' });
  });
  test('size limit', () => {
    const r = one(' '.repeat(64 * 1024 * 1024 + 1));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/over the import limit of 64\.0 MiB/);
  });
  test('an unnamed OSD still imports, with a warning', () => {
    const r = importCephDumps([{ name: 'primary.json', text: fx('get5k.osd.2.json').text }]);
    expect(r.ok && r.summary.warnings[0]).toMatch(/could not tell which OSD/);
  });
  test('a bundle of several dumps (what the page sends)', () => {
    const bundle = JSON.stringify({
      schema: 'iopath.osd-dumps/1',
      files: ['put4k.osd.2.json', 'put4k.osd.1.json', 'put4k.osd.0.json'].map((n) => ({
        name: n,
        dump: JSON.parse(fx(n).text) as unknown,
      })),
    });
    const r = importCephDumps([{ name: 'bundle.json', text: bundle }]);
    const direct = ok([fx('put4k.osd.2.json'), fx('put4k.osd.1.json'), fx('put4k.osd.0.json')]);
    expect(r.ok && r.trace.events).toEqual(direct.trace.events);
    const bad = importCephDumps([
      {
        name: 'b.json',
        text: '{"schema":"iopath.osd-dumps/1","files":[{"name":"x","dump":{"ops":[7]}}]}',
      },
    ]);
    expect(bad.ok ? '' : bad.error).toBe('x: ops[0]: expected an object');
  });
});
