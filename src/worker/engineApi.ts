/**
 * What the worker server needs from the engine, as one small interface. `engineAdapter.ts`
 * implements it over `src/engine`; tests can hand in a fake. Keeping the server behind this
 * seam means engine API changes touch one adapter file, not the protocol logic.
 */
import type { PipelineDef, SystemName, TraceEvent } from '../engine/index.ts';
import type { MediaProvider } from '../engine/media/provider.ts';
import type { OpDoc, ResultDoc, ScenarioDoc } from '../engine/scenario/types.ts';

export interface BuiltinScenario {
  name: string;
  system: SystemName;
  title: string;
  description: string;
  doc: ScenarioDoc;
}

/**
 * A loaded scenario, run op by op (so the server can stream while it runs); more ops can be
 * appended (the console).
 */
export interface ScenarioSession {
  /** Events emitted so far, seq dense from 0. */
  readonly events: readonly TraceEvent[];
  /** The result document of the ops finished so far. */
  result(): ResultDoc;
  readonly doc: ScenarioDoc;
  /** Run the next op to completion; false when every op has run. */
  runNextOp(): boolean;
  /** Ops of the document not run yet. */
  opsLeft(): number;
  /** Validate and append one op (not run yet); returns "<path>: <problem>" when invalid. */
  append(op: OpDoc): string | null;
}

export interface ScenarioEngine {
  pipelines(): readonly PipelineDef[];
  builtins(): readonly BuiltinScenario[];
  /** Every known return code → its name (`-1005` → `DER_NONEXIST`). */
  rcNames(): Record<string, string>;
  /** Names of the registered scenario ops (sorted). */
  opNames?(): string[];
  /** The first problem of a document as "<json path>: <message>", or null when valid. */
  validate(doc: unknown): string | null;
  /** Load a valid document (nothing runs until runNextOp); `media`: where devices live. */
  start(doc: ScenarioDoc, media?: MediaProvider): ScenarioSession;
  /** Parse an `iopath.trace/1` file; the error names the JSON path of the first problem. */
  parseTrace(
    text: string,
  ): { ok: true; events: TraceEvent[]; scenario: unknown } | { ok: false; error: string };
}
