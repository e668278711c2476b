/**
 * librbd (format 2, Pacific default features layering + exclusive-lock + object-map +
 * fast-diff + deep-flatten = 61), spec §2, with the op sequences of the real traces
 * (ceph-real-traces REPORT.md "RBD"):
 *
 * - `rbd_create`: stat `<name>.rbd` (format 1?) and `rbd_id.<name>` → ENOENT;
 *   `rbd_directory` `rbd.dir_add_image`; `rbd_id.<name>` `create` + `rbd.set_id`;
 *   `rbd_header.<id>` `create` + `rbd.create`; `rbd_object_map.<id>` `rbd.object_map_resize`.
 * - `rbd_open`: `rbd.get_id` on `rbd_id.<name>`, then the header reads.
 * - first write: acquire the exclusive lock (`lock.get_info`, `lock.lock` on the header,
 *   `lock.lock` on the object map, object-map load), then per object extent an
 *   ObjectWriteRequest: PRE_UPDATE_OBJECT_MAP (`lock.assert_locked` + `rbd.object_map_update`
 *   on `rbd_object_map.<id>`) when the object is not yet EXISTS, then WRITE:
 *   `set-alloc-hint` only if the object may not exist, `writefull` when the extent covers the
 *   whole object, else `write off~len`. Extents are dispatched concurrently.
 * - `rbd_read`: per extent `read off~len` (< 64 KiB, rbd_sparse_read_threshold_bytes) or
 *   `sparse-read`; an object the object map knows to be absent reads as zeros without I/O.
 */
import { errnoError } from '../../core/errors.ts';
import { type Proc, type Future, wait } from '../../core/sim.ts';
import {
  fileToExtents,
  rbdDataObjectName,
  rbdLayout,
  type ObjectExtent,
} from '../striper/striper.ts';
import { Decoder, Encoder } from '../cls/codec.ts';
import { OBJECT_EXISTS, OBJECT_NONEXISTENT, objectMapGet, objectMapSet } from '../cls/cls.ts';
import { IoError } from '../../core/errors.ts';
import type { OSDOp } from '../types.ts';
import type { RadosClient } from './rados.ts';

/** RBD_FEATURES_DEFAULT in Pacific. */
export const RBD_FEATURES_DEFAULT = 61;
/** rbd_sparse_read_threshold_bytes. */
const SPARSE_READ_THRESHOLD = 64 * 1024;
/** RBD_MAX_IMAGE_ID_LENGTH. */
const MAX_IMAGE_ID_LENGTH = 14;
const LOCK_COOKIE_PREFIX = 'auto';

export interface RbdImage {
  readonly pool: string;
  readonly name: string;
  readonly id: string;
  readonly size: number;
  readonly order: number;
  readonly objectPrefix: string;
  /** Exclusive lock held (object map loaded) by this client. */
  locked: boolean;
  /** The client's copy of the object map (2 bits per object). */
  objectMap: Uint8Array | null;
}

const str = (s: string): Uint8Array => new Encoder().str(s).done();
const call = (cls: string, method: string, indata: Uint8Array): OSDOp => ({
  op: 'call',
  cls,
  method,
  indata,
});

export class Librbd {
  private readonly images = new Map<string, RbdImage>();
  private readonly cookie: string;

  constructor(private readonly rados: RadosClient) {
    this.cookie = `${LOCK_COOKIE_PREFIX} ${rados.objecter.globalId}`;
  }

  private trace(step: string, data: Record<string, string | number | boolean | null>): void {
    this.rados.cluster.rt.trace.point(step, 'client', { data });
  }

  image(name: string): RbdImage {
    const img = this.images.get(name);
    if (!img) throw errnoError('ENOENT', `image ${name} is not open`);
    return img;
  }

  /** Image id: hex(client global id) ‖ hex(random u32), the last 14 characters. */
  private newImageId(): string {
    const gid = this.rados.objecter.globalId.toString(16);
    const rnd = this.rados.cluster.rt.rng
      .fork(`rbd.id.${gid}`)
      .nextU32()
      .toString(16)
      .padStart(8, '0');
    return (gid + rnd).slice(-MAX_IMAGE_ID_LENGTH);
  }

