/**
 * "Replicated write with DTX": five 1 KiB updates of an OC_RP_3G1 object (3 replicas on three
 * engines) with a DTX batch-commit threshold of 2. The first update (op 5) is committed
 * synchronously; later ones (op 6 on) are answered while their DTX is only *committable* and
 * are committed later in a batch (op 9). Inline scenario; facts stated by captions are in
 * `expect` and are checked against the engine by builtins.test.ts.
 */
import type { Json } from '../../../protocol/index.ts';
import type { WalkthroughDoc } from '../doc.ts';

const update = (i: number): { [k: string]: Json } => ({
  op: 'daos_obj_update',
  obj: 'o',
  dkey: `dkey_${i}`,
  iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 1024 }],
  data: [{ fill: 'random', len: 1024, seed: i + 1 }],
});

export const REPLICATED_DTX_WALKTHROUGH: WalkthroughDoc = {
  schema: 'iopath.walkthrough/1',
  title: 'Replicated write with DTX',
  description:
    'An OC_RP_3G1 object keeps three replicas on three engines. Each update goes to one leader, which forwards it to the two other replicas inside a distributed transaction (DTX) and commits it — at once for the first write, later in batches for the others.',
  scenario: {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'OC_RP_3G1 updates with DTX batched commit',
    description:
      'Five 1 KiB single-value updates (dkey_0 … dkey_4) of a 3-way replicated object; DTX commit threshold 2; fetch dkey_0.',
    cluster: { daos: { engines: 3, targets_per_engine: 4, dtx_threshold_count: 2 } },
    ops: [
      { op: 'daos_pool_connect', pool: 'tank' },
      { op: 'daos_cont_create', pool: 'tank', cont: 'c' },
      { op: 'daos_cont_open', pool: 'tank', cont: 'c' },
      {
        op: 'daos_obj_generate_oid',
        cont: 'c',
        otype: 'DAOS_OT_MULTI_HASHED',
        oclass: 'OC_RP_3G1',
        as: 'o',
      },
      { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
      update(0),
      update(1),
      update(2),
      update(3),
      update(4),
      {
        op: 'daos_obj_fetch',
        obj: 'o',
        dkey: 'dkey_0',
        iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 1024 }],
      },
    ],
  },
  stops: [
    {
      at: { step: 'obj_req_fanout', op: 5 },
      caption:
        '**obj_req_fanout**: OC_RP_3G1 is one group of **3** replicas. The client does not write all three itself: with server dispatch it sends the update to the group leader, shard 0.',
      expect: {
        'data.grp_nr': 1,
        'data.grp_size': 3,
        'data.srv_disp': true,
        'data.leader_shard': 0,
      },
    },
    {
      at: { step: 'crt_req_send', op: 5, actor: 'client' },
      caption: 'One **DAOS_OBJ_RPC_UPDATE** goes to the leader, `engine1.tgt0`.',
      view: 'sequence',
      expect: { 'data.opc': 'DAOS_OBJ_RPC_UPDATE', 'data.to': 'engine1.tgt0' },
    },
    {
      at: { step: 'dtx_leader_begin', op: 5 },
      caption:
        '**dtx_leader_begin** opens the DTX on the leader with 2 other targets. The leader has not seen this object before, so this DTX is *DTX_SYNC*: it will be committed before the client gets its answer.',
      expect: {
        actor: 'engine1.tgt0',
        'data.tgt_cnt': 2,
        'data.flags': ['DTX_SYNC', 'DTX_EPOCH_OWNER'],
      },
    },
    {
      at: { step: 'dtx_leader_exec_ops', op: 5 },
      caption:
        '**dtx_leader_exec_ops** runs 3 sub-operations: 2 forwarded to the replicas, then the local one.',
      expect: { 'data.forward_cnt': 2, 'data.sub_cnt': 3 },
    },
    {
      at: { step: 'crt_req_send', op: 5, actor: 'engine1.tgt0' },
      caption:
        'The leader forwards the update as **DAOS_OBJ_RPC_TGT_UPDATE** to replica `engine2.tgt2` (and then to `engine0.tgt0`) *before* writing its own copy.',
      view: 'sequence',
      expect: { 'data.opc': 'DAOS_OBJ_RPC_TGT_UPDATE', 'data.to': 'engine2.tgt2' },
    },
    {
      at: { step: 'dtx_begin', op: 5, actor: 'engine2.tgt2' },
      caption:
        'On the replica, **dtx_begin** joins the same DTX (same id) at the **same epoch** the leader chose: all three copies carry one timestamp.',
      expect: {
        'data.dti.dti_uuid': 'fb4a88f39e0d5428915b882b1305e555',
        'data.epoch': '0x2307fb4757e00002',
      },
    },
    {
      at: { step: 'dtx_leader_end', op: 5 },
      caption: '**dtx_leader_end**: all three sub-operations succeeded (leader and both replicas).',
      expect: {
        'data.result': 0,
        'data.sub_results.0.ret': 0,
        'data.sub_results.1.ret': 0,
        'data.sub_results.2.ret': 0,
      },
    },
    {
      at: { step: 'dtx_commit', op: 5 },
      caption:
        'Because of DTX_SYNC the leader commits right away: **dtx_commit** of 1 DTX, sent as DTX_COMMIT to both replicas.',
      view: 'sequence',
      expect: { actor: 'engine1.tgt0', 'data.count': 1 },
    },
    {
      at: { step: 'dtx_leader_end', op: 5, phase: 'exit' },
      caption: 'Only then is the DTX **committed** and the client answered.',
      expect: { 'data.state': 'DTX_ST_COMMITTED' },
    },
    {
      at: { step: 'dtx_leader_begin', op: 6 },
      caption:
        'The second update (`dkey_1`) hashes to another leader, `engine2.tgt2`. The object is known now: no DTX_SYNC.',
      expect: { actor: 'engine2.tgt2', 'data.flags': ['DTX_EPOCH_OWNER'] },
    },
    {
      at: { step: 'dtx_cos_add', op: 6 },
      caption:
        'All replicas succeeded, but instead of committing, the leader adds the DTX to its **commit-on-share** (CoS) cache…',
      expect: { actor: 'engine2.tgt2', 'data.dti.dti_uuid': '054b678bc20c2a30b9bdb58e5655a950' },
    },
    {
      at: { step: 'dtx_leader_end', op: 6, phase: 'exit' },
      caption:
        '…and the DTX is only **committable**: the data is on all three replicas, the commit record is not yet.',
      expect: { 'data.state': 'DTX_ST_COMMITTABLE' },
    },
    {
      at: { step: 'obj_comp_cb', op: 6 },
      caption: 'The client is answered anyway — the update succeeded, one round trip fewer.',
      expect: { 'data.result': 0 },
    },
    {
      at: { step: 'dtx_batched_commit', op: 9 },
      caption:
        'Later, `engine2.tgt2` holds **2** committable DTXs — the threshold — and its batched commit starts.',
      expect: { actor: 'engine2.tgt2', 'data.committable': 2, 'data.threshold': 2 },
    },
    {
      at: { step: 'dtx_commit', op: 9 },
      caption:
        "One **dtx_commit** for both, the second update's DTX first: one DTX_COMMIT RPC per replica carries 2 DTX ids.",
      view: 'sequence',
      expect: { 'data.count': 2, 'data.dti.0.dti_uuid': '054b678bc20c2a30b9bdb58e5655a950' },
    },
    {
      at: { step: 'vos_dtx_commit', op: 9, actor: 'engine0.tgt0', phase: 'exit' },
      caption: 'On replica `engine0.tgt0`, **vos_dtx_commit** marks both DTXs committed in VOS.',
      expect: { 'data.committed': 2 },
    },
  ],
};
