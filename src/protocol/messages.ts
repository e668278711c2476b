/**
 * The worker protocol: every message between the UI (main thread) and the engine worker.
 *
 * Discriminated unions on `type`, stamped with `v` (PROTOCOL_VERSION) so a stale tab and a
 * new worker fail loudly instead of misreading each other. Requests carry an `id`; every
 * reply to a request echoes it. Event batches travel as columns (typed arrays) plus string-table
 * deltas plus the UTF-8 JSON bytes of `data`/`effects` (wire.ts), all *transferred* (zero-copy),
 * never structured-cloned as objects, so a million-event trace costs one copy, not two.
 */
import type { Effect, Json, PipelineDef, SystemName, TraceEvent } from '../engine/index.ts';
import type { OpDoc, ResultDoc, ScenarioDoc } from '../engine/scenario/types.ts';
import type { WireBatch } from './wire.ts';

/** 2: `events` carry a columnar WireBatch (was JSON bytes); `traceFile` sources; `progress`. */
export const PROTOCOL_VERSION = 2 as const;

/** Where a scenario comes from. */
export type ScenarioSource =
  | { kind: 'builtin'; name: string }
  /** A scenario document (`iopath.scenario/1`), not yet validated. */
  | { kind: 'doc'; doc: unknown }
  /** The text of an `iopath.trace/1` file: replayed, not run. */
  | { kind: 'trace'; text: string }
  /**
   * A picked `iopath.trace/1` file, handed over unread: the worker reads and scans its bytes
   * (no main-thread `text()`/JSON.parse), so files far over the text limit load.
   */
  | { kind: 'traceFile'; file: FileBytes; name: string };

