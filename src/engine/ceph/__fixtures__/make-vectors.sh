#!/bin/sh
# Regenerates generated/ with Ceph 16.2.15's crushtool and osdmaptool (Debian package
# ceph-base 16.2.15+ds-0+deb12u2). Usage: sh make-vectors.sh   (from any directory)
# Every output is deterministic and re-running reproduces the files byte for byte, except
# om_rack16_upmap_*: osdmaptool's upmap balancer shuffles randomly (commands and dump of
# one run always belong together).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/generated"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
crushtool --version >/dev/null 2>&1 || true

# ---------------------------------------------------------------- source maps (text)
# rack16: root -> 4 racks -> 2 hosts -> 2 OSDs, unequal weights, 8 rules.
cat > "$TMP/rack16.src" <<'MAP'
tunable choose_local_tries 0
tunable choose_local_fallback_tries 0
tunable choose_total_tries 50
tunable chooseleaf_descend_once 1
tunable chooseleaf_vary_r 1
tunable chooseleaf_stable 1
tunable straw_calc_version 1
tunable allowed_bucket_algs 54
device 0 osd.0
device 1 osd.1
device 2 osd.2
device 3 osd.3
device 4 osd.4
device 5 osd.5
device 6 osd.6
device 7 osd.7
device 8 osd.8
device 9 osd.9
device 10 osd.10
device 11 osd.11
device 12 osd.12
device 13 osd.13
device 14 osd.14
device 15 osd.15
type 0 osd
type 1 host
type 2 rack
type 3 root
host h0 {
	id -1
	alg straw2
	hash 0
	item osd.0 weight 1.0
	item osd.1 weight 1.0
}
host h1 {
	id -2
	alg straw2
	hash 0
	item osd.2 weight 2.0
	item osd.3 weight 0.5
}
host h2 {
	id -3
	alg straw2
	hash 0
	item osd.4 weight 1.0
	item osd.5 weight 1.0
}
host h3 {
	id -4
	alg straw2
	hash 0
	item osd.6 weight 0.75
	item osd.7 weight 1.25
}
host h4 {
	id -5
	alg straw2
	hash 0
	item osd.8 weight 1.0
	item osd.9 weight 1.0
}
host h5 {
	id -6
	alg straw2
	hash 0
	item osd.10 weight 3.0
	item osd.11 weight 1.0
}
host h6 {
	id -7
	alg straw2
	hash 0
	item osd.12 weight 1.0
	item osd.13 weight 1.0
}
host h7 {
	id -8
	alg straw2
	hash 0
	item osd.14 weight 0.1
	item osd.15 weight 1.9
}
rack r0 {
	id -9
	alg straw2
	hash 0
	item h0
	item h1
}
rack r1 {
	id -10
	alg straw2
	hash 0
	item h2
	item h3
}
rack r2 {
	id -11
	alg straw2
	hash 0
	item h4
	item h5
}
rack r3 {
	id -12
	alg straw2
	hash 0
	item h6
	item h7
}
root root {
	id -13
	alg straw2
	hash 0
	item r0
	item r1
	item r2
	item r3
}
rule replicated_rule {
	id 0
	type replicated
	min_size 1
	max_size 10
	step take root
	step chooseleaf firstn 0 type host
	step emit
}
rule rack_rule {
	id 1
	type replicated
	min_size 1
	max_size 10
	step take root
	step chooseleaf firstn 0 type rack
	step emit
}
rule two_racks_two_hosts {
	id 2
	type replicated
	min_size 1
	max_size 10
	step take root
	step choose firstn 2 type rack
	step chooseleaf firstn 2 type host
	step emit
}
rule ec_like_indep {
	id 3
	type erasure
	min_size 3
	max_size 20
	step set_chooseleaf_tries 5
	step set_choose_tries 100
	step take root
	step chooseleaf indep 0 type host
	step emit
}
rule ec_racks_indep {
	id 4
	type erasure
	min_size 3
	max_size 20
	step set_choose_tries 100
	step take root
	step choose indep 0 type rack
	step choose indep 2 type osd
	step emit
}
rule osd_firstn {
	id 5
	type replicated
	min_size 1
	max_size 10
	step take root
	step choose firstn 0 type osd
	step emit
}
rule two_takes {
	id 6
	type replicated
	min_size 1
	max_size 10
	step take r0
	step chooseleaf firstn 1 type host
	step emit
	step take r2
	step chooseleaf firstn -1 type host
	step emit
}
rule legacy_steps {
	id 7
	type replicated
	min_size 1
	max_size 10
	step set_chooseleaf_stable 0
	step set_chooseleaf_vary_r 0
	step set_choose_local_tries 1
	step take root
	step chooseleaf firstn 0 type host
	step emit
}
MAP

