/**
 * `ceph.placement`: how Ceph finds the OSDs of an object — the monitor's answer to
 * `ceph osd map POOL OBJECT` (OSDMap: object → raw pg → pg → pps → CRUSH → up/acting) and
 * crushtool's `--test` (one `crush_do_rule`). The CRUSH steps are emitted as they happen
 * inside the mapper (bucket draws, collisions, out devices), spec §3.2–3.3 and §4.
 */
import type { PipelineDef } from '../../pipelines/types.ts';

export const CEPH_PLACEMENT: PipelineDef = {
  id: 'ceph.placement',
  system: 'ceph',
  title: 'Ceph placement: object → PG → OSDs (CRUSH)',
  summary:
    'An object name is hashed (rjenkins) to a placement seed, folded into one of the pool’s ' +
    'pg_num PGs, hashed with the pool id into the CRUSH input, and CRUSH walks the map ' +
    '(root → hosts → OSDs) drawing straws until it has `size` distinct OSDs; down OSDs are ' +
    'then dropped to form the up and acting sets.',
  lanes: [
    { id: 'mon', label: 'monitor (OSDMonitor)' },
    { id: 'osdmap', label: 'OSDMap' },
    { id: 'crush', label: 'CRUSH mapper' },
  ],
  steps: [
    {
      id: 'preprocess_command',
      lane: 'mon',
      label: 'ceph osd map',
      caption:
        'The monitor answers `ceph osd map POOL OBJECT` from its current OSDMap: no OSD is ' +
        'asked, placement is pure computation that every client can do itself.',
      source: 'src/mon/OSDMonitor.cc',
      optional: true,
    },
    {
      id: 'object_locator_to_pg',
      lane: 'osdmap',
      caption:
        'Hash the object name with ceph_str_hash_rjenkins (Bob Jenkins’ lookup2): the 32-bit ' +
        'result is the raw PG seed, printed as pool.hash (e.g. 2.bd554330).',
      source: 'src/osd/OSDMap.cc',
    },
    {
      id: 'raw_pg_to_pg',
      lane: 'osdmap',
      caption:
        'Fold the raw seed into the pool’s pg_num with ceph_stable_mod, which keeps most objects ' +
        'in place when pg_num grows: this is the PG id (pool.seed in hex, e.g. 1.18).',
      source: 'src/osd/osd_types.cc',
    },
    {
      id: 'raw_pg_to_pps',
      lane: 'osdmap',
      caption:
        'With the hashpspool flag the PG seed is hashed together with the pool id ' +
        '(crush_hash32_2), so PG n of two pools lands on different OSDs: this is CRUSH’s input x.',
      source: 'src/osd/osd_types.cc',
    },
    {
      id: 'crush_do_rule',
      lane: 'crush',
      caption:
        'Run the pool’s CRUSH rule: take the root, choose distinct failure domains, descend to ' +
        'one OSD in each, emit. Only x, the map and the OSD reweights decide the result.',
      source: 'src/crush/mapper.c',
    },
    {
      id: 'crush_choose_firstn',
      lane: 'crush',
      caption:
        'Replicated choice: fill the slots in order; a collision or a rejected OSD retries the ' +
        'whole descent with the next r (r = rep + failures).',
      source: 'src/crush/mapper.c',
      optional: true,
    },
    {
      id: 'crush_choose_indep',
      lane: 'crush',
      caption:
        'Erasure-coded choice: every slot keeps its position; failed slots are retried in later ' +
        'rounds with r = rep + numrep·round and stay empty (NONE) if nothing fits.',
      source: 'src/crush/mapper.c',
      optional: true,
    },
    {
      id: 'crush_bucket_choose',
      lane: 'crush',
      caption:
        'One draw inside a bucket. straw2: every child draws ln(hash(x, id, r))/weight and the ' +
        'largest draw wins, so heavier children win proportionally more often.',
      source: 'src/crush/mapper.c',
    },
    {
      id: 'is_out',
      lane: 'crush',
      caption:
        'An OSD with reweight below 1.0 keeps the pick only if hash(x, osd) falls under its ' +
        'reweight; an out OSD (reweight 0) never does, and CRUSH retries.',
      source: 'src/crush/mapper.c',
      optional: true,
    },
    {
      id: '_pg_to_up_acting_osds',
      lane: 'osdmap',
      caption:
        'From CRUSH’s raw set: drop OSDs that do not exist or are down (up set), apply primary ' +
        'affinity, then pg_temp if any (acting set). The first acting OSD is the primary.',
      source: 'src/osd/OSDMap.cc',
    },
  ],
};
