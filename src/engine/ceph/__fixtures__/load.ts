/**
 * Test-only loader for the vector files in this folder (Node fs; never imported by engine
 * code — tsconfig.engine.json excludes __fixtures__).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = dirname(fileURLToPath(import.meta.url));

export function fixtureText(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

export function fixtureJson<T = unknown>(rel: string): T {
  return JSON.parse(fixtureText(rel)) as T;
}

/** Lines of `crushtool --show-mappings`: `CRUSH rule R x X [a,b,c]`. */
export function parseMappings(text: string): { rule: number; x: number; osds: number[] }[] {
  const out: { rule: number; x: number; osds: number[] }[] = [];
  for (const line of text.split('\n')) {
    const m = /^CRUSH rule (\d+) x (-?\d+) \[([-\d,]*)\]$/.exec(line.trim());
    if (!m) continue;
    out.push({ rule: Number(m[1]), x: Number(m[2]), osds: m[3] ? m[3].split(',').map(Number) : [] });
  }
  return out;
}