  /** librbd::create (format 2). */
  *create(pool: string, name: string, size: number, order = 22, idIn?: string): Proc<string> {
    const r = this.rados;
    this.trace('librbd::create', { pool, image: name, size, order });
    // Does an image of that name exist already (format 1 header, then format 2 id object)?
    for (const oid of [`${name}.rbd`, `rbd_id.${name}`]) {
      const rc = yield* tryOp(r.operate(pool, oid, [{ op: 'stat' }]));
      if (rc === 0) throw errnoError('EEXIST', name);
    }
    const id = idIn ?? this.newImageId();
    yield* r.operate(pool, 'rbd_directory', [
      call('rbd', 'dir_add_image', new Encoder().str(name).str(id).done()),
    ]);
    yield* r.operate(pool, `rbd_id.${name}`, [
      { op: 'create', exclusive: true },
      call('rbd', 'set_id', str(id)),
    ]);
    const objectPrefix = `rbd_data.${id}`;
    yield* r.operate(pool, `rbd_header.${id}`, [
      { op: 'create', exclusive: true },
      call(
        'rbd',
        'create',
        new Encoder().str(objectPrefix).u64(size).u8(order).u64(RBD_FEATURES_DEFAULT).done(),
      ),
    ]);
    const objects = Math.ceil(size / 2 ** order);
    yield* r.operate(pool, `rbd_object_map.${id}`, [
      call('rbd', 'object_map_resize', new Encoder().u64(objects).u8(OBJECT_NONEXISTENT).done()),
    ]);
    return id;
  }

  /** librbd::open: image id, then the header (size, order, features, object prefix). */
  *open(pool: string, name: string): Proc<RbdImage> {
    const r = this.rados;
    this.trace('librbd::open', { pool, image: name });
    const idr = yield* r.operate(pool, `rbd_id.${name}`, [
      call('rbd', 'get_id', new Uint8Array(0)),
    ]);
    const id = new Decoder(idr.outs[0]?.outdata ?? new Uint8Array(0)).str();
    const h = `rbd_header.${id}`;
    const hr = yield* r.operate(pool, h, [
      call('rbd', 'get_size', new Uint8Array(0)),
      call('rbd', 'get_order', new Uint8Array(0)),
      call('rbd', 'get_features', new Uint8Array(0)),
      call('rbd', 'get_object_prefix', new Uint8Array(0)),
      call('rbd', 'get_flags', new Uint8Array(0)),
    ]);
    const out = (i: number): Decoder => new Decoder(hr.outs[i]?.outdata ?? new Uint8Array(0));
    const img: RbdImage = {
      pool,
      name,
      id,
      size: out(0).u64(),
      order: out(1).u8(),
      objectPrefix: out(3).str(),
      locked: false,
      objectMap: null,
    };
    this.images.set(name, img);
    return img;
  }

  /** ExclusiveLock acquire + ObjectMap load (done before the first write). */
  private *acquireLock(img: RbdImage): Proc<void> {
    const r = this.rados;
    const h = `rbd_header.${img.id}`;
    const m = `rbd_object_map.${img.id}`;
    this.trace('ExclusiveLock::acquire_lock', { image: img.name });
    yield* r.operate(img.pool, h, [call('lock', 'get_info', str('rbd_lock'))]);
    yield* r.operate(img.pool, h, [call('lock', 'lock', str(this.cookie))]);
    yield* r.operate(img.pool, m, [call('lock', 'lock', str(this.cookie))]);
    const mr = yield* r.operate(img.pool, m, [call('rbd', 'object_map_load', new Uint8Array(0))]);
    const raw = mr.outs[0]?.outdata ?? new Uint8Array(8);
    img.objectMap = raw.slice(8);
    img.locked = true;
  }

  /** librbd::api::Io::write → ImageWriteRequest → one ObjectWriteRequest per extent. */
  *write(name: string, off: number, data: Uint8Array): Proc<number> {
    const img = this.image(name);
    const len = clip(img, off, data.length);
    const layout = rbdLayout(img.order);
    const extents = fileToExtents((n) => rbdDataObjectName(img.id, n), layout, off, len);
    this.trace('file_to_extents', {
      offset: off,
      length: len,
      object_size: layout.objectSize,
      extents: extents.length,
    });
    if (!img.locked) yield* this.acquireLock(img);
    const reqs: Future<void>[] = [];
    for (const ex of extents) {
      const buf = gather(data, ex);
      reqs.push(
        this.rados.cluster.rt.sim.spawn(
          `ObjectWriteRequest.${ex.objectNo}`,
          this.objectWrite(img, ex, buf),
        ),
      );
    }
    for (const f of reqs) yield* wait(f);
    return len;
  }

