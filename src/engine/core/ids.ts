/**
 * Deterministic id counters. Every id the engine hands out (DTX ids, request ids, tids,
 * message sequence numbers) comes from a named counter, so ids are the same on every run.
 */
export class Counters {
  private readonly values = new Map<string, number>();

  /** The next value of counter `name`, starting at `start` (default 1). */
  next(name: string, start = 1): number {
    const v = this.values.get(name) ?? start;
    this.values.set(name, v + 1);
    return v;
  }

  /** Peek without consuming. */
  peek(name: string, start = 1): number {
    return this.values.get(name) ?? start;
  }
}
