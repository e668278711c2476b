/**
 * Golden traces of the Ceph built-in scenarios (fixtures/golden/ceph-*.trace.json).
 * `IOPATH_UPDATE_GOLDEN=1` rewrites them on purpose; otherwise any change of the engine's
 * output is a failure to look at.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import { serializeTrace } from '../trace/serialize.ts';
import { CEPH_BUILTINS } from './builtins.ts';

const GOLDEN_DIR = new URL('../../../fixtures/golden/', import.meta.url);
const UPDATE = process.env.IOPATH_UPDATE_GOLDEN === '1';

describe('ceph golden traces', () => {
  for (const name of Object.keys(CEPH_BUILTINS)) {
    it(`${name} matches fixtures/golden/${name}.trace.json`, () => {
      const doc = JSON.parse(JSON.stringify(CEPH_BUILTINS[name])) as unknown;
      const run = runScenario(doc);
      expect(run.result.ops.every((o) => o.rc === 0)).toBe(true);
      const text = serializeTrace(doc, run.events);
      const file = new URL(`${name}.trace.json`, GOLDEN_DIR);
      if (UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, text);
      }
      expect(existsSync(file), 'golden file missing: run `npm run test:update`').toBe(true);
      const a = text.split('\n');
      const b = readFileSync(file, 'utf8').split('\n');
      const firstDiff = a.findIndex((line, i) => line !== b[i]);
      expect(
        firstDiff === -1 ? null : { line: firstDiff + 1, got: a[firstDiff], want: b[firstDiff] },
      ).toBeNull();
      expect(a.length).toBe(b.length);
    });
  }
});
