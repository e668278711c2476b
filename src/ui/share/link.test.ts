import { describe, expect, test } from 'vitest';
import { decodeDocParam, encodeDocParam, migrateParams, shareUrl, MAX_LINK } from './link.ts';

describe('share links v1', () => {
  test('deflate-raw + base64url round trip; shorter than plain JSON', async () => {
    const doc = {
      schema: 'iopath.scenario/1',
      seed: 7,
      ops: Array.from({ length: 40 }, (_, i) => ({
        op: 'daos_kv_put',
        obj: 'kv',
        key: `k${i}`,
        value: { utf8: 'v'.repeat(20) },
      })),
    };
    const p = await encodeDocParam(doc);
    expect(p.startsWith('~')).toBe(true);
    expect(p).toMatch(/^~[A-Za-z0-9_-]+$/);
    expect(p.length).toBeLessThan(JSON.stringify(doc).length / 4);
    expect(await decodeDocParam(p)).toEqual({ doc });
  });
  test('damaged links are readable errors', async () => {
    expect(await decodeDocParam('~!!')).toEqual({
      error: 'scenario: the link is damaged (not base64url)',
    });
    const r = await decodeDocParam('~AAAA');
    expect('error' in r && r.error).toMatch(/^scenario: the link/);
  });
  test('versions: old links migrate, future ones are refused', () => {
    const m = migrateParams(new URLSearchParams('scenario=daos-key-sv&step=3'));
    expect(m instanceof URLSearchParams && m.get('v')).toBe('1');
    expect(migrateParams(new URLSearchParams('v=9'))).toMatchObject({
      error: expect.stringMatching(/newer iopath/) as unknown,
    });
  });
  test('a built-in link carries step and view; a huge document is offered as a file', async () => {
    const r = await shareUrl('http://x/', {
      source: { kind: 'builtin', name: 'ceph-rbd-write' },
      doc: null,
      step: 42,
      view: 'sequence',
    });
    expect(r).toEqual({ url: 'http://x/?v=1&scenario=ceph-rbd-write&step=42&view=sequence' });
    // Random-ish text does not compress: over the limit → tooLong.
    let s = '';
    let x = 1;
    for (let i = 0; i < 20000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      s += String.fromCharCode(33 + (x % 90));
    }
    const big = await shareUrl('http://x/', {
      source: { kind: 'doc', doc: null },
      doc: { ops: [], s },
      step: 0,
      view: 'flow',
    });
    expect('tooLong' in big && big.tooLong).toBeGreaterThan(MAX_LINK);
    expect(
      await shareUrl('http://x/', {
        source: { kind: 'trace', text: '' },
        doc: null,
        step: 0,
        view: 'flow',
      }),
    ).toMatchObject({ error: expect.any(String) as unknown });
  });
});
