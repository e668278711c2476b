/**
 * The one import surface of the engine for the worker, the CLI and tests.
 * Keep it to re-exports: each concept lives in its own file.
 */
export * from './core/errors.ts';
export * from './core/bytes.ts';
export { Rng } from './core/rng.ts';
export { Sim, Future, sleep, wait, waitAll } from './core/sim.ts';
export type { Proc, ProcContext, RunLimits, RunOutcome } from './core/sim.ts';
export { Counters } from './core/ids.ts';
export { createRuntime } from './core/runtime.ts';
export type { Runtime } from './core/runtime.ts';
export * from './trace/event.ts';
export { Tracer } from './trace/tracer.ts';
export type { StepDetail, TraceListener } from './trace/tracer.ts';
export { serializeTrace, parseTrace } from './trace/serialize.ts';
export type { ParseResult } from './trace/serialize.ts';
export { StepGate, matches } from './trace/breakpoints.ts';
export type { Breakpoint } from './trace/breakpoints.ts';
export * from './pipelines/types.ts';
