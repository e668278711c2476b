/**
 * vos_obj_punch (vos_obj.c, spec §7.4): object punch (a punch entry in the object ilog), dkey
 * punch (a punch entry in the dkey ilog, creating the key record if needed so a punch of a
 * never-written key is still recorded), akey punch (punch entries on each akey, then punch
 * propagation: a dkey left without visible akeys is punched too). One umem transaction.
 */
import { derError, IoError } from '../core/errors.ts';
import { hexAddr, u64Hex } from '../core/bytes.ts';
import { sleep, type Proc } from '../core/sim.ts';
import type { DbTree } from './btree/btree.ts';
import { NO_PUNCH } from './ilog.ts';
import { vosIlogFetch, vosIlogPunch } from './ilog-update.ts';
import { KREC, OBJ_DF, krecKey } from './layout.ts';
import {
  dkeyAkeyTree,
  keyTreePrepare,
  objDkeyTree,
  objKeyKinds,
  oiAlloc,
  oiFind,
  type VosCont,
  type VosPool,
} from './pool.ts';
import { step, stepP, VOS_COST } from './step.ts';
import { hexKey, tsPath } from './io-update.ts';
import { COND, VOS_SUB_OP_MAX, keyDump, oidDump, type VosOid } from './types.ts';

export interface PunchRequest {
  cont: VosCont;
  oid: VosOid;
  epoch: bigint;
  flags: number;
  /** Absent: punch the object. */
  dkey?: Uint8Array;
  /** With dkey: punch these akeys (absent/empty: the dkey). */
  akeys?: Uint8Array[];
  minor?: number;
}

export function* vosObjPunch(pool: VosPool, req: PunchRequest): Proc<void> {
  const { rt, actor, mem } = pool;
  const condPunch = (req.flags & COND.PUNCH) !== 0;
  const minor = req.minor ?? VOS_SUB_OP_MAX;
  const txId = rt.ids.next('vos.tx');
  yield* stepP(
    rt,
    actor,
    'vos_obj_punch',
    {
      oid: oidDump(req.oid),
      epoch: u64Hex(req.epoch),
      flags: req.flags,
      dkey: req.dkey ? keyDump(req.dkey) : null,
      akeys: (req.akeys ?? []).map(keyDump),
    },
    function* () {
      yield* sleep(VOS_COST.step);
      mem.actor = actor;
      step(rt, actor, 'vos_tx_begin', undefined, () => mem.txBegin());
      try {
        const kinds = objKeyKinds(req.oid);
        let objOff = oiFind(req.cont, req.oid);
        if (objOff === null) {
          if (condPunch) throw derError('NONEXIST', 'object does not exist');
          objOff = oiAlloc(req.cont, req.oid, req.epoch).off;
        }
        const oOff = objOff;
        if (req.dkey === undefined) {
          step(rt, actor, 'vos_oi_punch', { obj_df: hexAddr(oOff) }, () => {
            pool.ts.checkWrite(tsPath(req.cont, req.oid), req.epoch, txId);
            pool.ts.checkUnderPunch(tsPath(req.cont, req.oid), req.epoch);
            vosIlogPunch(mem, oOff + OBJ_DF.vo_ilog, req.epoch, minor, NO_PUNCH, condPunch);
          });
        } else {
          const dkey = req.dkey;
          const objInfo = vosIlogFetch(mem, oOff + OBJ_DF.vo_ilog, req.epoch, NO_PUNCH);
          const dtree = objDkeyTree(mem, oOff, kinds.dkey, true) as DbTree;
          const dk = keyTreePrepare(mem, dtree, kinds.dkey, dkey, true, true);
          if (dk === null) throw derError('NONEXIST', 'dkey');
          const akeys = req.akeys ?? [];
          if (akeys.length === 0) {
            step(rt, actor, 'key_tree_punch', { dkey: keyDump(dkey) }, () => {
              pool.ts.checkWrite(tsPath(req.cont, req.oid, dkey), req.epoch, txId);
              pool.ts.checkUnderPunch(tsPath(req.cont, req.oid, dkey), req.epoch);
              vosIlogPunch(
                mem,
                dk.off + KREC.kr_ilog,
                req.epoch,
                minor,
                objInfo.priorPunch,
                condPunch,
              );
            });
          } else {
            const dInfo = vosIlogFetch(mem, dk.off + KREC.kr_ilog, req.epoch, objInfo.priorPunch);
            if (condPunch && !dInfo.visible) throw derError('NONEXIST', 'dkey does not exist');
            const atree = dkeyAkeyTree(mem, dk.off, kinds.akey, true) as DbTree;
            for (const akey of akeys) {
              step(rt, actor, 'key_tree_punch', { akey: keyDump(akey) }, () => {
                pool.ts.checkWrite(tsPath(req.cont, req.oid, dkey, akey), req.epoch, txId);
                pool.ts.checkUnderPunch(tsPath(req.cont, req.oid, dkey, akey), req.epoch);
                const ak = keyTreePrepare(mem, atree, kinds.akey, akey, true, false);
                if (ak === null) throw derError('NONEXIST', 'akey');
                vosIlogPunch(
                  mem,
                  ak.off + KREC.kr_ilog,
                  req.epoch,
                  minor,
                  dInfo.priorPunch,
                  condPunch,
                );
              });
            }
            // vos_propagate_check: no visible akey left → punch the dkey as well.
            step(
              rt,
              actor,
              'vos_propagate_check',
              undefined,
              () => {
                if (!dInfo.visible) return false;
                for (const r of atree.records()) {
                  const info = vosIlogFetch(
                    mem,
                    r.recOff + KREC.kr_ilog,
                    req.epoch,
                    dInfo.priorPunch,
                  );
                  if (info.visible) return false;
                }
                vosIlogPunch(
                  mem,
                  dk.off + KREC.kr_ilog,
                  req.epoch,
                  minor,
                  objInfo.priorPunch,
                  false,
                );
                return true;
              },
              (punched) => ({ dkey_punched: punched }),
            );
          }
        }
        step(rt, actor, 'umem_tx_commit', undefined, () => mem.txCommit());
        const base = tsPath(req.cont, req.oid, req.dkey);
        if (req.dkey === undefined || (req.akeys ?? []).length === 0)
          pool.ts.wrote(base, req.epoch);
        else for (const a of req.akeys ?? []) pool.ts.wrote([...base, hexKey(a)], req.epoch);
      } catch (e) {
        if (e instanceof IoError)
          step(rt, actor, 'umem_tx_abort', { rc: e.rc }, () => mem.txAbort());
        throw e;
      }
    },
  );
}

/** The key bytes of a key record (for enumeration). */
export { krecKey };
