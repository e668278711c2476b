/** Built-in walkthroughs, by name (the record script and the picker use these names). */
import type { WalkthroughDoc } from '../doc.ts';
import { CEPH_RBD_WRITE_WALKTHROUGH } from './ceph-rbd-write.ts';
import { DAOS_UPDATE_WALKTHROUGH } from './daos-update.ts';
import { POWER_CUT_WALKTHROUGH } from './power-cut.ts';
import { REPLICATED_DTX_WALKTHROUGH } from './replicated-dtx.ts';
import { REPLICA_DIES_WALKTHROUGH } from './replica-dies.ts';
import { SCM_OR_NVME_WALKTHROUGH } from './scm-or-nvme.ts';

export const BUILTIN_WALKTHROUGHS: Record<string, WalkthroughDoc> = {
  'daos-update': DAOS_UPDATE_WALKTHROUGH,
  'scm-or-nvme': SCM_OR_NVME_WALKTHROUGH,
  'replicated-dtx': REPLICATED_DTX_WALKTHROUGH,
  'power-cut': POWER_CUT_WALKTHROUGH,
  'ceph-rbd-write': CEPH_RBD_WRITE_WALKTHROUGH,
  'replica-dies': REPLICA_DIES_WALKTHROUGH,
};
