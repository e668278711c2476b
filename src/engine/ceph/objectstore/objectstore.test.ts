/**
 * The object stores on the media NVMe model: data really stored and read back, BlueStore's
 * deferred-vs-direct choice (hdd: < 64 KiB new allocations and every overwrite are deferred),
 * what a kill keeps (only durable transactions) and what a mount replays.
 */
import { describe, expect, test } from 'vitest';
import { createRuntime, type Runtime } from '../../core/runtime.ts';
import { Future } from '../../core/sim.ts';
import { createNvme } from '../../media/nvme.ts';
import { BlueStore } from './bluestore.ts';
import { FileStore } from './filestore.ts';
import { newTransaction, type Transaction } from './transaction.ts';
import type { ObjectStore } from './types.ts';

function setup(kind: 'bluestore' | 'filestore'): { rt: Runtime; store: ObjectStore } {
  const rt = createRuntime(1);
  const dev = createNvme({ id: 'dev', blocks: 8192, sim: rt.sim });
  const store =
    kind === 'bluestore'
      ? new BlueStore(rt, 'osd.0', dev, { walBlocks: 1024, deviceClass: 'hdd' })
      : new FileStore(rt, 'osd.0', dev, { journalBlocks: 1024 });
  return { rt, store };
}

function write(oid: string, off: number, data: Uint8Array): Transaction {
  const t = newTransaction('1.0_head');
  t.ops.push({ op: 'touch', oid }, { op: 'write', oid, off, data });
  return t;
}

/** Queue a transaction and return a future that settles on commit. */
function queue(store: ObjectStore, t: Transaction): Future<void> {
  const f = new Future<void>('commit');
  store.queueTransactions(t, { onCommit: () => f.resolve() });
  return f;
}

function read(rt: Runtime, store: ObjectStore, oid: string, off: number, len: number): Uint8Array {
  return rt.sim.runToCompletion(rt.sim.spawn('read', store.read('1.0_head', oid, off, len)));
}

function pattern(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}

describe.each(['bluestore', 'filestore'] as const)('%s', (kind) => {
  test('bytes written at odd offsets read back exactly, across blocks', () => {
    const { rt, store } = setup(kind);
    const a = pattern(10_000, 1);
    const b = pattern(600, 2);
    rt.sim.runToCompletion(queue(store, write('o', 100, a)));
    rt.sim.runToCompletion(queue(store, write('o', 4000, b)));
    const want = new Uint8Array(10_100);
    want.set(a, 100);
    want.set(b, 4000);
    expect(read(rt, store, 'o', 0, 20_000)).toEqual(want);
    expect(store.stat('1.0_head', 'o')?.size).toBe(10_100);
  });

  test('a kill keeps committed transactions only; mount replays them', () => {
    const { rt, store } = setup(kind);
    const a = pattern(4096, 3);
    rt.sim.runToCompletion(queue(store, write('kept', 0, a)));
    const lost = queue(store, write('lost', 0, pattern(4096, 4)));
    store.kill(); // before the second transaction's journal/WAL write completes
    rt.sim.run();
    expect(lost.done).toBe(false);
    rt.sim.runToCompletion(rt.sim.spawn('mount', store.mount()));
    expect(read(rt, store, 'kept', 0, 4096)).toEqual(a);
    expect(store.stat('1.0_head', 'lost')).toBeUndefined();
  });
});

test('BlueStore hdd: small new writes and overwrites are deferred, big new writes are direct', () => {
  const { rt, store } = setup('bluestore');
  const states: string[] = [];
  rt.trace.listen((e) => {
    if (e.step === 'queue_transactions' && e.data)
      states.push(JSON.stringify([e.data.aio_blocks, e.data.deferred_blocks]));
  });
  rt.sim.runToCompletion(queue(store, write('small', 0, pattern(4096, 1))));
  rt.sim.runToCompletion(queue(store, write('big', 0, pattern(65536, 2))));
  rt.sim.runToCompletion(queue(store, write('big', 0, pattern(4096, 3))));
  expect(states).toEqual(['[0,1]', '[16,0]', '[0,1]']);
  // The deferred overwrite is readable at once (from the cache) and after its aio.
  const want = pattern(65536, 2);
  want.set(pattern(4096, 3), 0);
  expect(read(rt, store, 'big', 0, 65536)).toEqual(want);
  rt.sim.run({ untilTime: rt.sim.now + 4_000_000_000 });
  expect(read(rt, store, 'big', 0, 65536)).toEqual(want);
});
