/**
 * Key enumeration (`daos_obj_list_dkey` / `daos_obj_list_akey`, spec §1.8): client loop over
 * anchors, `dc_obj_shard_list` RPC, and the server's `ds_obj_enum_handler` → `obj_local_enum`
 * → `vos_iterate`.
 */
import { der, derError, rcOf } from '../core/errors.ts';
import { u64Hex } from '../core/bytes.ts';
import { sleep, wait, type Future, type Proc } from '../core/sim.ts';
import type { DaosCluster, DaosTarget, ObjHandle } from './cluster.ts';
import { COST, wireNs } from './costs.ts';
import { blockingTask, newObjAuxi, registerObjCompCb } from './obj-task.ts';
import { tseTaskRegisterCompCb } from './tse.ts';
import { keyDump } from './io-types.ts';
import { LAYOUT_VER, otypeDkeyIsUint64 } from './constants.ts';
import { oidType, type ObjId } from './oid.ts';
import { dkeyGroup, dkeyHash, type ShardPlacement } from './placement.ts';
import { CRT_TIMEOUT_NS, withTimeout } from './rpc.ts';
import { objIocBegin, sendToTarget } from './server.ts';
import type {
  StoreAnchor,
  StoreEnumRequest,
  StoreEnumResult,
  TargetStore,
} from './target-store.ts';
import { traced } from './traced.ts';

const CLIENT = 'client';

/** daos_anchor_t.da_type */
export const DAOS_ANCHOR_TYPE_ZERO = 0;
export const DAOS_ANCHOR_TYPE_HKEY = 1;
export const DAOS_ANCHOR_TYPE_KEY = 2;
export const DAOS_ANCHOR_TYPE_EOF = 3;
const ANCHOR_NAMES = [
  'DAOS_ANCHOR_TYPE_ZERO',
  'DAOS_ANCHOR_TYPE_HKEY',
  'DAOS_ANCHOR_TYPE_KEY',
  'DAOS_ANCHOR_TYPE_EOF',
];
const ANCHOR_ZERO: StoreAnchor = { type: DAOS_ANCHOR_TYPE_ZERO };
const ANCHOR_EOF: StoreAnchor = { type: DAOS_ANCHOR_TYPE_EOF };

/** A limited call: at most `nr` keys, resuming the shard's iterator from `anchor`. */
interface EnumPage {
  nr: number;
  anchor: StoreAnchor;
}

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16);
  return s;
}

