/**
 * Incarnation log (ilog.c / vos_ilog.c, spec §7.3): per object, dkey and akey, the epochs at
 * which the entity was created (update) and punched.
 *
 * ilog_df (24 B, embedded in the owner):
 *   +0  16 B  either the one embedded ilog_id, or { u64 ia_off (ilog_array), u64 0 }
 *   +16 u32   lr_ts_idx (timestamp-cache index; runtime only)
 *   +20 u32   lr_magic = ILOG_MAGIC | mode (0 empty, 1 embedded, 2 array)
 * ilog_id (16 B): u64 id_epoch, u32 id_tx_id, u16 id_punch_minor_eph, u16 id_update_minor_eph.
 * ilog_array (allocated): u32 ia_len, u32 ia_max, u64 pad, then ia_max ilog_ids sorted by epoch.
 *
 * An entry is an update (creation) when update-minor > punch-minor, a punch otherwise. Only
 * committed entries exist here (solo/VOS-level updates commit in their own transaction).
 */
import { derError } from '../core/errors.ts';
import type { VosMem } from './mem.ts';
import { getOff, setOff } from './mem.ts';
import { ILOG_DF_SIZE, ILOG_ID_SIZE } from './layout.ts';
import { dtxIlogLid } from './dtx-table.ts';
import { scratch, scratchBytes } from './scratch.ts';

const ILOG_MAGIC = 0x11060000;
const MODE_EMPTY = 0;
const MODE_EMBED = 1;
const MODE_ARRAY = 2;
const IA_HDR = 16;

export interface IlogEntry {
  epoch: bigint;
  txId: number;
  punchMinor: number;
  updateMinor: number;
}

export const isPunch = (e: IlogEntry): boolean => e.punchMinor > e.updateMinor;

/** (epoch, minor) of an entry: its kind's minor. */
export function entryMinor(e: IlogEntry): number {
  return Math.max(e.punchMinor, e.updateMinor);
}

function decId(dv: DataView, at: number): IlogEntry {
  return {
    epoch: dv.getBigUint64(at, true),
    txId: dv.getUint32(at + 8, true),
    punchMinor: dv.getUint16(at + 12, true),
    updateMinor: dv.getUint16(at + 14, true),
  };
}

function encId(dv: DataView, at: number, e: IlogEntry): void {
  dv.setBigUint64(at, e.epoch, true);
  dv.setUint32(at + 8, e.txId, true);
  dv.setUint16(at + 12, e.punchMinor, true);
  dv.setUint16(at + 14, e.updateMinor, true);
}

/** ilog_fetch: every entry, oldest first. */
export function ilogEntries(mem: VosMem, off: number): IlogEntry[] {
  const dv = mem.view(off, ILOG_DF_SIZE);
  const magic = dv.getUint32(20, true);
  const mode = magic & 0xffff;
  if (magic === 0) return [];
  if ((magic & 0xffff0000) !== ILOG_MAGIC) throw derError('DATA_LOSS', `bad ilog magic at ${off}`);
  if (mode === MODE_EMBED) return [decId(dv, 0)];
  if (mode !== MODE_ARRAY) return [];
  const ia = getOff(dv, 0);
  const hdr = mem.view(ia, IA_HDR);
  const len = hdr.getUint32(0, true);
  const body = mem.view(ia + IA_HDR, len * ILOG_ID_SIZE);
  const out: IlogEntry[] = [];
  for (let i = 0; i < len; i++) out.push(decId(body, i * ILOG_ID_SIZE));
  return out;
}

/** Write the whole log back (embedded when it has one entry, else in an ilog_array). */
function ilogStore(mem: VosMem, off: number, entries: IlogEntry[]): void {
  const dv0 = mem.view(off, ILOG_DF_SIZE);
  const magic = dv0.getUint32(20, true);
  const oldArray = (magic & 0xffff) === MODE_ARRAY ? getOff(dv0, 0) : 0;
  const dv = scratch(ILOG_DF_SIZE);
  dv.setUint32(16, dv0.getUint32(16, true), true);
  if (entries.length === 0) {
    dv.setUint32(20, MODE_EMPTY, true);
    if (oldArray !== 0) mem.free(oldArray);
  } else if (entries.length === 1) {
    encId(dv, 0, entries[0] as IlogEntry);
    dv.setUint32(20, ILOG_MAGIC | MODE_EMBED, true);
    if (oldArray !== 0) mem.free(oldArray);
  } else {
    let ia = oldArray;
    let max = ia === 0 ? 0 : mem.u32(ia + 4);
    if (entries.length > max) {
      // Grow like ilog_array: capacity 2(n+1)-1.
      max = 2 * (entries.length + 1) - 1;
      const fresh = mem.alloc(IA_HDR + max * ILOG_ID_SIZE, true);
      if (ia !== 0) mem.free(ia);
      ia = fresh;
    }
    const body = new Uint8Array(IA_HDR + entries.length * ILOG_ID_SIZE);
    const bv = new DataView(body.buffer);
    bv.setUint32(0, entries.length, true);
    bv.setUint32(4, max, true);
    entries.forEach((e, i) => encId(bv, IA_HDR + i * ILOG_ID_SIZE, e));
    mem.write(ia, body);
    setOff(dv, 0, ia);
    dv.setUint32(20, ILOG_MAGIC | MODE_ARRAY, true);
  }
  mem.write(off, scratchBytes(ILOG_DF_SIZE));
}

