/**
 * The helper worker of a split trace scan (traceSplit.ts): reads the second half of a picked
 * trace file and scans the events from a guessed event start there; the engine worker decides
 * whether its answer stands in for its own scan. Made by the engine worker on the first big
 * file; holds nothing between requests.
 */
import { answerPart, type PartRequest } from './traceSplit.ts';
import { scanTracePart } from './traceScan.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.addEventListener('message', (e: MessageEvent<PartRequest>) => {
  void answerPart(e.data, (reply, transfer) => scope.postMessage(reply, transfer), scanTracePart);
});
