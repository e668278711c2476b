/**
 * Fuzz: ≥ 10 000 mutated inputs through every parser that takes outside input — scenario
 * validation, walkthrough documents, trace files, page URLs / share links / embed messages,
 * Ceph OpTracker dumps and the file router. No parser may throw; every rejection must be a
 * readable one-line message naming where the problem is ("<path>: <what>").
 * Mutations come from the project's seeded Rng, so a failure reproduces from its seed.
 * (Test-only engine import: the page reaches the same parsers through the worker.)
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
/* eslint-disable @typescript-eslint/no-restricted-imports -- fuzzing the real engine parsers */
import {
  Rng,
  getBuiltinScenario,
  importCephDumps,
  parseTrace,
  serializeTrace,
  validateScenario,
} from '../../engine/index.ts';
/* eslint-enable @typescript-eslint/no-restricted-imports */
import { parseCommand } from '../embed/protocol.ts';
import { decodeDocParam, migrateParams } from '../share/link.ts';
import { parsePageParams } from '../url.ts';
import { BUILTIN_WALKTHROUGHS } from '../walkthrough/builtins/index.ts';
import { parseWalkthrough } from '../walkthrough/doc.ts';
import { routeFiles } from './routeFiles.ts';

const FX = new URL('../../engine/import/__fixtures__/', import.meta.url);
const fx = (n: string) => readFileSync(new URL(n, FX), 'utf8');

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ',',
  ':',
  'null',
  'true',
  '-1',
  '1e309',
  '0.5',
  '"__proto__"',
  '"constructor"',
  '\\u0000',
  '"<script>alert(1)</script>"',
  '9007199254740993',
  '""',
  '[]',
  '{}',
];

type J = null | boolean | number | string | J[] | { [k: string]: J };

function randomValue(r: Rng, depth = 0): J {
  switch (r.int(0, depth > 2 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return [0, -1, 1.5, 1e300, -0, 4294967296, Number.MAX_SAFE_INTEGER][r.int(0, 6)]!;
    case 3:
      return [
        '',
        'x',
        '__proto__',
        'DAOS_IOD_SINGLE',
        '2026-11-21T22:33:24.358058+0000',
        'osd_op(client.1.0:1 1.0 1:0:::o:head [write 0~1] snapc 0=[] ondisk+write e1)',
        '<b>hi</b>',
      ][r.int(0, 6)]!;
    case 4:
      return 'z'.repeat(r.int(0, 300));
    case 5:
      return [];
    case 6:
      return Array.from({ length: r.int(1, 3) }, () => randomValue(r, depth + 1));
    default:
      return {
        [['a', 'ops', 'schema', 'events', 'stops', 'at'][r.int(0, 5)]!]: randomValue(r, depth + 1),
      };
  }
}

/** Structural mutation: replace / delete / duplicate a random node of the JSON tree. */
function mutateTree(v: J, r: Rng): J {
  if (Array.isArray(v)) {
    if (v.length === 0 || r.chance(0.15))
      return r.chance(0.5) ? randomValue(r) : [...v, randomValue(r)];
    const i = r.int(0, v.length - 1);
    const out = [...v];
    const op = r.int(0, 3);
    if (op === 0) out.splice(i, 1);
    else if (op === 1) out.splice(i, 0, out[i]!);
    else out[i] = mutateTree(out[i]!, r);
    return out;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0 || r.chance(0.15))
      return r.chance(0.5) ? randomValue(r) : { ...v, [`k${r.int(0, 9)}`]: randomValue(r) };
    const k = keys[r.int(0, keys.length - 1)]!;
    const out = { ...v };
    const op = r.int(0, 3);
    if (op === 0) delete out[k];
    else if (op === 1) out[k] = randomValue(r);
    else out[k] = mutateTree(out[k]!, r);
    return out;
  }
  return r.chance(0.7) ? randomValue(r) : v;
}

/** Text mutation: flip, delete, duplicate or insert a token at random places. */
function mutateText(s: string, r: Rng): string {
  let t = s;
  const n = r.int(1, 4);
  for (let i = 0; i < n; i++) {
    const at = r.int(0, Math.max(0, t.length - 1));
    switch (r.int(0, 3)) {
      case 0:
        t = t.slice(0, at) + String.fromCharCode(r.int(0, 255)) + t.slice(at + 1);
        break;
      case 1:
        t = t.slice(0, at) + t.slice(at + r.int(1, 40));
        break;
      case 2:
        t = t.slice(0, at) + t.slice(at, at + r.int(1, 40)) + t.slice(at);
        break;
      default:
        t = t.slice(0, at) + TOKENS[r.int(0, TOKENS.length - 1)]! + t.slice(at);
    }
  }
  return t;
}

function mutate(seedText: string, r: Rng): string {
  if (r.chance(0.5)) {
    try {
      return JSON.stringify(mutateTree(JSON.parse(seedText) as J, r));
    } catch {
      // fall through to text mutation
    }
  }
  return mutateText(seedText, r);
}

