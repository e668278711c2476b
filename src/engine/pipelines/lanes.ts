/**
 * Lanes shared by the DAOS pipelines: where a step runs. The UI draws one horizontal band per
 * lane, in this order (client at the top, media at the bottom).
 */
import type { LaneDef } from './types.ts';

export const DAOS_LANES: LaneDef[] = [
  { id: 'client', label: 'Client (libdaos)' },
  { id: 'network', label: 'Network (CaRT / Mercury)' },
  { id: 'server', label: 'Engine target (object server)' },
  { id: 'vos', label: 'VOS (versioned object store)' },
  { id: 'scm', label: 'SCM (persistent memory)' },
  { id: 'nvme', label: 'NVMe (SPDK blob)' },
];
