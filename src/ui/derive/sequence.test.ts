import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../protocol/index.ts';
import { createSequenceLog, opSpans, orderActors, rowOf, sequenceRows } from './sequence.ts';
import { ev } from './testing.ts';

describe('sequence log', () => {
  it('pairs DAOS sends/recvs FIFO per destination and opcode; recvI marks arrival', () => {
    const events = [
      ev(0, { actor: 'client' }, [
        { kind: 'msg.send', from: 'client', to: 'engine1.tgt3', opc: 'UPDATE', bytes: 10 },
      ]),
      ev(1, { actor: 'client' }, [
        { kind: 'msg.send', from: 'client', to: 'engine1.tgt3', opc: 'UPDATE', bytes: 11 },
      ]),
      ev(2, { actor: 'engine1.tgt3' }, [
        { kind: 'msg.recv', at: 'engine1.tgt3', opc: 'UPDATE', bytes: 10 },
      ]),
      ev(3, { actor: 'engine1.tgt3' }, [
        { kind: 'msg.send', from: 'engine1.tgt3', to: 'client', opc: 'UPDATE', bytes: 4 },
      ]),
    ];
    const log = createSequenceLog();
    const all = log.sync(events);
    expect(all.map((m) => [m.i, m.from, m.to, m.recvI])).toEqual([
      [0, 'client', 'engine1.tgt3', 2],
      [1, 'client', 'engine1.tgt3', undefined],
      [3, 'engine1.tgt3', 'client', undefined],
    ]);
    expect(log.upTo(events, 1)).toBe(2);
    expect(log.upTo(events, 2)).toBe(2);
    expect(log.upTo(events, 3)).toBe(3);
  });

  it('pairs Ceph messages by (to, msg); handoff arrows only until an op has messages', () => {
    const events = [
      ev(0, { actor: 'client', op: 1 }),
      ev(1, { actor: 'osd.0', op: 1 }),
      ev(2, { actor: 'osd.0', op: 1 }, [
        { kind: 'msg.send', from: 'osd.0', to: 'osd.2', msg: 'osd_repop', bytes: 5 },
      ]),
      ev(3, { actor: 'osd.2', op: 1 }, [
        { kind: 'msg.recv', from: 'osd.0', to: 'osd.2', msg: 'osd_repop', bytes: 5 },
      ]),
      ev(4, { actor: 'client', op: 1 }),
      ev(5, { actor: 'client', op: 2 }),
    ];
    const all = createSequenceLog().sync(events);
    expect(all.map((m) => [m.kind, m.from, m.to, m.i, m.recvI])).toEqual([
      ['handoff', 'client', 'osd.0', 0, 1],
      ['msg', 'osd.0', 'osd.2', 2, 3],
    ]);
  });

  it("a receive seen before its send (late send effect) draws from the sender's last event; client.N is the client lifeline", () => {
    const events = [
      ev(0, { actor: 'client', op: 0, step: '_send_op' }),
      ev(1, { actor: 'osd.2', op: 0 }, [
        { kind: 'msg.recv', from: 'client.4124', to: 'osd.2', msg: 'osd_op', bytes: 205 },
      ]),
      ev(2, { actor: 'osd.2', op: 0 }, [
        { kind: 'msg.send', from: 'osd.2', to: 'client.4124', msg: 'osd_op_reply', bytes: 9 },
      ]),
      ev(3, { actor: 'client', op: 0 }, [
        { kind: 'msg.send', from: 'client.4124', to: 'osd.2', msg: 'osd_op', bytes: 205 },
      ]),
    ];
    const log = createSequenceLog();
    const all = log.sync(events);
    expect(all.map((m) => [m.from, m.to, m.label, m.i, m.recvI])).toEqual([
      ['client', 'osd.2', 'osd_op', 0, 1],
      ['osd.2', 'client.4124', 'osd_op_reply', 2, undefined],
    ]);
    // known from event 1 on, although its arrow starts at event 0
    expect(log.upTo(events, 0)).toBe(0);
    expect(log.upTo(events, 1)).toBe(1);
  });

  it('orders actors client, engines, osds, mon; natural numbers', () => {
    expect(
      orderActors(['osd.10', 'mon.a', 'engine0.tgt10', 'osd.2', 'client', 'engine0.tgt2']),
    ).toEqual(['client', 'engine0.tgt2', 'engine0.tgt10', 'osd.2', 'osd.10', 'mon.a']);
  });

  it('op spans are clipped to the window', () => {
    const events = [0, 1, 2, 3, 4].map((i) =>
      ev(i, { actor: i % 2 ? 'a' : 'b', op: i < 3 ? 0 : 1 }),
    );
    expect(opSpans(events, 1, 3)).toEqual([
      { op: 0, actor: 'a', from: 1, to: 1 },
      { op: 0, actor: 'b', from: 2, to: 2 },
      { op: 1, actor: 'a', from: 3, to: 3 },
    ]);
  });
});

