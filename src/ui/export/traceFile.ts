/**
 * The loaded trace as an `iopath.trace/1` file, byte-compatible with the engine's
 * serializeTrace (one event per line) — the UI may not import engine runtime code, so the
 * six lines of format live here too; the export test checks both agree.
 */
import type { TraceEvent } from '../../protocol/index.ts';

export function traceFileText(scenario: unknown, events: readonly TraceEvent[]): string {
  const head = `{"schema":"iopath.trace/1","scenario":${JSON.stringify(scenario ?? null)},"events":[`;
  if (events.length === 0) return head + ']}\n';
  return head + '\n' + events.map((e) => JSON.stringify(e)).join(',\n') + '\n]}\n';
}
