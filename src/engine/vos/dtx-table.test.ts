import { describe, expect, it } from 'vitest';
import { utf8Decode } from '../core/bytes.ts';
import { vosListDkeys, vosListRecx, vosObjUpdate } from './api.ts';
import { DTX_LID_ABORTED, VosDtxTable, type DtxRec } from './dtx-table.ts';
import { DTX_LID_COMMITTED } from './layout.ts';
import { openVosTarget } from './target.ts';
import {
  arrIod,
  enc,
  makeTarget,
  runRc,
  sgl,
  svIod,
  Vos,
  wrap,
  type TestPool,
} from './test-helpers.ts';
import type { VosIod } from './types.ts';

const X = { uuid: 'aa'.repeat(16), hlc: 0x1234n };
const Y = { uuid: 'bb'.repeat(16), hlc: 0x5678n };
const MAX = (1n << 63n) - 1n;

function attach(t: TestPool, xid: typeof X, epoch: bigint): number {
  return new VosDtxTable(t.pool).attach({
    xid,
    epoch,
    oid: t.oid,
    dkeyHash: 7n,
    leader: false,
    mbs: [3, 1, 2],
  });
}

/** An update under DTX `xid`: records carry its lid; returns the recorded places. */
function dtxUpdate(
  t: TestPool,
  table: VosDtxTable,
  xid: typeof X,
  epoch: bigint,
  dkey: string,
  iods: VosIod[],
  data: Uint8Array[],
): DtxRec[] {
  const lid = table.attach({ xid, epoch, oid: t.oid, dkeyHash: 7n, leader: false, mbs: [3, 1] });
  const recs: DtxRec[] = [];
  const rc = runRc(
    t.rt,
    vosObjUpdate(
      t.pool,
      { cont: t.cont, oid: t.oid, epoch, flags: 0, dkey: enc(dkey), iods, dtx: { lid, recs } },
      data.map(sgl),
    ),
  );
  expect(rc).toBe(0);
  table.setRecords(xid, recs);
  return recs;
}

const text = (b: Uint8Array | null): string | null => (b ? utf8Decode(b) : null);

describe('VOS DTX tables (vos_dtx_*, spec §6.2)', () => {
  it('records of a DTX carry its local id; commit makes them DTX_LID_COMMITTED', () => {
    const t = makeTarget({});
    const v = new Vos(t);
    const table = new VosDtxTable(t.pool);
    const recs = dtxUpdate(t, table, X, 10n, 'd', [svIod('a', 3)], [enc('new')]);
    // the SV record, and the ilog entries of the new object, dkey and akey
    expect(recs.filter((r) => r.kind === 'svt')).toHaveLength(1);
    expect(recs.filter((r) => r.kind === 'ilog')).toHaveLength(3);
    const sv = recs.find((r) => r.kind === 'svt') as { off: number };
    expect(t.pool.mem.u32(sv.off)).toBeGreaterThanOrEqual(2);
    expect(table.state(X)).toBe('active');
    expect(table.commit([X], 99n)).toBe(1);
    expect(t.pool.mem.u32(sv.off)).toBe(DTX_LID_COMMITTED);
    expect(table.state(X)).toBe('committed');
    expect(text(v.getSv(MAX, 'd', 'a'))).toBe('new');
    expect(table.load()).toMatchObject({ active: [], committed: [{ xid: X, epoch: 10n }] });
  });

  it('abort: SV and extent records become invisible, the DTX’s ilog entries leave the log', () => {
    const t = makeTarget({});
    const v = new Vos(t);
    expect(
      v.update(5n, 'd', [svIod('a', 3), arrIod('arr', 1, [[0, 4]])], [enc('old'), enc('OLD!')]),
    ).toBe(0);
    const table = new VosDtxTable(t.pool);
    const recs = dtxUpdate(
      t,
      table,
      X,
      10n,
      'd',
      [svIod('a', 3), arrIod('arr', 1, [[2, 4]])],
      [enc('new'), enc('NEW!')],
    );
    // a second dkey created only by the DTX
    dtxUpdate(t, table, X, 10n, 'n', [svIod('a', 1)], [enc('z')]);
    expect(text(v.getSv(MAX, 'd', 'a'))).toBe('new');
    expect(table.abort(X)).toBe(true);
    expect(table.state(X)).toBe(null);
    const sv = recs.find((r) => r.kind === 'svt') as { off: number };
    expect(t.pool.mem.u32(sv.off)).toBe(DTX_LID_ABORTED);
    // the value before the DTX is what every reader sees again
    expect(text(v.getSv(MAX, 'd', 'a'))).toBe('old');
    const r = v.fetch(MAX, 'd', [arrIod('arr', 1, [[0, 6]])], [6]);
    expect(r.rc).toBe(0);
    expect(text(r.sgls[0]?.iovs[0]?.buf.slice(0, 4) ?? null)).toBe('OLD!');
    expect(
      vosListRecx(t.pool, t.cont, t.oid, enc('d'), enc('arr'), MAX).map((x) => x.recx),
    ).toEqual([{ idx: 0n, nr: 4 }]);
    // dkey "n" existed only through the aborted DTX: ilog_abort removed its creation
    expect(vosListDkeys(t.pool, t.cont, t.oid, MAX).map((k) => utf8Decode(k))).toEqual(['d']);
    expect(table.load()).toEqual({ active: [], committed: [] });
  });

  it('a restart keeps committed entries committed and brings prepared ones back', () => {
    const t = makeTarget({});
    const table = new VosDtxTable(t.pool);
    dtxUpdate(t, table, X, 10n, 'd', [svIod('a', 3)], [enc('one')]);
    dtxUpdate(t, table, Y, 20n, 'd', [svIod('a', 3)], [enc('two')]);
    table.commit([X], 50n);
    // restart: new device objects over the same SCM bytes, umem recovery, vos_pool_open
    const re = openVosTarget({ ...t.target.opts, scmBackend: t.target.scmBackend });
    const t2 = wrap(t.rt, re.pool);
    const table2 = new VosDtxTable(re.pool);
    const load = table2.load();
    expect(load.committed.map((c) => c.xid)).toEqual([X]);
    expect(load.active.map((a) => ({ xid: a.xid, epoch: a.epoch, mbs: a.mbs }))).toEqual([
      { xid: Y, epoch: 20n, mbs: [3, 1] },
    ]);
    expect(load.active[0]?.recCnt).toBeGreaterThan(0);
    // resolved as aborted (e.g. its leader never committed it): "one" is the value again
    expect(table2.abort(Y)).toBe(true);
    expect(text(new Vos(t2).getSv(MAX, 'd', 'a'))).toBe('one');
    expect(table2.state(X)).toBe('committed');
  });

  it('attach is idempotent per DTX id and hands out increasing local ids', () => {
    const t = makeTarget({});
    const a = attach(t, X, 1n);
    const b = attach(t, Y, 2n);
    expect(a).toBeGreaterThanOrEqual(2);
    expect(b).toBe(a + 1);
    expect(attach(t, X, 1n)).toBe(a);
  });
});
