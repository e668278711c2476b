import { describe, expect, it } from 'vitest';
import { completeTextCommand, parseTextCommand, splitWords } from './textCommand.ts';

const ALL = new Set<string>();

function op(line: string, known: ReadonlySet<string> = ALL) {
  const r = parseTextCommand(line, known);
  if (!r.ok) throw new Error(r.error);
  return r.op;
}
function err(line: string, known: ReadonlySet<string> = ALL) {
  const r = parseTextCommand(line, known);
  if (r.ok) throw new Error(`expected an error for ${line}`);
  return r.error;
}

describe('text commands → scenario ops', () => {
  it('obj update with a byte count or text, obj fetch', () => {
    expect(op('obj update o1 d0 a0 --sv 1024')).toEqual({
      op: 'daos_obj_update',
      obj: 'o1',
      dkey: 'd0',
      iods: [{ akey: 'a0', type: 'DAOS_IOD_SINGLE', size: 1024 }],
      data: [{ fill: 'byte', len: 1024, byte: 0x41 }],
    });
    expect(op('obj update o1 d0 a0 --sv "héllo world"')).toMatchObject({
      iods: [{ size: 12 }],
      data: [{ utf8: 'héllo world' }],
    });
    expect(op('obj fetch o1 d0 a0 --size 64')).toEqual({
      op: 'daos_obj_fetch',
      obj: 'o1',
      dkey: 'd0',
      iods: [{ akey: 'a0', type: 'DAOS_IOD_SINGLE', size: 64 }],
    });
  });

  it('kv, rados, rbd', () => {
    expect(op('kv put kv k1 hello')).toEqual({
      op: 'daos_kv_put',
      obj: 'kv',
      key: 'k1',
      value: { utf8: 'hello' },
    });
    expect(op('kv get kv k1')).toEqual({ op: 'daos_kv_get', obj: 'kv', key: 'k1' });
    expect(op('rados put sim o1 hi')).toEqual({
      op: 'rados_write_full',
      pool: 'sim',
      oid: 'o1',
      value: { utf8: 'hi' },
    });
    expect(op('rados put sim o1 --len 4096')).toMatchObject({
      value: { fill: 'byte', len: 4096 },
    });
    expect(op('rados get sim o1')).toEqual({ op: 'rados_read', pool: 'sim', oid: 'o1' });
    expect(op('rbd write myimage 0 600')).toEqual({
      op: 'rbd_write',
      image: 'myimage',
      offset: 0,
      value: { fill: 'byte', len: 600, byte: 0x41 },
    });
    expect(op('rbd read myimage 4096 600')).toEqual({
      op: 'rbd_read',
      image: 'myimage',
      offset: 4096,
      len: 600,
    });
  });

  it('faults', () => {
    expect(op('kill osd.1')).toEqual({ op: 'fault_kill_osd', osd: 1 });
    expect(op('kill engine0.tgt1')).toEqual({ op: 'fault_kill_target', target: 'engine0.tgt1' });
    expect(op('restart osd.2')).toEqual({ op: 'restart', osd: 2 });
    expect(op('restart engine0.tgt1')).toEqual({ op: 'restart', target: 'engine0.tgt1' });
    expect(op('power-cut engine0.tgt1')).toEqual({
      op: 'fault_power_cut',
      target: 'engine0.tgt1',
    });
    expect(op('power-cut engine0.tgt1 --at vos_update_end')).toMatchObject({
      at_step: 'vos_update_end',
    });
    expect(op('drop')).toEqual({ op: 'fault_drop_messages', count: 1 });
    expect(op('drop 2 --to engine0.tgt1')).toEqual({
      op: 'fault_drop_messages',
      count: 2,
      to: 'engine0.tgt1',
    });
    expect(op('partition client engine0.tgt1')).toEqual({
      op: 'fault_partition',
      between: ['client', 'engine0.tgt1'],
    });
    expect(op('partition engine0.tgt0 engine1.tgt2 --ns 5000000000')).toEqual({
      op: 'fault_partition',
      between: ['engine0.tgt0', 'engine1.tgt2'],
      ns: 5000000000,
    });
    expect(op('partition osd.1 osd.2')).toEqual({
      op: 'fault_partition',
      between: ['osd.1', 'osd.2'],
    });
    expect(op('wait-healthy')).toEqual({ op: 'fault_partition', wait: true });
    expect(err('partition client client')).toMatch(/two different actors/);
    expect(err('partition client')).toBe('usage: partition <actor> <actor> [--ns N]');
  });

  it('errors say what is wrong', () => {
    expect(err('obj update o1 d0 a0')).toMatch(/--sv/);
    expect(err('obj update o1 d0')).toBe('usage: obj update <obj> <dkey> <akey> --sv <bytes|text>');
    expect(err('obj upd o d a')).toMatch(/unknown command "obj upd" — try obj update, obj fetch/);
    expect(err('frobnicate')).toMatch(/unknown command "frobnicate"/);
    expect(err('kill mon.a')).toMatch(/expected osd.N or engineN.tgtM/);
    expect(err('rbd write img x 5')).toBe('rbd write: offset: expected a number');
    expect(err('rados put p o')).toMatch(/<text> or --len N/);
    expect(err('kv get kv k --sv 1')).toMatch(/unknown option --sv/);
    expect(err('kv put kv k "oops')).toMatch(/unterminated quote/);
    expect(err('kill osd.1', new Set(['daos_kv_put']))).toBe(
      'fault_kill_osd is not an op this engine registered',
    );
  });

  it('splits quoted words', () => {
    expect(splitWords(`a "b c" 'd e' f`)).toEqual(['a', 'b c', 'd e', 'f']);
  });
});

describe('completion', () => {
  it('offers the forms a prefix can become, only for registered ops', () => {
    expect(completeTextCommand('r', ALL).map((c) => c.insert)).toEqual([
      'rados put ',
      'rados get ',
      'rbd write ',
      'rbd read ',
      'restart ',
    ]);
    const daos = new Set(['daos_kv_put', 'daos_kv_get', 'fault_kill_target']);
    expect(completeTextCommand('', daos).map((c) => c.insert)).toEqual([
      'kv put ',
      'kv get ',
      'kill ',
    ]);
    expect(completeTextCommand('kv put kv ', ALL)).toEqual([
      { insert: 'kv put kv ', hint: 'kv put <obj> <key> <value>' },
    ]);
  });
});
