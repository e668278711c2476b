import { describe, expect, it } from 'vitest';
import { Sim, type Proc } from '../core/sim.ts';
import { createMemoryBackend } from './memory-backend.ts';
import { createNvme } from './nvme.ts';
import { PowerCutError } from './power.ts';
import { Rng } from '../core/rng.ts';
import { NVME_BLOCK } from './types.ts';

const block = (byte: number, n = 1): Uint8Array => new Uint8Array(n * NVME_BLOCK).fill(byte);

function run<T>(sim: Sim, p: Proc<T>): T {
  return sim.runToCompletion(sim.spawn('test', p));
}

describe('nvme', () => {
  it('cached-but-unflushed writes vanish on power cut; FUA and flushed ones survive', () => {
    const sim = new Sim();
    const backend = createMemoryBackend(16 * NVME_BLOCK);
    const dev = createNvme({ id: 'nvme0', blocks: 16, backend, sim, volatileCache: true });
    run(sim, dev.write(1, block(0x11)));
    run(sim, dev.flush());
    run(sim, dev.write(2, block(0x22, 2)));
    run(sim, dev.write(4, block(0x44), { fua: true }));
    run(sim, dev.write(1, block(0x99)));
    expect(dev.cachedBlocks()).toEqual([1, 2, 3]);
    // Loads see the cache.
    expect(dev.peek(1, 1)[0]).toBe(0x99);
    expect(run(sim, dev.read(2, 2))[NVME_BLOCK]).toBe(0x22);
    dev.powerCut();
    expect(() => dev.peek(1, 1)).toThrow(PowerCutError);
    const again = createNvme({ id: 'nvme0', blocks: 16, backend, sim, volatileCache: true });
    expect(again.peek(1, 1)[0]).toBe(0x11); // flushed value, not the cached 0x99
    expect(again.peek(2, 2).every((b) => b === 0)).toBe(true);
    expect(again.peek(4, 1)[0]).toBe(0x44);
  });

  it('without a volatile cache a completed write is durable', () => {
    const sim = new Sim();
    const backend = createMemoryBackend(4 * NVME_BLOCK);
    const dev = createNvme({ id: 'nvme0', blocks: 4, backend, sim });
    run(sim, dev.write(3, block(7)));
    dev.powerCut();
    expect(createNvme({ id: 'nvme0', blocks: 4, backend, sim }).peek(3, 1)[0]).toBe(7);
  });

  it('a write in flight when the power goes never completes', () => {
    const sim = new Sim();
    const backend = createMemoryBackend(4 * NVME_BLOCK);
    const dev = createNvme({ id: 'nvme0', blocks: 4, backend, sim });
    const f = sim.spawn('w', dev.write(0, block(5)));
    sim.run({ maxEntries: 1 }); // submitted, now sleeping for its latency
    dev.powerCut();
    sim.run();
    expect(f.failed).toBe(true);
    expect(() => f.value).toThrow(PowerCutError);
    expect(backend.bytes[0]).toBe(0);
  });

  it('latency model: fixed latency plus bandwidth, commands serialized on the channel', () => {
    const sim = new Sim();
    const dev = createNvme({
      id: 'nvme0',
      blocks: 64,
      sim,
      latency: { writeNs: 1000, readNs: 500, bytesPerNs: 4, queueDepth: 2 },
    });
    run(sim, dev.write(0, block(1, 4))); // 16384 B / 4 = 4096 ns + 1000
    expect(sim.now).toBe(5096);
    const t0 = sim.now;
    const done: number[] = [];
    for (let i = 0; i < 3; i++) {
      const f = sim.spawn(`w${i}`, dev.write(i, block(i)));
      f.onSettle(() => done.push(sim.now - t0));
    }
    sim.run();
    // Transfers of 1024 ns each back to back; the third waits for a queue slot.
    expect(done).toEqual([2024, 3048, 4072]);
  });

  it('rejects out-of-range and partial-block IO', () => {
    const sim = new Sim();
    const dev = createNvme({ id: 'nvme0', blocks: 4, sim });
    expect(() => run(sim, dev.write(4, block(1)))).toThrow(RangeError);
    expect(() => run(sim, dev.write(3, block(1, 2)))).toThrow(RangeError);
    expect(() => run(sim, dev.write(0, new Uint8Array(100)))).toThrow(RangeError);
    expect(() => run(sim, dev.read(-1, 1))).toThrow(RangeError);
    expect(() => dev.peek(0, 5)).toThrow(RangeError);
  });

  it('property: a power cut at every persistence point keeps exactly the flushed/FUA writes', () => {
    const BLOCKS = 32;
    let cuts = 0;
    for (let seed = 1; seed <= 8; seed++) {
      /** Returns per block the durable value (by the model) at the moment of the cut. */
      const runOnce = (cutAt: number, backend: ReturnType<typeof createMemoryBackend>): number => {
        const sim = new Sim();
        const dev = createNvme({ id: 'nvme0', blocks: BLOCKS, backend, sim, volatileCache: true });
        const durable = new Uint8Array(BLOCKS);
        const cached = new Map<number, number>();
        let n = 0;
        let cut = false;
        dev.persistenceHook = () => {
          if (n++ === cutAt) {
            dev.powerCut();
            cut = true;
            throw new PowerCutError(dev.id);
          }
        };
        const rng = new Rng(seed).fork('nvme');
        function* work(): Proc<void> {
          for (let i = 0; i < 40; i++) {
            const r = rng.int(0, 9);
            if (r < 6) {
              const lba = rng.int(0, BLOCKS - 2);
              const nb = rng.int(1, 2);
              const v = rng.int(1, 255);
              const fua = rng.chance(0.2);
              yield* dev.write(lba, block(v, nb), { fua });
              for (let k = 0; k < nb; k++) {
                if (fua) {
                  durable[lba + k] = v;
                  cached.delete(lba + k);
                } else cached.set(lba + k, v);
              }
            } else if (r < 8) {
              yield* dev.flush();
              for (const [k, v] of cached) durable[k] = v;
              cached.clear();
            } else {
              const lba = rng.int(0, BLOCKS - 1);
              const got = (yield* dev.read(lba, 1))[0];
              if (got !== (cached.get(lba) ?? durable[lba])) throw new Error(`read ${lba}: ${got}`);
            }
          }
        }
        const f = sim.spawn('work', work());
        sim.run();
        if (cutAt >= 0) expect(cut).toBe(true);
        if (cut) expect(() => f.value).toThrow(PowerCutError);
        else expect(f.value).toBeUndefined();
        const after = createNvme({ id: 'nvme0', blocks: BLOCKS, backend, sim });
        for (let b = 0; b < BLOCKS; b++) {
          if (after.peek(b, 1)[0] !== durable[b])
            throw new Error(`seed ${seed} cut ${cutAt} block ${b}`);
        }
        return n;
      };
      const points = runOnce(-1, createMemoryBackend(BLOCKS * NVME_BLOCK));
      for (let k = 0; k < points; k++) {
        runOnce(k, createMemoryBackend(BLOCKS * NVME_BLOCK));
        cuts++;
      }
    }
    expect(cuts).toBeGreaterThan(200);
  });
});
