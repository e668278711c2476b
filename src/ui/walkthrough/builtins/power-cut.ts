/**
 * "Power cut in the middle of an update": a one-target pool; `a` = "one.." is committed (op 5),
 * a power cut is armed at `dbtree_upsert` (op 6), then an update of `a` = "two.." and a new
 * akey `c` (op 7) loses power inside its SCM transaction. `restart` (op 8) runs PMDK-style
 * recovery (undo log, heap, VEA); the fetch (op 10) sees the last committed state. Inline
 * scenario; facts stated by captions are in `expect` and are checked against the engine by
 * builtins.test.ts.
 */
import type { WalkthroughDoc } from '../doc.ts';

const sv = (akey: string): { [k: string]: string | number } => ({
  akey,
  type: 'DAOS_IOD_SINGLE',
  size: 5,
});

export const POWER_CUT_WALKTHROUGH: WalkthroughDoc = {
  schema: 'iopath.walkthrough/1',
  title: 'Power cut in the middle of an update',
  description:
    'One DAOS target loses power while an update is changing its VOS trees in SCM. The update fails; after the restart the undo log rolls the half-made changes back and a fetch returns the last committed value.',
  scenario: {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'Power cut inside a VOS transaction',
    description:
      'Commit a = "one..", arm a power cut at dbtree_upsert, update a = "two.." and c = "new..", restart the target, fetch a and c.',
    cluster: { daos: { engines: 1, targets_per_engine: 1 } },
    ops: [
      { op: 'daos_pool_connect', pool: 'tank' },
      { op: 'daos_cont_create', pool: 'tank', cont: 'c' },
      { op: 'daos_cont_open', pool: 'tank', cont: 'c' },
      {
        op: 'daos_obj_generate_oid',
        cont: 'c',
        otype: 'DAOS_OT_MULTI_HASHED',
        oclass: 'OC_S1',
        as: 'o',
      },
      { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
      { op: 'daos_obj_update', obj: 'o', dkey: 'd', iods: [sv('a')], data: [{ utf8: 'one..' }] },
      { op: 'fault_power_cut', target: 'engine0.tgt0', at_step: 'dbtree_upsert' },
      {
        op: 'daos_obj_update',
        obj: 'o',
        dkey: 'd',
        iods: [sv('a'), sv('c')],
        data: [{ utf8: 'two..' }, { utf8: 'new..' }],
      },
      { op: 'restart', target: 'engine0.tgt0' },
      { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
      { op: 'daos_obj_fetch', obj: 'o', dkey: 'd', iods: [sv('a'), sv('c')] },
    ],
  },
  stops: [
    {
      at: { step: 'vos_reserve_single', op: 5, phase: 'exit' },
      caption:
        'First, akey `a` = "one..": 5 bytes, below the 4 KiB threshold, so VOS puts them in SCM at **0x134070**.',
      view: 'scm',
      expect: {
        'data.biov.bi_addr.ba_type': 'DAOS_MEDIA_SCM',
        'data.biov.bi_addr.ba_off': '0x134070',
        'data.biov.bi_data_len': 5,
      },
    },
    {
      at: { step: 'daos_obj_update', op: 5, phase: 'exit' },
      caption: 'That update **commits** (rc 0).',
      expect: { rc: 0 },
    },
    {
      at: { step: 'fault_power_cut', op: 6 },
      caption:
        'The fault is **armed**: target `engine0.tgt0` will lose power at the first persistence point (a flush or drain) after the next `dbtree_upsert` starts.',
      expect: { 'data.target': 'engine0.tgt0', 'data.armed': 'dbtree_upsert' },
    },
    {
      at: { step: 'daos_obj_update', op: 7 },
      caption: 'The second update changes `a` to "two.." and adds a new akey `c` = "new..".',
      expect: {
        'data.nr': 2,
        'data.iods.0.iod_name.iov_buf': 'a',
        'data.iods.1.iod_name.iov_buf': 'c',
      },
    },
    {
      at: { step: 'vos_tx_begin', op: 7, phase: 'exit' },
      caption:
        '**vos_tx_begin** opens the SCM transaction: from here every change to persistent memory is first saved in the undo log.',
      view: 'scm',
      expect: { 'effects.0.kind': 'tx.begin' },
    },
    {
      at: { step: 'dbtree_update', op: 7, phase: 'exit' },
      caption:
        'Inside the transaction the new value of `a` is already linked into its single-value tree (a new record allocated).',
      view: 'vos-tree',
      expect: { 'data.svt_rec_alloc': true },
    },
    {
      at: { step: 'btr_insert', op: 7 },
      caption:
        'The new akey `c` needs a slot in the akey tree: **btr_insert** starts changing a tree node in SCM…',
      view: 'vos-tree',
      expect: { 'data.tree': 'VOS_BTR_AKEY' },
    },
    {
      at: { step: 'fault_power_cut', op: 7 },
      caption:
        '…and at the next **SCM flush** the power is gone. The transaction never commits: SCM holds a half-changed tree plus the undo log.',
      view: 'scm',
      expect: { 'data.target': 'engine0.tgt0', 'data.at': 'scm.flush' },
    },
    {
      at: { step: 'obj_comp_cb', op: 7 },
      caption:
        'The client never gets a reply: the RPC times out (**-1011**, DER_TIMEDOUT) and the client retries after refreshing the pool map.',
      expect: { 'data.result': -1011, 'data.retry': true },
    },
    {
      at: { step: 'obj_pool_query_task', op: 7, phase: 'exit' },
      caption: 'The new pool map (version 2) has target 0 **down**.',
      expect: { 'data.new_map_ver': 2, 'data.down': [0] },
    },
    {
      at: { step: 'daos_obj_update', op: 7, phase: 'exit' },
      caption:
        'OC_S1 has a single replica, so there is nowhere else to write: the update fails with **DER_IO** (-2001).',
      expect: { rc: -2001 },
    },
    {
      at: { step: 'ulog_recover', op: 8, phase: 'exit' },
      caption:
        'The target restarts. Opening the pool finds an unfinished transaction: **ulog_recover** copies the saved old bytes (64 of them) back — the half-made change is undone.',
      view: 'scm',
      expect: { actor: 'engine0.tgt0', 'data.restored_bytes': 64 },
    },
    {
      at: { step: 'direct_scm_access', op: 10 },
      caption:
        "The fetch of `a` reads 5 bytes from SCM at 0x134070 — the first update's value; the interrupted update's reservation was never published.",
      view: 'scm',
      expect: { 'data.bi_addr.ba_off': '0x134070', 'data.bi_data_len': 5 },
    },
    {
      at: { step: 'obj_rw_reply', op: 10 },
      caption:
        'The reply: `a` has size 5 ("one..", the last committed value) and `c` has size 0 — it does not exist. Nothing of the interrupted update survived.',
      expect: { 'data.orw_ret': 0, 'data.orw_iod_sizes': [5, 0] },
    },
    {
      at: { step: 'daos_obj_fetch', op: 10, phase: 'exit' },
      caption: 'The application reads "one.." back.',
      expect: { rc: 0 },
    },
  ],
};
