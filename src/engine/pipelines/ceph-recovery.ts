/**
 * `ceph.recovery`: Ceph OSD failure, peering and recovery. Step ids are the real Ceph function names the engine emits
 * (src/engine/ceph); order = the order a simple run reaches them (spec ceph-io-path.md).
 */
import type { PipelineDef } from './types.ts';
import { OSD_DISPATCH_STEPS, STORE_INTERNAL_STEPS, recaptioned } from './ceph-common-steps.ts';

export const CEPH_RECOVERY: PipelineDef = {
  id: 'ceph.recovery',
  system: 'ceph',
  title: 'Ceph OSD failure, peering and recovery',
  summary:
    'Heartbeats detect a dead OSD, the monitor marks it down, PGs peer by messages (GetInfo \u2192 GetLog \u2192 GetMissing \u2192 Activating \u2192 Active, undersized+degraded), and when it returns log-based recovery pushes what it missed.',
  lanes: [
    {
      id: 'network',
      label: 'Network (messenger)',
    },
    {
      id: 'mon',
      label: 'Monitor',
    },
    {
      id: 'osd',
      label: 'OSDs',
    },
    {
      id: 'store',
      label: 'Object store',
    },
  ],
  steps: [
    {
      id: 'fault_kill_osd',
      lane: 'osd',
      caption: 'Fault: the OSD process dies; the map still says it is up.',
      source: 'src/ceph_osd.cc',
      optional: true,
    },
    {
      id: 'kill',
      lane: 'osd',
      caption: 'The OSD is gone: in-memory state lost, the store keeps only what was durable.',
      source: 'src/ceph_osd.cc',
      optional: true,
    },
    {
      id: 'fault_partition',
      lane: 'network',
      caption:
        'Fault: two entities cannot reach each other. TCP keeps the connection and retransmits (RTO 0.2 s doubling, max 120 s): what crosses the cut arrives at the first retransmission after the heal.',
      source: 'src/msg/async/AsyncConnection.cc',
      optional: true,
    },
    {
      id: 'fault_drop_messages',
      lane: 'network',
      caption:
        'Fault: the next messages are lost with their socket (ms_inject_socket_failures). OSD ↔ OSD and monitor sessions reconnect and resend; a client connection is reset and the Objecter resends.',
      source: 'src/msg/async/ProtocolV2.cc',
      optional: true,
    },
    {
      id: 'ProtocolV2::fault',
      lane: 'network',
      caption:
        'A connection lost a message with its socket: a lossless peer reconnects (ms_initial_backoff 0.2 s) and resends what was not acked; a lossy one is reset.',
      source: 'src/msg/async/ProtocolV2.cc',
      optional: true,
    },
    {
      id: 'heartbeat_check',
      lane: 'osd',
      caption:
        'No ping reply from a peer for longer than osd_heartbeat_grace (20 s), and the connection was not refused: the peer may be alive behind a broken network.',
      source: 'src/osd/OSD.cc',
      optional: true,
    },
    {
      id: 'send_failures',
      lane: 'osd',
      caption:
        'heartbeat_check: a peer did not answer pings for longer than osd_heartbeat_grace (20 s): MOSDFailure to the monitor.',
      source: 'src/osd/OSD.cc',
    },
    {
      id: 'OSDMonitor::prepare_failure',
      lane: 'mon',
      caption:
        'The monitor records (or, with FLAG_ALIVE, cancels) a failure report; a reporter that is itself down is ignored.',
      source: 'src/mon/OSDMonitor.cc',
      optional: true,
    },
    {
      id: 'check_failure',
      lane: 'mon',
      caption: 'OSDMonitor::check_failure: enough reporters (2) and failed_for ≥ grace?',
      source: 'src/mon/OSDMonitor.cc',
    },
    {
      id: 'OSDMonitor::update_from_paxos',
      lane: 'mon',
      caption: 'A new OSDMap epoch (OSD down or up) is published to OSDs and clients.',
      source: 'src/mon/OSDMonitor.cc',
    },
    {
      id: 'handle_osd_map',
      lane: 'osd',
      caption:
        'Each OSD consumes the map; a PG whose acting set changed starts a new interval and peers.',
      source: 'src/osd/OSD.cc',
    },
    {
      id: 'OSD::note_down_osd',
      lane: 'osd',
      caption:
        'A peer is down in the new map: its connection is marked down and what it still carried (held by a partition) is discarded.',
      source: 'src/osd/OSD.cc',
      optional: true,
    },
    {
      id: '_committed_osd_maps',
      lane: 'osd',
      caption:
        '"wrongly marked me down": the OSD is running but the map says down. osd_markdown_log counts it (more than osd_max_markdown_count 5 in 600 s: it shuts down).',
      source: 'src/osd/OSD.cc',
      optional: true,
    },
    {
      id: 'start_waiting_for_healthy',
      lane: 'osd',
      caption:
        'The OSD rebinds its messengers (every peer and client connection resets) and pings its peers until enough answer (osd_heartbeat_min_healthy_ratio 0.33).',
      source: 'src/osd/OSD.cc',
      optional: true,
    },
    {
      id: '_send_boot',
      lane: 'osd',
      caption: 'Healthy again: MOSDBoot asks the monitor to mark the OSD up.',
      source: 'src/osd/OSD.cc',
      optional: true,
    },
    {
      id: 'OSDMonitor::prepare_boot',
      lane: 'mon',
      caption: 'The monitor marks the booting OSD up in a new epoch.',
      source: 'src/mon/OSDMonitor.cc',
      optional: true,
    },
    {
      id: 'send_still_alive',
      lane: 'osd',
      caption:
        'A peer this OSD reported answers pings again: MOSDFailure with FLAG_ALIVE cancels the report.',
      source: 'src/osd/OSD.cc',
      optional: true,
    },
    {
      id: 'GetInfo',
      lane: 'osd',
      caption:
        'Peering starts: the primary sends MOSDPGQuery(INFO) to every other OSD of the acting set and waits for all answers.',
      source: 'src/osd/PeeringState.cc',
    },
    {
      id: 'fulfill_info',
      lane: 'osd',
      caption:
        'A peer answers with MOSDPGNotify: its pg_info_t (last_update, last_complete, log_tail, last_epoch_started).',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'proc_replica_info',
      lane: 'osd',
      caption: "The primary records a peer's pg_info_t.",
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'GetLog',
      lane: 'osd',
      caption:
        'The authoritative log is the one with the newest last_update; if a peer holds it, the primary asks for it (MOSDPGQuery(LOG)).',
      source: 'src/osd/PeeringState.cc',
    },
    {
      id: 'fulfill_log',
      lane: 'osd',
      caption:
        'A peer sends MOSDPGLog: its log entries since the requested version and its pg_missing_t.',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'proc_master_log',
      lane: 'osd',
      caption:
        'The primary adopts the authoritative log: its own divergent entries are rewound, the newer ones appended, their objects become missing.',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'GetMissing',
      lane: 'osd',
      caption:
        'Peers that are behind (or still missing objects) are asked for their log since their last_epoch_started.',
      source: 'src/osd/PeeringState.cc',
    },
    {
      id: 'proc_replica_log',
      lane: 'osd',
      caption:
        "A peer's log against the authoritative one: the common point, its divergent entries, its pg_missing_t.",
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'WaitUpThru',
      lane: 'osd',
      caption: 'Wait until the monitor records up_thru for this interval (about one map epoch).',
      source: 'src/osd/PeeringState.cc',
    },
    {
      id: 'Activating',
      lane: 'osd',
      caption:
        'activate: each replica gets MOSDPGLog with the entries after its common point and its missing set; the primary waits for the acks.',
      source: 'src/osd/PeeringState.cc',
    },
    {
      id: 'ReplicaActive',
      lane: 'osd',
      caption:
        'A replica rewinds its divergent entries, appends the ones it lacks, records what it misses and acks with MOSDPGInfo.',
      source: 'src/osd/PeeringState.cc',
    },
    {
      id: 'AllReplicasActivated',
      lane: 'osd',
      caption:
        'All acks in: with acting ≥ min_size the PG is active and client I/O resumes (undersized+degraded while a copy is missing).',
      source: 'src/osd/PeeringState.cc',
    },
    {
      id: 'Peered',
      lane: 'osd',
      caption: 'Fewer OSDs than min_size: the PG is peered but not active; client I/O blocks.',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'release_backoffs',
      lane: 'osd',
      caption:
        'The PG went active (or its interval ended): MOSDBackoff(unblock) to the blocked clients, which resend their ops.',
      source: 'src/osd/PG.cc',
      optional: true,
    },
    {
      id: 'WaitLocalRecoveryReserved',
      lane: 'osd',
      caption: 'Recovery reservation on the primary.',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'WaitRemoteRecoveryReserved',
      lane: 'osd',
      caption: 'Recovery reservations on the replicas.',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'Recovering',
      lane: 'osd',
      caption: 'Log-based recovery: the objects named by the missing sets are copied whole.',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'WaitLocalBackfillReserved',
      lane: 'osd',
      caption: 'Backfill reservation on the primary (osd_max_backfills).',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'WaitRemoteBackfillReserved',
      lane: 'osd',
      caption: 'Backfill reservations on the targets.',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'Backfilling',
      lane: 'osd',
      caption:
        'A target whose last_update is older than the log tail cannot use the log: its objects are compared with the primary’s.',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'do_scan',
      lane: 'osd',
      caption: 'The backfill target lists its objects and their versions (MOSDPGScan DIGEST).',
      source: 'src/osd/PrimaryLogPG.cc',
      optional: true,
    },
    {
      id: 'recover_backfill',
      lane: 'osd',
      caption:
        'The primary pushes what the target lacks or holds at another version and removes what it should not have.',
      source: 'src/osd/PrimaryLogPG.cc',
      optional: true,
    },
    {
      id: 'handle_backfill_remove',
      lane: 'osd',
      caption: 'The target deletes objects the primary does not have (MOSDPGBackfillRemove).',
      source: 'src/osd/ReplicatedBackend.cc',
      optional: true,
    },
    {
      id: 'recover_object',
      lane: 'osd',
      caption:
        'recover_object: pull it if the primary lacks it, else push it to every peer that lacks it.',
      source: 'src/osd/ReplicatedBackend.cc',
      optional: true,
    },
    {
      id: 'prep_push',
      lane: 'osd',
      caption: "MOSDPGPush with the object's data, xattrs and omap.",
      source: 'src/osd/ReplicatedBackend.cc',
      optional: true,
    },
    ...recaptioned(
      OSD_DISPATCH_STEPS,
      {
        ms_fast_dispatch: 'The push (or its reply) is tracked like any op.',
        enqueue_op: 'queued_for_pg.',
        dequeue_op: 'reached_pg.',
      },
      { optional: true },
    ),
    {
      id: 'handle_push',
      lane: 'osd',
      caption: 'The peer writes the pushed object into its store.',
      source: 'src/osd/ReplicatedBackend.cc',
      optional: true,
    },
    {
      id: 'append_log',
      lane: 'osd',
      caption: 'Log entries from the authoritative log are appended.',
      source: 'src/osd/PrimaryLogPG.cc',
      optional: true,
    },
    {
      id: 'queue_transactions',
      lane: 'store',
      caption: 'The recovered object (or log) is written to the store.',
      source: 'src/os/filestore/FileStore.cc',
      optional: true,
    },
    ...STORE_INTERNAL_STEPS,
    {
      id: 'on_local_recover',
      lane: 'osd',
      caption: 'The object is now present on this OSD.',
      source: 'src/osd/PrimaryLogPG.cc',
      optional: true,
    },
    {
      id: 'handle_push_reply',
      lane: 'osd',
      caption: 'The primary learns the peer has the object; ops waiting for it run again.',
      source: 'src/osd/ReplicatedBackend.cc',
      optional: true,
    },
    {
      id: 'Recovered',
      lane: 'osd',
      caption: 'Nothing missing anywhere.',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'Clean',
      lane: 'osd',
      caption: 'active+clean: every object has all its copies.',
      source: 'src/osd/PeeringState.cc',
      optional: true,
    },
    {
      id: 'restart',
      lane: 'osd',
      caption: 'The OSD process starts again.',
      source: 'src/ceph_osd.cc',
      optional: true,
    },
    {
      id: 'OSD::init',
      lane: 'osd',
      caption: 'OSD::init: mount the store, load the PGs, boot.',
      source: 'src/osd/OSD.cc',
      optional: true,
    },
    {
      id: 'mount',
      lane: 'store',
      caption:
        'FileStore::mount: read the committed object table and committed_seq from the device.',
      source: 'src/os/filestore/FileStore.cc',
      optional: true,
    },
    {
      id: '_open_db',
      lane: 'store',
      caption:
        'BlueStore mount: open RocksDB (table + WAL replay up to the first torn record), onodes, freelist → allocator.',
      source: 'src/os/bluestore/BlueStore.cc',
      optional: true,
    },
    {
      id: 'journal_replay',
      lane: 'store',
      caption: 'FileStore mount: replay committed journal entries that were not applied.',
      source: 'src/os/filestore/FileJournal.cc',
      optional: true,
    },
    {
      id: '_deferred_replay',
      lane: 'store',
      caption: 'BlueStore mount: replay deferred writes still in the KV (L keys).',
      source: 'src/os/bluestore/BlueStore.cc',
      optional: true,
    },
  ],
};
