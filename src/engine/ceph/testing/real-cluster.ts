/**
 * The CRUSH map and pools of the real 3-OSD test cluster the reference traces were captured
 * on (ceph-real-traces: one host "vm", 3 OSDs, rule `choose firstn 0 type osd`, pools
 * `device_health_metrics` (1 PG) and `sim` (16 PGs) / `rbd`), so simulated placement and
 * op descriptions can be compared with the real dumps one to one.
 */
export const REAL_CLUSTER_CRUSH = `# begin crush map
tunable choose_local_tries 0
tunable choose_local_fallback_tries 0
tunable choose_total_tries 50
tunable chooseleaf_descend_once 1
tunable chooseleaf_vary_r 1
tunable chooseleaf_stable 1
tunable straw_calc_version 1
tunable allowed_bucket_algs 54

# devices
device 0 osd.0 class hdd
device 1 osd.1 class hdd
device 2 osd.2 class hdd

# types
type 0 osd
type 1 host
type 11 root

# buckets
host vm {
\tid -3\t\t# do not change unnecessarily
\tid -4 class hdd\t\t# do not change unnecessarily
\t# weight 3.00000
\talg straw2
\thash 0\t# rjenkins1
\titem osd.0 weight 1.00000
\titem osd.1 weight 1.00000
\titem osd.2 weight 1.00000
}
root default {
\tid -1\t\t# do not change unnecessarily
\tid -2 class hdd\t\t# do not change unnecessarily
\t# weight 3.00000
\talg straw2
\thash 0\t# rjenkins1
\titem vm weight 3.00000
}

# rules
rule replicated_rule {
\tid 0
\ttype replicated
\tmin_size 1
\tmax_size 10
\tstep take default
\tstep choose firstn 0 type osd
\tstep emit
}

# end crush map
`;

/** `cluster.ceph` of the real test cluster (pools sim = 2, rbd = 3). */
export function realClusterConfig(objectstore: 'filestore' | 'bluestore'): Record<string, unknown> {
  return {
    crush_map: REAL_CLUSTER_CRUSH,
    pools: [
      { name: 'device_health_metrics', size: 3, min_size: 2, pg_num: 1 },
      { name: 'sim', size: 3, min_size: 2, pg_num: 16 },
      { name: 'rbd', size: 3, min_size: 2, pg_num: 16 },
    ],
    objectstore,
  };
}