/** ilog_destroy helper: free the array (the 24-byte root belongs to its owner). */
export function ilogFreeArray(mem: VosMem, off: number): void {
  const dv = mem.view(off, ILOG_DF_SIZE);
  if ((dv.getUint32(20, true) & 0xffff) === MODE_ARRAY) mem.free(getOff(dv, 0));
}

/** Punch of a parent, inherited by children: entries at or below it are invisible. */
export interface PunchMark {
  epoch: bigint;
  minor: number;
}

export const NO_PUNCH: PunchMark = { epoch: 0n, minor: 0 };

function cmpEM(ae: bigint, am: number, be: bigint, bm: number): number {
  return ae < be ? -1 : ae > be ? 1 : am - bm;
}

/** What vos_ilog_fetch/vos_parse_ilog learn about an entity at an epoch. */
export interface IlogInfo {
  /** Epoch of the creation the entity's current incarnation started at (0: not visible). */
  create: bigint;
  /** The newest punch (own or inherited) at or below the read epoch. */
  priorPunch: PunchMark;
  visible: boolean;
}

/**
 * vos_parse_ilog at `epoch`: newest first among entries ≤ epoch; the first punch ends the walk;
 * updates after it make the entity visible from the oldest of them. The parent's punch hides
 * entries at or below it.
 */
export function ilogParse(entries: IlogEntry[], epoch: bigint, parentPunch: PunchMark): IlogInfo {
  let create = 0n;
  let prior: PunchMark = parentPunch;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as IlogEntry;
    if (e.epoch > epoch) continue;
    if (e.txId === 0) continue; // removed (aborted) entry
    const m = entryMinor(e);
    if (cmpEM(e.epoch, m, parentPunch.epoch, parentPunch.minor) <= 0) break;
    if (isPunch(e)) {
      if (cmpEM(e.epoch, e.punchMinor, prior.epoch, prior.minor) > 0) {
        prior = { epoch: e.epoch, minor: e.punchMinor };
      }
      break;
    }
    create = e.epoch;
  }
  return { create, priorPunch: prior, visible: create !== 0n };
}

/**
 * ilog_update / ilog_modify: add an update (punch = false) or punch entry at (epoch, minor).
 * An entry at the same epoch is merged (fixed-epoch, non-DTX callers): the later operation
 * wins, so its minor becomes the larger one.
 */
export function ilogModify(
  mem: VosMem,
  off: number,
  epoch: bigint,
  minor: number,
  punch: boolean,
): IlogEntry[] {
  const entries = ilogEntries(mem, off);
  let i = entries.findIndex((e) => e.epoch >= epoch);
  if (i < 0) i = entries.length;
  const same = entries[i];
  if (same !== undefined && same.epoch === epoch) {
    if (punch) {
      same.punchMinor = Math.max(same.punchMinor, minor);
      if (same.updateMinor >= same.punchMinor) same.updateMinor = same.punchMinor - 1;
    } else {
      same.updateMinor = Math.max(same.updateMinor, minor);
      if (same.punchMinor >= same.updateMinor) same.punchMinor = same.updateMinor - 1;
    }
    if (same.punchMinor < 0 || same.updateMinor < 0) throw derError('NO_PERM', 'ilog minor clash');
  } else {
    entries.splice(i, 0, {
      epoch,
      // The DTX being published (vos/dtx-table.ts) or DTX_LID_COMMITTED (solo update).
      txId: dtxIlogLid(mem, off, epoch),
      punchMinor: punch ? minor : 0,
      updateMinor: punch ? 0 : minor,
    });
  }
  ilogStore(mem, off, entries);
  mem.effect({
    kind: 'ilog.' + (punch ? 'punch' : 'update'),
    ilog: off,
    epoch: epoch.toString(),
    minor,
  });
  return entries;
}

/** Drop entries (aggregation/tests); kept for completeness of the structure's API. */
export function ilogReplace(mem: VosMem, off: number, entries: IlogEntry[]): void {
  ilogStore(mem, off, entries);
}
