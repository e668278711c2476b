/**
 * The module worker entry: wires the protocol server to this worker's port. Kept tiny on
 * purpose — everything testable lives in server.ts and engineAdapter.ts.
 */
import { createEngineAdapter } from './engineAdapter.ts';
import { openScenarioMedia } from './media.ts';
import { EngineServer } from './server.ts';
import { helperScanner } from './traceSplit.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const server = new EngineServer(
  createEngineAdapter(),
  (reply, transfer) => scope.postMessage(reply, transfer),
  () => performance.now(),
  (doc, store) => openScenarioMedia(doc, store),
  // Big trace files are scanned by two threads: this one and a helper made on first use.
  helperScanner(
    () =>
      new Worker(new URL('./scanHelper.worker.ts', import.meta.url), {
        type: 'module',
      }),
  ),
);
scope.addEventListener('message', (e: MessageEvent<unknown>) => server.handle(e.data));