# algs12: one host per bucket algorithm, a straw root; straw_calc_version 1 and 0.
algs_map() {
cat <<MAP
tunable choose_local_tries 0
tunable choose_local_fallback_tries 0
tunable choose_total_tries 50
tunable chooseleaf_descend_once 1
tunable chooseleaf_vary_r 1
tunable chooseleaf_stable 1
tunable straw_calc_version $1
tunable allowed_bucket_algs 62
device 0 osd.0
device 1 osd.1
device 2 osd.2
device 3 osd.3
device 4 osd.4
device 5 osd.5
device 6 osd.6
device 7 osd.7
device 8 osd.8
device 9 osd.9
device 10 osd.10
device 11 osd.11
device 12 osd.12
device 13 osd.13
type 0 osd
type 1 host
type 2 root
host hstraw {
	id -1
	alg straw
	hash 0
	item osd.0 weight 1.0
	item osd.1 weight 1.0
	item osd.2 weight 2.5
	item osd.3 weight 0.0
}
host huniform {
	id -2
	alg uniform
	hash 0
	item osd.4 weight 1.0
	item osd.5 weight 1.0
	item osd.6 weight 1.0
}
host hlist {
	id -3
	alg list
	hash 0
	item osd.7 weight 0.5
	item osd.8 weight 2.0
	item osd.9 weight 1.0
}
host htree {
	id -4
	alg tree
	hash 0
	item osd.10 weight 1.0
	item osd.11 weight 3.0
	item osd.12 weight 0.5
	item osd.13 weight 1.5
}
root root {
	id -5
	alg straw
	hash 0
	item hstraw weight 4.5
	item huniform weight 3.0
	item hlist weight 3.5
	item htree weight 4.5
}
rule replicated_rule {
	id 0
	type replicated
	min_size 1
	max_size 10
	step take root
	step chooseleaf firstn 0 type host
	step emit
}
rule osd_firstn {
	id 1
	type replicated
	min_size 1
	max_size 20
	step take root
	step choose firstn 0 type osd
	step emit
}
rule indep_host {
	id 2
	type erasure
	min_size 1
	max_size 20
	step take root
	step chooseleaf indep 0 type host
	step emit
}
rule uniform_only {
	id 3
	type replicated
	min_size 1
	max_size 20
	step take huniform
	step choose firstn 0 type osd
	step emit
}
rule uniform_indep {
	id 4
	type erasure
	min_size 1
	max_size 20
	step take huniform
	step choose indep 0 type osd
	step emit
}
MAP
}
algs_map 1 > "$TMP/algs12.src"
algs_map 0 > "$TMP/algs12_straw0.src"

# flat10: legacy (argonaut) tunables - local retries and the perm fallback - on a flat
# straw root; no tunable lines at all, so the compiler's legacy defaults apply.
{
  i=0
  while [ $i -lt 10 ]; do echo "device $i osd.$i"; i=$((i+1)); done
  echo "type 0 osd"; echo "type 1 root"
  echo "root flat {"; echo "	id -1"; echo "	alg straw"; echo "	hash 0"
  i=0
  while [ $i -lt 10 ]; do echo "	item osd.$i weight 1.0"; i=$((i+1)); done
  echo "}"
  echo "rule flat_firstn {"; echo "	id 0"; echo "	type replicated"; echo "	min_size 1"; echo "	max_size 10"
  echo "	step take flat"; echo "	step choose firstn 0 type osd"; echo "	step emit"; echo "}"
  echo "rule flat_indep {"; echo "	id 1"; echo "	type erasure"; echo "	min_size 1"; echo "	max_size 10"
  echo "	step take flat"; echo "	step choose indep 0 type osd"; echo "	step emit"; echo "}"
} > "$TMP/flat10.src"

