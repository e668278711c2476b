import { describe, expect, it } from 'vitest';
import { createLogTables, hobjectName, statusAt } from './pglog.ts';
import { ev } from './testing.ts';

describe('log tables', () => {
  const events = [
    ev(0, {
      actor: 'osd.0',
      step: 'finish_ctx',
      data: { pg: '1.7', oid: 'rbd_data.1', version: "3'5", prior_version: "0'0" },
    }),
    ev(1, {
      actor: 'osd.0',
      step: 'append_log',
      data: { pg: '1.7', entries: ["3'5"], head: "3'5", last_complete: "3'4" },
    }),
    ev(2, { actor: 'osd.0', step: 'submit_entry', data: { seq: 9, len: 4096 } }),
    ev(3, {
      actor: 'engine0.tgt1',
      step: 'dtx_leader_begin',
      phase: 'enter',
      data: {
        dti: { dti_uuid: 'ab', dti_hlc: '0x1' },
        epoch: '0x10',
        tgt_cnt: 2,
        flags: ['DTX_SOLO'],
      },
    }),
    ev(4, { actor: 'osd.0', step: '_journaled_ahead', data: { seq: 9 } }),
    ev(5, { actor: 'osd.0', step: 'op_commit', data: { pg: '1.7', rep_tid: 1, version: "3'5" } }),
    ev(6, {
      actor: 'engine0.tgt1',
      step: 'dtx_leader_end',
      phase: 'enter',
      data: { result: 'committed (solo)' },
    }),
    ev(7, { actor: 'osd.0', step: '_finish_op', data: { seq: 9 } }),
    ev(8, {
      actor: 'osd.1',
      step: 'do_repop',
      data: {
        pg: '1.7',
        version: "3'5",
        txn: {
          coll: '1.7_head',
          ops: [
            { op: 'omap_setkeys', oid: 'pgmeta' },
            { op: 'write', oid: 'rbd_data.1' },
          ],
        },
      },
    }),
    ev(9, {
      actor: 'osd.1',
      step: 'append_log',
      data: { pg: '1.7', entries: ["3'5"], head: "3'5", last_complete: "3'5" },
    }),
  ];

  it('builds PG log, journal and DTX rows whose status at a cursor replays exactly', () => {
    const log = createLogTables();
    const rows = log.sync(events);
    expect(rows.map((r) => [r.table, r.key, r.i])).toEqual([
      ['pglog', '1.7', 1],
      ['journal', '9', 2],
      ['dtx', 'ab', 3],
      ['pglog', '1.7', 9],
    ]);
    expect(rows[3]!.fields.oid).toBe('rbd_data.1');
    const [pg, j, dtx] = rows;
    expect(pg!.fields.oid).toBe('rbd_data.1');
    expect([0, 1, 4, 5].map((k) => statusAt(pg!, k))).toEqual([
      undefined,
      'appended',
      'appended',
      'committed',
    ]);
    expect([2, 3, 4, 6, 7].map((k) => statusAt(j!, k))).toEqual([
      'queued',
      'queued',
      'journaled',
      'journaled',
      'applied',
    ]);
    expect([3, 5, 6].map((k) => statusAt(dtx!, k))).toEqual([
      'active',
      'active',
      'committed (solo)',
    ]);
    expect(dtx!.fields).toEqual({ epoch: '0x10', targets: '2', flags: 'SOLO' });
    expect(log.upTo(events, 2)).toBe(2);
  });

  it('reads pg_log_entry_t objects as Ceph dumps them', () => {
    const rows = createLogTables().sync([
      ev(0, {
        actor: 'osd.2',
        step: 'append_log',
        data: {
          pg: '1.6',
          entries: [
            {
              op: 'modify',
              object: '1:602f83fe:::foo:head',
              version: "1'1",
              prior_version: "0'0",
              reqid: 'client.4124.0:1',
            },
          ],
          head: "1'1",
          last_complete: "1'1",
        },
      }),
    ]);
    expect(rows[0]!.fields).toMatchObject({
      version: "1'1",
      op: 'modify',
      oid: 'foo',
      reqid: 'client.4124.0:1',
    });
    expect(hobjectName('1:602f83fe:ns:key:rbd_data.1:head')).toBe('rbd_data.1');
  });

  it('ignores the zero DTX id of non-transactional fetches', () => {
    const rows = createLogTables().sync([
      ev(0, {
        step: 'dtx_leader_begin',
        phase: 'enter',
        data: { dti: { dti_uuid: '0000', dti_hlc: '0x0' } },
      }),
    ]);
    expect(rows).toEqual([]);
  });
});
