/**
 * Installs every system's ops into the registry, once. Each system owns its op specs in its
 * own folder; add ONE line here per system (e.g. `registerOps(CEPH_OPS)`).
 */
import { getOp, overrideOp, registerOps, registerClusterCheck } from './registry.ts';
import type { OpSpec } from './types.ts';
import { DAOS_FAULT_OPS, restartOp } from '../daos/faults.ts';
import { DAOS_KV_ARRAY_OPS } from '../daos/kv-array.ts';
import { DAOS_OPS, checkDaosCluster } from '../daos/ops.ts';
import { registerPlacement } from '../ceph/ops/placement-ops.ts';
import { registerCephIo } from '../ceph/scenario-ops.ts';
import { registerVos } from '../vos/ops.ts';
import { mediaRestartOp, powerCutOp } from '../vos/power-ops.ts';
import { powerCutDispatchOp } from '../ceph/power-cut.ts';
import { dropDispatchOp, partitionDispatchOp } from '../ceph/net-faults.ts';

let done = false;

export function ensureSystemsRegistered(): void {
  if (done) return;
  done = true;
  registerOps(DAOS_OPS);
  registerClusterCheck('daos', checkDaosCluster);
  registerPlacement(); // ceph_osd_map, crush_map + the ceph.placement pipeline
  registerCephIo(); // rados_*, rbd_*, fault_kill_osd, restart (osd)
  registerVos(true); // `vos` = the default DAOS target store (issue #4); vos_obj_* ops, VOS steps
  registerOps(DAOS_FAULT_OPS); // fault_kill_target, fault_drop_messages, fault_partition
  overrideOp(partitionDispatchOp(getOp('fault_partition') as OpSpec)); // DAOS fabric | Ceph messenger
  overrideOp(dropDispatchOp(getOp('fault_drop_messages') as OpSpec)); // DAOS fabric | Ceph messenger
  registerOps(DAOS_KV_ARRAY_OPS); // daos_kv_*, daos_array_*
  overrideOp(restartOp(getOp('restart'))); // restart: `target` (DAOS) or `osd` (Ceph)
  registerOps([powerCutDispatchOp(powerCutOp)]); // fault_power_cut: target's SCM + NVMe | osd's device
  overrideOp(mediaRestartOp(getOp('restart'))); // restart after a power cut: media.recovery first
}