  /** ObjectWriteRequest: PRE_UPDATE_OBJECT_MAP → WRITE. */
  private *objectWrite(img: RbdImage, ex: ObjectExtent, buf: Uint8Array): Proc<void> {
    const map = img.objectMap;
    const state = map ? objectMapGet(map, ex.objectNo) : OBJECT_NONEXISTENT;
    const mayExist = map !== null && state !== OBJECT_NONEXISTENT;
    this.trace('ObjectWriteRequest::send', {
      oid: ex.oid,
      object_no: ex.objectNo,
      offset: ex.offset,
      length: ex.length,
      object_map_state: state,
    });
    if (map && state !== OBJECT_EXISTS) {
      this.trace('pre_write_object_map_update', {
        object_no: ex.objectNo,
        new_state: OBJECT_EXISTS,
      });
      yield* this.rados.operate(img.pool, `rbd_object_map.${img.id}`, [
        call('lock', 'assert_locked', str(this.cookie)),
        call(
          'rbd',
          'object_map_update',
          new Encoder()
            .u64(ex.objectNo)
            .u64(ex.objectNo + 1)
            .u8(OBJECT_EXISTS)
            .u8(0)
            .done(),
        ),
      ]);
      objectMapSet(map, ex.objectNo, OBJECT_EXISTS);
    }
    const objectSize = 2 ** img.order;
    const ops: OSDOp[] = [];
    if (!mayExist) ops.push({ op: 'set-alloc-hint', objectSize, writeSize: objectSize });
    const full = ex.offset === 0 && ex.length === objectSize;
    ops.push(full ? { op: 'writefull', data: buf } : { op: 'write', off: ex.offset, data: buf });
    this.trace('write_object', { oid: ex.oid, writefull: full, alloc_hint: !mayExist });
    // AbstractWrite sends with aio_operate (ack + safe callbacks; librbd waits for safe).
    yield* this.rados.operate(img.pool, ex.oid, ops, true);
  }

  /** librbd read: one object read per extent; absent objects read as zeros. */
  *read(name: string, off: number, lenIn: number): Proc<Uint8Array> {
    const img = this.image(name);
    const len = clip(img, off, lenIn);
    const layout = rbdLayout(img.order);
    const extents = fileToExtents((n) => rbdDataObjectName(img.id, n), layout, off, len);
    this.trace('file_to_extents', { offset: off, length: len, extents: extents.length });
    const out = new Uint8Array(len);
    const reqs: Future<void>[] = [];
    for (const ex of extents) {
      reqs.push(
        this.rados.cluster.rt.sim.spawn(
          `ObjectReadRequest.${ex.objectNo}`,
          this.objectRead(img, ex, out, off),
        ),
      );
    }
    for (const f of reqs) yield* wait(f);
    return out;
  }

  private *objectRead(img: RbdImage, ex: ObjectExtent, out: Uint8Array, _off: number): Proc<void> {
    if (img.objectMap && objectMapGet(img.objectMap, ex.objectNo) === OBJECT_NONEXISTENT) {
      this.trace('ObjectReadRequest::send', { oid: ex.oid, skipped: 'object map: nonexistent' });
      return;
    }
    this.trace('ObjectReadRequest::send', { oid: ex.oid, offset: ex.offset, length: ex.length });
    const op: OSDOp =
      ex.length < SPARSE_READ_THRESHOLD
        ? { op: 'read', off: ex.offset, len: ex.length }
        : { op: 'sparse-read', off: ex.offset, len: ex.length };
    let data: Uint8Array;
    try {
      const r = yield* this.rados.operate(img.pool, ex.oid, [op]);
      data = r.outs[0]?.outdata ?? new Uint8Array(0);
    } catch (e) {
      if (e instanceof IoError && e.rcName === 'ENOENT') data = new Uint8Array(0);
      else throw e;
    }
    // Scatter into the caller's buffer (a short read leaves zeros: holes).
    let p = 0;
    for (const [bo, bl] of ex.bufferExtents) {
      out.set(data.subarray(Math.min(p, data.length), Math.min(p + bl, data.length)), bo);
      p += bl;
    }
  }
}

/** clip_io: an IO past the image end is cut; one starting past it is -EINVAL. */
function clip(img: RbdImage, off: number, len: number): number {
  if (off > img.size) throw errnoError('EINVAL', `offset ${off} past image size ${img.size}`);
  return Math.min(len, img.size - off);
}

/** Assemble the caller's buffer pieces of one object extent. */
function gather(data: Uint8Array, ex: ObjectExtent): Uint8Array {
  if (ex.bufferExtents.length === 1) {
    const [bo, bl] = ex.bufferExtents[0] as [number, number];
    return data.subarray(bo, bo + bl);
  }
  const buf = new Uint8Array(ex.length);
  let p = 0;
  for (const [bo, bl] of ex.bufferExtents) {
    buf.set(data.subarray(bo, bo + bl), p);
    p += bl;
  }
  return buf;
}

/** Run an op; its errno instead of a throw. */
function* tryOp(p: Proc<unknown>): Proc<number> {
  try {
    yield* p;
    return 0;
  } catch (e) {
    if (e instanceof IoError) return e.rc;
    throw e;
  }
}
