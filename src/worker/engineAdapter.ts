/**
 * The ScenarioEngine the worker serves, over the real engine (src/engine). The only file of the
 * worker that knows the engine's runner/validator/catalog API.
 */
import {
  BUILTIN_SCENARIOS,
  DER,
  ERRNO,
  PIPELINES,
  ScenarioRunner,
  allOps,
  ensureSystemsRegistered,
  detectFile,
  importCephDumps,
  parseTrace,
  validateScenario,
  type OpDoc,
  type ScenarioDoc,
  type SystemName,
} from '../engine/index.ts';
import type { MediaProvider } from '../engine/media/provider.ts';
import { crushImportDocToEvents, crushTextToEvents, maybeCrushText } from './crushImport.ts';
import type { BuiltinScenario, ScenarioEngine, ScenarioSession } from './engineApi.ts';

/** Which system a built-in belongs to (picker groups): by name prefix, else by its cluster. */
function systemOf(name: string, doc: ScenarioDoc): SystemName {
  if (name.startsWith('ceph') || name.startsWith('rbd') || name.startsWith('rados')) return 'ceph';
  if (name.startsWith('media') || name.startsWith('scm') || name.startsWith('nvme')) return 'media';
  if (name.startsWith('daos') || name.startsWith('vos')) return 'daos';
  return doc.cluster?.ceph && !doc.cluster.daos ? 'ceph' : 'daos';
}

function rcNameTable(): Record<string, string> {
  const out: Record<string, string> = { '0': 'OK' };
  for (const [name, v] of Object.entries(DER)) out[String(-v)] = `DER_${name}`;
  for (const [name, v] of Object.entries(ERRNO)) out[String(-v)] = name;
  return out;
}

class RunnerSession implements ScenarioSession {
  private readonly runner: ScenarioRunner;

  constructor(doc: ScenarioDoc, media?: MediaProvider) {
    this.runner = new ScenarioRunner(doc, media ? { media } : {});
  }

  get events() {
    return this.runner.events;
  }

  get doc() {
    return this.runner.doc;
  }

  result() {
    return this.runner.result();
  }

  runNextOp(): boolean {
    this.runner.runNextOp();
    return !this.runner.done;
  }

  opsLeft(): number {
    return this.runner.doc.ops.length - this.runner.results.length;
  }

  append(op: OpDoc): string | null {
    return this.runner.appendOp(op);
  }
}

export function createEngineAdapter(): ScenarioEngine {
  ensureSystemsRegistered();
  return {
    pipelines: () => Object.values(PIPELINES),
    builtins: (): BuiltinScenario[] =>
      Object.entries(BUILTIN_SCENARIOS).map(([name, doc]) => ({
        name,
        system: systemOf(name, doc),
        title: doc.title ?? name,
        description: doc.description ?? '',
        doc,
      })),
    rcNames: rcNameTable,
    opNames: () => allOps().map((o) => o.name),
    validate: (doc) => {
      const v = validateScenario(doc);
      return v.ok ? null : v.error;
    },
    start: (doc, media) => new RunnerSession(doc, media),
    parseTrace: (text) => {
      // A crushtool -d text map (not JSON): its hierarchy as a one-event trace (crushImport.ts).
      if (maybeCrushText(text)) return { ...crushTextToEvents(text), scenario: null };
      // The same map with the pool the placement view asked for (iopath.crush-import/1).
      const crushDoc = crushImportDocToEvents(text);
      if (crushDoc) return { ...crushDoc, scenario: null };
      // Real Ceph OSD dumps (one dump, or the page's iopath.osd-dumps/1 bundle of several)
      // replay like a trace: the importer turns them into iopath.trace/1 events.
      const kind = text.length < 1_000_000_000 ? detectFile('file', text) : null;
      if (kind?.ok && (kind.kind === 'osd-dump' || kind.kind === 'osd-dumps')) {
        const imp = importCephDumps([{ name: 'osd-dump.json', text }]);
        return imp.ok
          ? { ok: true, events: imp.trace.events, scenario: null }
          : { ok: false, error: imp.error };
      }
      const r = parseTrace(text);
      return r.ok
        ? { ok: true, events: r.value.events, scenario: r.value.scenario }
        : { ok: false, error: r.error };
    },
  };
}