# classes10: device classes (hdd/ssd) without declared shadow ids: crushtool allocates them
# (printed as `id -N class C`), rules take the per-class shadow trees.
cat > "$TMP/classes10.src" <<'MAP'
tunable choose_local_tries 0
tunable choose_local_fallback_tries 0
tunable choose_total_tries 50
tunable chooseleaf_descend_once 1
tunable chooseleaf_vary_r 1
tunable chooseleaf_stable 1
tunable straw_calc_version 1
tunable allowed_bucket_algs 54
device 0 osd.0 class hdd
device 1 osd.1 class hdd
device 2 osd.2 class ssd
device 3 osd.3 class hdd
device 4 osd.4 class ssd
device 5 osd.5 class hdd
device 6 osd.6 class hdd
device 7 osd.7 class ssd
device 8 osd.8 class hdd
device 9 osd.9 class hdd
type 0 osd
type 1 host
type 11 root
host a {
	alg straw2
	hash 0
	item osd.0 weight 1.0
	item osd.1 weight 2.0
	item osd.2 weight 0.5
}
host b {
	alg straw2
	hash 0
	item osd.3 weight 1.0
	item osd.4 weight 0.5
	item osd.5 weight 1.0
}
host c {
	alg straw2
	hash 0
	item osd.6 weight 1.5
	item osd.7 weight 0.5
}
host d {
	alg straw2
	hash 0
	item osd.8 weight 1.0
	item osd.9 weight 1.0
}
root default {
	alg straw2
	hash 0
	item a
	item b
	item c
	item d
}
rule any {
	id 0
	type replicated
	min_size 1
	max_size 10
	step take default
	step chooseleaf firstn 0 type host
	step emit
}
rule ssd {
	id 1
	type replicated
	min_size 1
	max_size 10
	step take default class ssd
	step chooseleaf firstn 0 type host
	step emit
}
rule hdd {
	id 2
	type replicated
	min_size 1
	max_size 10
	step take default class hdd
	step chooseleaf firstn 0 type host
	step emit
}
rule hdd_ec {
	id 3
	type erasure
	min_size 1
	max_size 10
	step take default class hdd
	step choose indep 0 type osd
	step emit
}
MAP

# cargs12: map2 plus choose_args (crush-compat weight-set -1 printed as 2^64-1, per-position
# rows, substitute ids) and a per-pool map 3, used with --pool-id.
{ sed '/^# end crush map/d' "$HERE/provided/map2.txt"; cat <<'MAP'
choose_args 18446744073709551615 {
  {
    bucket_id -5
    weight_set [
      [ 1.000 3.000 2.000 0.500 ]
      [ 2.000 1.000 1.000 1.000 ]
    ]
  }
  {
    bucket_id -3
    weight_set [
      [ 0.500 1.000 3.000 ]
    ]
    ids [ -100 -101 -102 ]
  }
  {
    bucket_id -1
    ids [ 17 18 19 ]
  }
}
choose_args 3 {
  {
    bucket_id -5
    weight_set [
      [ 0.100 1.000 1.000 1.000 ]
    ]
  }
}
MAP
} > "$TMP/cargs12.src"

compile() { # name: compile src, write the decompiled canonical text to generated/
  crushtool -c "$TMP/$1.src" -o "$TMP/$1.bin"
  crushtool -d "$TMP/$1.bin" -o "$OUT/$1.txt"
}
compile rack16
compile algs12
compile algs12_straw0
compile flat10
compile classes10
compile cargs12
sed 's/^choose_args 3 {$/choose_args 1 {/' "$OUT/cargs12.txt" > "$TMP/cargs12p1.src"
compile cargs12p1

# Re-creations of the reference set's held-back checks (described in provided/README.txt):
# map1_legacy, map2_stable0, map3 (racks; rules rack/two-step/indep) and om100.
crushtool -c "$HERE/provided/map1.txt" -o "$TMP/map1.bin"
crushtool -c "$HERE/provided/map2.txt" -o "$TMP/map2.bin"
crushtool -c "$HERE/provided/map4.txt" -o "$TMP/map4.bin"
crushtool -i "$TMP/map1.bin" --set-choose-total-tries 19 --set-chooseleaf-descend-once 0 \
  --set-chooseleaf-vary-r 0 --set-chooseleaf-stable 0 -o "$TMP/map1_legacy.bin" >/dev/null 2>&1
crushtool -d "$TMP/map1_legacy.bin" -o "$OUT/map1_legacy.txt"
crushtool -i "$TMP/map2.bin" --set-chooseleaf-stable 0 -o "$TMP/map2_stable0.bin" >/dev/null 2>&1
crushtool -d "$TMP/map2_stable0.bin" -o "$OUT/map2_stable0.txt"
crushtool -o "$TMP/map3_built.bin" --build --num_osds 16 host straw2 2 rack straw2 2 root straw2 0 >/dev/null 2>&1
crushtool -d "$TMP/map3_built.bin" | sed '/^# rules/,$d' > "$TMP/map3.src"
cat >> "$TMP/map3.src" <<'MAP'
# rules
rule replicated_rule {
	id 0
	type replicated
	min_size 1
	max_size 10
	step take root
	step chooseleaf firstn 0 type host
	step emit
}
rule rack_rule {
	id 1
	type replicated
	min_size 1
	max_size 10
	step take root
	step chooseleaf firstn 0 type rack
	step emit
}
rule two_racks_two_hosts {
	id 2
	type replicated
	min_size 1
	max_size 10
	step take root
	step choose firstn 2 type rack
	step chooseleaf firstn 2 type host
	step emit
}
rule ec_like_indep {
	id 3
	type erasure
	min_size 1
	max_size 10
	step set_chooseleaf_tries 5
	step set_choose_tries 100
	step take root
	step chooseleaf indep 0 type host
	step emit
}
MAP
compile map3

