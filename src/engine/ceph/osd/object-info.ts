/**
 * object_info_t, the parts the write path keeps in the `_` xattr and in the in-memory object
 * context (obc): existence, size, version, prior version, user version, last reqid.
 */
import { utf8Decode } from '../../core/bytes.ts';
import { asciiOrUtf8, jsonBytes } from '../json-bytes.ts';
import { EV_ZERO, type Eversion } from '../types.ts';

export const OI_ATTR = '_';

export interface ObjectInfo {
  exists: boolean;
  size: number;
  version: Eversion;
  userVersion: number;
}

export function absentObjectInfo(): ObjectInfo {
  return { exists: false, size: 0, version: EV_ZERO, userVersion: 0 };
}

export function encodeObjectInfo(oi: ObjectInfo): Uint8Array {
  const a = [oi.version.epoch, oi.version.version, oi.userVersion, oi.size];
  // = jsonBytes(a) (a finite number prints as String(n) in JSON), without JSON.stringify's
  // cost on every write.
  if (!a.every(Number.isFinite)) return jsonBytes(a);
  return asciiOrUtf8(`[${a[0]},${a[1]},${a[2]},${a[3]}]`);
}

export function decodeObjectInfo(b: Uint8Array, size: number): ObjectInfo {
  const [e, v, uv] = JSON.parse(utf8Decode(b)) as [number, number, number, number];
  return { exists: true, size, version: { epoch: e, version: v }, userVersion: uv };
}
