/**
 * The VOS tree state through checkpoints, one per page: the VOS tree view and the evtree plot
 * both draw it, so they share its checkpoints (and its idle warming) instead of each folding
 * the whole trace into a copy of its own.
 */
import { createDerived } from '../../derive/createDerived.ts';
import { vosTreeInitial, vosTreeReducer } from '../../derive/vostree.ts';
import { registerWarm } from '../../state/warmer.ts';

export const vosDerived = createDerived(vosTreeReducer, vosTreeInitial(), 256);
registerWarm(vosDerived);
