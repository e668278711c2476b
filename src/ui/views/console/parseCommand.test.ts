import { describe, expect, it } from 'vitest';
import { parseCommand } from './parseCommand.ts';
import { classifyFile } from '../../app/openFile.ts';

describe('console parsing', () => {
  it('accepts one JSON op', () => {
    expect(parseCommand(' {"op":"daos_obj_fetch","obj":"o"} ')).toEqual({
      ok: true,
      op: { op: 'daos_obj_fetch', obj: 'o' },
    });
  });
  it('explains what is wrong', () => {
    expect(parseCommand('kv put a b')).toMatchObject({
      ok: false,
      error: 'usage: kv put <obj> <key> <value>',
    });
    expect(parseCommand('{"op":"nope"}', new Set(['daos_kv_put']))).toEqual({
      ok: false,
      error: 'unknown op "nope"',
    });
    expect(parseCommand('{"op":')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^not JSON/) as unknown,
    });
    expect(parseCommand('{"dkey":"x"}')).toEqual({
      ok: false,
      error: 'op: expected the API name as a string',
    });
  });
});

describe('file classification', () => {
  it('tells scenarios from traces by schema', () => {
    expect(classifyFile('a.json', '{"schema":"iopath.trace/1","events":[]}')).toMatchObject({
      source: { kind: 'trace' },
    });
    expect(classifyFile('b.json', '{"schema":"iopath.scenario/1","ops":[]}')).toMatchObject({
      source: { kind: 'doc' },
    });
    expect(classifyFile('c.json', '{"schema":"other"}')).toEqual({
      error: 'c.json: schema: expected "iopath.scenario/1" or "iopath.trace/1" (got "other")',
    });
    expect(classifyFile('d.json', 'nope')).toMatchObject({
      error: expect.stringMatching(/^d.json: not JSON/) as unknown,
    });
  });
});
