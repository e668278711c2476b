import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES } from '../import/routeFiles.ts';
import {
  makeSavedItem,
  parseSavedRow,
  savedFileName,
  sortSaved,
  systemOf,
  type SavedItem,
} from './savedItem.ts';

const SCEN = JSON.stringify({
  schema: 'iopath.scenario/1',
  title: 'put one',
  cluster: { daos: { engines: 1 } },
  ops: [{ op: 'daos_pool_connect', pool: 'tank' }],
});
const TRACE = `{"schema":"iopath.trace/1","scenario":${SCEN},"events":[]}\n`;

function made(name: string, kind: 'scenario' | 'trace', text: string, now: number): SavedItem {
  const r = makeSavedItem(name, kind, text, now);
  if (!r.ok) throw new Error(r.error);
  return r.item;
}

describe('saved items', () => {
  it('records name, kind, created, UTF-8 size and system', () => {
    const it1 = made('put one', 'scenario', SCEN, 1000);
    expect(it1).toMatchObject({ name: 'put one', kind: 'scenario', created: 1000, system: 'daos' });
    expect(it1.size).toBe(new TextEncoder().encode(SCEN).length);
    const multi = made('é', 'scenario', JSON.stringify({ title: 'é', ops: [] }), 1);
    expect(multi.size).toBe(JSON.stringify({ title: 'é', ops: [] }).length + 1); // é is 2 bytes
    expect(made('t', 'trace', TRACE, 2).system).toBe('daos');
  });

  it('tells the system from the cluster keys, else from op names', () => {
    expect(systemOf({ cluster: { ceph: {} }, ops: [] })).toBe('ceph');
    expect(systemOf({ cluster: { daos: {}, ceph: {} }, ops: [] })).toBe('daos+ceph');
    expect(systemOf({ ops: [{ op: 'rados_write_full' }] })).toBe('ceph');
    expect(systemOf({ ops: [{ op: 'daos_obj_update' }, { op: 'rados_read' }] })).toBe('daos+ceph');
    expect(systemOf({ ops: [{ op: 'sleep' }] })).toBe('unknown');
    expect(systemOf(null)).toBe('unknown');
  });

  it('refuses over the import size limit, non-JSON and the wrong schema', () => {
    const pad = ' '.repeat(MAX_FILE_BYTES);
    const big = makeSavedItem('huge', 'trace', `${TRACE}${pad}`, 1);
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.error).toMatch(/huge: 64\.0 MiB is over the 64 MiB limit/);
    const bad = makeSavedItem('x', 'scenario', '{oops', 1);
    expect(bad.ok === false && bad.error).toMatch(/^x: not JSON/);
    const wrong = makeSavedItem('x', 'trace', SCEN, 1);
    expect(wrong.ok === false && wrong.error).toBe('x: schema: expected "iopath.trace/1"');
    const wrong2 = makeSavedItem('x', 'scenario', TRACE, 1);
    expect(wrong2.ok === false && wrong2.error).toBe('x: schema: expected "iopath.scenario/1"');
  });

  it('re-validates rows read back (storage is input too)', () => {
    const ok = made('a', 'scenario', SCEN, 5);
    expect(parseSavedRow({ ...ok })).toEqual(ok);
    expect(parseSavedRow({ ...ok, size: 1 })?.size).toBe(ok.size); // size recomputed
    expect(parseSavedRow({ ...ok, system: 'zfs' })?.system).toBe('unknown');
    expect(parseSavedRow({ ...ok, kind: 'movie' })).toBeNull();
    expect(parseSavedRow({ ...ok, text: 7 })).toBeNull();
    expect(parseSavedRow({ ...ok, created: 'soon' })).toBeNull();
    expect(parseSavedRow(null)).toBeNull();
  });

  it('lists newest first and names export files by kind', () => {
    const a = made('a', 'scenario', SCEN, 1);
    const b = made('b', 'trace', TRACE, 3);
    const c = made('c', 'scenario', SCEN, 2);
    expect(sortSaved([a, b, c]).map((x) => x.name)).toEqual(['b', 'c', 'a']);
    expect(savedFileName(a)).toBe('a.json');
    expect(savedFileName({ name: 'put one / x', kind: 'trace' })).toBe('put-one-x.trace.json');
  });
});
