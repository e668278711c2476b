/**
 * On-media layout of a umem pool (our simplified `struct pool_hdr` + lanes + heap).
 *
 *   0           pool header (one 4 KiB page; fields below, checksummed, magic written last)
 *   ulogOff     undo log: one 64-byte header line (generation word), then entries
 *   rootOff     the root object (fixed size, zeroed at create)
 *   chunkHdrOff one 8-byte header word per heap chunk (free / run of class c / huge head / cont)
 *   bitmapOff   128 bytes of allocation bitmap per chunk (one bit per unit of the run's class)
 *   chunksOff   the chunks themselves, CHUNK_SIZE bytes each
 *
 * Every piece of allocator metadata lives in SCM and changes only through the undo log, so a
 * rolled-back transaction rolls the heap back too.
 */
import { derError } from '../../core/errors.ts';
import type { ScmDevice } from '../types.ts';
import { fnv1a32 } from './checksum.ts';

export const POOL_MAGIC = 0x4c4f4f504d454d55n; // "UMEMPOOL" little-endian
export const POOL_VERSION = 1;
export const POOL_HDR_SIZE = 4096;
export const CHUNK_SIZE = 65536;
/** Bitmap bytes per chunk: one bit per 64-byte unit (the smallest class). */
export const CHUNK_BITMAP_BYTES = CHUNK_SIZE / 64 / 8;

/** Allocation classes (unit sizes) served from runs; larger requests take whole chunks. */
export const SIZE_CLASSES: readonly number[] = [
  64, 128, 192, 256, 320, 384, 512, 640, 768, 1024, 1280, 1536, 2048, 2560, 3072, 4096, 5120, 6144,
  8192, 12288, 16384, 32768,
];

const F_MAGIC = 0;
const F_VERSION = 8;
const F_SIZE = 16;
const F_ULOG_OFF = 24;
const F_ULOG_SIZE = 32;
const F_ROOT_OFF = 40;
const F_ROOT_SIZE = 48;
const F_CHUNK_HDR_OFF = 56;
const F_BITMAP_OFF = 64;
const F_CHUNKS_OFF = 72;
const F_NCHUNKS = 80;
const F_CHUNK_SIZE = 88;
const F_CSUM = 96;

export interface PoolLayout {
  size: number;
  ulogOff: number;
  ulogSize: number;
  rootOff: number;
  rootSize: number;
  chunkHdrOff: number;
  bitmapOff: number;
  chunksOff: number;
  nChunks: number;
  chunkSize: number;
}

const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

export function computeLayout(size: number, rootSize: number, ulogSize?: number): PoolLayout {
  const ulog = alignUp(ulogSize ?? Math.min(1 << 20, Math.max(64 << 10, size / 32)), 4096);
  const ulogOff = POOL_HDR_SIZE;
  const rootOff = ulogOff + ulog;
  const rootBytes = alignUp(Math.max(rootSize, 64), 4096);
  const chunkHdrOff = rootOff + rootBytes;
  const avail = size - chunkHdrOff - 2 * 4096; // slack for the two alignments below
  let nChunks = Math.floor(avail / (CHUNK_SIZE + 8 + CHUNK_BITMAP_BYTES));
  for (; nChunks > 0; nChunks--) {
    const bitmapOff = alignUp(chunkHdrOff + nChunks * 8, 64);
    const chunksOff = alignUp(bitmapOff + nChunks * CHUNK_BITMAP_BYTES, 4096);
    if (chunksOff + nChunks * CHUNK_SIZE <= size) {
      return {
        size,
        ulogOff,
        ulogSize: ulog,
        rootOff,
        rootSize,
        chunkHdrOff,
        bitmapOff,
        chunksOff,
        nChunks,
        chunkSize: CHUNK_SIZE,
      };
    }
  }
  throw derError(
    'NOSPACE',
    `SCM of ${size} bytes too small for a pool (root ${rootSize}, undo log ${ulog})`,
  );
}

function headerFields(l: PoolLayout): number[] {
  return [
    POOL_VERSION,
    l.size,
    l.ulogOff,
    l.ulogSize,
    l.rootOff,
    l.rootSize,
    l.chunkHdrOff,
    l.bitmapOff,
    l.chunksOff,
    l.nChunks,
    l.chunkSize,
  ];
}

/** Write and persist the header; the magic goes last so a torn create is never "a pool". */
export function writePoolHeader(scm: ScmDevice, l: PoolLayout): void {
  scm.fill(0, POOL_HDR_SIZE, 0);
  headerFields(l).forEach((v, i) => scm.writeNum64(F_VERSION + i * 8, v));
  scm.writeU32(F_CSUM, fnv1a32(scm.read(F_VERSION, F_CSUM - F_VERSION)));
  scm.persist(0, POOL_HDR_SIZE);
  scm.writeU64(F_MAGIC, POOL_MAGIC);
  scm.persist(F_MAGIC, 8);
}

/** Read and validate the header (pmemobj_open's pool_hdr checks). */
export function readPoolHeader(scm: ScmDevice): PoolLayout {
  if (scm.size < POOL_HDR_SIZE || scm.readU64(F_MAGIC) !== POOL_MAGIC) {
    throw derError('NONEXIST', `${scm.id}: no umem pool on this device`);
  }
  const csum = fnv1a32(scm.read(F_VERSION, F_CSUM - F_VERSION));
  if (csum !== scm.readU32(F_CSUM)) throw derError('DF_INVAL', `${scm.id}: pool header checksum`);
  const version = scm.readNum64(F_VERSION);
  if (version !== POOL_VERSION)
    throw derError('DF_INCOMPT', `${scm.id}: layout version ${version}`);
  const l: PoolLayout = {
    size: scm.readNum64(F_SIZE),
    ulogOff: scm.readNum64(F_ULOG_OFF),
    ulogSize: scm.readNum64(F_ULOG_SIZE),
    rootOff: scm.readNum64(F_ROOT_OFF),
    rootSize: scm.readNum64(F_ROOT_SIZE),
    chunkHdrOff: scm.readNum64(F_CHUNK_HDR_OFF),
    bitmapOff: scm.readNum64(F_BITMAP_OFF),
    chunksOff: scm.readNum64(F_CHUNKS_OFF),
    nChunks: scm.readNum64(F_NCHUNKS),
    chunkSize: scm.readNum64(F_CHUNK_SIZE),
  };
  if (l.size > scm.size || l.chunkSize !== CHUNK_SIZE) {
    throw derError('DF_INVAL', `${scm.id}: pool header does not fit the device`);
  }
  return l;
}
