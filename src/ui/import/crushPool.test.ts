import { expect, test } from 'vitest';
import type { TraceEvent } from '../../protocol/index.ts';
import { crushImportInfo, crushPoolDoc, crushTextOfSource } from './crushPool.ts';

const ev = (data: TraceEvent['data']): TraceEvent => ({
  seq: 0,
  t: 0,
  pipeline: 'ceph.write',
  op: -1,
  step: 'handle_osd_map',
  phase: 'point',
  actor: 'client',
  ...(data ? { data } : {}),
});

test('a crushtool import event gives its pool and rules; other events give nothing', () => {
  const info = crushImportInfo(
    ev({
      source: 'crushtool -d',
      rules: ['any', 'ssd'],
      rule_ids: [0, 3],
      pool: { id: 1, size: 3, pg_num: 32, crush_rule: 3 },
    }),
  );
  expect(info).toEqual({
    pool: { size: 3, pg_num: 32, crush_rule: 3 },
    rules: [
      { id: 0, name: 'any' },
      { id: 3, name: 'ssd' },
    ],
  });
  expect(crushImportInfo(ev({ source: 'x', rules: [] }))).toBeNull();
  expect(crushImportInfo(undefined)).toBeNull();
});

test('the map text behind a source: crushtool text, or the crush-import document round trip', () => {
  const text = '# begin crush map\ndevice 0 osd.0\n';
  expect(crushTextOfSource(text)).toBe(text);
  const doc = crushPoolDoc(text, { size: 2, pg_num: 8, crush_rule: 0 });
  expect(JSON.parse(doc)).toEqual({
    schema: 'iopath.crush-import/1',
    crush_map: text,
    pool: { size: 2, pg_num: 8, crush_rule: 0 },
  });
  expect(crushTextOfSource(doc)).toBe(text);
  expect(crushTextOfSource('{"schema":"iopath.trace/1","events":[]}')).toBeNull();
  expect(crushTextOfSource('{nope')).toBeNull();
});
