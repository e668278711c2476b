/**
 * The worker's request handler: protocol messages in, protocol messages out.
 *
 * It owns at most one ScenarioSession (the loaded scenario). `load` validates first — an
 * invalid document is answered with an `error` carrying the JSON path and leaves the previous
 * session untouched, so the app keeps running. Events stream in EVENT_BATCH_SIZE columnar batches
 * (protocol v2 WireBatch) whose buffers are transferred; each load starts a new string table.
 * A picked trace file (`traceFile`) is read and scanned here (traceScan.ts), never parsed into
 * event objects, and goes to the UI as one batch whose payload blob is the file's own bytes.
 */
import {
  EVENT_BATCH_SIZE,
  MAX_TRACE_FILE_BYTES,
  PROTOCOL_VERSION,
  isRequest,
  splitProblem,
  type ErrorCode,
  type FileBytes,
  type PipelineView,
  type Reply,
  type Request,
  type ScenarioSource,
  type TraceEvent,
  wireTransfer,
} from '../protocol/index.ts';
import { pipelineEdges, type PipelineDef } from '../engine/index.ts';
import type { ScenarioDoc } from '../engine/scenario/types.ts';
import { BatchEncoder } from './batch.ts';
import { scanTrace, scanTraceWithPart, type ScanResult } from './traceScan.ts';
import { SPLIT_MIN_BYTES, SPLIT_SLACK_BYTES, splitFrom, type PartScanner } from './traceSplit.ts';
import type { OpenedMedia } from './media.ts';
import type { ScenarioEngine, ScenarioSession } from './engineApi.ts';

/** How replies leave the worker (postMessage with a transfer list). */
export type Post = (reply: Reply, transfer: Transferable[]) => void;

type Distributive<T> = T extends unknown ? Omit<T, 'v' | 'id'> : never;

/** Longest the UI waits for events while a long scenario runs (wall clock; UI pacing only). */
const FLUSH_MS = 50;

export class EngineServer {
  private session: ScenarioSession | null = null;
  /** The current stream's encoder (its string table); a new one per load. */
  private encoder = new BatchEncoder();
  /** Bumped by every load: an async load that finds it changed was superseded and stops. */
  private loads = 0;

  constructor(
    private readonly engine: ScenarioEngine,
    private readonly post: Post,
    /** Wall clock for stream pacing only (never reaches the engine); injectable for tests. */
    private readonly now: () => number = () => performance.now(),
    /** Opens a document's devices on a store (the browser's OPFS/IndexedDB; tests fake it). */
    private readonly openMedia?: (doc: ScenarioDoc, store: StoreChoice) => Promise<OpenedMedia>,
    /** A second thread for big trace files (traceSplit.ts); without it one thread scans. */
    private readonly partScanner?: PartScanner,
  ) {}

  /** The devices of the loaded session (their locks are held while it is loaded). */
  private media: OpenedMedia | null = null;

