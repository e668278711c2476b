/**
 * The pipeline catalog: every pipeline the engine emits events for, by id. The engine tags its
 * events with these step ids; the UI lays out its diagrams from them; a test checks that every
 * non-optional step is reached when the built-in scenarios run.
 */
import type { PipelineDef } from './types.ts';
import { DAOS_UPDATE } from './daos-update.ts';
import { DAOS_FETCH } from './daos-fetch.ts';
import { DAOS_SETUP } from './daos-setup.ts';
import { DAOS_LIST } from './daos-list.ts';
import { DAOS_PUNCH } from './daos-punch.ts';
import { MEDIA_RECOVERY } from './media-recovery.ts';
import { CEPH_WRITE } from './ceph-write.ts';
import { CEPH_READ } from './ceph-read.ts';
import { CEPH_RECOVERY } from './ceph-recovery.ts';
import { DAOS_RW_REPLICATED } from './daos-rw-replicated.ts';
import { DTX_COMMIT } from './dtx-commit.ts';
import { DAOS_FAULT, DAOS_REINTEGRATE } from './daos-fault.ts';

export { DAOS_UPDATE, DAOS_FETCH, DAOS_SETUP, MEDIA_RECOVERY };
export { DAOS_LANES } from './lanes.ts';
export { DAOS_LIST, DAOS_PUNCH, DAOS_RW_REPLICATED, DTX_COMMIT };

export const PIPELINES: Record<string, PipelineDef> = {
  [DAOS_SETUP.id]: DAOS_SETUP,
  [DAOS_UPDATE.id]: DAOS_UPDATE,
  [DAOS_FETCH.id]: DAOS_FETCH,
  [DAOS_LIST.id]: DAOS_LIST,
  [DAOS_PUNCH.id]: DAOS_PUNCH,
  [DAOS_RW_REPLICATED.id]: DAOS_RW_REPLICATED,
  [DTX_COMMIT.id]: DTX_COMMIT,
  [DAOS_FAULT.id]: DAOS_FAULT,
  [DAOS_REINTEGRATE.id]: DAOS_REINTEGRATE,
  [MEDIA_RECOVERY.id]: MEDIA_RECOVERY,
  [CEPH_WRITE.id]: CEPH_WRITE,
  [CEPH_READ.id]: CEPH_READ,
  [CEPH_RECOVERY.id]: CEPH_RECOVERY,
};

/** A pipeline by id, or undefined. */
export function getPipeline(id: string): PipelineDef | undefined {
  return Object.prototype.hasOwnProperty.call(PIPELINES, id) ? PIPELINES[id] : undefined;
}

/**
 * Add a pipeline (other systems — Ceph, media, DTX — register theirs from their own folder).
 * Ids are unique: registering the same id twice is a bug.
 */
export function registerPipeline(p: PipelineDef): void {
  if (getPipeline(p.id) && PIPELINES[p.id] !== p)
    throw new Error(`pipeline ${p.id} already registered`);
  PIPELINES[p.id] = p;
}

/** The step of a pipeline, or undefined. */
export function getStep(pipelineId: string, stepId: string) {
  return getPipeline(pipelineId)?.steps.find((s) => s.id === stepId);
}
