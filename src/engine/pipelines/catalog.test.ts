import { describe, expect, it } from 'vitest';
import { PIPELINES, getPipeline } from './index.ts';
import { pipelineEdges } from './types.ts';
import { runScenario } from '../scenario/runner.ts';
import { BUILTIN_SCENARIOS, getBuiltinScenario } from '../scenario/builtins.ts';
import type { TraceEvent } from '../trace/event.ts';

const DAOS_PIPELINES = [
  'daos.setup',
  'daos.update',
  'daos.fetch',
  'daos.list',
  'daos.punch',
  'daos.rw.replicated',
  'dtx.commit',
];

function builtinEvents(): TraceEvent[] {
  const all: TraceEvent[] = [];
  for (const name of Object.keys(BUILTIN_SCENARIOS))
    all.push(...runScenario(getBuiltinScenario(name)).events);
  return all;
}

/** First `enter`/`point` of each step, in stream order (exits nest and come back later). */
function callOrder(events: TraceEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) if (e.phase !== 'exit' && !out.includes(e.step)) out.push(e.step);
  return out;
}

describe('pipeline catalog', () => {
  it('is well formed: unique step ids, known lanes, captions and sources', () => {
    for (const p of Object.values(PIPELINES)) {
      const ids = p.steps.map((s) => s.id);
      expect(new Set(ids).size, p.id).toBe(ids.length);
      const lanes = new Set(p.lanes.map((l) => l.id));
      for (const s of p.steps) {
        expect(lanes.has(s.lane), `${p.id}/${s.id} lane ${s.lane}`).toBe(true);
        // A sentence a student can read (DAOS captions are held to at least a short sentence).
        expect(s.caption.trim().length, s.id).toBeGreaterThan(
          DAOS_PIPELINES.includes(p.id) ? 20 : 0,
        );
        expect(s.source, s.id).toMatch(/^src\/[\w/]+\.(c|cc|h)$/);
      }
      expect(pipelineEdges(p).length).toBe(p.steps.length - 1);
    }
  });

  it('daos.update contains the whole path of the seed walk, client to reply, in order', () => {
    const must = [
      'daos_obj_update',
      'dc_task_create',
      'dc_task_schedule',
      'dc_obj_update_task',
      'dc_obj_update',
      'obj_req_fanout',
      'dc_obj_shard_rw',
      'crt_req_send',
      'crt_handle_rpc',
      'ds_obj_rw_handler',
      'obj_ioc_begin',
      'process_epoch',
      'obj_local_rw',
      'vos_update_begin',
      'bio_iod_prep',
      'bio_iod_copy',
      'vos_dedup_verify',
      'obj_verify_bio_csum',
      'obj_rw_complete',
      'vos_update_end',
      'obj_rw_reply',
      'dc_rw_cb',
      'obj_comp_cb',
    ];
    const ids = getPipeline('daos.update')?.steps.map((s) => s.id) ?? [];
    expect(ids.filter((id) => must.includes(id))).toEqual(must);
  });

  it('every non-optional step of the DAOS pipelines is emitted when the built-ins run', () => {
    const events = builtinEvents();
    for (const pid of DAOS_PIPELINES) {
      const p = getPipeline(pid);
      expect(p).toBeDefined();
      const seen = new Set(events.filter((e) => e.pipeline === pid).map((e) => e.step));
      const missing = (p?.steps ?? [])
        .filter((s) => !s.optional && !seen.has(s.id))
        .map((s) => s.id);
      expect(missing, `${pid}: catalog steps never reached`).toEqual([]);
    }
  });

  it('every emitted event names a step of its pipeline’s catalog', () => {
    for (const e of builtinEvents()) {
      const p = getPipeline(e.pipeline);
      expect(p, `pipeline ${e.pipeline}`).toBeDefined();
      expect(
        p?.steps.some((s) => s.id === e.step),
        `${e.pipeline}/${e.step}`,
      ).toBe(true);
    }
  });

  it('one update, fetch, dkey listing call and punch reach their steps in catalog order', () => {
    const doc = getBuiltinScenario('daos-key-array');
    const { events } = runScenario(doc);
    for (const [pid, opName] of [
      ['daos.update', 'daos_obj_update'],
      ['daos.fetch', 'daos_obj_fetch'],
      ['daos.list', 'daos_obj_list_dkey'],
      ['daos.punch', 'daos_obj_punch_dkeys'],
    ] as const) {
      const idx = doc?.ops.findIndex((o) => o.op === opName) ?? -1;
      const order = callOrder(events.filter((e) => e.op === idx));
      const catalog = (getPipeline(pid)?.steps ?? [])
        .map((s) => s.id)
        .filter((id) => order.includes(id));
      expect(order, pid).toEqual(catalog);
      // and nothing non-optional is skipped by this single op
      const required = (getPipeline(pid)?.steps ?? []).filter((s) => !s.optional).map((s) => s.id);
      expect(required.filter((id) => !order.includes(id))).toEqual([]);
    }
  });

  it('enter and exit events nest properly per actor chain (every enter has its exit)', () => {
    const { events } = runScenario(getBuiltinScenario('daos-key-sv'));
    const open = new Map<string, number>();
    for (const e of events) {
      const k = `${e.op}/${e.actor}/${e.step}`;
      if (e.phase === 'enter') open.set(k, (open.get(k) ?? 0) + 1);
      if (e.phase === 'exit') {
        expect(open.get(k) ?? 0, k).toBeGreaterThan(0);
        open.set(k, (open.get(k) ?? 0) - 1);
      }
    }
    for (const [k, n] of open) expect(n, k).toBe(0);
  });
});
