import { describe, expect, it } from 'vitest';
import { ev } from '../../derive/testing.ts';
import { vosTreeInitial, vosTreeReducer } from '../../derive/vostree.ts';
import { buildTree, leafCount, type TNode } from './buildTree.ts';

const iov = (s: string) => ({ iov_buf: s, iov_buf_len: s.length, iov_len: s.length });
const oid = { id_pub: { hi: '0x0000000000000000', lo: '0x00000000000000ff' }, id_shard: 0 };

function update(seq: number, dkey: string, epoch: number) {
  return [
    ev(seq, {
      step: 'vos_update_begin',
      phase: 'enter',
      data: { oid, epoch: `0x${epoch.toString(16)}`, dkey: iov(dkey) },
    }),
    ev(seq + 1, { step: 'akey_update', phase: 'enter', data: { akey: iov('a') } }),
    ev(seq + 2, {
      step: 'akey_update_single',
      phase: 'enter',
      data: {
        sk_epoch: `0x${epoch.toString(16)}`,
        ir_size: 8,
        biov: { bi_addr: { ba_off: '0x40', ba_type: 'DAOS_MEDIA_SCM' } },
      },
    }),
  ];
}

const find = (n: TNode, kind: TNode['kind']): TNode[] =>
  (n.kind === kind ? [n] : []).concat(...(n.children ?? []).map((c) => find(c, kind)));

describe('buildTree', () => {
  it('folds children beyond the cap but keeps the key path visible and marks fresh values', () => {
    const events = Array.from({ length: 30 }, (_, k) =>
      update(k * 3, `dkey_${String(k).padStart(2, '0')}`, 10 + k),
    ).flat();
    const s = events.reduce((st, e, i) => vosTreeReducer.apply(st, e, i), vosTreeInitial());
    const root = buildTree(s, events.length - 1, 'engine0.tgt0', 16);
    const dkeys = find(root, 'dkey');
    expect(dkeys).toHaveLength(16);
    expect(dkeys.some((d) => d.label === 'dkey_29' && d.path)).toBe(true);
    expect(find(root, 'more')[0]?.label).toBe('+14 more');
    expect(find(root, 'sv').filter((v) => v.fresh)).toHaveLength(1);
    expect(find(root, 'akey')[0]?.sub).toBe('single value · 1 version');
    expect(leafCount(root)).toBe(16 + 1);
  });
});
