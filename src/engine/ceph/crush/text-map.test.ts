import { describe, expect, it } from 'vitest';
import { fixtureJson, fixtureText } from '../__fixtures__/load.ts';
import { buildDefaultCrushMap } from './default-map.ts';
import { crushDoRule } from './mapper.ts';
import { CrushParseError, parseCrushMap } from './text-parser.ts';
import { formatWeight, printCrushMap } from './text-printer.ts';

interface JsonMap {
  buckets: {
    id: number;
    name: string;
    weight: number;
    alg: string;
    items: { id: number; weight: number }[];
  }[];
  tunables: Record<string, number>;
}

describe('crushtool -d text maps', () => {
  for (const name of ['map1', 'map2', 'map4']) {
    it(`${name}: parse → print reproduces crushtool -d byte for byte`, () => {
      const txt = fixtureText(`provided/${name}.txt`);
      expect(printCrushMap(parseCrushMap(txt))).toBe(txt);
    });
    it(`${name}: parsed weights equal crushtool --dump (16.16 from float math)`, () => {
      const map = parseCrushMap(fixtureText(`provided/${name}.txt`));
      const json = fixtureJson<JsonMap>(`provided/${name}.json`);
      for (const jb of json.buckets) {
        const b = map.buckets[-1 - jb.id]!;
        expect(b.name).toBe(jb.name);
        expect(b.weight).toBe(jb.weight);
        expect(b.items).toEqual(jb.items.map((i) => i.id));
        expect(b.itemWeights).toEqual(jb.items.map((i) => i.weight));
      }
      for (const [k, v] of Object.entries(map.tunables)) expect(json.tunables[k]).toBe(v);
    });
  }
  for (const name of [
    'rack16',
    'rack16_legacy',
    'rack16_bobtail',
    'rack16_firefly',
    'rack16_descend0',
    'algs12',
    'algs12_straw0',
    'flat10',
    'classes10',
    'map1_legacy',
    'map2_stable0',
    'map3',
    'rack16_varyr3',
    'cargs12',
  ]) {
    it(`generated/${name}: parse → print reproduces crushtool -d byte for byte`, () => {
      const txt = fixtureText(`generated/${name}.txt`);
      expect(printCrushMap(parseCrushMap(txt))).toBe(txt);
    });
  }
  it('a real cluster map (device classes, 12 types) round-trips', () => {
    const txt = fixtureText('provided/real_cluster_3osd_crushmap.txt');
    const map = parseCrushMap(txt);
    expect(printCrushMap(map)).toBe(txt);
    expect(map.buckets[-1 - -3]!.classIds.get('hdd')).toBe(-4);
  });
  it('the default builder reproduces the real single-host map (modulo host name)', () => {
    const real = fixtureText('provided/real_cluster_3osd_crushmap.txt');
    const built = printCrushMap(
      buildDefaultCrushMap({ hosts: 1, osds_per_host: 3, host_names: ['vm'] }),
    );
    expect(built).toBe(real);
  });
  it('device classes: shadow trees rebuilt with the ids crushtool allocated', () => {
    const map = parseCrushMap(fixtureText('generated/classes10.txt'));
    const root = map.buckets[-1 - -5]!;
    expect(root.classIds).toEqual(
      new Map([
        ['hdd', -10],
        ['ssd', -15],
      ]),
    );
    const ssdRoot = map.buckets[-1 - -15]!;
    expect(ssdRoot.name).toBe('default~ssd');
    expect(ssdRoot.items).toEqual([-11, -12, -13, -14]);
    // host d has no ssd: its empty shadow stays in the tree with weight 0
    expect(ssdRoot.itemWeights).toEqual([0x8000, 0x8000, 0x8000, 0]);
    expect(map.rules[1]!.steps[0]).toMatchObject({
      op: 'take',
      arg1: -15,
      className: 'ssd',
      baseItem: -5,
    });
  });
  it('defaults to legacy tunables when the text has none', () => {
    const map = parseCrushMap(
      'device 0 osd.0\ntype 0 osd\ntype 1 root\nroot r {\n alg straw\n hash 0\n item osd.0\n}\n',
    );
    expect(map.tunables.choose_total_tries).toBe(19);
    expect(map.tunables.choose_local_tries).toBe(2);
    expect(map.buckets[0]!.id).toBe(-1);
    expect(map.buckets[0]!.itemWeights).toEqual([0x10000]);
  });
  it('errors name the line', () => {
    const bad =
      'device 0 osd.0\ntype 0 osd\ntype 1 host\nhost h {\n\tid -1\n\talg straw2\n\titem osd.7 weight 1.0\n}\n';
    expect(() => parseCrushMap(bad)).toThrow(CrushParseError);
    expect(() => parseCrushMap(bad)).toThrow("line 7: item 'osd.7' in bucket 'h' is not defined");
    expect(() => parseCrushMap('type 0 osd\nrack r {\n}\n')).toThrow(
      "line 2: bucket type 'rack' is not defined",
    );
    expect(() => parseCrushMap('type 0 osd\nrule x {\n id 0\n step take nowhere\n}\n')).toThrow(
      "line 4: in rule 'x' item 'nowhere' not defined",
    );
    expect(() => parseCrushMap('tunable bogus 1\n')).toThrow(
      'line 1: tunable bogus not recognized',
    );
    expect(() => parseCrushMap('type 0 osd\ntype 1 host\nhost h {\n alg straw2\n')).toThrow(
      /^line 4: unexpected end/,
    );
  });
  it('formats weights like printf %.3f (round half to even)', () => {
    expect(formatWeight(0x10000)).toBe('1.000');
    expect(formatWeight(327679)).toBe('5.000');
    expect(formatWeight(58982)).toBe('0.900');
    expect(formatWeight(0x1000)).toBe('0.062'); // 0.0625 exactly: ties to even
    expect(formatWeight(0x3000)).toBe('0.188'); // 0.1875 exactly: ties to even (8)
  });
  it('worked example of spec §4.6: map1, x=0 → [0,3,5]', () => {
    const map = parseCrushMap(fixtureText('provided/map1.txt'));
    expect(
      crushDoRule(map, 0, 0, 3, [0x10000, 0x10000, 0x10000, 0x10000, 0x10000, 0x10000]),
    ).toEqual([0, 3, 5]);
  });
});
