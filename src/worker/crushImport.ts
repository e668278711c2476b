/**
 * A `crushtool -d` text map (issue 8, item 7b) as a one-event trace for the placement view.
 *
 * The engine's own CRUSH compiler (`parseCrushMap`, the text grammar `crushtool -c` accepts)
 * parses it; the hierarchy goes out as `osd_tree` in the `ceph osd tree -f json` shape the
 * engine's maps already carry (`osdTreeJson`), on a `handle_osd_map` point — the catalog step
 * where a client first receives its map and the hierarchy — so src/ui/derive/placement.ts needs
 * no new input. A text map has no OSD states: every device counts as existing, up and in.
 */
import { CrushParseError, parseCrushMap, type TraceEvent } from '../engine/index.ts';
import { osdTreeJson } from '../engine/ceph/cluster/osd-tree.ts';

/** Not JSON: a crushtool text map is tried for anything that does not open with `{` or `[`. */
export function maybeCrushText(text: string): boolean {
  return !/^\s*[[{]/.test(text);
}

export type CrushImport = { ok: true; events: TraceEvent[] } | { ok: false; error: string };

export function crushTextToEvents(text: string): CrushImport {
  let map;
  try {
    map = parseCrushMap(text);
  } catch (e) {
    const msg = e instanceof CrushParseError ? e.message : String((e as Error).message ?? e);
    return { ok: false, error: `crush map: ${msg}` };
  }
  const realBuckets = map.buckets.filter((b) => b !== undefined && !b.shadowOf);
  if (map.devices.size === 0 && realBuckets.length === 0)
    return { ok: false, error: 'crush map: no devices and no buckets (not a crushtool -d map?)' };
  const tree = osdTreeJson(map, {
    exists: (id) => map.devices.has(id),
    isUp: () => true,
    reweight16: () => 0x10000,
    primaryAffinity16: () => 0x10000,
  });
  const rules = map.rules.filter((r) => r !== undefined).map((r) => r.name);
  return {
    ok: true,
    events: [
      {
        seq: 0,
        t: 0,
        pipeline: 'ceph.write',
        op: -1,
        step: 'handle_osd_map',
        phase: 'point',
        actor: 'client',
        caption: `CRUSH map imported from crushtool -d text: ${map.devices.size} devices, ${realBuckets.length} buckets, ${rules.length} rules.`,
        data: {
          source: 'crushtool -d',
          devices: map.devices.size,
          buckets: realBuckets.length,
          rules,
          osd_tree: tree,
        },
      },
    ],
  };
}
