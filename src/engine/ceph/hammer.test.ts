/**
 * Hammer 0.94 ack-vs-commit (spec §3.5 Hammer, §5.1, §5.2): the OSD event lists, the two
 * client replies and the librados aio callbacks, for both FileStore journal modes.
 */
import { describe, expect, test } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import type { TraceEvent } from '../trace/event.ts';
import { validateScenario } from '../scenario/validate.ts';
import { CEPH_BUILTINS } from './builtins.ts';
import { cephSystem } from './scenario-ops.ts';

interface DumpOp {
  description: string;
  type_data: { events: Array<{ event: string }> };
}

function run(name: string): { events: TraceEvent[]; ops: DumpOp[]; results: string[] } {
  const doc = JSON.parse(JSON.stringify(CEPH_BUILTINS[name])) as unknown;
  const { events, runner, result } = runScenario(doc);
  runner.rt.sim.run({ untilTime: runner.rt.sim.now + 2e9 });
  const dumps = cephSystem(runner.world).cluster.historicOps() as unknown as Record<
    string,
    { ops: DumpOp[] }
  >;
  return {
    events,
    ops: Object.values(dumps).flatMap((d) => d.ops),
    results: result.ops.map((o) => o.rc_name),
  };
}

const names = (o: DumpOp): string[] => o.type_data.events.map((e) => e.event);
/** The ops of the rbd_data write (the repop descriptions name the object, not the ops). */
const dataWrite = (ops: DumpOp[], kind: 'osd_op' | 'osd_repop'): DumpOp[] =>
  ops.filter(
    (o) =>
      o.description.startsWith(`${kind}(`) &&
      o.description.includes('rbd_data') &&
      (kind === 'osd_repop' || /\[.*\bwrite(full)? /.test(o.description)),
  );

/** `sub` occurs in `list` in this order (other events may come between). */
function inOrder(list: readonly string[], sub: readonly string[]): boolean {
  let i = 0;
  for (const e of list) if (e === sub[i]) i++;
  return i === sub.length;
}

const RECEIVE = ['initiated', 'header_read', 'throttled', 'all_read', 'dispatched', 'reached_pg'];

describe.each(['ceph-hammer-rbd-write', 'ceph-hammer-ack-commit'])('%s', (name) => {
  const { events, ops, results } = run(name);
  const primary = dataWrite(ops, 'osd_op');
  const replicas = dataWrite(ops, 'osd_repop');

  test('the seed runs and reads back', () => {
    expect(results.every((r) => r === 'OK')).toBe(true);
    const read = events.find((e) => e.step === 'rbd_read' && e.phase === 'exit');
    expect(read?.rc).toBe(0);
  });

  test('primary: Hammer events (no queued_for_pg), commit and apply phases, per-replica recs', () => {
    expect(primary).toHaveLength(1);
    const ev = names(primary[0] as DumpOp);
    expect(ev.slice(0, 8)).toEqual([...RECEIVE, 'started', ev[7] as string]);
    expect(ev[7]).toMatch(/^waiting for subops from \d,\d$/);
    expect(ev).not.toContain('queued_for_pg');
    const [a, b] = (ev[7] as string).slice('waiting for subops from '.length).split(',');
    expect(
      inOrder(ev, [
        'commit_queued_for_journal_write',
        'write_thread_in_journal_buffer',
        'op_commit',
        'commit_sent',
        'done',
      ]),
    ).toBe(true);
    expect(ev).toContain('op_applied');
    expect(ev).toContain(`sub_op_commit_rec from ${a}`);
    expect(ev).toContain(`sub_op_commit_rec from ${b}`);
    expect(ev.at(-1)).toBe('done');
    // done only after both the local commit and the local apply
    expect(ev.indexOf('done')).toBeGreaterThan(ev.indexOf('op_applied'));
    // commit_sent after every commit (local and both replicas)
    const cs = ev.indexOf('commit_sent');
    for (const e of ['op_commit', `sub_op_commit_rec from ${a}`, `sub_op_commit_rec from ${b}`])
      expect(ev.indexOf(e), e).toBeLessThan(cs);
    expect(primary[0]?.description).toContain('ack+ondisk+write+known_if_redirected');
  });

  test('replicas: started twice, journal events, commit_sent and sub_op_applied, done', () => {
    expect(replicas).toHaveLength(2);
    for (const r of replicas) {
      const ev = names(r);
      expect(ev.slice(0, 8)).toEqual([...RECEIVE, 'started', 'started']);
      expect(
        inOrder(ev, [
          'commit_queued_for_journal_write',
          'write_thread_in_journal_buffer',
          'journaled_completion_queued',
          'commit_sent',
        ]),
      ).toBe(true);
      expect(ev).toContain('sub_op_applied');
      expect(ev.at(-1)).toBe('done');
    }
  });

  test('client: C_aio_Ack (complete) before C_aio_Safe (safe), one reply with ONDISK', () => {
    const tid = (events.find((e) => e.step === 'C_aio_Safe::finish')?.data as { tid: number }).tid;
    const mine = events.filter(
      (e) => e.actor === 'client' && (e.data as { tid?: number } | undefined)?.tid === tid,
    );
    const steps = mine.map((e) => e.step);
    expect(steps.indexOf('C_aio_Ack::finish')).toBeLessThan(steps.indexOf('C_aio_Safe::finish'));
    const replies = mine
      .filter((e) => e.step === 'handle_osd_op_reply')
      .map((e) => (e.data as { flags: string }).flags);
    expect(replies.at(-1)).toBe('ack+ondisk');
    expect(replies.filter((f) => f.includes('ondisk'))).toHaveLength(1);
  });
});

test('parallel journal (btrfs): readable everywhere before durable — ACK reply, then ONDISK', () => {
  const { events, ops } = run('ceph-hammer-ack-commit');
  const ack = events.find((e) => e.step === 'C_aio_Ack::finish');
  const safe = events.find((e) => e.step === 'C_aio_Safe::finish');
  expect(ack && safe && safe.t > ack.t).toBe(true);
  const replies = events
    .filter(
      (e) =>
        e.step === 'handle_osd_op_reply' &&
        (e.data as { tid: number }).tid === (ack?.data as { tid: number }).tid,
    )
    .map((e) => (e.data as { flags: string }).flags);
  expect(replies).toEqual(['ack', 'ack+ondisk']);
  // Replicas applied before they committed, so each sent its ACK first …
  for (const r of dataWrite(ops, 'osd_repop')) {
    const ev = names(r);
    expect(ev.indexOf('sub_op_applied')).toBeLessThan(ev.indexOf('commit_sent'));
  }
  // … and the primary recorded them (sub_op_applied_rec) before the commits.
  const p = names(dataWrite(ops, 'osd_op')[0] as DumpOp);
  expect(p.indexOf('op_applied')).toBeLessThan(p.indexOf('op_commit'));
  const recs = p.filter((e) => e.startsWith('sub_op_'));
  expect(recs.map((e) => e.replace(/ from \d+$/, ''))).toEqual([
    'sub_op_applied_rec',
    'sub_op_applied_rec',
    'sub_op_commit_rec',
    'sub_op_commit_rec',
  ]);
  // The ACK reply left the primary before the commit reply.
  const sent = events
    .filter(
      (e) =>
        e.step === 'osd_op_reply' &&
        e.actor.startsWith('osd.') &&
        (e.data as { flags: string }).flags === 'ack',
    )
    .map((e) => e.t);
  expect(sent).toHaveLength(1);
});

test('Hammer synchronous calls: rados_write_full asks ONDISK only, a read ACK only; no aio callbacks', () => {
  const { events, runner } = runScenario({
    schema: 'iopath.scenario/1',
    seed: 3,
    cluster: { ceph: { pools: [{ name: 'p', pg_num: 8 }], release: 'hammer' } },
    ops: [
      { op: 'rados_write_full', pool: 'p', oid: 'o', value: { utf8: 'hello' } },
      { op: 'rados_read', pool: 'p', oid: 'o' },
    ],
  });
  expect(runner.results.map((r) => r.rc_name)).toEqual(['OK', 'OK']);
  expect(events.some((e) => e.step.startsWith('C_aio_'))).toBe(false);
  const sends = events
    .filter((e) => e.step === '_send_op')
    .map((e) => (e.data as { msg: { flags: number } }).msg.flags);
  // WRITE|ONDISK|KNOWN_REDIR, then READ|ACK|KNOWN_REDIR
  expect(sends).toEqual([0x400024, 0x400011]);
  const replies = events
    .filter((e) => e.step === 'osd_op_reply')
    .map((e) => (e.data as { flags: string }).flags);
  expect(replies).toEqual(['ack+ondisk', 'ack+ondisk']);
});

test('Pacific (default) is unchanged: no apply phase, no aio callbacks, queued_for_pg', () => {
  const { events, ops } = run('ceph-rbd-write');
  expect(
    events.some((e) => ['op_applied', 'C_aio_Ack::finish', 'sub_op_modify'].includes(e.step)),
  ).toBe(false);
  const p = names(dataWrite(ops, 'osd_op')[0] as DumpOp);
  expect(p).toContain('queued_for_pg');
  expect(p.slice(0, 3)).toEqual(['initiated', 'throttled', 'header_read']);
});

test('cluster.ceph.release / filestore_journal are validated', () => {
  const err = (ceph: Record<string, unknown>): string | null => {
    const v = validateScenario({ schema: 'iopath.scenario/1', cluster: { ceph }, ops: [] });
    return v.ok ? null : v.error;
  };
  expect(err({ release: 'hammer' })).toBeNull();
  expect(err({ release: 'luminous' })).toContain('release: expected');
  expect(err({ release: 'hammer', objectstore: 'bluestore' })).toContain('Hammer has no BlueStore');
  expect(err({ filestore_journal: 'sync' })).toContain('filestore_journal');
});
