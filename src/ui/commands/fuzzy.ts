/**
 * Fuzzy filter for the command palette: the query's characters must appear in order in the
 * label (case-insensitive). Score favours consecutive runs and word starts; ties keep the
 * registry's order. Returns null when the query does not match.
 */
export function fuzzyScore(query: string, label: string): number | null {
  const q = query.toLowerCase().replace(/\s+/g, '');
  const s = label.toLowerCase();
  if (q === '') return 0;
  let score = 0;
  let at = -1;
  for (const ch of q) {
    const i = s.indexOf(ch, at + 1);
    if (i < 0) return null;
    if (i === at + 1) score += 3;
    if (i === 0 || s[i - 1] === ' ' || s[i - 1] === '/') score += 2;
    score -= (i - at - 1) * 0.1;
    at = i;
  }
  return score;
}

export function fuzzyFilter<T>(items: readonly T[], query: string, text: (t: T) => string): T[] {
  const scored: { t: T; s: number; i: number }[] = [];
  items.forEach((t, i) => {
    const s = fuzzyScore(query, text(t));
    if (s !== null) scored.push({ t, s, i });
  });
  return scored.sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.t);
}
