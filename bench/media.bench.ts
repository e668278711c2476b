/**
 * Media speed (issue #3). Host cost of the persistence model, not modelled device time:
 * - SCM tx commit of a 64-byte update (txAddRange + store + txCommit, durable on return) on
 *   the memory backend and on a host file (every drain is an fdatasync);
 * - NVMe 4 KiB random write + flush (volatile cache on) through the queue model, on memory
 *   and on a host file, next to raw pwrite + fdatasync of 4 KiB on the same file system
 *   (the Node analogue of the browser's "OPFS vs device over OPFS" ratio).
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Rng,
  Sim,
  createMemoryBackend,
  createNvme,
  createScm,
  createUmem,
  type BlockBackend,
  type Proc,
} from '../src/engine/index.ts';
import { NodeFileBackend } from '../src/cli/media/node-file-backend.ts';
import type { Benchmark } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'iopath-media-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function scmTxBench(backend: BlockBackend, txs: number): () => Record<string, number> {
  const scm = createScm({ id: 'scm', backend });
  const pool = createUmem(scm, { rootSize: 64 });
  pool.txBegin();
  const obj = pool.txAlloc(64 * 1024, true);
  pool.txCommit();
  const value = new Uint8Array(64);
  const rng = new Rng(1);
  return () => {
    for (let i = 0; i < txs; i++) {
      const off = obj + rng.int(0, 1023) * 64;
      value[0] = i & 0xff;
      pool.txBegin();
      pool.txAddRange(off, 64);
      scm.write(off, value);
      pool.txCommit();
    }
    return { tx: txs };
  };
}

function nvmeBench(
  backend: BlockBackend,
  blocks: number,
  ops: number,
): () => Record<string, number> {
  const sim = new Sim();
  const dev = createNvme({ id: 'nvme', blocks, backend, sim, volatileCache: true });
  const rng = new Rng(2);
  const data = new Uint8Array(4096).fill(7);
  return () => {
    function* p(): Proc<void> {
      for (let i = 0; i < ops; i++) {
        yield* dev.write(rng.int(0, blocks - 1), data);
        yield* dev.flush();
      }
    }
    sim.runToCompletion(sim.spawn('bench', p()));
    return { ops };
  };
}

function rawFileBench(path: string, blocks: number, ops: number): () => Record<string, number> {
  const fd = openSync(path, 'w+');
  writeSync(fd, new Uint8Array(blocks * 4096), 0, blocks * 4096, 0);
  process.on('exit', () => closeSync(fd));
  const rng = new Rng(3);
  const data = new Uint8Array(4096).fill(9);
  return () => {
    for (let i = 0; i < ops; i++) {
      writeSync(fd, data, 0, 4096, rng.int(0, blocks - 1) * 4096);
      fdatasyncSync(fd);
    }
    return { ops };
  };
}

const BLOCKS = 16384; // 64 MiB

export const benchmarks: Benchmark[] = [
  { name: 'SCM tx 64 B update, memory', run: scmTxBench(createMemoryBackend(8 << 20), 2000) },
  {
    name: 'SCM tx 64 B update, file (fdatasync per drain)',
    run: scmTxBench(NodeFileBackend.open(join(dir, 'scm.img'), 8 << 20), 200),
  },
  {
    name: 'NVMe 4 KiB write+flush, memory',
    run: nvmeBench(createMemoryBackend(BLOCKS * 4096), BLOCKS, 2000),
  },
  {
    name: 'NVMe 4 KiB write+flush, file',
    run: nvmeBench(NodeFileBackend.open(join(dir, 'nvme.img'), BLOCKS * 4096), BLOCKS, 200),
  },
  {
    name: 'raw file 4 KiB pwrite+fdatasync (baseline)',
    run: rawFileBench(join(dir, 'raw.img'), BLOCKS, 200),
  },
];
