/**
 * Event batches on the wire: the worker encodes TraceEvent[] into columnar WireBatches with
 * `BatchEncoder` (one per load: it owns the stream's string table). The encoder lives in
 * src/protocol/wireEncode.ts so UI tests can build real batches; the UI side is
 * src/ui/state/traceStore.ts (`append`).
 */
export { BatchEncoder, StringTable, phaseCode } from '../protocol/wireEncode.ts';
