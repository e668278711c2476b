/**
 * Built-in Ceph scenarios (merged into scenario/builtins.ts). The RBD ones follow the real
 * captures of ceph-real-traces (15: first 600 B write, 16: second write, 17: 8 MiB write over
 * two objects, 18: 600 B across the 4 MiB boundary); `ceph-rbd-write` is the seed's python
 * example.
 */
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';

const MIB = 1024 * 1024;

/** The seed: `rbd.RBD().create(ioctx, 'myimage', 4 GiB)`; `image.write('foo' * 200, 0)`. */
function rbdWrite(): ScenarioDoc {
  return {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: "Ceph RBD: image.write('foo' * 200, 0)",
    description:
      "The seed's python example: connect, open pool mypool, create a 4 GiB image myimage, " +
      "write 'foo' * 200 at offset 0 (one 600-byte extent of object 0), then read it back. " +
      'FileStore + FileJournal OSDs, as in the seed.',
    cluster: {
      ceph: {
        crush_map: { hosts: 3, osds_per_host: 2 },
        pools: [{ name: 'mypool', size: 3, min_size: 2, pg_num: 64 }],
        objectstore: 'filestore',
      },
    },
    ops: [
      { op: 'rbd_create', pool: 'mypool', image: 'myimage', size: 4 * 1024 * MIB },
      { op: 'rbd_open', pool: 'mypool', image: 'myimage' },
      { op: 'rbd_write', image: 'myimage', offset: 0, value: { utf8: 'foo'.repeat(200) } },
      { op: 'rbd_read', image: 'myimage', offset: 0, len: 600 },
    ],
  };
}

/** The cluster of the reference traces: 3 OSDs, pools sim (2) and rbd (3). */
function realCluster(objectstore: 'bluestore' | 'filestore'): ScenarioDoc['cluster'] {
  return {
    ceph: {
      crush_map: { hosts: 3, osds_per_host: 1 },
      pools: [
        { name: 'device_health_metrics', size: 3, min_size: 2, pg_num: 1 },
        { name: 'sim', size: 3, min_size: 2, pg_num: 16 },
        { name: 'rbd', size: 3, min_size: 2, pg_num: 16 },
      ],
      objectstore,
    },
  };
}

function radosPutGet(): ScenarioDoc {
  return {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'Ceph RADOS: put and get 4 KiB',
    description:
      '`rados put` of a 4 KiB object (one writefull replicated to 3 BlueStore OSDs) and `rados ' +
      'get` of it (a read served by the primary alone).',
    cluster: realCluster('bluestore'),
    ops: [
      {
        op: 'rados_write_full',
        pool: 'sim',
        oid: 'obj-put-4k',
        value: { fill: 'random', len: 4096, seed: 4 },
      },
      { op: 'rados_read', pool: 'sim', oid: 'obj-put-4k', offset: 0, len: 5120 },
      { op: 'rados_stat', pool: 'sim', oid: 'obj-put-4k' },
    ],
  };
}

const rbdSetup: OpDoc[] = [
  { op: 'rbd_create', pool: 'rbd', image: 'img', size: 64 * MIB },
  { op: 'rbd_open', pool: 'rbd', image: 'img' },
];

function rbd8Mib(): ScenarioDoc {
  return {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'Ceph RBD: 8 MiB write at 0 (two objects)',
    description:
      'After a first 600-byte write (object map update, set-alloc-hint + write) and a second ' +
      'one (a plain write), an 8 MiB write at 0: writefull on object 0, an object-map update ' +
      'for the new object 1, then set-alloc-hint + writefull on it — two 4 MiB replicated ' +
      'writes on different PGs. Then 128 KiB across the object boundary are read back (two sparse-reads).',
    cluster: realCluster('bluestore'),
    ops: [
      ...rbdSetup,
      { op: 'rbd_write', image: 'img', offset: 0, value: { fill: 'byte', len: 600, byte: 0x41 } },
      {
        op: 'rbd_write',
        image: 'img',
        offset: 4096,
        value: { fill: 'byte', len: 600, byte: 0x42 },
      },
      {
        op: 'rbd_write',
        image: 'img',
        offset: 0,
        value: { fill: 'byte', len: 8 * MIB, byte: 0x5a },
      },
      // 64 KiB on each side of the object boundary: a sparse-read (≥ 64 KiB) per object.
      { op: 'rbd_read', image: 'img', offset: 4 * MIB - 64 * 1024, len: 128 * 1024 },
    ],
  };
}

function rbdStraddle(): ScenarioDoc {
  return {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'Ceph RBD: 600 bytes across the 4 MiB boundary',
    description:
      'A 600-byte write at 4194004 splits into write 4194004~300 on object 0 and write 0~300 ' +
      'on object 1 (Striper::file_to_extents); the read is split the same way.',
    cluster: realCluster('bluestore'),
    ops: [
      ...rbdSetup,
      {
        op: 'rbd_write',
        image: 'img',
        offset: 4 * MIB - 300,
        value: { fill: 'random', len: 600, seed: 18 },
      },
      { op: 'rbd_read', image: 'img', offset: 4 * MIB - 300, len: 600 },
    ],
  };
}

