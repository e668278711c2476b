/**
 * What a PG may use of its OSD (OSDService in Ceph): the store, the tracker, the current map,
 * the shard queue and the messengers.
 */
import type { Runtime } from '../../core/runtime.ts';
import type { ProcContext } from '../../core/sim.ts';
import type { OsdMapView } from '../cluster/map.ts';
import type { Message, MOSDPGPush } from '../msg/messages.ts';
import type { ObjectStore } from '../objectstore/types.ts';
import type { PgId } from '../types.ts';
import type { CephRelease } from '../release.ts';

export interface PgLogLimits {
  readonly min: number;
  readonly max: number;
  readonly trimMin: number;
}
import type { OpQueueItem } from './op-queue.ts';
import type { OpTracker, TrackedOp } from './optracker.ts';

export interface OsdServices {
  readonly rt: Runtime;
  readonly id: number;
  readonly name: string;
  readonly store: ObjectStore;
  readonly tracker: OpTracker;
  readonly release: CephRelease;
  /** osd_min_pg_log_entries / osd_max_pg_log_entries / osd_pg_log_trim_min. */
  readonly pgLog: PgLogLimits;
  map(): OsdMapView;
  /** Incarnation: bumps when the OSD dies, so callbacks of a dead process do nothing. */
  gen(): number;
  queue(ps: number, item: OpQueueItem): void;
  /** A store commit callback, run by the PG's shard (context_queue). */
  queueContext(ps: number, fn: () => void, delayNs?: number): void;
  sendOsd(osd: number, m: Message, extraDelayNs?: number): void;
  sendClient(client: string, m: Message): void;
  sendPush(osd: number, m: MOSDPGPush): void;
  sendPushReply(osd: number, pgid: PgId, oid: string): void;
  sendPull(osd: number, pgid: PgId, oid: string): void;
  /** The op's last reference is gone: `done`, history. */
  finishOp(op: TrackedOp): void;
  /** The trace context (scenario op, pipeline) an op arrived with. */
  ctxOf(op: TrackedOp): ProcContext;
  /** Run `fn` with `op`'s trace context (for callbacks scheduled outside a process). */
  runAs(op: TrackedOp, fn: () => void): void;
}