# Tunable variants of rack16 made with crushtool's own setters.
crushtool -i "$TMP/rack16.bin" --set-choose-local-tries 2 --set-choose-local-fallback-tries 5 \
  --set-choose-total-tries 19 --set-chooseleaf-descend-once 0 --set-chooseleaf-vary-r 0 \
  --set-chooseleaf-stable 0 -o "$TMP/rack16_legacy.bin" >/dev/null 2>&1
crushtool -d "$TMP/rack16_legacy.bin" -o "$OUT/rack16_legacy.txt"
crushtool -i "$TMP/rack16.bin" --set-chooseleaf-vary-r 0 --set-chooseleaf-stable 0 \
  -o "$TMP/rack16_bobtail.bin" >/dev/null 2>&1
crushtool -d "$TMP/rack16_bobtail.bin" -o "$OUT/rack16_bobtail.txt"
crushtool -i "$TMP/rack16.bin" --set-chooseleaf-stable 0 -o "$TMP/rack16_firefly.bin" >/dev/null 2>&1
crushtool -d "$TMP/rack16_firefly.bin" -o "$OUT/rack16_firefly.txt"
crushtool -i "$TMP/rack16.bin" --set-chooseleaf-descend-once 0 -o "$TMP/rack16_descend0.bin" >/dev/null 2>&1
crushtool -d "$TMP/rack16_descend0.bin" -o "$OUT/rack16_descend0.txt"
# chooseleaf_vary_r 3 (sub_r = r >> 2) with stable 0: only settable in the text map.
sed 's/^tunable chooseleaf_vary_r 1$/tunable chooseleaf_vary_r 3/; s/^tunable chooseleaf_stable 1$/tunable chooseleaf_stable 0/' \
  "$OUT/rack16.txt" > "$TMP/rack16_varyr3.src"
compile rack16_varyr3

