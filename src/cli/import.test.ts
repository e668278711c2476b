/** `iopath import` end to end: real dumps in, a trace file out; bad input → exit 2 + path. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iopath, ROOT } from './test-cli.ts';

const FX = join(ROOT, 'src/engine/import/__fixtures__');

const tmp = mkdtempSync(join(tmpdir(), 'iopath-import-'));

describe('iopath import', () => {
  it('joins three OSDs into one trace file (--out) and prints the summary', () => {
    const out = join(tmp, 'put4k.trace.json');
    const r = iopath(
      'import',
      join(FX, 'put4k.osd.2.json'),
      join(FX, 'put4k.osd.1.json'),
      join(FX, 'put4k.osd.0.json'),
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { schema: string; requests: { reqid: string }[] };
    expect(summary.schema).toBe('iopath.import/1');
    expect(summary.requests.map((q) => q.reqid)).toEqual(['client.4154.0:1']);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as {
      schema: string;
      events: { step: string; actor: string }[];
    };
    expect(trace.schema).toBe('iopath.trace/1');
    expect(trace.events.filter((e) => e.actor === 'osd.2').map((e) => e.step)).toContain(
      'issue_op',
    );
  });

  it('writes the trace to stdout without --out', () => {
    const r = iopath('import', join(FX, 'get5k.osd.2.json'));
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { events: unknown[] }).events).toHaveLength(6);
  });

  it('exit 2 with the JSON path of the first problem', () => {
    const bad = join(tmp, 'osd.4.json');
    writeFileSync(
      bad,
      '{"ops":[{"description":"osd_op(x)","type_data":{"events":[{"event":"initiated","time":7}]}}]}',
    );
    const r = iopath('import', bad);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`${bad}: ops[0].type_data.events[0].time: expected a string`);
    expect(iopath('import').code).toBe(2);
    expect(iopath('import', join(tmp, 'missing.json')).stderr).toMatch(/no such file/);
  });
});
