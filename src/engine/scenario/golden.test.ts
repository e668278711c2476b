import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from './runner.ts';
import { getBuiltinScenario } from './builtins.ts';
import { parseTrace, serializeTrace } from '../trace/serialize.ts';

// Golden traces of the built-ins. `npm run test:update` (IOPATH_UPDATE_GOLDEN=1) rewrites them on
// purpose; otherwise any change of the engine's output is a test failure to look at.
const GOLDEN_DIR = new URL('../../../fixtures/golden/', import.meta.url);
const UPDATE = process.env.IOPATH_UPDATE_GOLDEN === '1';

describe('golden traces', () => {
  for (const name of [
    'daos-key-sv',
    'daos-key-array',
    'daos-array',
    'daos-kv',
    'daos-replicated',
  ]) {
    it(`${name} matches fixtures/golden/${name}.trace.json`, () => {
      const doc = getBuiltinScenario(name);
      const text = serializeTrace(doc, runScenario(doc).events);
      const file = new URL(`${name}.trace.json`, GOLDEN_DIR);
      if (UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, text);
      }
      expect(existsSync(file), 'golden file missing: run `npm run test:update`').toBe(true);
      const golden = readFileSync(file, 'utf8');
      // Compare line by line first so a failure shows the first differing event, not 300 KB.
      const a = text.split('\n');
      const b = golden.split('\n');
      const firstDiff = a.findIndex((line, i) => line !== b[i]);
      expect(
        firstDiff === -1 ? null : { line: firstDiff + 1, got: a[firstDiff], want: b[firstDiff] },
      ).toBeNull();
      expect(text).toBe(golden);
    });
  }

  it('a serialized trace parses back to the same events and scenario', () => {
    const doc = getBuiltinScenario('daos-key-array');
    const { events } = runScenario(doc);
    const parsed = parseTrace(serializeTrace(doc, events));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.scenario).toEqual(doc);
      expect(parsed.value.events).toEqual(JSON.parse(JSON.stringify(events)));
    }
  });
});
