/**
 * Ceph IO path speed: simulated 3-replica 4 KiB `rados_write_full` ops per wall-clock second
 * with full tracing (every trace event kept), 16 ops in flight like `rados bench -b 4096
 * -t 16`. A real Ceph 16.2.15 cluster (3 memstore OSDs on loopback, 2 cores) did 4 192 ops/s;
 * the target is ≥ 10× that. One row per object store.
 */
import { makeHarness } from '../src/engine/ceph/testing/harness.ts';
import type { Proc } from '../src/engine/core/sim.ts';
import type { Benchmark } from './types.ts';

const OPS = 2_000;
const QD = 16;
const OBJECTS = 256;

function bench(store: 'bluestore' | 'filestore'): Benchmark {
  const h = makeHarness(
    {
      crush_map: { hosts: 3, osds_per_host: 1 },
      pools: [{ name: 'sim', size: 3, min_size: 2, pg_num: 64 }],
      objectstore: store,
    },
    1,
  );
  const data = new Uint8Array(4096).fill(0x42);
  let next = 0;
  return {
    name: `rados_write_full 4 KiB, size 3, QD ${QD}, ${store}, full tracing`,
    run() {
      h.rt.trace.clear(); // keep memory flat between runs; each run keeps all its events
      let issued = 0;
      const worker = function* (): Proc<void> {
        while (issued < OPS) {
          issued++;
          yield* h.client.writeFull('sim', `bench-${next++ % OBJECTS}`, data);
        }
      };
      const workers = Array.from({ length: QD }, (_, i) =>
        h.rt.sim.spawn(`bench${i}`, worker(), { op: 0, pipeline: 'ceph.write' }),
      );
      for (const w of workers) h.rt.sim.runToCompletion(w);
      return { ops: OPS, events: h.rt.trace.length };
    },
  };
}

export const benchmarks: Benchmark[] = [bench('bluestore'), bench('filestore')];
