/**
 * Which storage a DAOS target uses, by name: `temporary` (TemporaryValueStore, the default
 * until the VOS issue lands) or whatever another system registers (e.g. `vos`). A scenario can
 * pick one with `cluster.daos.store`; the VOS system registers its factory from systems.ts and
 * may make itself the default.
 */
import type { Runtime } from '../core/runtime.ts';
import type { TargetStore } from './target-store.ts';
import { TemporaryValueStore } from './temporary-store.ts';

/** Builds the store of one target (`actor` = `engine0.tgt1`, `id` = global target id). */
export type TargetStoreFactory = (
  rt: Runtime,
  target: { id: number; rank: number; idx: number; actor: string },
  config: { scmBytes: number; nvmeBytes: number },
) => TargetStore;

const factories = new Map<string, TargetStoreFactory>([
  ['temporary', (rt, t) => new TemporaryValueStore(rt, t.actor)],
]);
let defaultName = 'temporary';

export function registerTargetStore(
  name: string,
  factory: TargetStoreFactory,
  makeDefault = false,
): void {
  factories.set(name, factory);
  if (makeDefault) defaultName = name;
}

export function getTargetStoreFactory(name?: string): TargetStoreFactory | undefined {
  return factories.get(name ?? defaultName);
}

export function targetStoreNames(): string[] {
  return [...factories.keys()];
}

export function defaultTargetStore(): string {
  return defaultName;
}
