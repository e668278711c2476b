/** `pg_t`: a placement group id (pool, seed) and its printed form `1.3b` (hex seed). */
export interface PgId {
  pool: number;
  /** Placement seed: the raw 32-bit hash for a raw pg, < pg_num for an actual pg. */
  seed: number;
}

/** `pg_t` printing: `<pool>.<seed in lower-case hex>` (e.g. `1.18`, raw `2.bd554330`). */
export function formatPgId(pg: PgId): string {
  return `${pg.pool}.${(pg.seed >>> 0).toString(16)}`;
}

/** Parse `1.3b` back into a pg id; undefined when malformed. */
export function parsePgId(s: string): PgId | undefined {
  const m = /^(\d+)\.([0-9a-f]+)$/i.exec(s);
  if (!m) return undefined;
  return { pool: parseInt(m[1]!, 10), seed: parseInt(m[2]!, 16) >>> 0 };
}
