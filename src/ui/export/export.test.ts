/**
 * Exports over real traces: a Ceph import of real OSD dumps and an engine run of a built-in.
 * (Test-only engine imports: the page gets the same events through the worker.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- test drives the real engine
import {
  importCephDumps,
  PIPELINES,
  pipelineEdges,
  runScenario,
  serializeTrace,
  getBuiltinScenario,
  ensureSystemsRegistered,
} from '../../engine/index.ts';
import type { PipelineView, TraceEvent } from '../../protocol/index.ts';
import { checkChromeTrace, toChromeTrace } from './chromeTrace.ts';
import { diagramSvg, escapeXml } from './diagramSvg.ts';
import { traceFileText } from './traceFile.ts';

const FX = new URL('../../engine/import/__fixtures__/', import.meta.url);
function realTrace(): TraceEvent[] {
  const r = importCephDumps(
    ['put4k.osd.2.json', 'put4k.osd.1.json', 'put4k.osd.0.json'].map((name) => ({
      name,
      text: readFileSync(new URL(name, FX), 'utf8'),
    })),
  );
  if (!r.ok) throw new Error(r.error);
  return r.trace.events;
}

describe('Chrome trace-event export', () => {
  test('real Ceph import: processes per OSD, X slices with the real durations, flows', () => {
    const events = realTrace();
    const doc = JSON.parse(JSON.stringify(toChromeTrace(events, 'put4k'))) as ReturnType<
      typeof toChromeTrace
    >;
    expect(checkChromeTrace(doc)).toBeNull();
    const names = doc.traceEvents
      .filter((e) => e.name === 'process_name')
      .map((e) => (e.args as { name: string }).name);
    expect(names).toEqual(['osd.2', 'osd.0', 'osd.1']);
    const reply = doc.traceEvents.find((e) => e.ph === 'X' && e.name === 'osd_op_reply');
    // commit_sent → done on the primary: 2149 µs → 2168 µs.
    expect(reply).toMatchObject({ ts: 2149, dur: 19 });
    expect(doc.traceEvents.filter((e) => e.ph === 's')).toHaveLength(5);
    expect(doc.traceEvents.filter((e) => e.ph === 'f')).toHaveLength(4);
    expect(doc.traceEvents.filter((e) => e.ph === 'i').map((e) => e.name)).toContain('issue_op');
  });

  test('an engine run (Ceph built-in) exports a valid document', () => {
    ensureSystemsRegistered();
    const name = ['ceph-rados-put-get'].find((n) => getBuiltinScenario(n));
    const doc = name ? getBuiltinScenario(name) : undefined;
    expect(doc, 'a Ceph built-in').toBeDefined();
    const { runner } = runScenario(doc!);
    const chrome = toChromeTrace(runner.events);
    expect(checkChromeTrace(JSON.parse(JSON.stringify(chrome)))).toBeNull();
    expect(chrome.traceEvents.some((e) => e.ph === 'X')).toBe(true);
  });

  test('the checker rejects what the viewers would', () => {
    expect(checkChromeTrace({})).toBe('traceEvents: expected an array');
    expect(
      checkChromeTrace({ traceEvents: [{ name: 'a', ph: 'X', pid: 1, tid: 1, ts: 0, dur: -1 }] }),
    ).toMatch(/dur/);
  });
});

test('trace file export matches the engine serializer byte for byte', () => {
  const events = realTrace();
  expect(traceFileText(null, events)).toBe(serializeTrace(null, events));
});

test('diagram SVG: every step of ceph.write, the current one marked, text escaped', () => {
  const p = PIPELINES['ceph.write']!;
  const view: PipelineView = { ...p, edges: pipelineEdges(p) };
  const events = realTrace();
  const cur = events.find((e) => e.step === 'issue_op')!;
  const svg = diagramSvg(view, {
    current: { ...cur, caption: '<script>x</script>' },
    visited: new Set(['execute_ctx']),
    theme: 'light',
  });
  for (const s of p.steps) expect(svg).toContain(`data-step="${escapeXml(s.id)}"`);
  expect(svg).not.toContain('<script>');
  expect(svg).toContain('&lt;script&gt;');
  expect(svg).toContain('● issue_op');
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
});
