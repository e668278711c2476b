/**
 * Two threads scan one big trace file (issue #7: a 1M-event, 273 MiB trace loads in ≤ 2 s):
 * the engine worker scans the file from the top while a helper worker (scanHelper.worker.ts)
 * reads the second half of the same Blob and scans the events from a guessed event start in
 * it. The guess is confirmed or refuted by the engine worker's own scan — it stops there only
 * if it arrives exactly at that byte between two events, which makes the helper's events the
 * very ones it would have read itself (same code, same bytes). Anything else (the guess fell
 * inside a string, the helper failed or is missing, its first event needs the JSON.parse path)
 * and the engine worker scans the rest itself: the answer never depends on the helper.
 */
import { wireTransfer } from '../protocol/index.ts';
import type { FileBytes } from '../protocol/index.ts';
import { isPlainEventAt, type PartScan } from './traceScan.ts';

/** Files smaller than this are scanned by one thread (a helper costs a worker start). */
export const SPLIT_MIN_BYTES = 16 << 20;

/**
 * How far past `splitFrom` the engine worker reads when a helper scans the rest: the helper's
 * event start is the first one after the middle (an event is ~300 bytes), and the helper
 * brings the bytes after it. A start beyond this, or a part that cannot be used, and the
 * engine worker reads and scans the whole file.
 */
export const SPLIT_SLACK_BYTES = 1 << 20;

/** Where the helper's part starts looking for an event start: the middle of the file. */
export function splitFrom(size: number): number {
  return Math.floor(size / 2);
}

/**
 * The next guess of an event start at or after `from`: the '{' of the first `}` `,` `{`
 * (whitespace allowed between) — how one event object ends and the next begins in the events
 * array (and, as often, how objects follow each other in a data array). -1 when there is none.
 */
export function splitPoint(b: Uint8Array, from: number): number {
  const n = b.length;
  for (let q = b.indexOf(0x7d, from); q >= 0; q = b.indexOf(0x7d, q + 1)) {
    let p = q + 1;
    while (p < n && isWs(b[p] as number)) p++;
    if (b[p] !== 0x2c) continue;
    p++;
    while (p < n && isWs(b[p] as number)) p++;
    if (b[p] === 0x7b) return p;
  }
  return -1;
}

/**
 * The helper's event start: the first guess at or after `from` that looks like an event
 * (isPlainEventAt) — objects nested in data (`[{…},{…}]`) are skipped. Only the helper calls
 * it; the engine worker learns the byte from the helper's first message. -1: none found.
 */
export function findEventStart(b: Uint8Array, from: number, tries = 4096): number {
  for (let at = splitPoint(b, from); at >= 0 && tries > 0; at = splitPoint(b, at), tries--) {
    if (isPlainEventAt(b, at)) return at;
  }
  return -1;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Asks a helper to scan the part of `file` from about `from` on: `at` is the event start the
 * helper chose (absolute; -1: none, no part), known as soon as it has read its half; `part` is
 * its scan from there.
 */
export type PartScanner = (
  file: FileBytes,
  from: number,
) => { at: Promise<number>; part: Promise<PartScan | null> };

/** Request to the helper worker. */
export interface PartRequest {
  id: number;
  /** The Blob (structured clone shares its bytes; nothing is copied until read). */
  file: FileBytes;
  from: number;
}

/** The helper's answers: first where its part starts, then the part (null: none usable). */
export type PartReply = { id: number; at: number } | { id: number; part: PartScan | null };

/** The helper side: read the file from `from`, find an event start, post it, scan from it. */
export async function answerPart(
  req: PartRequest,
  post: (reply: PartReply, transfer: ArrayBuffer[]) => void,
  scan: (bytes: Uint8Array, base: number, at: number) => PartScan | null,
): Promise<void> {
  let sent = false;
  try {
    const file = req.file as FileBytes & { slice(start: number): FileBytes };
    const bytes = new Uint8Array(await file.slice(req.from).arrayBuffer());
    const at = findEventStart(bytes, 0);
    post({ id: req.id, at: at < 0 ? -1 : req.from + at }, []);
    sent = true;
    const part = at < 0 ? null : scan(bytes, req.from, at);
    // The part's bytes go along (transferred): the engine worker reads only the file's first
    // half and takes the rest of the payloads from here.
    const transfer = part ? wireTransfer(part.batch) : [];
    if (part?.bytes && !transfer.includes(part.bytes.buffer as ArrayBuffer))
      transfer.push(part.bytes.buffer as ArrayBuffer);
    post({ id: req.id, part }, transfer);
  } catch {
    if (!sent) post({ id: req.id, at: -1 }, []);
    post({ id: req.id, part: null }, []);
  }
}

/** What the engine worker needs of the helper Worker. */
export interface HelperPort {
  postMessage(msg: PartRequest): void;
  addEventListener(type: 'message', f: (e: { data: PartReply }) => void): void;
  addEventListener(type: 'error', f: () => void): void;
}

const NONE = { at: Promise.resolve(-1), part: Promise.resolve(null) };

/**
 * The engine worker side: a PartScanner over a helper worker made on first use (`spawn`).
 * A helper that fails answers "none" for everything it had (the caller scans on alone).
 */
export function helperScanner(spawn: () => HelperPort): PartScanner {
  let port: HelperPort | null = null;
  let broken = false;
  let next = 1;
  const waiting = new Map<
    number,
    { at: (v: number) => void; part: (p: PartScan | null) => void }
  >();
  const fail = (): void => {
    broken = true;
    for (const w of waiting.values()) {
      w.at(-1);
      w.part(null);
    }
    waiting.clear();
  };
  return (file, from) => {
    if (broken) return NONE;
    try {
      if (!port) {
        port = spawn();
        port.addEventListener('message', (e) => {
          const w = waiting.get(e.data.id);
          if (!w) return;
          if ('at' in e.data) w.at(e.data.at);
          else {
            w.part(e.data.part);
            waiting.delete(e.data.id);
          }
        });
        port.addEventListener('error', fail);
      }
      const id = next++;
      let at!: (v: number) => void;
      let part!: (p: PartScan | null) => void;
      const out = {
        at: new Promise<number>((r) => (at = r)),
        part: new Promise<PartScan | null>((r) => (part = r)),
      };
      waiting.set(id, { at, part });
      port.postMessage({ id, file, from });
      return out;
    } catch {
      fail();
      return NONE;
    }
  };
}