  /** Handle one incoming message (anything: it is checked here). */
  handle(msg: unknown): void {
    if (!isRequest(msg)) {
      const id =
        typeof (msg as { id?: unknown })?.id === 'number' ? (msg as { id: number }).id : -1;
      this.error(id, 'bad-request', `not a protocol v${PROTOCOL_VERSION} request`);
      return;
    }
    try {
      this.dispatch(msg);
    } catch (e) {
      this.error(msg.id, 'engine', e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
  }

  private dispatch(req: Request): void {
    switch (req.type) {
      case 'catalog':
        this.send(req.id, {
          type: 'catalog',
          pipelines: this.engine.pipelines().map(toView),
          scenarios: this.engine.builtins().map(({ name, system, title, description }) => ({
            name,
            system,
            title,
            description,
          })),
          rcNames: this.engine.rcNames(),
          ...(this.engine.opNames ? { ops: this.engine.opNames() } : {}),
        });
        return;
      case 'load':
        this.load(req.id, req.source, req.seed, req.runOps, storeKind(req.store));
        return;
      case 'run': {
        const s = this.session;
        if (!s) {
          this.error(req.id, 'bad-request', 'no scenario is loaded: load one before running it');
          return;
        }
        this.runAndStream(req.id, s, req.ops);
        return;
      }
      case 'closeStore':
        void this.closeStore(req.id);
        return;
      case 'appendOp': {
        const s = this.session;
        if (!s) {
          this.error(req.id, 'bad-request', 'no scenario is loaded: load one before appending ops');
          return;
        }
        const problem = s.append(req.op);
        if (problem !== null) {
          this.problem(req.id, 'invalid-document', problem);
          return;
        }
        this.runAndStream(req.id, s);
        return;
      }
    }
  }

  private load(
    id: number,
    source: ScenarioSource,
    seed: number | undefined,
    runOps: number | undefined,
    store?: StoreChoice,
  ): void {
    this.loads++;
    if (source.kind === 'traceFile') {
      void this.loadTraceFile(id, source.file, source.name);
      return;
    }
    if (source.kind === 'trace') {
      const parsed = this.engine.parseTrace(source.text);
      if (!parsed.ok) {
        this.problem(id, 'invalid-trace', parsed.error);
        return;
      }
      this.session = null;
      this.encoder = new BatchEncoder();
      this.send(id, { type: 'loaded', doc: null, name: 'trace file' });
      this.stream(id, parsed.events, 0);
      this.send(id, { type: 'done', result: null, eventCount: parsed.events.length, opsLeft: 0 });
      return;
    }
    let doc: unknown;
    let name: string;
    if (source.kind === 'builtin') {
      const b = this.engine.builtins().find((x) => x.name === source.name);
      if (!b) {
        const known = this.engine.builtins().map((x) => x.name);
        this.error(
          id,
          'unknown-scenario',
          `unknown built-in scenario "${source.name}" (known: ${known.join(', ') || 'none'})`,
        );
        return;
      }
      doc = b.doc;
      name = b.name;
    } else {
      doc = source.doc;
      const title = (doc as { title?: unknown } | null)?.title;
      name = typeof title === 'string' && title !== '' ? title : 'scenario document';
    }
    if (seed !== undefined && typeof doc === 'object' && doc !== null && !Array.isArray(doc)) {
      doc = { ...doc, seed };
    }
    const problem = this.engine.validate(doc);
    if (problem !== null) {
      this.problem(id, 'invalid-document', problem);
      return;
    }
    if (store !== undefined && this.openMedia) {
      void this.loadOnStore(id, doc as ScenarioDoc, name, runOps, store, this.openMedia);
      return;
    }
    // A load on plain memory releases the devices an earlier load held (closed cleanly).
    const old = this.media;
    this.media = null;
    if (old) void old.close().catch(() => undefined);
    const session = this.engine.start(doc as ScenarioDoc);
    this.session = session;
    this.encoder = new BatchEncoder();
    this.send(id, { type: 'loaded', doc: session.doc, name });
    this.runAndStream(id, session, runOps);
  }

  /**
   * Load over persistent devices: release the previous session's devices, open this one's
   * (async), then run. In use by another tab, or quota exceeded, is a `storage` error and
   * nothing runs (no second writer, nothing half-written).
   */
  private async loadOnStore(
    id: number,
    doc: ScenarioDoc,
    name: string,
    runOps: number | undefined,
    store: StoreChoice,
    open: (doc: ScenarioDoc, store: StoreChoice) => Promise<OpenedMedia>,
  ): Promise<void> {
    try {
      const old = this.media;
      this.media = null;
      this.session = null;
      if (old) await old.close();
      let media: OpenedMedia;
      try {
        media = await open(doc, store);
      } catch (e) {
        this.error(id, 'storage', e instanceof Error ? e.message : String(e));
        return;
      }
      this.media = media;
      const session = this.engine.start(doc, media.provider);
      this.session = session;
      this.encoder = new BatchEncoder();
      this.send(id, {
        type: 'loaded',
        doc: session.doc,
        name,
        store: {
          kind: media.kind,
          notes: media.notes,
          devices: media.devices,
          auto: media.auto,
          previous: media.previous,
        },
      });
      this.runAndStream(id, session, runOps);
    } catch (e) {
      this.error(
        id,
        isNoSpace(e) ? 'storage' : 'engine',
        e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      );
    }
  }

  /**
   * Replay a picked trace file: read its bytes, scan them into columns (progress posted as it
   * goes), then post `loaded`, one `events` batch with the file's bytes as the payload blob
   * (transferred, not copied) and `done`. A bad file is an `invalid-trace` error naming the
   * JSON path; the previous trace stays loaded.
   */
  private async loadTraceFile(id: number, file: FileBytes, name: string): Promise<void> {
    try {
      if (file.size > MAX_TRACE_FILE_BYTES) {
        this.error(
          id,
          'invalid-trace',
          `$: ${name} is ${(file.size / 1048576).toFixed(1)} MiB, over the ${MAX_TRACE_FILE_BYTES / 1048576} MiB limit for trace files`,
        );
        return;
      }
      this.send(id, { type: 'progress', phase: 'reading', done: 0, total: file.size });
      const gen = this.loads;
      // A big file: the helper starts reading and scanning its half now, beside our read.
      const from = splitFrom(file.size);
      const part =
        this.partScanner && file.size >= SPLIT_MIN_BYTES ? this.partScanner(file, from) : null;
      const opts = {
        onProgress: (done: number, total: number) =>
          this.send(id, { type: 'progress', phase: 'scanning', done, total }),
      };
      let encoder = new BatchEncoder();
      let scanned: ScanResult | null = null;
      // With a helper, read only the first half (and a little): the helper reads the rest,
      // scans it and brings its bytes along. The whole file is read only when that part
      // cannot be used (scanTraceWithPart answers null).
      const sliced = file as FileBytes & { slice?: (start: number, end: number) => FileBytes };
      if (part && sliced.slice) {
        const limit = Math.min(file.size, from + SPLIT_SLACK_BYTES);
        const prefix = new Uint8Array(await sliced.slice(0, limit).arrayBuffer());
        if (gen !== this.loads) return; // a newer load replaced this one
        // Where the helper's part starts (it has read its half: usually known by now).
        const at = await part.at;
        if (gen !== this.loads) return;
        if (at >= 0 && at < limit) {
          scanned = await scanTraceWithPart(
            prefix,
            encoder.strings,
            at,
            part.part,
            opts,
            file.size,
          );
          if (gen !== this.loads) return;
        }
      }
      if (scanned === null) {
        encoder = new BatchEncoder();
        const bytes = new Uint8Array(await file.arrayBuffer());
        if (gen !== this.loads) return;
        const at = part && !sliced.slice ? await part.at : -1;
        scanned =
          part && at >= 0
            ? await scanTraceWithPart(bytes, encoder.strings, at, part.part, opts)
            : scanTrace(bytes, encoder.strings, opts);
        if (gen !== this.loads) return;
      }
      if (scanned === null) throw new Error('trace scan gave no answer');
      if (!scanned.ok) {
        this.problem(id, 'invalid-trace', scanned.error);
        return;
      }
      const old = this.media;
      this.media = null;
      if (old) void old.close().catch(() => undefined);
      this.session = null;
      this.encoder = encoder;
      this.send(id, { type: 'loaded', doc: null, name: 'trace file' });
      const { batch, count } = scanned;
      this.post(
        { v: PROTOCOL_VERSION, id, type: 'events', first: 0, count, batch },
        wireTransfer(batch),
      );
      this.send(id, { type: 'done', result: null, eventCount: count, opsLeft: 0 });
    } catch (e) {
      this.error(id, 'invalid-trace', e instanceof Error ? `$: ${e.message}` : String(e));
    }
  }

  /** Close the loaded session's devices cleanly (the page is going away); the session ends. */
  private async closeStore(id: number): Promise<void> {
    const m = this.media;
    this.media = null;
    this.session = null;
    try {
      if (m) await m.close();
      this.send(id, { type: 'storeClosed', devices: m?.devices ?? 0 });
    } catch (e) {
      this.error(id, 'storage', e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * Run the session's remaining ops one by one, streaming each op's events as soon as it
   * finishes (the UI can show the first ops while later ones still run), then `done`.
   */
  private runAndStream(id: number, s: ScenarioSession, maxOps = Infinity): void {
    // Everything before the first op still to run was streamed already (run / appendOp).
    let sent = s.events.length;
    let ran = 0;
    let flushedAt = this.now();
    while (ran < maxOps && s.opsLeft() > 0) {
      s.runNextOp();
      ran++;
      const last = ran >= maxOps || s.opsLeft() === 0;
      // Flush a full batch, the end, or whatever is ready when the UI has waited FLUSH_MS —
      // so the first ops appear at once even when the whole scenario takes seconds.
      const waited = this.now() - flushedAt >= FLUSH_MS;
      if (s.events.length - sent >= EVENT_BATCH_SIZE || last || waited) {
        this.stream(id, s.events, sent);
        sent = s.events.length;
        flushedAt = this.now();
      }
    }
    this.send(id, {
      type: 'done',
      result: s.result(),
      eventCount: s.events.length,
      opsLeft: s.opsLeft(),
    });
  }

  /** Post events[from…] in transferred batches. */
  private stream(id: number, events: readonly TraceEvent[], from: number): void {
    for (let first = from; first < events.length; first += EVENT_BATCH_SIZE) {
      const slice = events.slice(first, Math.min(events.length, first + EVENT_BATCH_SIZE));
      const batch = this.encoder.encode(slice);
      this.post(
        { v: PROTOCOL_VERSION, id, type: 'events', first, count: slice.length, batch },
        wireTransfer(batch),
      );
    }
  }

  private problem(id: number, code: ErrorCode, line: string): void {
    const { path, message } = splitProblem(line);
    this.send(
      id,
      path === undefined
        ? { type: 'error', code, message }
        : { type: 'error', code, message, path },
    );
  }

  private error(id: number, code: ErrorCode, message: string): void {
    this.send(id, { type: 'error', code, message });
  }

  private send(id: number, body: Distributive<Reply>): void {
    this.post({ ...body, v: PROTOCOL_VERSION, id }, []);
  }
}

/** A load's store: a kind, or `auto` (the worker picks OPFS → IndexedDB → memory). */
export type StoreChoice = 'memory' | 'opfs' | 'idb' | 'auto';

/** The request's store, if it names one (a message is untrusted input). */
function storeKind(s: unknown): StoreChoice | undefined {
  return s === 'memory' || s === 'opfs' || s === 'idb' || s === 'auto' ? s : undefined;
}

/** -DER_NOSPACE from a backend (OPFS/IndexedDB quota) while the scenario runs. */
function isNoSpace(e: unknown): boolean {
  return e instanceof Error && /NOSPACE/.test(e.message);
}

function toView(p: PipelineDef): PipelineView {
  return { ...p, edges: pipelineEdges(p) };
}
