/**
 * The highest epoch already stored in a VOS pool: the maximum `vo_max_write` over every object
 * of every container (the object index is walked with a cursor). An engine that restarts over
 * old media must hand out epochs above it — its HLC starts there (`d_hlc_get_msg` with this
 * value), so a second run over the same devices never reuses or goes below old epochs.
 *
 * Known gap: a dkey/akey punch does not move `vo_max_write`, so an epoch that only a punch used
 * is not seen here (an object punch is: it creates or updates the object record).
 */
import { CONT_DF, OBJ_DF } from './layout.ts';
import type { VosPool } from './pool.ts';

export function vosPoolMaxEpoch(pool: VosPool): bigint {
  const mem = pool.mem;
  let max = 0n;
  const conts = pool.contTree.probe('FIRST');
  if (!conts) return max;
  for (let okC = conts.valid; okC; okC = conts.next()) {
    const cont = pool.cont(mem.read(conts.recOff + CONT_DF.cd_id, 16), false);
    const objs = cont.oi.probe('FIRST');
    if (!objs) continue;
    for (let okO = objs.valid; okO; okO = objs.next()) {
      const mw = mem.u64(objs.recOff + OBJ_DF.vo_max_write);
      if (mw > max) max = mw;
    }
  }
  return max;
}
