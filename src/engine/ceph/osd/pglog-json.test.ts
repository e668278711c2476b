import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import type { Eversion, PgLogEntry } from '../types.ts';
import { pgInfoJson, pgLogEntryJson } from './pglog-json.ts';
import { encodeObjectInfo } from './object-info.ts';
import { utf8Decode } from '../../core/bytes.ts';
import type { PgInfo } from './pglog.ts';

describe('pg log JSON text = JSON.stringify', () => {
  it('pg_info_t and pg_log_entry_t over many seeds (shared and fresh nested objects)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Rng(seed);
      const n = (): number => rng.int(0, 2 ** 40);
      const ev = (): Eversion => ({ epoch: rng.int(0, 1000), version: n() });
      const shared = ev();
      const names = ['bench-1', 'rbd_data.10226b8b4567.0000000000000000', 'ü"\\\n\u2028', ''];
      const info: PgInfo = {
        lastUpdate: shared,
        lastComplete: rng.int(0, 1) ? shared : ev(),
        logTail: ev(),
        lastUserVersion: n(),
        lastEpochStarted: rng.int(0, 50),
      };
      expect(pgInfoJson(info)).toBe(JSON.stringify(info));
      info.lastUpdate = ev(); // a new pointer: the text follows it
      expect(pgInfoJson(info)).toBe(JSON.stringify(info));
      const e: PgLogEntry = {
        op: (['modify', 'delete', 'error'] as const)[rng.int(0, 2)] as PgLogEntry['op'],
        soid: { pool: rng.int(0, 9), name: names[rng.int(0, 3)] as string, hash: n() >>> 0 },
        version: shared,
        priorVersion: ev(),
        reqid: { client: rng.int(4000, 5000), tid: n() },
        userVersion: n(),
        returnCode: -rng.int(0, 120),
        mtime: n(),
      };
      expect(pgLogEntryJson(e)).toBe(JSON.stringify(e));
      const oi = { exists: true, size: n(), version: ev(), userVersion: n() };
      expect(utf8Decode(encodeObjectInfo(oi))).toBe(
        JSON.stringify([oi.version.epoch, oi.version.version, oi.userVersion, oi.size]),
      );
    }
  });

  it('other shapes fall back to JSON.stringify (key order, extra keys, non-finite numbers)', () => {
    const v = { epoch: 3, version: 7 };
    const reordered = {
      lastComplete: v,
      lastUpdate: v,
      logTail: v,
      lastUserVersion: 1,
      lastEpochStarted: 2,
    };
    expect(pgInfoJson(reordered)).toBe(JSON.stringify(reordered));
    const extra = { ...reordered, lastUpdate: v, extra: 1 } as PgInfo;
    expect(pgInfoJson(extra)).toBe(JSON.stringify(extra));
    const nan: PgInfo = {
      lastUpdate: v,
      lastComplete: v,
      logTail: v,
      lastUserVersion: NaN,
      lastEpochStarted: 1,
    };
    expect(pgInfoJson(nan)).toBe(JSON.stringify(nan));
    const backwards = { version: 7, epoch: 3 };
    const e = {
      op: 'modify',
      soid: { name: 'x', pool: 1, hash: 5 },
      version: backwards,
      priorVersion: { epoch: 1, version: 2, extra: true },
      reqid: { tid: 1, client: 4 },
      userVersion: 1,
      returnCode: 0,
      mtime: 3,
    } as unknown as PgLogEntry;
    expect(pgLogEntryJson(e)).toBe(JSON.stringify(e));
    const info2 = { ...nan, lastUserVersion: 1, logTail: backwards };
    expect(pgInfoJson(info2)).toBe(JSON.stringify(info2));
    const oi = { exists: true, size: Infinity, version: v, userVersion: 1 };
    expect(utf8Decode(encodeObjectInfo(oi))).toBe('[3,7,1,null]');
  });
});
