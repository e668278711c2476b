/**
 * `iopath run FILE.json|BUILTIN [--trace OUT.json] [--seed N] [--media DIR]`: run a scenario headless and
 * print `{"schema":"iopath.result/1","ops":[…]}` on stdout.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import {
  getBuiltinScenario,
  runScenario,
  serializeTraceChunks,
  validateScenario,
  type ScenarioDoc,
} from '../engine/index.ts';
import { openingMediaProvider } from '../engine/media/provider.ts';
import { openMediaDir } from './media/node-file-backend.ts';
import { UsageError, parseArgs } from './usage.ts';

/** Options other commands/helpers add to `run` (e.g. `--osd-dumps DIR` from the Ceph system). */
export interface RunExtension {
  option: string;
  /** Called after the run with the option's value. */
  after(
    value: string,
    ctx: { doc: ScenarioDoc; runner: ReturnType<typeof runScenario>['runner'] },
  ): void;
}

export const RUN_EXTENSIONS: RunExtension[] = [];

/** Load a document from a file path or a built-in name. */
export function loadScenario(arg: string): unknown {
  if (existsSync(arg)) {
    const text = readFileSync(arg, 'utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new UsageError(`$: not JSON (${(e as Error).message})`);
    }
  }
  const builtin = getBuiltinScenario(arg);
  if (builtin) return builtin;
  throw new UsageError(`${arg}: no such file or built-in scenario`);
}

export function runCommand(argv: string[]): number {
  const { positional, options } = parseArgs(argv, [
    'trace',
    'seed',
    'osd-dumps',
    'media',
    ...RUN_EXTENSIONS.map((e) => e.option),
  ]);
  if (positional.length !== 1)
    throw new UsageError(
      'usage: iopath run FILE.json|BUILTIN [--trace OUT.json] [--seed N] [--media DIR]',
    );
  let seed: number | undefined;
  const seedArg = options.get('seed');
  if (seedArg !== undefined) {
    seed = Number(seedArg);
    if (!/^\d+$/.test(seedArg) || seed > 0xffffffff)
      throw new UsageError('--seed: expected an integer 0..4294967295');
  }
  if (options.has('osd-dumps') && !RUN_EXTENSIONS.some((e) => e.option === 'osd-dumps')) {
    throw new UsageError('--osd-dumps: not yet supported (comes with the Ceph OSD simulation)');
  }
  const doc = loadScenario(positional[0] as string);
  const v = validateScenario(doc);
  if (!v.ok) throw new UsageError(v.error);
  // --media DIR: device images live in DIR (`engine0.tgt1.scm.img` …) and outlive the run.
  const mediaDir = options.get('media');
  const media = mediaDir === undefined ? undefined : openMediaDir(mediaDir);
  let run: ReturnType<typeof runScenario>;
  try {
    run = runScenario(v.doc, {
      ...(seed === undefined ? {} : { seed }),
      ...(media ? { media: openingMediaProvider('file', (d, size) => media.open(d, size)) } : {}),
    });
  } finally {
    media?.close();
  }
  const trace = options.get('trace');
  if (trace !== undefined) {
    // In chunks straight from the recorder: no event objects, no one giant string.
    const fd = openSync(trace, 'w');
    try {
      for (const chunk of serializeTraceChunks(v.doc, run.runner.rt.trace)) {
        const bytes = Buffer.from(chunk, 'utf8');
        // writeSync may write less than asked: loop until the chunk is out.
        for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off);
      }
    } finally {
      closeSync(fd);
    }
  }
  for (const ext of RUN_EXTENSIONS) {
    const value = options.get(ext.option);
    if (value !== undefined) ext.after(value, { doc: v.doc, runner: run.runner });
  }
  process.stdout.write(JSON.stringify(run.result) + '\n');
  return 0;
}
