import { describe, expect, it } from 'vitest';
import { base64UrlEncode, parsePageParams, withStep } from './url.ts';

describe('page parameters', () => {
  it('reads a built-in name, seed, step and embed', () => {
    const p = parsePageParams('?scenario=daos-key-sv&seed=7&step=12&embed=1');
    expect(p.scenario).toEqual({ kind: 'builtin', name: 'daos-key-sv' });
    expect([p.seed, p.step, p.embed, p.scenarioError]).toEqual([7, 12, true, null]);
  });

  it('reads an inline JSON document and a base64url one', () => {
    const doc = { schema: 'iopath.scenario/1', ops: [{ op: 'daos_pool_connect', pool: 'ü' }] };
    const inline = parsePageParams(`?scenario=${encodeURIComponent(JSON.stringify(doc))}`);
    expect(inline.scenario).toEqual({ kind: 'doc', doc });
    const b64 = parsePageParams(`?scenario=${base64UrlEncode(JSON.stringify(doc))}`);
    expect(b64.scenario).toEqual({ kind: 'doc', doc });
  });

  it('reports a broken document instead of throwing', () => {
    const p = parsePageParams('?scenario=' + encodeURIComponent('{"schema":'));
    expect(p.scenario).toBeNull();
    expect(p.scenarioError).toMatch(/^scenario: the document in the link is not JSON/);
  });

  it('ignores malformed numbers', () => {
    const p = parsePageParams('?step=abc&seed=1.5');
    expect([p.step, p.seed]).toEqual([undefined, undefined]);
    expect(parsePageParams('?step=-2').step).toBeUndefined();
  });

  it('rewrites step and keeps the other parameters', () => {
    expect(withStep('?scenario=x&step=1&embed=1', 9)).toBe('?scenario=x&step=9&embed=1');
  });
});

describe('share links', () => {
  it('round-trips a document through the URL', async () => {
    const { shareSearch } = await import('./app/shareLink.ts');
    const doc = {
      schema: 'iopath.scenario/1' as const,
      seed: 3,
      ops: [{ op: 'daos_pool_connect', pool: 'tank' }],
    };
    const search = shareSearch({ kind: 'doc', doc }, doc, 17, '?embed=1&step=2')!;
    const p = parsePageParams(search);
    expect(p.scenario).toEqual({ kind: 'doc', doc });
    expect([p.step, p.embed]).toEqual([17, true]);
    expect(shareSearch({ kind: 'builtin', name: 'daos-key-sv' }, null, 4, '')).toBe(
      '?scenario=daos-key-sv&step=4',
    );
    expect(shareSearch({ kind: 'trace', text: '{}' }, null, 4, '')).toBeNull();
  });
});
