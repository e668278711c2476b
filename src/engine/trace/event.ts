/**
 * The trace contract (DESIGN.md, contract 2). The trace is the only thing the UI knows about
 * the engine: every view is a function of a prefix of this stream.
 */

export const TRACE_SCHEMA = 'iopath.trace/1' as const;

export type Phase = 'enter' | 'exit' | 'point';

/** JSON-safe values: trace data must serialize byte-identically on every run. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * One thing that changed. `kind` names it (`scm.write`, `scm.flush`, `scm.drain`, `tx.begin`,
 * `tx.add`, `tx.commit`, `tx.abort`, `alloc`, `free`, `nvme.submit`, `nvme.complete`,
 * `nvme.flush`, `vea.reserve`, `vea.publish`, `vea.cancel`, `tree.insert`, `tree.split`,
 * `msg.send`, `msg.recv`, `journal.append` …); the other fields are its facts.
 */
export interface Effect {
  kind: string;
  [field: string]: Json;
}

export interface TraceEvent {
  /** Dense from 0. */
  seq: number;
  /** Virtual nanoseconds. */
  t: number;
  /** e.g. `daos.update`, `daos.fetch`, `daos.rw.replicated`, `ceph.write`, `ceph.read`. */
  pipeline: string;
  /** Index of the scenario op that caused the event (-1: not caused by an op, e.g. setup). */
  op: number;
  /** A real function name from the pipeline catalog. */
  step: string;
  phase: Phase;
  /** Where it runs: `client`, `engine0.tgt2`, `osd.1` … */
  actor: string;
  caption?: string;
  /** The structures a debugger would show at this point (iod, sgl, recx, MOSDOp …). */
  data?: { [key: string]: Json };
  effects?: Effect[];
  /** Return code, on exit events of steps that return one. */
  rc?: number;
}

export interface TraceFile {
  schema: typeof TRACE_SCHEMA;
  /** The scenario document that produced the trace (null for imported real traces). */
  scenario: unknown;
  events: TraceEvent[];
}
