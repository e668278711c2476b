/**
 * Printer for the text CRUSH map in the format Ceph 16.2.15's `crushtool -d` produces:
 * tunables only where they differ from the legacy defaults, devices, types, buckets in
 * depth-first order (children before parents, starting from id -1 downwards), rules,
 * choose_args. Weights print as `%.3f` of (float)w / 0x10000 with C's round-half-even.
 */
import { legacyTunables, TUNABLE_NAMES } from './tunables.ts';
import {
  CRUSH_BUCKET_LIST,
  CRUSH_BUCKET_TREE,
  CRUSH_BUCKET_UNIFORM,
  CRUSH_RULE_TYPE_ERASURE,
  CRUSH_RULE_TYPE_REPLICATED,
  BUCKET_ALG_NAMES,
  type CrushMap,
} from './types.ts';

/** `printf("%.3f", (float)w / (float)0x10000)` for a u32 16.16 weight, exactly. */
export function formatWeight(w: number): string {
  const wf = Math.fround(w); // (float)w: rounds above 2^24
  // value = wf / 65536; print round-half-even to 3 decimals using exact integer arithmetic.
  const num = wf * 1000; // exact: wf < 2^33, so < 2^43
  let q = Math.floor(num / 65536);
  const rem = num - q * 65536;
  if (rem > 32768 || (rem === 32768 && q % 2 === 1)) q += 1;
  const intPart = Math.floor(q / 1000);
  const frac = String(q % 1000).padStart(3, '0');
  return `${intPart}.${frac}`;
}

function typeName(map: CrushMap, t: number): string {
  return map.types.get(t) ?? (t === 0 ? 'device' : `type${t}`);
}

function itemName(map: CrushMap, id: number): string {
  if (id >= 0) return map.devices.get(id)?.name ?? `device${id}`;
  return map.buckets[-1 - id]?.name ?? `bucket${-1 - id}`;
}

/** Print a map back to the `crushtool -d` text form. */
export function printCrushMap(map: CrushMap): string {
  const out: string[] = ['# begin crush map\n'];
  const legacy = legacyTunables();
  for (const k of TUNABLE_NAMES) {
    if (map.tunables[k] !== legacy[k]) out.push(`tunable ${k} ${map.tunables[k]}\n`);
  }
  out.push('\n# devices\n');
  for (const id of [...map.devices.keys()].sort((a, b) => a - b)) {
    const d = map.devices.get(id)!;
    out.push(`device ${id} ${d.name}${d.className ? ` class ${d.className}` : ''}\n`);
  }
  out.push('\n# types\n');
  const typeIds = [...map.types.keys()].sort((a, b) => a - b);
  if (!map.types.has(0)) out.push('type 0 osd\n');
  for (const t of typeIds) out.push(`type ${t} ${map.types.get(t)}\n`);

  out.push('\n# buckets\n');
  const done = new Set<number>();
  const visit = (id: number): void => {
    const b = map.buckets[-1 - id];
    if (b === undefined || b.shadowOf || done.has(id)) return;
    done.add(id);
    for (const it of b.items) if (it < 0) visit(it);
    out.push(`${typeName(map, b.type)} ${b.name} {\n`);
    out.push(`\tid ${b.id}\t\t# do not change unnecessarily\n`);
    for (const [c, cid] of [...b.classIds].sort((a, z) => (a[0] < z[0] ? -1 : 1)))
      out.push(`\tid ${cid} class ${c}\t\t# do not change unnecessarily\n`);
    out.push(`\t# weight ${formatWeight(b.weight)}\n`);
    let algLine = `\talg ${BUCKET_ALG_NAMES[b.alg] ?? b.alg}`;
    const dopos = b.alg === CRUSH_BUCKET_UNIFORM || b.alg === CRUSH_BUCKET_TREE;
    if (b.alg === CRUSH_BUCKET_UNIFORM)
      algLine += `\t# do not change bucket size (${b.items.length}) unnecessarily`;
    else if (b.alg === CRUSH_BUCKET_LIST)
      algLine += '\t# add new items at the end; do not change order unnecessarily';
    else if (b.alg === CRUSH_BUCKET_TREE)
      algLine += '\t# do not change pos for existing items unnecessarily';
    out.push(`${algLine}\n`);
    out.push(`\thash ${b.hash}\t# ${b.hash === 0 ? 'rjenkins1' : 'unknown'}\n`);
    b.items.forEach((it, j) => {
      out.push(
        `\titem ${itemName(map, it)} weight ${formatWeight(b.itemWeights[j]!)}${dopos ? ` pos ${j}` : ''}\n`,
      );
    });
    out.push('}\n');
  };
  for (let i = 0; i < map.buckets.length; i++) visit(-1 - i);

  out.push('\n# rules\n');
  for (const r of map.rules) {
    if (r === undefined) continue;
    out.push(`rule ${r.name} {\n\tid ${r.id}\n`);
    out.push(
      r.type === CRUSH_RULE_TYPE_REPLICATED
        ? '\ttype replicated\n'
        : r.type === CRUSH_RULE_TYPE_ERASURE
          ? '\ttype erasure\n'
          : `\ttype ${r.type}\n`,
    );
    out.push(`\tmin_size ${r.minSize}\n\tmax_size ${r.maxSize}\n`);
    for (const s of r.steps) {
      switch (s.op) {
        case 'noop':
          out.push('\tstep noop\n');
          break;
        case 'take':
          out.push(
            `\tstep take ${itemName(map, s.baseItem ?? s.arg1)}${s.className ? ` class ${s.className}` : ''}\n`,
          );
          break;
        case 'emit':
          out.push('\tstep emit\n');
          break;
        case 'choose_firstn':
        case 'choose_indep':
        case 'chooseleaf_firstn':
        case 'chooseleaf_indep': {
          const [verb, mode] = s.op.split('_') as [string, string];
          out.push(`\tstep ${verb} ${mode} ${s.arg1} type ${typeName(map, s.arg2)}\n`);
          break;
        }
        default:
          out.push(`\tstep ${s.op} ${s.arg1}\n`);
      }
    }
    out.push('}\n');
  }
  const ca = map.chooseArgs;
  if (ca && ca.size > 0) {
    out.push('\n# choose_args\n');
    for (const [id, args] of [...ca].sort((a, b) => a[0] - b[0])) {
      // int64 index printed as uint64 (DEFAULT_CHOOSE_ARGS -1 → 18446744073709551615);
      // entries in bucket index order, those with neither weights nor ids left out.
      out.push(`choose_args ${BigInt.asUintN(64, BigInt(id)).toString()} {\n`);
      const sorted = [...args].sort((a, b) => -1 - a.bucketId - (-1 - b.bucketId));
      for (const a of sorted) {
        if (!(a.weightSet && a.weightSet.length) && !(a.ids && a.ids.length)) continue;
        out.push('  {\n');
        out.push(`    bucket_id ${a.bucketId}\n`);
        if (a.weightSet && a.weightSet.length > 0) {
          out.push('    weight_set [\n');
          for (const row of a.weightSet)
            out.push(`      [ ${row.map((w) => `${formatWeight(w)} `).join('')}]\n`);
          out.push('    ]\n');
        }
        if (a.ids && a.ids.length > 0)
          out.push(`    ids [ ${a.ids.map((i) => `${i} `).join('')}]\n`);
        out.push('  }\n');
      }
      out.push('}\n');
    }
  }
  out.push('\n# end crush map\n');
  return out.join('');
}
