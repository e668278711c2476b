/**
 * Runs inside a dedicated worker of a persistent Chromium profile (see media-browser.mjs):
 * raw OPFS 4 KiB random write+flush vs the simulated NVMe device over the OPFS backend doing
 * the same (ratio target ≥ 0.8), and the SCM 64-byte transaction commit on OPFS, IndexedDB and
 * memory. Wall-clock timing is fine here: this is a benchmark, not the engine.
 */
import {
  Rng,
  Sim,
  createMemoryBackend,
  createNvme,
  createScm,
  createUmem,
  type BlockBackend,
  type Proc,
} from '../../src/engine/index.ts';
import { IdbBackend, OpfsBackend, removeOpfsDevice } from '../../src/worker/storage/index.ts';

interface SyncHandle {
  write(buf: Uint8Array, opts?: { at?: number }): number;
  flush(): void;
  truncate(n: number): void;
  close(): void;
}

export interface BenchRow {
  name: string;
  ops: number;
  ms: number;
  opsPerSec: number;
}

const BLOCKS = 16384; // 64 MiB device

/**
 * Raw OPFS vs the NVMe device over OPFS, interleaved in small batches so both sides see the
 * same machine load (the shared 2-core VM swings by 10x within seconds).
 */
async function opfsVsNvme(ops: number): Promise<BenchRow[]> {
  const root = await navigator.storage.getDirectory();
  const fh = await root.getFileHandle('bench-raw.img', { create: true });
  const h = await (
    fh as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }
  ).createSyncAccessHandle();
  h.truncate(BLOCKS * 4096);
  const backend = await OpfsBackend.open('bench-nvme', BLOCKS * 4096);
  const sim = new Sim();
  const dev = createNvme({ id: 'nvme', blocks: BLOCKS, backend, sim, volatileCache: true });
  const rngRaw = new Rng(1);
  const rngDev = new Rng(2);
  const data = new Uint8Array(4096).fill(1);
  const BATCH = 50;
  let rawMs = 0;
  let devMs = 0;
  const rawBatch = (): void => {
    const t0 = performance.now();
    for (let i = 0; i < BATCH; i++) {
      h.write(data, { at: rngRaw.int(0, BLOCKS - 1) * 4096 });
      h.flush();
    }
    rawMs += performance.now() - t0;
  };
  const devBatch = (): void => {
    function* work(): Proc<void> {
      for (let i = 0; i < BATCH; i++) {
        yield* dev.write(rngDev.int(0, BLOCKS - 1), data);
        yield* dev.flush();
      }
    }
    const t0 = performance.now();
    sim.runToCompletion(sim.spawn('bench', work()));
    devMs += performance.now() - t0;
  };
  const rounds = Math.max(1, Math.floor(ops / BATCH));
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      rawBatch();
      devBatch();
    } else {
      devBatch();
      rawBatch();
    }
  }
  h.close();
  backend.close();
  const n = rounds * BATCH;
  return [
    { name: 'raw OPFS 4 KiB random write+flush', ops: n, ms: rawMs, opsPerSec: (n * 1000) / rawMs },
    {
      name: 'NVMe device over OPFS, 4 KiB write+flush',
      ops: n,
      ms: devMs,
      opsPerSec: (n * 1000) / devMs,
    },
  ];
}

function scmTx(name: string, backend: BlockBackend, ops: number): BenchRow {
  const scm = createScm({ id: 'scm', backend });
  const pool = createUmem(scm, { rootSize: 64 });
  pool.txBegin();
  const obj = pool.txAlloc(64 * 1024, true);
  pool.txCommit();
  const rng = new Rng(3);
  const v = new Uint8Array(64);
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) {
    const off = obj + rng.int(0, 1023) * 64;
    v[0] = i & 0xff;
    pool.txBegin();
    pool.txAddRange(off, 64);
    scm.write(off, v);
    pool.txCommit();
  }
  const ms = performance.now() - t0;
  return { name, ops, ms, opsPerSec: (ops * 1000) / ms };
}

async function runAll(reps: number, ops: number): Promise<BenchRow[][]> {
  const out: BenchRow[][] = [];
  for (let r = 0; r < reps; r++) {
    const rows: BenchRow[] = [];
    rows.push(...(await opfsVsNvme(ops)));
    const scmOpfs = await OpfsBackend.open('bench-scm', 8 << 20);
    rows.push(scmTx('SCM tx 64 B update, OPFS (flush per drain)', scmOpfs, Math.floor(ops / 3)));
    scmOpfs.close();
    const idb = await IdbBackend.open(`bench-scm-${r}`, 8 << 20);
    const row = scmTx(
      'SCM tx 64 B update, IndexedDB (batched per drain)',
      idb,
      Math.floor(ops / 3),
    );
    const t0 = performance.now();
    await idb.flushed(); // count the commits still in flight
    row.ms += performance.now() - t0;
    row.opsPerSec = (row.ops * 1000) / row.ms;
    rows.push(row);
    await idb.closeAsync();
    rows.push(scmTx('SCM tx 64 B update, memory', createMemoryBackend(8 << 20), ops * 5));
    out.push(rows);
  }
  await removeOpfsDevice('bench-nvme');
  await removeOpfsDevice('bench-scm');
  const root = await navigator.storage.getDirectory();
  await root.removeEntry('bench-raw.img').catch(() => undefined);
  return out;
}

const scope = self as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
};
scope.onmessage = (e: MessageEvent) => {
  const { reps, ops } = e.data as { reps: number; ops: number };
  runAll(reps, ops).then(
    (runs) => scope.postMessage({ ok: true, runs }),
    (err: unknown) => scope.postMessage({ ok: false, error: String((err as Error)?.stack ?? err) }),
  );
};
