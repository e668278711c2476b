/**
 * What the IO path needs from the OSDMap (the placement helper's `osdmap/` implements the
 * real thing: object → rjenkins → stable_mod → pps → CRUSH → up/acting/primary). Each epoch
 * is an immutable view; the monitor produces a new view when an OSD goes down or up.
 */
import type { Json } from '../../trace/event.ts';
import type { PgId } from '../types.ts';
import type { CrushStep } from './crush-steps.ts';

export interface PoolInfo {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  readonly minSize: number;
  readonly pgNum: number;
}

export interface PgPlacement {
  readonly up: readonly number[];
  readonly acting: readonly number[];
  /** acting primary, -1 when no OSD of the PG is up. */
  readonly primary: number;
}

export interface ObjectPlacement extends PgPlacement {
  readonly pgid: PgId;
  /** ceph_str_hash_rjenkins(name): the raw pg seed. */
  readonly rawHash: number;
}

export interface PgCrush {
  /** raw_pg_to_pps: the x CRUSH hashes. */
  readonly pps: number;
  readonly steps: readonly CrushStep[];
  /** crush_do_rule's result (before non-existent / down OSDs are dropped). */
  readonly raw: readonly number[];
}

export interface OsdMapView {
  readonly epoch: number;
  readonly pools: readonly PoolInfo[];
  /** All OSD ids that exist. */
  readonly osds: readonly number[];
  isUp(osd: number): boolean;
  poolByName(name: string): PoolInfo | undefined;
  poolById(id: number): PoolInfo | undefined;
  /** object_locator_to_pg + raw_pg_to_pg + pg_to_up_acting_osds. */
  mapObject(pool: number, name: string): ObjectPlacement;
  mapPg(pgid: PgId): PgPlacement;
  /** The PG's placement seed and the CRUSH steps that map it (for tracing `_calc_target`). */
  crushOf(pgid: PgId): PgCrush;
  /** `ceph osd tree -f json` at this epoch (CRUSH hierarchy, up/down, reweight). */
  osdTree(): { [k: string]: Json };
  /** A new epoch with `osd` marked down (true) or up (false). */
  withOsdDown(osd: number, down: boolean): OsdMapView;
}
