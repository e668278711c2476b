/**
 * The librados C API on top of the Objecter: `rados_write`, `rados_write_full`,
 * `rados_append`, `rados_read`, `rados_remove`, `rados_stat`, `rados_exec`. Each call is a
 * process that submits one MOSDOp and waits for its ACK|ONDISK reply (synchronous librados
 * calls wrap aio + wait, spec §3.5). Errors are the real negative errnos.
 */
import { errnoError } from '../../core/errors.ts';
import { type Proc, wait } from '../../core/sim.ts';
import type { CephCluster } from '../cluster/cluster.ts';
import type { MOSDOpReply } from '../msg/messages.ts';
import type { OSDOp } from '../types.ts';
import type { Objecter } from './objecter.ts';

export class RadosClient {
  readonly objecter: Objecter;

  constructor(readonly cluster: CephCluster) {
    this.objecter = cluster.newObjecter();
  }

  /** rados_ioctx_create: the pool id, -ENOENT if there is no such pool. */
  poolId(name: string): number {
    const p = this.cluster.map.poolByName(name);
    if (!p) throw errnoError('ENOENT', `pool ${name}`);
    return p.id;
  }

  /**
   * rados_*_op_operate: one compound op; throws the first failing op's errno. `aio`: issued
   * as rados_aio_operate (librbd's object requests) — in Hammer that asks for ACK and ONDISK.
   */
  *operate(pool: string, oid: string, ops: OSDOp[], aio = false): Proc<MOSDOpReply> {
    const id = this.poolId(pool);
    const reply = yield* wait(this.objecter.opSubmit(id, oid, ops, aio));
    if (reply.result < 0) throw errnoError(errnoName(reply.result), oid);
    return reply;
  }

  *write(pool: string, oid: string, off: number, data: Uint8Array): Proc<void> {
    yield* this.operate(pool, oid, [{ op: 'write', off, data }]);
  }

  *writeFull(pool: string, oid: string, data: Uint8Array): Proc<void> {
    yield* this.operate(pool, oid, [{ op: 'writefull', data }]);
  }

  *append(pool: string, oid: string, data: Uint8Array): Proc<void> {
    yield* this.operate(pool, oid, [{ op: 'append', data }]);
  }

  *read(pool: string, oid: string, off: number, len: number): Proc<Uint8Array> {
    const r = yield* this.operate(pool, oid, [{ op: 'read', off, len }]);
    return r.outs[0]?.outdata ?? new Uint8Array(0);
  }

  *remove(pool: string, oid: string): Proc<void> {
    yield* this.operate(pool, oid, [{ op: 'delete' }]);
  }

  *stat(pool: string, oid: string): Proc<number> {
    const r = yield* this.operate(pool, oid, [{ op: 'stat' }]);
    const b = r.outs[0]?.outdata;
    return b ? new DataView(b.buffer, b.byteOffset, b.byteLength).getFloat64(0, true) : 0;
  }
}

import { ERRNO, type ErrnoName } from '../../core/errors.ts';

function errnoName(rc: number): ErrnoName {
  for (const [k, v] of Object.entries(ERRNO)) if (v === -rc) return k as ErrnoName;
  return 'EIO';
}
