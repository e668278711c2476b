/**
 * The op registry: every system registers its ops (`OpSpec`) here from its own folder; the
 * validator and the runner only look names up. `systems.ts` is the one place that installs
 * all systems.
 */
import type { OpSpec } from './types.ts';

const ops = new Map<string, OpSpec>();

/** Register ops. Registering a different spec under an existing name is a bug. */
export function registerOps(specs: readonly OpSpec[]): void {
  for (const s of specs) {
    const prev = ops.get(s.name);
    if (prev && prev !== s) throw new Error(`op ${s.name} is already registered`);
    ops.set(s.name, s);
  }
}

/**
 * Replace a registered op by one that serves several systems under the same name (`restart`
 * of an OSD or of a DAOS target); the new spec usually delegates to the old one.
 */
export function overrideOp(spec: OpSpec): void {
  ops.set(spec.name, spec);
}

export function getOp(name: string): OpSpec | undefined {
  return ops.get(name);
}

/** All registered ops, sorted by name. */
export function allOps(): OpSpec[] {
  return [...ops.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A validator for one system's `cluster.<name>` section (`cluster.ceph` is checked by the Ceph
 * system). Returns the first problem as "<path relative to the section>: message".
 */
export type ClusterCheck = (section: unknown) => string | null;

const clusterChecks = new Map<string, ClusterCheck>();

export function registerClusterCheck(system: string, check: ClusterCheck): void {
  clusterChecks.set(system, check);
}

export function getClusterCheck(system: string): ClusterCheck | undefined {
  return clusterChecks.get(system);
}
