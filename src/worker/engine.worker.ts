/**
 * The module worker entry: wires the protocol server to this worker's port. Kept tiny on
 * purpose — everything testable lives in server.ts and engineAdapter.ts.
 */
import { createEngineAdapter } from './engineAdapter.ts';
import { openScenarioMedia } from './media.ts';
import { EngineServer } from './server.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const server = new EngineServer(
  createEngineAdapter(),
  (reply, transfer) => scope.postMessage(reply, transfer),
  () => performance.now(),
  (doc, store) => openScenarioMedia(doc, store),
);
scope.addEventListener('message', (e: MessageEvent<unknown>) => server.handle(e.data));
