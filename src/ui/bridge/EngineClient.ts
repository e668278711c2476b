/**
 * The UI's handle on the engine worker: stamps requests with the protocol envelope and routes
 * each reply to the handler of the request it answers. Holds no trace state (that is the
 * store's); one instance per page.
 */
import {
  PROTOCOL_VERSION,
  isReply,
  type Reply,
  type Request,
  type RequestBody,
} from '../../protocol/index.ts';

/** The subset of Worker the client uses (a MessagePort or a fake in tests also fits). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
}

export type ReplyHandler = (reply: Reply) => void;

/** Replies after which a request is finished and its handler dropped. */
const FINAL = new Set<Reply['type']>(['catalog', 'done', 'error']);

export class EngineClient {
  private nextId = 1;
  private readonly handlers = new Map<number, ReplyHandler>();

  constructor(
    private readonly worker: WorkerLike,
    /** Called when the worker itself fails (script error): the app shows it and keeps running. */
    onCrash: (message: string) => void,
  ) {
    worker.addEventListener('message', (e: MessageEvent) => {
      const r: unknown = e.data;
      if (!isReply(r)) return;
      const h = this.handlers.get(r.id);
      if (!h) return;
      if (FINAL.has(r.type)) this.handlers.delete(r.id);
      h(r);
    });
    worker.addEventListener('error', (e: ErrorEvent) => {
      onCrash(`engine worker failed: ${e.message || 'unknown error'}`);
    });
  }

  /** Send a request; `onReply` sees every reply to it until the final one. Returns its id. */
  request(body: RequestBody, onReply: ReplyHandler): number {
    const id = this.nextId++;
    this.handlers.set(id, onReply);
    const msg = { ...body, v: PROTOCOL_VERSION, id } as Request;
    this.worker.postMessage(msg);
    return id;
  }
}
