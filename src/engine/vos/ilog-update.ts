/**
 * vos_ilog.c: the VOS-level incarnation-log checks used by update, fetch and punch:
 * `vosIlogUpdate` (vos_ilog_update: make the entity visible at the epoch, with INSERT/UPDATE
 * conditions), `vosIlogFetch` (vos_ilog_fetch + vos_ilog_check), `vosIlogPunch`.
 */
import { derError } from '../core/errors.ts';
import { ilogEntries, ilogModify, ilogParse, type IlogInfo, type PunchMark } from './ilog.ts';
import type { VosMem } from './mem.ts';

export type IlogCond = 'none' | 'insert' | 'update';

/** vos_ilog_fetch + check at `epoch` under the parent's punch. */
export function vosIlogFetch(
  mem: VosMem,
  ilogOff: number,
  epoch: bigint,
  parent: PunchMark,
): IlogInfo {
  return ilogParse(ilogEntries(mem, ilogOff), epoch, parent);
}

/**
 * vos_ilog_update: if the entity is visible at `epoch` nothing is written (INSERT → -DER_EXIST);
 * otherwise UPDATE → -DER_NONEXIST, else an update entry (epoch, minor) is added.
 */
export function vosIlogUpdate(
  mem: VosMem,
  ilogOff: number,
  epoch: bigint,
  minor: number,
  parent: PunchMark,
  cond: IlogCond,
): IlogInfo & { written: boolean } {
  const info = vosIlogFetch(mem, ilogOff, epoch, parent);
  if (info.visible) {
    if (cond === 'insert') throw derError('EXIST', 'conditional insert: key exists');
    // A literal, not a spread: spreading copied the fields one by one (a hot spot).
    return { create: info.create, priorPunch: info.priorPunch, visible: true, written: false };
  }
  if (cond === 'update') throw derError('NONEXIST', 'conditional update: key does not exist');
  ilogModify(mem, ilogOff, epoch, minor, false);
  return { create: epoch, priorPunch: info.priorPunch, visible: true, written: true };
}

/** vos_ilog_punch: add a punch entry (conditional punch of an invisible entity → NONEXIST). */
export function vosIlogPunch(
  mem: VosMem,
  ilogOff: number,
  epoch: bigint,
  minor: number,
  parent: PunchMark,
  condPunch: boolean,
): void {
  if (condPunch && !vosIlogFetch(mem, ilogOff, epoch, parent).visible) {
    throw derError('NONEXIST', 'conditional punch: key does not exist');
  }
  ilogModify(mem, ilogOff, epoch, minor, true);
}