# ---------------------------------------------------------------- mappings
# m MAP RULE NUMREP [DEV W]... -> generated/MAP_ruleR_repN[_wDEV-W...].txt
m() {
  map=$1; rule=$2; rep=$3; shift 3
  name="${map}_rule${rule}_rep${rep}"
  args=""
  while [ $# -gt 1 ]; do
    name="${name}_w$1-$2"; args="$args --weight $1 $2"; shift 2
  done
  # shellcheck disable=SC2086
  crushtool -i "$TMP/$map.bin" --test --show-mappings --min-x 0 --max-x 1023 \
    --rule "$rule" --num-rep "$rep" $args 2>&1 | grep '^CRUSH rule' > "$OUT/$name.txt"
  echo "$map $rule $rep $args -> $name.txt"
}
# mp MAP RULE NUMREP POOL: with --pool-id (x is hashed with the pool id, choose_args POOL)
mp() {
  name="${1}_rule${2}_rep${3}_pool${4}"
  crushtool -i "$TMP/$1.bin" --test --show-mappings --min-x 0 --max-x 1023 \
    --rule "$2" --num-rep "$3" --pool-id "$4" 2>&1 | grep '^CRUSH rule' > "$OUT/$name.txt"
  echo "$1 $2 $3 --pool-id $4 -> $name.txt"
}
{
m rack16 0 3
m rack16 0 5
m rack16 0 3 5 0 9 0.5
m rack16 1 3
m rack16 1 4
m rack16 1 3 0 0 1 0
m rack16 2 4
m rack16 2 4 10 0 3 0.25
m rack16 3 4
m rack16 3 6 2 0 13 0
m rack16 3 10
m rack16 4 8
m rack16 4 8 4 0 5 0
m rack16 5 5
m rack16 5 7 7 0.6
m rack16 6 3
m rack16 7 3
m rack16 7 3 12 0
m rack16_legacy 0 3
m rack16_legacy 0 3 2 0 6 0.5
m rack16_legacy 1 4
m rack16_legacy 3 4
m rack16_legacy 5 6 1 0
m rack16_bobtail 0 3
m rack16_bobtail 0 4 8 0
m rack16_bobtail 1 3
m rack16_firefly 0 3 8 0
m rack16_firefly 2 4
m rack16_descend0 0 3 4 0 11 0.2
m rack16_varyr3 0 3
m rack16_varyr3 1 4 2 0 3 0
m rack16_varyr3 0 5 9 0.4
m algs12 0 3
m algs12 0 4 5 0
m algs12 1 5
m algs12 1 8 2 0 11 0.5
m algs12 2 4
m algs12 2 4 12 0
m algs12 3 2
m algs12 4 3
m algs12 4 3 6 0
m algs12_straw0 0 3
m algs12_straw0 1 6
m flat10 0 3
m flat10 0 9
m flat10 0 8 0 0 1 0 2 0 3 0.5
m flat10 1 6 4 0 5 0
m classes10 0 3
m classes10 1 3
m classes10 1 3 4 0
m classes10 2 3
m classes10 2 3 1 0 8 0.5
m classes10 3 5
m classes10 3 5 3 0
m map1_legacy 0 3
m map1_legacy 0 3 3 0
m map2_stable0 0 3 6 0
m map2_stable0 0 3
m map3 0 3
m map3 1 3
m map3 2 4
m map3 3 4
m map3 3 4 5 0
m cargs12 0 3
m cargs12 0 4 6 0
mp cargs12 0 3 3
mp cargs12 0 3 5
mp map2 0 3 1
} > "$OUT/mappings.index"

# ---------------------------------------------------------------- osdmaps
# osdmaptool --createsimple N --with-default-pool --pg-bits B --pgp-bits P, crush imported.
om() { # name numosd pgbits pgpbits crushbin
  osdmaptool --createsimple "$2" --with-default-pool --pg-bits "$3" --pgp-bits "$4" "$TMP/$1" >/dev/null 2>&1
  osdmaptool "$TMP/$1" --import-crush "$TMP/$5.bin" >/dev/null 2>&1
  osdmaptool "$TMP/$1" --print 2>/dev/null | grep '^pool ' > "$OUT/$1_print.txt"
}
om om_rack16_80 20 2 1 rack16
om om_rack16_128 16 3 3 rack16
om om_algs12_56 14 2 2 algs12
om om_classes10_32 10 2 2 classes10
om om100 25 2 2 map4
om om_cargs12 12 3 3 cargs12
om om_cargs12p1 12 3 3 cargs12p1
for o in om_rack16_80 om_rack16_128 om_algs12_56 om_classes10_32 om100 om_cargs12 om_cargs12p1; do
  osdmaptool "$TMP/$o" --mark-up-in --test-map-pgs-dump-all --pool 1 2>/dev/null | grep ' raw (' > "$OUT/${o}_pgs_dump_all.txt"
  while read -r name; do
    osdmaptool "$TMP/$o" --mark-up-in --test-map-object "$name" --pool 1 2>/dev/null | grep "object '"
  done < "$HERE/provided/objnames.txt" > "$OUT/${o}_objects.txt"
done
osdmaptool "$TMP/om_rack16_80" --mark-up-in --mark-out 10 --test-map-pgs-dump-all --pool 1 2>/dev/null \
  | grep ' raw (' > "$OUT/om_rack16_80_osd10out_pgs_dump_all.txt"
osdmaptool "$TMP/om_algs12_56" --mark-up-in --mark-out 2 --test-map-pgs-dump-all --pool 1 2>/dev/null \
  | grep ' raw (' > "$OUT/om_algs12_56_osd2out_pgs_dump_all.txt"
# pg_upmap_items from osdmaptool's own balancer (--upmap ... --save), then the PG dump.
osdmaptool --createsimple 16 --with-default-pool --pg-bits 3 --pgp-bits 3 "$TMP/om_upmap" >/dev/null 2>&1
osdmaptool "$TMP/om_upmap" --import-crush "$TMP/rack16.bin" >/dev/null 2>&1
osdmaptool "$TMP/om_upmap" --mark-up-in --upmap "$OUT/om_rack16_upmap_commands.txt" --upmap-max 20 \
  --upmap-deviation 1 --save >/dev/null 2>&1
osdmaptool "$TMP/om_upmap" --mark-up-in --test-map-pgs-dump-all --pool 1 2>/dev/null | grep ' raw (' \
  > "$OUT/om_rack16_upmap_pgs_dump_all.txt"
echo "done: $(ls "$OUT" | wc -l) files in $OUT"