/** A write burst; osd.1 is killed midway and restarted; every object is read back. */
function osdFailure(): ScenarioDoc {
  const ops: OpDoc[] = [];
  const n = 24;
  const write = (i: number): OpDoc => ({
    op: 'rados_write_full',
    pool: 'sim',
    oid: `burst-${i}`,
    value: { fill: 'random', len: 4096, seed: 100 + i },
  });
  for (let i = 0; i < n / 2; i++) ops.push(write(i));
  ops.push({ op: 'fault_kill_osd', osd: 1 });
  for (let i = n / 2; i < n; i++) ops.push(write(i));
  ops.push({ op: 'restart', osd: 1 });
  // Overwrite what was written while osd.1 was down: a write to a degraded object first
  // waits for its recovery (push to osd.1), so the log-based recovery shows object by object.
  for (let i = n / 2; i < n; i++)
    ops.push({ ...write(i), value: { fill: 'random', len: 4096, seed: 200 + i } });
  for (let i = 0; i < n; i++)
    ops.push({ op: 'rados_read', pool: 'sim', oid: `burst-${i}`, len: 4096 });
  return {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'Ceph: OSD killed during a write burst',
    description:
      'Size 3 / min_size 2. osd.1 dies after 12 writes: the next write to a PG with osd.1 ' +
      'blocks until heartbeats (20 s grace) get it marked down; the PGs peer and go ' +
      'active+undersized+degraded, writes continue with two copies (the blocked one is ' +
      'answered from the PG log). osd.1 restarts and peers; the objects it missed are pushed to ' +
      'it by log-based recovery (a write to a degraded object waits for that). Every object ' +
      'reads back intact.',
    cluster: {
      ceph: {
        crush_map: { hosts: 3, osds_per_host: 1 },
        pools: [{ name: 'sim', size: 3, min_size: 2, pg_num: 8 }],
        objectstore: 'bluestore',
      },
    },
    ops,
  };
}

/**
 * A network partition isolates osd.1 from both peers (it still reaches the monitor and the
 * client): heartbeats, failure reports, markdown, "wrongly marked me down", the heal, the
 * boot, and log-based recovery of what osd.1 missed.
 */
function partition(): ScenarioDoc {
  const ops: OpDoc[] = [];
  const write = (i: number, seed: number): OpDoc => ({
    op: 'rados_write_full',
    pool: 'sim',
    oid: `obj-${i}`,
    value: { fill: 'random', len: 4096, seed },
  });
  for (let i = 0; i < 4; i++) ops.push(write(i, 100 + i));
  ops.push({ op: 'fault_partition', between: ['osd.1', 'osd.0'], ns: 60_000_000_000 });
  ops.push({ op: 'fault_partition', between: ['osd.1', 'osd.2'], ns: 60_000_000_000 });
  for (let i = 0; i < 4; i++) ops.push(write(i, 200 + i));
  ops.push({ op: 'fault_partition', wait: true });
  for (let i = 0; i < 4; i++)
    ops.push({ op: 'rados_read', pool: 'sim', oid: `obj-${i}`, len: 4096 });
  return {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'Ceph: a network partition isolates osd.1',
    description:
      'Size 3 / min_size 2. osd.1 loses its network to osd.0 and osd.2 for 60 s (the monitor ' +
      'and the client still reach it). The next write waits: its repop is held by TCP. After ' +
      'the 20 s grace both peers report osd.1 (heartbeat_check → send_failures) and the ' +
      'monitor marks it down; osd.1 also reports them, but one reporter is not enough ' +
      '(mon_osd_min_down_reporters 2). The client resends to the new primary and writes go on ' +
      'with two copies. osd.1 sees itself down ("wrongly marked me down"), rebinds and pings ' +
      'until its peers answer after the heal, boots, peers, and log-based recovery pushes what ' +
      'it missed. `fault_partition {wait: true}` waits for the heal and HEALTH_OK; the reads ' +
      'come back intact.',
    cluster: {
      ceph: {
        crush_map: { hosts: 3, osds_per_host: 1 },
        pools: [{ name: 'sim', size: 3, min_size: 2, pg_num: 8 }],
        objectstore: 'bluestore',
      },
    },
    ops,
  };
}

/**
 * The seed in its own era: Hammer 0.94 OSDs on FileStore + FileJournal. XFS (writeahead):
 * every write is journaled before it is applied; btrfs (parallel): journal and apply run at
 * once, so a replica may be readable (ACK) before it is durable (ONDISK) and the aio client
 * sees `complete` before `safe`.
 */
function hammerRbdWrite(journal: 'writeahead' | 'parallel'): ScenarioDoc {
  const seed = rbdWrite();
  const fs = journal === 'parallel' ? 'btrfs, parallel journal' : 'XFS, writeahead journal';
  return {
    ...seed,
    title: `Ceph Hammer RBD: image.write('foo' * 200, 0) — ${fs}`,
    description:
      "The seed's python example on Hammer 0.94 OSDs (FileStore + FileJournal, " +
      `${fs}). librbd writes with aio_operate, so the client asks for ACK and ONDISK: ` +
      'replicas report commit (journaled, sub_op_modify_commit) and apply (readable, ' +
      'sub_op_modify_applied) separately; the primary answers ACK once the write is applied ' +
      'everywhere (C_aio_Ack: complete) and ACK|ONDISK once it is committed everywhere ' +
      '(C_aio_Safe: safe).' +
      (journal === 'parallel'
        ? ' With the parallel journal the apply wins the race, so the two replies are apart.'
        : ' With the writeahead journal the apply follows the commit on every OSD.'),
    cluster: {
      ceph: {
        ...(seed.cluster?.ceph ?? {}),
        release: 'hammer',
        filestore_journal: journal,
      },
    },
  };
}

export const CEPH_BUILTINS: Record<string, ScenarioDoc> = {
  'ceph-rbd-write': rbdWrite(),
  'ceph-rados-put-get': radosPutGet(),
  'ceph-rbd-8mib': rbd8Mib(),
  'ceph-rbd-straddle': rbdStraddle(),
  'ceph-osd-failure': osdFailure(),
  'ceph-partition': partition(),
  'ceph-hammer-rbd-write': hammerRbdWrite('writeahead'),
  'ceph-hammer-ack-commit': hammerRbdWrite('parallel'),
};
