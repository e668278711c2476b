/**
 * OSD::ShardedOpWQ (spec §6.1 step 3–4): `osd_op_num_shards` shards (5 on HDD-class OSDs, one
 * thread each), an item goes to shard `pg.ps % shards`; a shard thread runs one item at a time
 * while holding the PG lock, so everything an item does before it returns occupies the shard.
 * The same queue carries the store's commit callbacks (the shard's `context_queue`).
 *
 * Each shard is a simulated process; an item is either a process body (`run`, a `function*`
 * run inline) or a plain callback (`fn`, after `delayNs` of shard time): the store's commit
 * callbacks — two or three per replicated write — need no generator of their own.
 */
import type { Runtime } from '../../core/runtime.ts';
import { Future, type Proc, type ProcContext } from '../../core/sim.ts';
import { sleepInstr } from '../sched.ts';

export type OpQueueItem =
  | { readonly ctx: ProcContext; readonly run: () => Proc<void>; readonly fn?: undefined }
  | {
      readonly ctx: ProcContext;
      readonly fn: () => void;
      /** Shard time the callback takes before it runs (the shard stays busy). */
      readonly delayNs: number;
      readonly run?: undefined;
    };

class Shard {
  readonly q: OpQueueItem[] = [];
  wake: Future<void> | null = null;
}

export class ShardedOpWQ {
  private readonly shards: Shard[];
  private gen = 0;

  constructor(
    private readonly rt: Runtime,
    readonly name: string,
    readonly numShards: number,
  ) {
    this.shards = Array.from({ length: numShards }, () => new Shard());
    this.start();
  }

  private start(): void {
    const gen = this.gen;
    this.shards.forEach((s, i) => {
      this.rt.sim.spawn(`${this.name}.shard${i}`, this.shardThread(s, gen), {
        op: -1,
        pipeline: '',
      });
    });
  }

  private *shardThread(s: Shard, gen: number): Proc<void> {
    for (;;) {
      if (gen !== this.gen) return;
      const item = s.q.shift();
      if (!item) {
        s.wake = new Future<void>('shard.wake');
        // = `yield* wait(s.wake)` (the future is pending) without the helper generator.
        yield { kind: 'wait', future: s.wake as Future<unknown> };
        continue;
      }
      const cur = this.rt.sim.current;
      if (cur) cur.ctx = item.ctx;
      if (item.fn !== undefined) {
        if (item.delayNs > 0) yield sleepInstr(item.delayNs);
        item.fn();
      } else {
        yield* item.run();
      }
    }
  }

  /** op_shardedwq.queue(item) on the shard of `ps`. */
  queue(ps: number, item: OpQueueItem): void {
    const s = this.shards[ps % this.numShards] as Shard;
    s.q.push(item);
    if (s.wake) {
      const w = s.wake;
      s.wake = null;
      w.resolve();
    }
  }

  /** The OSD died: drop queued work; shard threads exit. */
  stop(): void {
    this.gen++;
    for (const s of this.shards) {
      s.q.length = 0;
      if (s.wake) {
        const w = s.wake;
        s.wake = null;
        w.resolve();
      }
    }
  }

  restart(): void {
    this.start();
  }
}
