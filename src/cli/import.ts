/**
 * `iopath import FILE… [--out OUT.json]`: turn real Ceph OpTracker dumps
 * (`dump_historic_ops` / `dump_ops_in_flight`, one file per OSD, named so the OSD id shows:
 * `osd.3.json`) into an `iopath.trace/1` file (DESIGN.md contract 2). Without `--out` the
 * trace goes to stdout; with it, stdout gets the import summary (`iopath.import/1`: the joined
 * requests, warnings). Invalid input: exit 2 with `<file>: <json path>: <problem>` on stderr.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { MAX_IMPORT_CHARS, importCephDumps, serializeTrace } from '../engine/index.ts';
import { UsageError, parseArgs } from './usage.ts';

const USAGE = 'usage: iopath import FILE… [--out OUT.json]';

export function importCommand(argv: string[]): number {
  const { positional, options } = parseArgs(argv, ['out']);
  if (positional.length === 0) throw new UsageError(USAGE);
  const inputs = positional.map((path) => {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw new UsageError(`${path}: no such file`);
    }
    // Refuse before reading a huge file into memory (the importer checks again on the text).
    if (size > MAX_IMPORT_CHARS * 2)
      throw new UsageError(
        `${path}: $: ${(size / 1048576).toFixed(1)} MiB is over the import limit`,
      );
    return { name: path, text: readFileSync(path, 'utf8') };
  });
  const r = importCephDumps(inputs);
  if (!r.ok) throw new UsageError(r.error);
  const text = serializeTrace(null, r.trace.events);
  const out = options.get('out');
  if (out === undefined) {
    process.stdout.write(text);
  } else {
    writeFileSync(out, text);
    process.stdout.write(JSON.stringify(r.summary) + '\n');
  }
  for (const w of r.summary.warnings) process.stderr.write(`iopath import: warning: ${w}\n`);
  return 0;
}
