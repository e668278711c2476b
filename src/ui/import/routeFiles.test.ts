import { describe, expect, test } from 'vitest';
import { looksLikeCrushText, routeFiles } from './routeFiles.ts';

const f = (name: string, doc: unknown) => ({ name, text: JSON.stringify(doc) });
const dump = { size: 20, duration: 600, ops: [] };

describe('routing picked files by content', () => {
  test('scenario, trace, walkthrough', () => {
    expect(routeFiles([f('a', { schema: 'iopath.scenario/1', ops: [] })])).toMatchObject({
      kind: 'load',
      source: { kind: 'doc' },
    });
    expect(routeFiles([f('a', { schema: 'iopath.trace/1', events: [] })])).toMatchObject({
      kind: 'load',
      source: { kind: 'trace' },
    });
    expect(routeFiles([f('a', { schema: 'iopath.walkthrough/1' })]).kind).toBe('walkthrough');
  });
  test('OSD dumps, several at once, become one bundle with their names', () => {
    const r = routeFiles([f('osd.3.json', dump), f('osd.1.json', { ops: [], num_ops: 0 })]);
    expect(r.kind).toBe('load');
    if (r.kind !== 'load' || r.source.kind !== 'trace') throw new Error('expected a trace');
    expect(JSON.parse(r.source.text)).toEqual({
      schema: 'iopath.osd-dumps/1',
      files: [
        { name: 'osd.3.json', dump },
        { name: 'osd.1.json', dump: { ops: [], num_ops: 0 } },
      ],
    });
  });
  test('problems name the file and the path', () => {
    expect(routeFiles([{ name: 'x.json', text: '{' }])).toMatchObject({
      error: expect.stringMatching(/^x.json: \$: not JSON/) as unknown,
    });
    expect(
      routeFiles([f('o.json', dump), f('s.json', { schema: 'iopath.scenario/1', ops: [] })]),
    ).toEqual({
      kind: 'error',
      error: 's.json: $: open OSD dumps together, without other files',
    });
    expect(routeFiles([f('c.json', { schema: 'other' })])).toMatchObject({
      error: expect.stringMatching(/^c.json: schema: expected .* \(got "other"\)$/) as unknown,
    });
  });

  test('a crushtool -d text map goes to the worker as trace text; other text is not JSON', () => {
    const map = '# begin crush map\ndevice 0 osd.0 class hdd\ntype 0 osd\n# end crush map\n';
    expect(routeFiles([{ name: 'crush.txt', text: map }])).toEqual({
      kind: 'load',
      source: { kind: 'trace', text: map },
    });
    // Without the header line: any line only a CRUSH map starts with.
    expect(looksLikeCrushText('\ndevice 3 osd.3\n')).toBe(true);
    expect(looksLikeCrushText('rule replicated_rule {\n')).toBe(true);
    expect(looksLikeCrushText('{"device 0 osd.0": 1}\ndevice 0 osd.0')).toBe(false);
    expect(looksLikeCrushText('hello world')).toBe(false);
    expect(routeFiles([{ name: 'x.txt', text: 'hello world' }])).toMatchObject({
      error: expect.stringMatching(/^x.txt: \$: not JSON/) as unknown,
    });
    // Several files: only OSD dumps open together, a map is not one of them.
    expect(routeFiles([{ name: 'crush.txt', text: map }, f('o.json', dump)])).toMatchObject({
      kind: 'error',
    });
  });
});
