/**
 * "A replica dies": the `ceph-osd-failure` built-in (size 3 / min_size 2, three hosts of one
 * OSD). osd.1 is killed after 12 writes (op 12); the write in flight blocks until the monitor
 * marks osd.1 down, the PGs go degraded and writes continue with two copies; osd.1 restarts
 * (op 25) and log-based recovery pushes it what it missed. Facts stated by captions are in
 * `expect` and are checked against the engine by builtins.test.ts.
 */
import type { WalkthroughDoc } from '../doc.ts';

export const REPLICA_DIES_WALKTHROUGH: WalkthroughDoc = {
  schema: 'iopath.walkthrough/1',
  title: 'A replica dies',
  description:
    'A write burst to a 3-way replicated pool (min_size 2). osd.1 dies in the middle: follow the blocked write, the failure reports, the new OSD map, degraded writes on two copies, and the recovery once osd.1 is back.',
  scenario: 'ceph-osd-failure',
  stops: [
    {
      at: { step: 'kill', op: 12 },
      caption:
        'After 12 writes **osd.1** is killed: it stops answering messages and heartbeats. Nobody has noticed yet.',
      expect: { actor: 'osd.1' },
    },
    {
      at: { step: 'issue_op', op: 13, actor: 'osd.2' },
      caption:
        'The next write (`burst-12`, PG 1.6) still uses OSD map epoch 1: primary osd.2 sends the MOSDRepOp to **both** replicas, osd.0 and the dead osd.1. The write cannot complete until every replica in the acting set has committed.',
      view: 'sequence',
      expect: { 'data.pg': '1.6', 'data.replicas': [0, 1], 'data.version': "1'1" },
    },
    {
      at: { step: 'check_failure', actor: 'mon.a', occurrence: 2 },
      caption:
        'osd.0 and osd.2 miss heartbeats from osd.1 and report it. With **two reporters** after 23.1 s (grace 20 s) the monitor decides osd.1 is down.',
      expect: {
        'data.target': 'osd.1',
        'data.reporters': ['osd.0', 'osd.2'],
        'data.grace_s': 20,
      },
    },
    {
      at: { step: 'OSDMonitor::update_from_paxos', occurrence: 1 },
      caption: 'The monitor publishes OSD map **epoch 2** with osd.1 marked down.',
      view: 'placement',
      expect: { 'data.epoch': 2, 'data.down': [1] },
    },
    {
      at: { step: 'AllReplicasActivated', actor: 'osd.0', occurrence: 1 },
      caption:
        'The PGs re-peer on epoch 2 without osd.1. Two copies still meet min_size 2, so PG 1.2 goes **active+undersized+degraded**: it keeps serving writes.',
      expect: {
        'data.pg': '1.2',
        'data.acting': [0, 2],
        'data.state': 'active+undersized+degraded',
      },
    },
    {
      at: { step: 'already_complete', op: 13 },
      caption:
        "The client resends the blocked write on the new map. The PG log already has its reqid at version 1'1, so the primary answers it **without writing it twice**.",
      expect: { 'data.reqid': 'client.4124.0:13', 'data.version': "1'1" },
    },
    {
      at: { step: 'issue_op', op: 14, actor: 'osd.2' },
      caption:
        "A degraded write: `burst-13` in PG 1.1 goes to the only remaining replica, osd.0 — two copies, version 2'1 (epoch 2).",
      view: 'sequence',
      expect: { 'data.pg': '1.1', 'data.replicas': [0], 'data.version': "2'1" },
    },
    {
      at: { step: 'OSD::init', op: 25 },
      caption:
        'osd.1 restarts: **OSD::init** on map epoch 2, in which it is still marked down, so it must announce its boot to the monitor.',
      expect: { actor: 'osd.1', 'data.epoch': 2 },
    },
    {
      at: { step: 'OSDMonitor::update_from_paxos', op: 25 },
      caption: 'osd.1 boots: epoch 3 marks it up again, and nothing is down.',
      view: 'placement',
      expect: { 'data.epoch': 3, 'data.down': [] },
    },
    {
      at: { step: 'ReplicaActive', op: 25, actor: 'osd.1', occurrence: 3 },
      caption:
        "Peering compares PG logs: in PG 1.1 osd.1 is **missing** `burst-13` and `burst-14`, written while it was down (last_update 2'2).",
      expect: { 'data.pg': '1.1', 'data.missing': ['burst-13', 'burst-14'] },
    },
    {
      at: { step: 'recover_object', op: 26 },
      caption:
        'Log-based recovery, object by object: the primary of PG 1.6, osd.2, pushes `burst-12` to osd.1.',
      expect: { actor: 'osd.2', 'data.oid': 'burst-12', 'data.push_to': [1] },
    },
    {
      at: { step: 'handle_push', op: 26 },
      caption:
        "osd.1 applies the pushed object (4096 bytes, version 1'1) as one transaction: remove, touch, write, setattrs.",
      expect: { actor: 'osd.1', 'data.oid': 'burst-12', 'data.bytes': 4096, 'data.version': "1'1" },
    },
    {
      at: { step: 'on_local_recover', op: 26 },
      caption: 'PG 1.6 on osd.1 has nothing missing any more.',
      expect: { actor: 'osd.1', 'data.pg': '1.6', 'data.missing_left': 0 },
    },
  ],
};