/** A readable rejection: one line, bounded, "<where>: <what>". */
function readable(msg: unknown): void {
  expect(typeof msg).toBe('string');
  const m = msg as string;
  expect(m.length).toBeGreaterThan(3);
  expect(m.length).toBeLessThan(600);
  expect(m).not.toMatch(/\n/);
  expect(m).toMatch(/^[^:]{0,300}: /);
  expect(m).not.toMatch(/undefined is not|Cannot read prop|is not a function/);
}

const dumps = [
  'put4k.osd.2.json',
  'put4k.osd.1.json',
  'get5k.osd.2.json',
  'filestore.osd.5.json',
  'inflight.osd.3.json',
].map(fx);
const goodTrace = (() => {
  const r = importCephDumps([{ name: 'osd.2.json', text: dumps[0]! }]);
  if (!r.ok) throw new Error(r.error);
  return serializeTrace(null, r.trace.events);
})();
const scenarios = ['daos-key-sv', 'ceph-rbd-write', 'ceph-rados-put-get'].map((n) =>
  JSON.stringify(getBuiltinScenario(n)),
);
const walkthroughs = Object.values(BUILTIN_WALKTHROUGHS).map((w) => JSON.stringify(w));
const urls = [
  '?scenario=ceph-rbd-write&seed=3&step=40&view=sequence&embed=1',
  '?v=1&scenario=~q1YqSizJyFeyUlAqzi8qSU1RSEksSVSoBgA&step=2',
  '?scenario=%7B%22ops%22%3A%5B%5D%7D',
];
const commands = [
  JSON.stringify({ iopath: 1, cmd: 'load', scenario: 'ceph-rbd-write', seed: 1, step: 3, id: 7 }),
  JSON.stringify({ iopath: 1, cmd: 'seek', step: 4 }),
];

const N = 1800; // per family; 6 families ≥ 10 000 inputs

test(`fuzz: ${N * 6}+ mutated inputs, no throw, readable rejections`, async () => {
  const root = new Rng(20261122);
  let total = 0;
  let rejected = 0;
  const check = (f: () => { ok: boolean; error?: string } | null) => {
    total++;
    let r: { ok: boolean; error?: string } | null;
    try {
      r = f();
    } catch (e) {
      throw new Error(`parser threw: ${(e as Error).stack ?? String(e)}`, { cause: e });
    }
    if (r && !r.ok) {
      rejected++;
      readable(r.error);
    }
  };
  const rs = root.fork('scenario');
  for (let i = 0; i < N; i++) {
    const text = mutate(scenarios[i % scenarios.length]!, rs);
    check(() => {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        return null;
      }
      const v = validateScenario(doc);
      return v.ok ? { ok: true } : { ok: false, error: v.error };
    });
  }
  const rw = root.fork('walkthrough');
  for (let i = 0; i < N; i++) {
    const text = mutate(walkthroughs[i % walkthroughs.length]!, rw);
    check(() => {
      const p = parseWalkthrough(text);
      return p.ok ? { ok: true } : { ok: false, error: p.error };
    });
  }
  const rt = root.fork('trace');
  for (let i = 0; i < N; i++) {
    const text = mutate(goodTrace, rt);
    check(() => {
      const p = parseTrace(text);
      return p.ok ? { ok: true } : { ok: false, error: p.error };
    });
  }
  const rd = root.fork('dumps');
  for (let i = 0; i < N; i++) {
    const files = [0, 1]
      .slice(0, rd.int(1, 2))
      .map((k) => ({ name: `osd.${k}.json`, text: mutate(dumps[(i + k) % dumps.length]!, rd) }));
    check(() => {
      const r = importCephDumps(files);
      return r.ok ? { ok: true } : { ok: false, error: r.error };
    });
    check(() => {
      const r = routeFiles(files);
      return r.kind === 'error' ? { ok: false, error: r.error } : { ok: true };
    });
  }
  const ru = root.fork('url');
  for (let i = 0; i < N; i++) {
    const search = mutateText(urls[i % urls.length]!, ru);
    check(() => {
      const p = parsePageParams(search);
      return p.scenarioError === null ? { ok: true } : { ok: false, error: p.scenarioError };
    });
    check(() => {
      const m = migrateParams(new URLSearchParams(search));
      return m instanceof URLSearchParams ? { ok: true } : { ok: false, error: m.error };
    });
    if (i % 6 === 0) {
      const q = new URLSearchParams(search).get('scenario') ?? '~';
      const d = await decodeDocParam(q.startsWith('~') ? q : `~${q}`);
      total++;
      if ('error' in d) {
        rejected++;
        readable(d.error);
      }
    }
  }
  const rc = root.fork('embed');
  for (let i = 0; i < N; i++) {
    const text = mutate(commands[i % commands.length]!, rc);
    check(() => {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
      const p = parseCommand(data);
      return p.ok === false ? { ok: false, error: p.error } : { ok: true };
    });
  }
  expect(total).toBeGreaterThanOrEqual(10_000);
  // The mutations must actually exercise the error paths.
  expect(rejected).toBeGreaterThan(total / 4);
}, 120_000);
