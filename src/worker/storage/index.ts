/** Browser storage backends for the simulated devices (see README.md). */
export { openBestBackend, parseStoreKind, storeOrder } from './open-best-backend.ts';
export type { OpenedBackend, OpenOptions, StoreKind } from './open-best-backend.ts';
export { OpfsBackend, opfsAvailable, removeOpfsDevice, OPFS_DIR } from './opfs-backend.ts';
export { IdbBackend, idbAvailable, listIdbDevices, IDB_NAME, IDB_PAGE } from './idb-backend.ts';
export type { DeviceRecord } from './catalog.ts';
export { listDevices, catalogOpen, catalogClose } from './catalog.ts';
export { StoreInUseError, isQuotaError } from './errors.ts';
export { acquireStoreLock } from './lock.ts';
