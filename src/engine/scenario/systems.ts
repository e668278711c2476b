/**
 * Installs every system's ops into the registry, once. Each system owns its op specs in its
 * own folder; add ONE line here per system (e.g. `registerOps(CEPH_OPS)`).
 */
import { registerOps, registerClusterCheck } from './registry.ts';
import { DAOS_OPS, checkDaosCluster } from '../daos/ops.ts';
import { registerPlacement } from '../ceph/ops/placement-ops.ts';
import { registerCephIo } from '../ceph/scenario-ops.ts';
import { registerVos } from '../vos/ops.ts';

let done = false;

export function ensureSystemsRegistered(): void {
  if (done) return;
  done = true;
  registerOps(DAOS_OPS);
  registerClusterCheck('daos', checkDaosCluster);
  registerPlacement(); // ceph_osd_map, crush_map + the ceph.placement pipeline
  registerCephIo(); // rados_*, rbd_*, fault_kill_osd, restart (osd)
  registerVos(true); // `vos` = the default DAOS target store (issue #4); vos_obj_* ops, VOS steps
}
