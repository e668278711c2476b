/** Browser storage backends for the simulated devices (see README.md). */
export { openBestBackend, parseStoreKind } from './open-best-backend.ts';
export type { OpenedBackend, StoreKind } from './open-best-backend.ts';
export { OpfsBackend, opfsAvailable, removeOpfsDevice, OPFS_DIR } from './opfs-backend.ts';
export { IdbBackend, idbAvailable, listIdbDevices, IDB_NAME, IDB_PAGE } from './idb-backend.ts';
export type { DeviceRecord } from './idb-backend.ts';
export { StoreInUseError, isQuotaError } from './errors.ts';
export { acquireStoreLock } from './lock.ts';
