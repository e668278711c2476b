/**
 * Size limits for everything the importers read. A real `dump_historic_ops` with the default
 * history (20 ops) is a few KiB; a bench capture with history 40000 is ~40 MiB. Above the limit
 * the importer refuses with a message that says what to do instead, before parsing anything.
 */

/** Largest single input text (bytes of UTF-16 length; close enough for JSON). */
export const MAX_IMPORT_CHARS = 64 * 1024 * 1024;
/** Largest number of tracked ops over all files of one import. */
export const MAX_IMPORT_OPS = 200_000;

export function sizeProblem(name: string, chars: number): string | null {
  if (chars <= MAX_IMPORT_CHARS) return null;
  const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${name}: $: ${mib(chars)} is over the import limit of ${mib(MAX_IMPORT_CHARS)} (capture a shorter history: lower osd_op_history_size, or split the dump)`;
}
