/**
 * A checkpointed view's derivation is built ahead of the cursor in short idle slices by the
 * page-wide warmer (state/warmer.ts), so a first seek far into a big trace replays at most one
 * interval instead of folding the whole prefix in one long task. Views register their
 * derivations at module load (`registerWarm`); this hook only makes sure a mounted view's is.
 */
import { useEffect } from 'react';
import { registerWarm, type Warmable } from '../../state/warmer.ts';

export function useWarmCheckpoints(derived: Warmable): void {
  useEffect(() => registerWarm(derived), [derived]);
}