describe('sequence rows', () => {
  it('keep actor changes, op starts, messages and the cursor; collapse solo runs', () => {
    const events = [
      ev(0, { actor: 'client', op: 0 }),
      ev(1, { actor: 'client', op: 0 }),
      ev(2, { actor: 'client', op: 0 }, [{ kind: 'msg.send', from: 'client', to: 'e', opc: 'X' }]),
      ev(3, { actor: 'e', op: 0 }),
      ev(4, { actor: 'e', op: 0 }),
      ev(5, { actor: 'e', op: 0 }),
      ev(6, { actor: 'e', op: 1 }),
      ev(7, { actor: 'e', op: 1 }),
    ];
    expect(sequenceRows(events, 7, 100)).toEqual([0, 2, 3, 6, 7]);
    expect(sequenceRows(events, 5, 100)).toEqual([0, 2, 3, 5]);
    expect(sequenceRows(events, 7, 2)).toEqual([6, 7]);
    const rows = [0, 2, 3, 6, 7];
    expect([0, 1, 2, 5, 7, 9].map((i) => rowOf(rows, i))).toEqual([0, 0, 1, 2, 4, 4]);
  });
});

describe('sequence log: network faults (msg.drop)', () => {
  const send = (from: string, to: string, msg: string) => ({ kind: 'msg.send', from, to, msg });
  const recv = (from: string, to: string, msg: string) => ({ kind: 'msg.recv', from, to, msg });

  it('a partition holds the message (it arrives late); a lossy fault loses it for good', () => {
    const events = [
      ev(0, { actor: 'osd.0' }, [
        send('osd.0', 'osd.1', 'osd_repop'),
        { kind: 'msg.drop', from: 'osd.0', to: 'osd.1', msg: 'osd_repop', reason: 'partition' },
      ]),
      ev(1, { actor: 'client' }, [
        send('client.4124', 'osd.0', 'osd_op'),
        {
          kind: 'msg.drop',
          from: 'client.4124',
          to: 'osd.0',
          msg: 'osd_op',
          reason: 'fault_drop_messages',
          policy: 'lossy',
        },
      ]),
      ev(2, { actor: 'client' }, [send('client.4124', 'osd.0', 'osd_op')]),
      ev(3, { actor: 'osd.0' }, [recv('client.4124', 'osd.0', 'osd_op')]),
      ev(4, { actor: 'osd.1' }, [recv('osd.0', 'osd.1', 'osd_repop')]),
    ];
    const all = createSequenceLog().sync(events);
    expect(
      all.map((m) => [m.i, m.from, m.recvI, m.drops?.at(-1)?.lost, m.drops?.at(-1)?.at]),
    ).toEqual([
      [0, 'osd.0', 4, false, 0],
      // The lost op is not the one osd.0 receives: the resend (event 2) is.
      [1, 'client', undefined, true, 1],
      [2, 'client', 3, undefined, undefined],
    ]);
    expect(all[0]?.drops?.[0]?.next).toMatch(/retransmitted after the heal/);
  });

  it('a lossless fault resends; a connection marked down discards what it still carried', () => {
    const events = [
      ev(0, { actor: 'osd.0' }, [
        send('osd.0', 'osd.2', 'osd_repop'),
        {
          kind: 'msg.drop',
          from: 'osd.0',
          to: 'osd.2',
          msg: 'osd_repop',
          reason: 'fault_drop_messages',
          policy: 'lossless',
        },
      ]),
      ev(1, { actor: 'osd.0' }, [send('osd.0', 'osd.1', 'osd_repop')]),
      ev(2, { actor: 'osd.0' }, [send('osd.0', 'osd.1', 'osd_ping')]),
      ev(3, { actor: 'osd.2' }, [send('osd.2', 'osd.1', 'osd_ping')]),
      ev(4, { actor: 'osd.0' }, [
        { kind: 'msg.drop', from: 'osd.0', to: 'osd.1', count: 2, reason: 'mark_down' },
      ]),
      ev(5, { actor: 'osd.2' }, [recv('osd.0', 'osd.2', 'osd_repop')]),
    ];
    const all = createSequenceLog().sync(events);
    expect(
      all.map((m) => [m.i, m.to, m.label, m.recvI, m.drops?.at(-1)?.lost, m.drops?.at(-1)?.at]),
    ).toEqual([
      [0, 'osd.2', 'osd_repop', 5, false, 0],
      [1, 'osd.1', 'osd_repop', undefined, true, 4],
      [2, 'osd.1', 'osd_ping', undefined, true, 4],
      // osd.2's ping to osd.1 is on another connection.
      [3, 'osd.1', 'osd_ping', undefined, undefined, undefined],
    ]);
  });

  it('every msg.drop of the ceph-partition golden lands on a message, held ones arrive after it', () => {
    const file = join(import.meta.dirname, '../../../fixtures/golden/ceph-partition.trace.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { events: TraceEvent[] };
    const drops = doc.events.flatMap((e) =>
      (e.effects ?? []).filter((f) => f.kind === 'msg.drop' && f.msg !== undefined),
    );
    expect(drops.length).toBeGreaterThan(0);
    const all = createSequenceLog().sync(doc.events);
    const hit = all.filter((m) => m.drops?.[0]?.at === m.i);
    expect(hit).toHaveLength(drops.length);
    for (const m of hit) {
      // Held by the partition: delivered later, or discarded when its connection went down.
      expect(m.drops?.[0]?.lost).toBe(false);
      const last = m.drops?.at(-1);
      if (m.recvI !== undefined) expect(m.recvI).toBeGreaterThan(m.i);
      else expect(last?.lost).toBe(true);
    }
  });
});
