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
export type { StepDetail, TraceColumns, TraceListener, TraceSeqListener } from './trace/tracer.ts';
export { serializeTrace, serializeTraceChunks, parseTrace } from './trace/serialize.ts';
export type { ParseResult } from './trace/serialize.ts';
export { StepGate, matches, matchesAt } from './trace/breakpoints.ts';
export type { Breakpoint } from './trace/breakpoints.ts';
export * from './pipelines/types.ts';
export { PIPELINES, getPipeline, getStep, registerPipeline } from './pipelines/index.ts';
export {
  DAOS_UPDATE,
  DAOS_FETCH,
  DAOS_SETUP,
  DAOS_LIST,
  DAOS_PUNCH,
  DAOS_LANES,
} from './pipelines/index.ts';
export * from './scenario/types.ts';
export { ScenarioRunner, runScenario } from './scenario/runner.ts';
export type { RunnerOptions, RunStatus, StopReason } from './scenario/runner.ts';
export { validateScenario, validateOp, ScenarioError } from './scenario/validate.ts';
export type { ValidationResult } from './scenario/validate.ts';
export { BUILTIN_SCENARIOS, getBuiltinScenario } from './scenario/builtins.ts';
export { registerOps, getOp, allOps, registerClusterCheck } from './scenario/registry.ts';
export { ensureSystemsRegistered } from './scenario/systems.ts';
export { decodeValue, encodeValue, checkValue, dtsBufRender } from './scenario/values.ts';
export type { ValueDoc } from './scenario/values.ts';
export * from './media/index.ts';
export { CephSystem, cephSystem, cephOsdDumps, CEPH_IO_OPS } from './ceph/scenario-ops.ts';
export { parseCrushMap, CrushParseError } from './ceph/crush/text-parser.ts';
export { printCrushMap } from './ceph/crush/text-printer.ts';
export { OsdMap } from './ceph/osdmap/osdmap.ts';
export { buildOsdMap, checkCephPlacementConfig } from './ceph/osdmap/build-osdmap.ts';
export { DaosCluster, daosCluster } from './daos/cluster.ts';
export type { DaosClusterConfig, DaosTarget } from './daos/cluster.ts';
export { registerTargetStore, targetStoreNames } from './daos/store-registry.ts';
export type { TargetStoreFactory } from './daos/store-registry.ts';
export type {
  TargetStore,
  StoreIoh,
  StoreIoRequest,
  StoreFetchRequest,
  StoreKeyRequest,
} from './daos/target-store.ts';
export * from './import/index.ts';
