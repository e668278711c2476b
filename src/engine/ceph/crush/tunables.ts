/**
 * CRUSH tunable profiles (`CrushWrapper::set_tunables_*`). A text map without `tunable`
 * lines compiles with the LEGACY (argonaut) values, and `crushtool -d` prints only the
 * tunables that differ from them.
 */
import type { CrushTunables } from './types.ts';

/** (1 << uniform) | (1 << list) | (1 << straw) = 22. */
export const CRUSH_LEGACY_ALLOWED_BUCKET_ALGS = 22;
/** Legacy + tree + straw2 = 54. */
export const CRUSH_ALL_BUCKET_ALGS_JEWEL = 54;

export type TunablesProfile =
  'legacy' | 'argonaut' | 'bobtail' | 'firefly' | 'hammer' | 'jewel' | 'optimal' | 'default';

export const TUNABLE_NAMES: readonly (keyof CrushTunables)[] = [
  'choose_local_tries',
  'choose_local_fallback_tries',
  'choose_total_tries',
  'chooseleaf_descend_once',
  'chooseleaf_vary_r',
  'chooseleaf_stable',
  'straw_calc_version',
  'allowed_bucket_algs',
];

export function legacyTunables(): CrushTunables {
  return {
    choose_local_tries: 2,
    choose_local_fallback_tries: 5,
    choose_total_tries: 19,
    chooseleaf_descend_once: 0,
    chooseleaf_vary_r: 0,
    chooseleaf_stable: 0,
    straw_calc_version: 0,
    allowed_bucket_algs: CRUSH_LEGACY_ALLOWED_BUCKET_ALGS,
  };
}

/** Tunables of a named profile (`ceph osd crush tunables NAME`). */
export function tunablesProfile(profile: TunablesProfile): CrushTunables {
  const t = legacyTunables();
  switch (profile) {
    case 'legacy':
    case 'argonaut':
      return t;
    case 'bobtail':
      return {
        ...t,
        choose_local_tries: 0,
        choose_local_fallback_tries: 0,
        choose_total_tries: 50,
        chooseleaf_descend_once: 1,
      };
    case 'firefly':
      return { ...tunablesProfile('bobtail'), chooseleaf_vary_r: 1 };
    case 'hammer':
      return { ...tunablesProfile('firefly'), allowed_bucket_algs: CRUSH_ALL_BUCKET_ALGS_JEWEL };
    case 'jewel':
    case 'optimal':
    case 'default':
      return { ...tunablesProfile('hammer'), chooseleaf_stable: 1, straw_calc_version: 1 };
  }
}

/** The profile name `crushtool --dump` reports, or 'unknown' for a custom mix. */
export function tunablesProfileName(t: CrushTunables): string {
  for (const p of ['argonaut', 'bobtail', 'firefly', 'hammer', 'jewel'] as const) {
    const q = tunablesProfile(p);
    if (p === 'argonaut' || p === 'bobtail' || p === 'firefly') {
      // These profiles predate straw_calc_version/stable/straw2; CrushWrapper ignores them.
      if (
        t.choose_local_tries === q.choose_local_tries &&
        t.choose_local_fallback_tries === q.choose_local_fallback_tries &&
        t.choose_total_tries === q.choose_total_tries &&
        t.chooseleaf_descend_once === q.chooseleaf_descend_once &&
        t.chooseleaf_vary_r === q.chooseleaf_vary_r &&
        t.chooseleaf_stable === 0 &&
        t.allowed_bucket_algs === CRUSH_LEGACY_ALLOWED_BUCKET_ALGS
      )
        return p;
    } else if (TUNABLE_NAMES.every((k) => k === 'straw_calc_version' || t[k] === q[k])) return p;
  }
  return 'unknown';
}
