import { expect, test } from 'vitest';
import { allowedOrigins, MAX_EMBED_LOAD_CHARS, parseCommand } from './protocol.ts';

test('commands parse strictly; foreign messages are ignored', () => {
  expect(parseCommand({ iopath: 1, cmd: 'seek', step: 5, id: 'a' })).toEqual({
    ok: true,
    id: 'a',
    command: { cmd: 'seek', step: 5 },
  });
  expect(
    parseCommand({ iopath: 1, cmd: 'load', scenario: 'ceph-rbd-write', seed: 3 }),
  ).toMatchObject({ ok: true, command: { cmd: 'load', scenario: 'ceph-rbd-write', seed: 3 } });
  expect(parseCommand({ iopath: 1, cmd: 'seek', step: -1 })).toMatchObject({
    ok: false,
    error: 'seek.step: expected an event index ≥ 0',
  });
  expect(parseCommand({ iopath: 1, cmd: 'load', scenario: '<img src=x>' })).toMatchObject({
    ok: false,
  });
  expect(parseCommand({ iopath: 1, cmd: 'rm -rf' })).toMatchObject({ ok: false });
  expect(parseCommand({ hello: 1 })).toEqual({ ok: 'ignore' });
  expect(parseCommand('play')).toEqual({ ok: 'ignore' });
});

test('allowed origins: ?origin= list, else the referrer, always our own', () => {
  expect([
    ...allowedOrigins(
      '?embed=1&origin=https://a.edu,https://b.org/x',
      'https://evil.com/',
      'http://me',
    ),
  ]).toEqual(['http://me', 'https://a.edu', 'https://b.org']);
  expect([...allowedOrigins('?embed=1', 'https://course.edu/page', 'http://me')]).toEqual([
    'http://me',
    'https://course.edu',
  ]);
  expect([...allowedOrigins('?embed=1', '', 'http://me')]).toEqual(['http://me']);
});

test('load takes an iopath trace (text or object), checked for size, JSON, schema and events', () => {
  const doc = { schema: 'iopath.trace/1', events: [] };
  const text = JSON.stringify(doc);
  expect(parseCommand({ iopath: 1, cmd: 'load', trace: text, step: 2, id: 7 })).toEqual({
    ok: true,
    id: 7,
    command: { cmd: 'load', trace: text, step: 2 },
  });
  expect(parseCommand({ iopath: 1, cmd: 'load', trace: doc })).toEqual({
    ok: true,
    id: undefined,
    command: { cmd: 'load', trace: text },
  });
  const err = (m: Record<string, unknown>) => {
    const p = parseCommand({ iopath: 1, cmd: 'load', ...m });
    return p.ok === false ? p.error : `accepted: ${JSON.stringify(p)}`;
  };
  expect(err({ trace: '{"schema":"iopath.trace/1"' })).toMatch(/^load\.trace: not JSON/);
  expect(err({ trace: { schema: 'iopath.scenario/1', ops: [] } })).toBe(
    'load.trace.schema: expected "iopath.trace/1"',
  );
  expect(err({ trace: { schema: 'iopath.trace/1', events: {} } })).toBe(
    'load.trace.events: expected a list of events',
  );
  expect(err({ trace: 42 })).toBe(
    'load.trace: expected an iopath.trace/1 document or its JSON text',
  );
  expect(err({ trace: text, scenario: 'ceph-rbd-write' })).toBe(
    'load: expected exactly one of scenario or trace',
  );
  expect(err({})).toBe('load: expected exactly one of scenario or trace');
  expect(err({ trace: text, seed: 3 })).toMatch(/^load\.seed: a trace has no seed/);
  expect(err({ trace: ' '.repeat(MAX_EMBED_LOAD_CHARS + 1) })).toBe(
    'load.trace: 32.0 MiB is over the embed limit of 32.0 MiB',
  );
  const big = { schema: 'iopath.scenario/1', ops: [], pad: 'x'.repeat(MAX_EMBED_LOAD_CHARS) };
  expect(err({ scenario: big })).toMatch(/^load\.scenario: 32\.0 MiB is over the embed limit/);
  const cyclic: Record<string, unknown> = { schema: 'iopath.trace/1', events: [] };
  cyclic.self = cyclic;
  expect(err({ trace: cyclic })).toBe('load.trace: cannot be serialized');
});
