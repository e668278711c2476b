import { expect, test } from 'vitest';
import { allowedOrigins, parseCommand } from './protocol.ts';

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
