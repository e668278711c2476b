/**
 * Validation of `iopath.scenario/1` documents. Returns the FIRST problem as
 * `<JSON path>: <message>` (e.g. `ops[3].iods[0].type: expected DAOS_IOD_SINGLE or
 * DAOS_IOD_ARRAY`), in this order: top-level fields, cluster sections, every op's name against
 * the registry, then each op's own `check`.
 *
 * Validation is static: it rejects documents that cannot mean anything (wrong types, unknown
 * ops). API misuse that the real system answers with an error code (an array iod without
 * recxs, a fetch on an unopened handle …) is NOT a validation error: it runs and returns that
 * rc.
 */
import { getClusterCheck, getOp } from './registry.ts';
import { ensureSystemsRegistered } from './systems.ts';
import { SCENARIO_SCHEMA, type OpDoc, type ScenarioDoc } from './types.ts';

export type ValidationResult = { ok: true; doc: ScenarioDoc } | { ok: false; error: string };

const TOP_KEYS = new Set(['schema', 'seed', 'title', 'description', 'cluster', 'ops', 'comment']);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function validateScenario(doc: unknown): ValidationResult {
  ensureSystemsRegistered();
  const err = (error: string): ValidationResult => ({ ok: false, error });
  if (!isObj(doc)) return err('$: expected an object');
  if (doc.schema !== SCENARIO_SCHEMA) return err(`schema: expected "${SCENARIO_SCHEMA}"`);
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) return err(`${k}: unknown field`);
  if (doc.seed !== undefined) {
    const s = doc.seed;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 0xffffffff) {
      return err('seed: expected an integer 0..4294967295');
    }
  }
  for (const k of ['title', 'description', 'comment'] as const) {
    if (doc[k] !== undefined && typeof doc[k] !== 'string') return err(`${k}: expected a string`);
  }
  if (doc.cluster !== undefined) {
    if (!isObj(doc.cluster)) return err('cluster: expected an object');
    for (const [name, section] of Object.entries(doc.cluster)) {
      if (name !== 'daos' && name !== 'ceph')
        return err(`cluster.${name}: unknown system (daos or ceph)`);
      if (!isObj(section)) return err(`cluster.${name}: expected an object`);
      const problem = getClusterCheck(name)?.(section);
      if (problem) return err(`cluster.${name}.${problem}`);
    }
  }
  if (!Array.isArray(doc.ops)) return err('ops: expected an array');
  const ops = doc.ops as unknown[];
  for (let i = 0; i < ops.length; i++) {
    const problem = checkOpName(ops[i], i);
    if (problem) return err(problem);
  }
  for (let i = 0; i < ops.length; i++) {
    const problem = checkOpArgs(ops[i] as OpDoc, i);
    if (problem) return err(problem);
  }
  return { ok: true, doc: doc as unknown as ScenarioDoc };
}

/** Shape and name of one op (`ops[i]`): an object whose `op` is a registered op. */
function checkOpName(op: unknown, i: number): string | null {
  const p = `ops[${i}]`;
  if (!isObj(op)) return `${p}: expected an object`;
  if (typeof op.op !== 'string') return `${p}.op: expected a string`;
  if (!getOp(op.op)) return `${p}.op: unknown op "${op.op}"`;
  if (op.as !== undefined && (typeof op.as !== 'string' || op.as === '')) {
    return `${p}.as: expected a non-empty string`;
  }
  if (op.comment !== undefined && typeof op.comment !== 'string')
    return `${p}.comment: expected a string`;
  return null;
}

function checkOpArgs(op: OpDoc, i: number): string | null {
  const spec = getOp(op.op);
  if (!spec) return `ops[${i}].op: unknown op "${op.op}"`;
  const problem = spec.check(op);
  return problem ? `ops[${i}].${problem}` : null;
}

/** Validate one op as if it were `ops[index]` of a document (the UI console appends ops). */
export function validateOp(op: unknown, index: number): string | null {
  ensureSystemsRegistered();
  return checkOpName(op, index) ?? checkOpArgs(op as OpDoc, index);
}

/** Thrown by the runner for an invalid document; `message` is the path + problem line. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}