/** daos_anchor_t as the trace shows it: type, shard (group) and the iterator position. */
function anchorJson(a: StoreAnchor, shard: number): { [k: string]: string | number } {
  return {
    da_type: ANCHOR_NAMES[a.type] ?? a.type,
    da_shard: shard,
    ...(a.hkey ? { da_buf: hex(a.hkey) } : {}),
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * `vos_iterate` from an anchor: the store's own resumable iterator, or — for a store without
 * one — its full key list cut after the anchor's key (same order every call).
 */
function* storeEnumerate(store: TargetStore, req: StoreEnumRequest): Proc<StoreEnumResult> {
  if (store.enumerate) return yield* store.enumerate(req);
  if (req.anchor.type === DAOS_ANCHOR_TYPE_EOF) return { keys: [], anchor: ANCHOR_EOF };
  const all = yield* store.iterate(req);
  const after = req.anchor.key;
  const from =
    req.anchor.type === DAOS_ANCHOR_TYPE_ZERO || after === undefined
      ? 0
      : all.findIndex((k) => sameBytes(k, after)) + 1;
  const keys = from === 0 && after !== undefined ? [] : all.slice(from, from + req.nr);
  if (from + req.nr >= all.length || keys.length === 0) return { keys, anchor: ANCHOR_EOF };
  const last = keys[keys.length - 1] as Uint8Array;
  return { keys, anchor: { type: DAOS_ANCHOR_TYPE_KEY, key: last } };
}

interface EnumIn {
  opc: 'DAOS_OBJ_DKEY_RPC_ENUMERATE' | 'DAOS_OBJ_AKEY_RPC_ENUMERATE';
  oid: ObjId;
  shard: number;
  layoutVer: number;
  coh: string;
  coUuid: string;
  mapVer: number;
  dkey: Uint8Array | null;
  hlc: bigint;
  /** `*nr` and the anchor of a limited call (absent: all keys of the shard at once). */
  page?: EnumPage;
}

interface EnumOut {
  ret: number;
  keys: Uint8Array[];
  epoch: bigint;
  /** Where the shard's iterator stopped (EOF when it ran off the end). */
  anchor?: StoreAnchor;
  /** No answer (dead target or lost message): the client's timeout. */
  lost?: boolean;
}

function keysBytes(keys: readonly Uint8Array[]): number {
  let n = 0;
  for (const k of keys) n += k.length + 16;
  return n;
}

/** Server: `crt_handle_rpc` → `ds_obj_enum_handler` on `target`. */
function* enumHandler(cl: DaosCluster, target: DaosTarget, req: EnumIn): Proc<EnumOut> {
  const rt = cl.rt;
  const out: EnumOut = { ret: 0, keys: [], epoch: 0n };
  rt.trace.effect({ kind: 'msg.recv', at: target.actor, opc: req.opc, bytes: 200 });
  yield* traced(rt, 'crt_handle_rpc', target.actor, { opc: req.opc, from: CLIENT }, function* () {
    target.hlc.recv(rt.sim.now, req.hlc);
    yield* traced(
      rt,
      'ds_obj_enum_handler',
      target.actor,
      {
        opc: req.opc,
        oei_oid: { id_shard: req.shard },
        oei_map_ver: req.mapVer,
        dkey: req.dkey ? keyDump(req.dkey) : null,
      },
      function* () {
        try {
          yield* objIocBegin(cl, target, req, false);
          // epoch range [0, MAX] → this target's clock
          out.epoch = target.hlcGet(rt.sim.now);
          const base = {
            cont: req.coUuid,
            oid: req.oid,
            shard: req.shard,
            epoch: out.epoch,
            dkey: req.dkey,
          };
          const page = req.page;
          if (page === undefined) {
            out.keys = yield* traced(
              rt,
              'obj_local_enum',
              target.actor,
              { epr: { epr_lo: u64Hex(0n), epr_hi: u64Hex(out.epoch) } },
              () => target.store.iterate(base),
              (keys) => ({ nr: keys.length }),
            );
          } else {
            const r = yield* traced(
              rt,
              'obj_local_enum',
              target.actor,
              {
                epr: { epr_lo: u64Hex(0n), epr_hi: u64Hex(out.epoch) },
                nr: page.nr,
                anchor: anchorJson(page.anchor, req.shard),
              },
              () => storeEnumerate(target.store, { ...base, ...page }),
              (p) => ({ nr: p.keys.length, anchor: anchorJson(p.anchor, req.shard) }),
            );
            out.keys = r.keys;
            out.anchor = r.anchor;
          }
        } catch (err) {
          out.ret = rcOf(err);
        }
      },
      () => ({ ret: out.ret }),
    );
    yield* traced(
      rt,
      'obj_enum_complete',
      target.actor,
      {
        oeo_ret: out.ret,
        oeo_kds: out.keys.map((k) => ({ kd_key_len: k.length })),
        oeo_epoch: u64Hex(out.epoch),
      },
      function* () {
        rt.trace.effect({
          kind: 'msg.send',
          from: target.actor,
          to: CLIENT,
          opc: `${req.opc} reply`,
          bytes: 96 + keysBytes(out.keys),
        });
        yield* traced(
          rt,
          'crt_reply_send',
          target.actor,
          { opc: req.opc, to: CLIENT, bytes: 96 + keysBytes(out.keys) },
          function* () {
            yield* sleep(COST.serverStep / 4);
          },
        );
      },
    );
  });
  yield* sleep(wireNs(96 + keysBytes(out.keys)));
  return out;
}

/**
 * One `daos_obj_list_dkey`/`daos_obj_list_akey` call against one group: all its keys, or with
 * `page` at most `page.nr` of them from the anchor on. Returns the keys and where the group's
 * iterator stopped (EOF when it ran off the end, or when the call was not limited).
 */
function* listCall(
  cl: DaosCluster,
  ohName: string,
  oh: ObjHandle | undefined,
  grp: number,
  dkey: Uint8Array | null,
  page?: EnumPage,
): Proc<{ keys: Uint8Array[]; anchor: StoreAnchor }> {
  const rt = cl.rt;
  const api = dkey ? 'daos_obj_list_akey' : 'daos_obj_list_dkey';
  const task = dkey ? 'dc_obj_list_akey' : 'dc_obj_list_dkey';
  const opc = dkey ? 'DAOS_OBJ_AKEY_RPC_ENUMERATE' : 'DAOS_OBJ_DKEY_RPC_ENUMERATE';
  let keys: Uint8Array[] = [];
  let anchorOut: StoreAnchor = ANCHOR_EOF;
  const auxi = newObjAuxi(false);
  let lastTarget: number | null = null;
  yield* traced(
    rt,
    api,
    CLIENT,
    {
      oh: { cookie: oh?.cookie ?? 0, name: ohName },
      th: 'DAOS_TX_NONE',
      anchor:
        page === undefined
          ? {
              da_type: grp === 0 ? 'DAOS_ANCHOR_TYPE_ZERO' : 'DAOS_ANCHOR_TYPE_HKEY',
              da_shard: grp,
            }
          : anchorJson(page.anchor, grp),
      ...(page !== undefined ? { nr: page.nr } : {}),
      ...(dkey ? { dkey: keyDump(dkey) } : {}),
    },
    () =>
      blockingTask(cl, task, function* (tsk) {
        const fut: Future<EnumOut> = yield* traced(
          rt,
          task,
          CLIENT,
          { opc, grp_idx: grp, ...(auxi.retryCnt > 0 ? { retry: auxi.retryCnt } : {}) },
          function* () {
            yield* sleep(COST.clientStep);
            if (!oh) throw derError('NO_HDL', 'object handle is not open');
            if (dkey && dkey.length === 0) throw derError('INVAL', 'empty dkey');
            registerObjCompCb(cl, tsk, oh, auxi); // obj_task_init
            const layout = oh.layout;
            // A random healthy replica of the group (spec §2.2 step 6).
            const live: number[] = [];
            for (let k = 0; k < layout.grpSize; k++)
              if (
                !oh.excluded.has((layout.shards[grp * layout.grpSize + k] as ShardPlacement).target)
              )
                live.push(k);
            if (live.length === 0) throw derError('IO', 'no live replica in the redundancy group');
            const pick =
              layout.grpSize > 1
                ? rt.rng
                    .fork('daos.list-replica')
                    .fork(String(rt.ids.next('daos.list')))
                    .int(0, layout.grpSize - 1)
                : 0;
            const r = live.includes(pick) ? pick : (live[pick % live.length] as number);
            const shard = layout.shards[grp * layout.grpSize + r] as ShardPlacement;
            const target = cl.target(shard.target);
            lastTarget = target.id;
            const req: EnumIn = {
              opc,
              oid: oh.oid,
              shard: shard.shard,
              layoutVer: LAYOUT_VER,
              coh: oh.coh,
              coUuid: oh.cont.uuid,
              mapVer: oh.mapVer,
              dkey,
              hlc: cl.client.hlc.get(rt.sim.now),
              ...(page !== undefined ? { page } : {}),
            };
            return yield* traced(
              rt,
              'obj_req_fanout',
              CLIENT,
              { grp_idx: grp, shard: shard.shard, cli_disp: true },
              () =>
                traced(
                  rt,
                  'dc_obj_shard_list',
                  CLIENT,
                  { opc, target: target.actor, ep: { rank: target.rank, tag: target.idx } },
                  function* () {
                    yield* sleep(COST.clientStep);
                    const f = yield* sendToTarget(
                      cl,
                      CLIENT,
                      target,
                      opc,
                      200 + (dkey?.length ?? 0),
                      {},
                      () => enumHandler(cl, target, req),
                    );
                    const lost: EnumOut = { ret: der('TIMEDOUT'), keys: [], epoch: 0n, lost: true };
                    const reply = withTimeout(rt, f, CRT_TIMEOUT_NS, lost);
                    tseTaskRegisterCompCb(tsk, 'dc_enumerate_cb', function* (t) {
                      const rep = reply.value;
                      const last = !dkey && grp === layout.grpNr - 1;
                      // A limited call that stopped inside the group stays on it.
                      const sub = page !== undefined ? (rep.anchor ?? ANCHOR_EOF) : ANCHOR_EOF;
                      const more = rep.ret === 0 && sub.type !== DAOS_ANCHOR_TYPE_EOF;
                      yield* traced(
                        rt,
                        'dc_enumerate_cb',
                        CLIENT,
                        {
                          ret: rep.ret,
                          nr: rep.keys.length,
                          kds: rep.keys.map((k) => ({ kd_key_len: k.length })),
                          anchor_out: more
                            ? anchorJson(sub, grp)
                            : {
                                da_type:
                                  dkey || last ? 'DAOS_ANCHOR_TYPE_EOF' : 'DAOS_ANCHOR_TYPE_HKEY',
                                da_shard: dkey || last ? grp : grp + 1,
                              },
                        },
                        function* () {
                          if (rep.epoch !== 0n) cl.client.hlc.recv(rt.sim.now, rep.epoch);
                          yield* sleep(COST.clientStep);
                          if (rep.ret === 0) {
                            keys = rep.keys;
                            anchorOut = sub;
                          }
                          if (t.result === 0) t.result = rep.ret;
                        },
                      );
                    });
                    return reply;
                  },
                ),
            );
          },
        );
        const rep = yield* wait(fut);
        if (rep.lost === true) auxi.lostTarget = lastTarget;
      }),
    () => ({ nr: keys.length }),
  );
  return { keys, anchor: anchorOut };
}

/**
 * The application's loop: `daos_obj_list_dkey` with an anchor until EOF (one call per group);
 * `daos_obj_list_akey` for one dkey (one call to the dkey's group).
 */
export function* daosObjListKeys(
  cl: DaosCluster,
  ohName: string,
  dkey: Uint8Array | null,
): Proc<Uint8Array[]> {
  const oh = cl.client.objects.get(ohName);
  if (dkey) {
    const grp = oh ? dkeyGroup(oh.layout, dkeyHash(oh.oid, dkey)) : 0;
    return (yield* listCall(cl, ohName, oh, grp, dkey)).keys;
  }
  const all: Uint8Array[] = [];
  const groups = oh?.layout.grpNr ?? 1;
  for (let g = 0; g < groups; g++) all.push(...(yield* listCall(cl, ohName, oh, g, null)).keys);
  return all;
}

/**
 * The application's loop with `*nr = nr`: each `daos_obj_list_dkey`/`_akey` call returns at
 * most `nr` keys and an anchor; the loop goes on until the anchor is EOF. A call may return
 * fewer keys — even none — without being at EOF (a group's iterator ends, the next call moves
 * to the next group). Returns every key and the number of API calls it took.
 */
export function* daosObjListKeysPaged(
  cl: DaosCluster,
  ohName: string,
  dkey: Uint8Array | null,
  nr: number,
): Proc<{ keys: Uint8Array[]; calls: number }> {
  if (!Number.isInteger(nr) || nr < 1) throw derError('INVAL', `nr ${nr} (must be ≥ 1)`);
  const oh = cl.client.objects.get(ohName);
  let grp = dkey ? (oh ? dkeyGroup(oh.layout, dkeyHash(oh.oid, dkey)) : 0) : 0;
  const lastGrp = dkey ? grp : (oh?.layout.grpNr ?? 1) - 1;
  let anchor = ANCHOR_ZERO;
  const keys: Uint8Array[] = [];
  let calls = 0;
  for (;;) {
    const r = yield* listCall(cl, ohName, oh, grp, dkey, { nr, anchor });
    calls++;
    keys.push(...r.keys);
    if (r.anchor.type !== DAOS_ANCHOR_TYPE_EOF) anchor = r.anchor;
    else if (grp < lastGrp) {
      grp++;
      anchor = ANCHOR_ZERO;
    } else break;
  }
  return { keys, calls };
}

/** Whether an object's dkeys are uint64 (results list them as numbers). */
export function dkeysAreUint64(oid: ObjId): boolean {
  return otypeDkeyIsUint64(oidType(oid));
}
