/** The media layer's import surface: devices, umem, VEA, backends, power cuts. */
export * from './types.ts';
export { MemoryBackend, createMemoryBackend, checkRange } from './memory-backend.ts';
export { PowerCutError } from './power.ts';
export type { PersistenceHook, PersistencePoint } from './power.ts';
export { Scm, createScm, LINE_CLEAN, LINE_DIRTY, LINE_FLUSHED } from './scm.ts';
export type { ScmOptions } from './scm.ts';
export { UmemPool, createUmem, openUmem, RECOVERY_PIPELINE } from './umem/umem.ts';
export type {
  TxStage,
  UmemCreateOptions,
  UmemOpenOptions,
  UmemRecoveryReport,
} from './umem/umem.ts';
export type { HeapBlock } from './umem/heap.ts';
export { SIZE_CLASSES, CHUNK_SIZE } from './umem/layout.ts';
export { Nvme, createNvme, DEFAULT_NVME_LATENCY } from './nvme.ts';
export type { NvmeLatency, NvmeOptions } from './nvme.ts';
export { VeaSpace, createVea, openVea, VEA_DF_SIZE } from './vea/vea.ts';
export type { VeaCreateOptions, VeaOpenOptions } from './vea/vea.ts';
export { armPowerCut, cutPower } from './power-cut.ts';
export type { ArmOptions, PowerDomainDevice } from './power-cut.ts';
export {
  memoryMediaProvider,
  openingMediaProvider,
  mapMediaProvider,
  setMediaProvider,
  mediaProviderOf,
  backendHasData,
} from './provider.ts';
export type { MediaProvider } from './provider.ts';
