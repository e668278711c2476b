/** Importers of real-system dumps into iopath traces (pure; used by the CLI and the worker). */
export { importCephDumps, OSD_DUMPS_SCHEMA } from './ceph-import.ts';
export type { ImportInput, ImportResult, ImportSummary, ImportedRequest } from './ceph-import.ts';
export { readOsdDump, looksLikeOsdDump, osdIdFromName } from './ceph-dump.ts';
export type { OsdDump, DumpOp, DumpEvent } from './ceph-dump.ts';
export { describe as describeTrackedOp } from './ceph-description.ts';
export { stepFor } from './ceph-steps.ts';
export { parseUtime, diffNs } from './utime.ts';
export { detectFile } from './detect.ts';
export type { FileKind, Detected } from './detect.ts';
export { MAX_IMPORT_CHARS, MAX_IMPORT_OPS } from './limits.ts';