/** What the protocol needs of a File/Blob (src/protocol compiles without DOM types). */
export interface FileBytes {
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

// ---------------------------------------------------------------- UI → worker

export interface CatalogRequest {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'catalog';
}

/**
 * Load a scenario and run it to the end, streaming its events. Replaces whatever was loaded.
 * `seed` overrides the document's seed (the `?seed=` URL parameter).
 */
export interface LoadRequest {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'load';
  source: ScenarioSource;
  seed?: number;
  /**
   * How many ops to run right away (default: all). `0` only validates and loads; `run`
   * requests continue. Trace files ignore it (they replay whole).
   */
  runOps?: number;
  /**
   * Where the scenario's devices keep their bytes: `opfs`/`idb` persist across reloads (opened
   * before the run; a store another tab holds is a `storage` error), `memory` (default) not;
   * `auto` lets the worker pick OPFS → IndexedDB → memory (in use by another tab → memory).
   */
  store?: 'memory' | 'opfs' | 'idb' | 'auto';
}

/**
 * Close the devices of the loaded scenario cleanly (flush, record a clean shutdown in the
 * catalog, release their locks): the page is going away (pagehide). Answered by `storeClosed`.
 */
export interface CloseStoreRequest {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'closeStore';
}

/** Run up to `ops` more ops of the loaded scenario (default: all remaining); streams their events. */
export interface RunRequest {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'run';
  ops?: number;
}

/** Append one op (the console) to the loaded scenario and run it; streams its new events. */
export interface AppendOpRequest {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'appendOp';
  op: OpDoc;
}

export type Request =
  CatalogRequest | LoadRequest | RunRequest | AppendOpRequest | CloseStoreRequest;

/** A request before the worker stamps the envelope (what the client API takes). */
export type RequestBody =
  | Omit<CatalogRequest, 'v' | 'id'>
  | Omit<LoadRequest, 'v' | 'id'>
  | Omit<RunRequest, 'v' | 'id'>
  | Omit<AppendOpRequest, 'v' | 'id'>
  | Omit<CloseStoreRequest, 'v' | 'id'>;

// ---------------------------------------------------------------- worker → UI

/** A built-in scenario as the picker shows it. */
export interface ScenarioInfo {
  name: string;
  system: SystemName;
  title: string;
  description: string;
}

/**
 * A pipeline as the UI draws it: the catalog entry with its edges resolved (the UI must not
 * import engine runtime code such as `pipelineEdges`).
 */
export type PipelineView = PipelineDef & { edges: NonNullable<PipelineDef['edges']> };

export interface CatalogReply {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'catalog';
  pipelines: PipelineView[];
  scenarios: ScenarioInfo[];
  /** Names of return codes (`-1005` → `DER_NONEXIST`, `-2` → `ENOENT`). */
  rcNames: Record<string, string>;
  /** Names of the registered scenario ops (the console and faults palette offer only these). */
  ops?: string[];
}

/** The scenario was accepted; its events follow as `events` messages. */
export interface LoadedReply {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'loaded';
  /** The normalized document (seed applied), or null for a replayed trace file. */
  doc: ScenarioDoc | null;
  /** A display name: the built-in's name, the document's title, or "trace file". */
  name: string;
  /** Where the devices live (absent: memory, nothing persists); notes say why a kind fell back. */
  store?: {
    kind: 'memory' | 'opfs' | 'idb';
    notes: string[];
    devices: number;
    /** The worker picked the store itself (no `?store=` / settings choice). */
    auto?: boolean;
    /**
     * How the devices' previous session ended (the catalog); null/absent when they are new.
     * `clean: false` → recovery ran as the pools were opened. Times are host ms.
     */
    previous?: { clean: boolean; lastCleanShutdown: number | null; created: number } | null;
  };
}

/** The devices were closed cleanly (`closeStore`). */
export interface StoreClosedReply {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'storeClosed';
  /** Devices closed (0 when nothing persistent was open). */
  devices: number;
}

/**
 * A batch of consecutive trace events, `first` … `first + count - 1`, as columns (wire.ts).
 * Every typed array of `batch` is transferred (`wireTransfer`).
 */
export interface EventsReply {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'events';
  first: number;
  count: number;
  batch: WireBatch;
}

/** How far a long load got (a big trace file being read and scanned): for the status line. */
export interface ProgressReply {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'progress';
  /** What is happening (`reading`, `scanning`). */
  phase: string;
  done: number;
  total: number;
}

/** A run (load, run or appendOp) stopped: the result document so far and the event total. */
export interface DoneReply {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'done';
  result: ResultDoc | null;
  eventCount: number;
  /** Ops of the document not run yet (0 when the scenario ran to its end). */
  opsLeft: number;
}

export type ErrorCode =
  | 'invalid-document'
  | 'invalid-trace'
  | 'unknown-scenario'
  | 'bad-request'
  | 'engine'
  /** Device storage: in use by another tab, quota exceeded (-DER_NOSPACE) … */
  | 'storage';

/**
 * A request failed. For `invalid-document` the message is the validator's
 * "<json path>: <problem>" line and `path` its path part (`ops[3].iods[0].type`).
 */
export interface ErrorReply {
  v: typeof PROTOCOL_VERSION;
  id: number;
  type: 'error';
  code: ErrorCode;
  message: string;
  path?: string;
}

export type Reply =
  | CatalogReply
  | LoadedReply
  | EventsReply
  | ProgressReply
  | DoneReply
  | ErrorReply
  | StoreClosedReply;

/**
 * Largest trace file the worker imports (`traceFile`): 1 GiB. The file's bytes stay in memory
 * as the payload blob (data/effects are referenced, not copied) next to ~61 bytes of columns
 * per event; past this a tab (≈4 GiB of heap in Chromium, with the file read's copy and the
 * scan's peak alive at once) risks an out-of-memory crash, and payload offsets are 32-bit.
 */
export const MAX_TRACE_FILE_BYTES = 1024 * 1024 * 1024;

/** Events per batch: big enough to amortize a postMessage (~30 µs), small enough to stream. */
export const EVENT_BATCH_SIZE = 2048;

export type { TraceEvent, Effect, Json, OpDoc, ResultDoc, ScenarioDoc, WireBatch };
