import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iopath } from './test-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'iopath-cli-'));

describe('iopath run', () => {
  it('runs the built-in daos-key-sv: one JSON object on stdout, exit 0, trace written', () => {
    const trace = join(tmp, 'k.trace.json');
    const r = iopath('run', 'daos-key-sv', '--trace', trace);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout) as {
      schema: string;
      ops: { index: number; op: string; rc: number; rc_name: string; result: unknown }[];
    };
    expect(out.schema).toBe('iopath.result/1');
    expect(out.ops).toHaveLength(35);
    expect(out.ops.every((o) => o.rc === 0 && o.rc_name === 'OK')).toBe(true);
    expect(Object.keys(out.ops[25] ?? {})).toEqual(['index', 'op', 'rc', 'rc_name', 'result']);
    const t = JSON.parse(readFileSync(trace, 'utf8')) as {
      schema: string;
      events: { seq: number }[];
    };
    expect(t.schema).toBe('iopath.trace/1');
    expect(t.events.length).toBeGreaterThan(1000);
  });

  it('runs a document from a file; API misuse is an rc, not an error (exit 0)', () => {
    const file = join(tmp, 'doc.json');
    writeFileSync(
      file,
      JSON.stringify({
        schema: 'iopath.scenario/1',
        seed: 3,
        ops: [
          { op: 'daos_pool_connect', pool: 'p' },
          { op: 'daos_cont_create', pool: 'p', cont: 'c' },
          { op: 'daos_cont_open', pool: 'p', cont: 'c' },
          {
            op: 'daos_obj_generate_oid',
            cont: 'c',
            otype: 'DAOS_OT_MULTI_HASHED',
            oclass: 'OC_S1',
            as: 'o',
          },
          {
            op: 'daos_obj_fetch',
            obj: 'o',
            dkey: 'd',
            iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 0 }],
          },
        ],
      }),
    );
    const r = iopath('run', file, '--seed', '9');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { ops: { rc: number; rc_name: string }[] };
    expect(out.ops[4]).toMatchObject({ rc: -1002, rc_name: 'DER_NO_HDL' });
  });

  it('exit 2 with ONE stderr line naming the JSON path of the first problem', () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        schema: 'iopath.scenario/1',
        ops: [
          { op: 'daos_pool_connect', pool: 'p' },
          { op: 'daos_pool_connect', pool: 'p' },
          { op: 'daos_pool_connect', pool: 'p' },
          {
            op: 'daos_obj_update',
            obj: 'o',
            dkey: 'd',
            iods: [{ akey: 'a', type: 'SINGLE', size: 1 }],
            data: [{ utf8: 'x' }],
          },
        ],
      }),
    );
    const r = iopath('run', file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      'ops[3].iods[0].type: expected DAOS_IOD_SINGLE or DAOS_IOD_ARRAY',
    ]);
  });

  it('exit 2 for a file that is not JSON and for an unknown scenario name', () => {
    const file = join(tmp, 'notjson.json');
    writeFileSync(file, '{"schema":');
    const a = iopath('run', file);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^\$: not JSON/);
    const b = iopath('run', 'no-such-scenario');
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toBe('no-such-scenario: no such file or built-in scenario');
  });
});
