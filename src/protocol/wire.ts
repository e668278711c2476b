/**
 * The columnar event batch (protocol v2): what crosses the worker boundary instead of event
 * objects. One typed array per header field, step/actor/pipeline/caption as ids into a string
 * table that both ends grow in the same order (each batch carries only the strings new to the
 * stream: `strings` get ids `stringBase`, `stringBase + 1`, …), and `data`/`effects` as UTF-8
 * JSON text in byte blobs that the UI decodes only when a view asks for that event's payload.
 *
 * A trace file imported in the worker ships its own bytes as the blob (offsets point into the
 * file text): the payloads are stored once and referenced, never re-encoded.
 */

/** `phase` codes (index into this list). */
export const WIRE_PHASES = ['enter', 'exit', 'point'] as const;

export interface WireBatch {
  /** Id of `strings[0]` in the stream's string table (= the table's size before this batch). */
  stringBase: number;
  /** Strings first used by this batch, in id order. */
  strings: string[];
  /** Virtual ns. */
  t: Float64Array;
  op: Int32Array;
  /** String-table ids. */
  pipeline: Int32Array;
  step: Int32Array;
  actor: Int32Array;
  /** String-table id, -1: no caption. */
  caption: Int32Array;
  /** Index into WIRE_PHASES. */
  phase: Uint8Array;
  /** Return code, NaN: none. */
  rc: Float64Array;
  /** Byte blobs holding the events' `data`/`effects` JSON text (usually one). */
  blobs: Uint8Array[];
  /** Per event: which of `blobs` its payloads are in. */
  blob: Uint8Array;
  /** Per event: byte range of `data` JSON in its blob (length 0: no data). */
  dataOff: Uint32Array;
  dataLen: Uint32Array;
  /** Per event: byte range of `effects` JSON (length 0: no effects). */
  fxOff: Uint32Array;
  fxLen: Uint32Array;
}

/** The buffers to transfer with a batch (each once, even when several views share one). */
export function wireTransfer(b: WireBatch): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  for (const a of [
    b.t,
    b.op,
    b.pipeline,
    b.step,
    b.actor,
    b.caption,
    b.phase,
    b.rc,
    b.blob,
    b.dataOff,
    b.dataLen,
    b.fxOff,
    b.fxLen,
    ...b.blobs,
  ]) {
    set.add(a.buffer as ArrayBuffer);
  }
  return [...set];
}

/** Events in a batch. */
export function wireCount(b: WireBatch): number {
  return b.t.length;
}
