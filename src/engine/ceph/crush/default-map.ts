/**
 * The CRUSH map a fresh Pacific cluster ends up with for N hosts × K OSDs, modelled on a
 * real one (`__fixtures__/provided/real_cluster_3osd_crushmap.txt`, `crushtool -d` of a
 * live 16.2.15 cluster): jewel tunables; the 12 default types (osd=0, host=1, chassis,
 * rack, row, pdu, pod, room, datacenter, zone, region, root=11); `root default` id -1 with
 * its hdd shadow id -2; host i id -(3+2i) with shadow id -(4+2i) (the monitor allocates
 * each bucket's class shadow id right after it); straw2 everywhere; OSD weight 1.0
 * (0x10000, i.e. a 1 TiB device), `device N osd.N class hdd`, OSDs numbered host-major.
 * `replicated_rule` (id 0): `take default; chooseleaf firstn 0 type host; emit`, or
 * `choose firstn 0 type osd` for a single host (osd_crush_chooseleaf_type 0, as
 * single-node test clusters are configured — the live cluster above is one).
 */
import { makeBucket } from './build.ts';
import { finalizeMap } from './build.ts';
import { tunablesProfile } from './tunables.ts';
import { CRUSH_BUCKET_STRAW2, CRUSH_RULE_TYPE_REPLICATED, type CrushMap } from './types.ts';

export const DEFAULT_CRUSH_TYPES: readonly string[] = [
  'osd',
  'host',
  'chassis',
  'rack',
  'row',
  'pdu',
  'pod',
  'room',
  'datacenter',
  'zone',
  'region',
  'root',
];

export interface DefaultMapSpec {
  hosts: number;
  osds_per_host: number;
  /** Host bucket names; default `host0`, `host1`, … */
  host_names?: string[];
  /** Device class of every OSD; default `hdd`. */
  device_class?: string;
  /** OSD weight as a float (1.0 = 0x10000); default 1.0. */
  osd_weight?: number;
}

export function buildDefaultCrushMap(spec: DefaultMapSpec): CrushMap {
  const hosts = Math.max(1, Math.floor(spec.hosts));
  const per = Math.max(1, Math.floor(spec.osds_per_host));
  const cls = spec.device_class ?? 'hdd';
  const osdW = Math.trunc((spec.osd_weight ?? 1) * 0x10000) >>> 0;
  const t = tunablesProfile('jewel');
  const map: CrushMap = {
    tunables: t,
    devices: new Map(),
    types: new Map(),
    buckets: [],
    rules: [],
    maxDevices: 0,
  };
  DEFAULT_CRUSH_TYPES.forEach((n, i) => map.types.set(i, n));
  const hostIds: number[] = [];
  const hostWeights: number[] = [];
  for (let h = 0; h < hosts; h++) {
    const items: number[] = [];
    for (let k = 0; k < per; k++) {
      const id = h * per + k;
      map.devices.set(id, { id, name: `osd.${id}`, className: cls });
      items.push(id);
    }
    const id = -(3 + 2 * h);
    const b = makeBucket(
      {
        id,
        name: spec.host_names?.[h] ?? `host${h}`,
        type: 1,
        alg: CRUSH_BUCKET_STRAW2,
        items,
        itemWeights: items.map(() => osdW),
        classIds: new Map([[cls, id - 1]]),
      },
      t.straw_calc_version,
    );
    map.buckets[-1 - id] = b;
    hostIds.push(id);
    hostWeights.push(b.weight);
  }
  map.buckets[0] = makeBucket(
    {
      id: -1,
      name: 'default',
      type: 11,
      alg: CRUSH_BUCKET_STRAW2,
      items: hostIds,
      itemWeights: hostWeights,
      classIds: new Map([[cls, -2]]),
    },
    t.straw_calc_version,
  );
  map.rules[0] = {
    id: 0,
    name: 'replicated_rule',
    type: CRUSH_RULE_TYPE_REPLICATED,
    minSize: 1,
    maxSize: 10,
    steps: [
      { op: 'take', arg1: -1, arg2: 0 },
      hosts > 1
        ? { op: 'chooseleaf_firstn', arg1: 0, arg2: 1 }
        : { op: 'choose_firstn', arg1: 0, arg2: 0 },
      { op: 'emit', arg1: 0, arg2: 0 },
    ],
  };
  return finalizeMap(map);
}
