/**
 * Test/bench helpers: build a cluster on a fresh runtime and run client calls to completion.
 */
import { createRuntime, type Runtime } from '../../core/runtime.ts';
import type { Future, Proc } from '../../core/sim.ts';
import { CephCluster, type CephClusterOptions } from '../cluster/cluster.ts';
import { RadosClient } from '../client/rados.ts';

export interface Harness {
  rt: Runtime;
  cluster: CephCluster;
  client: RadosClient;
  /** Run a client process to completion (op index `op`, pipeline). */
  run<T>(body: Proc<T>, op?: number, pipeline?: string): T;
  /** Start a client process without running it (`.done` tells whether it finished). */
  start<T>(body: Proc<T>, op?: number, pipeline?: string): Future<T>;
  /** Let background work (replica `done`, deferred writes…) finish, up to `ns` more. */
  settle(ns?: number): void;
}

export function makeHarness(
  cephConfig: Record<string, unknown>,
  seed = 1,
  options?: Partial<CephClusterOptions>,
): Harness {
  const rt = createRuntime(seed);
  const cluster = new CephCluster(rt, cephConfig, options);
  const client = new RadosClient(cluster);
  let n = 0;
  return {
    rt,
    cluster,
    client,
    start<T>(body: Proc<T>, op = n++, pipeline = 'ceph.write'): Future<T> {
      return rt.sim.spawn(`test${op}`, body, { op, pipeline });
    },
    run<T>(body: Proc<T>, op = n++, pipeline = 'ceph.write'): T {
      return rt.sim.runToCompletion(rt.sim.spawn(`test${op}`, body, { op, pipeline }));
    },
    settle(ns = 5_000_000_000): void {
      rt.sim.run({ untilTime: rt.sim.now + ns });
    },
  };
}
