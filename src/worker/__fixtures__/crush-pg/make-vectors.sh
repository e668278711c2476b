#!/bin/sh
# Regenerates the PG → OSD vectors of this folder with the system's crushtool (Debian bookworm,
# Ceph 16.2.15). A pool with hashpspool maps PG seed s (< pg_num) to CRUSH input
# x = crush_hash32_2(s, pool_id); `crushtool --test --pool-id P` hashes x the same way, so
# `--min-x 0 --max-x pg_num-1` prints exactly the pool's raw PG mappings (every OSD up and in:
# up = acting = raw, primary = the first). The maps are the engine's crushtool fixtures.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
maps="$here/../../../engine/ceph/__fixtures__"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vec() { # map-file name rule size pg_num
  crushtool -c "$maps/$1" -o "$tmp/map.bin"
  crushtool -i "$tmp/map.bin" --test --pool-id 1 --rule "$3" --num-rep "$4" \
    --min-x 0 --max-x $(($5 - 1)) --show-mappings > "$here/$2_pool1_rule$3_size$4_pg$5.txt"
}
vec provided/real_cluster_3osd_crushmap.txt real3 0 3 32
vec generated/classes10.txt classes10 0 3 64
vec generated/classes10.txt classes10 1 2 32
vec generated/rack16_firefly.txt rack16 1 3 100
vec generated/rack16_firefly.txt rack16 6 4 50
