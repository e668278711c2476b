/**
 * `Striper::file_to_extents` (spec §2.2, exact): map an image/file byte range onto object
 * extents for a layout of object_size = 2^order, stripe_unit, stripe_count. Output is
 * ordered by object number; a piece is merged into the last extent of its object when it
 * starts exactly where that extent ends (buffer extents are appended, never merged), else
 * it starts a new extent. Offsets are plain numbers (exact below 2^53 bytes).
 */

export interface FileLayout {
  objectSize: number;
  stripeUnit: number;
  stripeCount: number;
}

export interface ObjectExtent {
  oid: string;
  objectNo: number;
  /** Offset inside the object. */
  offset: number;
  length: number;
  /** (offset into the caller's buffer, length) pieces, in image order. */
  bufferExtents: [number, number][];
}

/** RBD layout: object size 2^order; stripe_unit/count 0 mean "object size" and 1. */
export function rbdLayout(order = 22, stripeUnit = 0, stripeCount = 0): FileLayout {
  const objectSize = 2 ** order;
  return {
    objectSize,
    stripeUnit: stripeUnit > 0 ? stripeUnit : objectSize,
    stripeCount: stripeCount > 0 ? stripeCount : 1,
  };
}

/** `rbd_data.<image id>.%016llx` (format 2 data objects). */
export function rbdDataObjectName(imageId: string, objectNo: number): string {
  return `rbd_data.${imageId}.${objectNo.toString(16).padStart(16, '0')}`;
}

export function fileToExtents(
  objectName: (objectNo: number) => string,
  layoutIn: FileLayout,
  offset: number,
  len: number,
  bufferOffset = 0,
): ObjectExtent[] {
  const layout = { ...layoutIn };
  // Pacific: a single-column layout stripes by whole objects.
  if (layout.stripeCount === 1) layout.stripeUnit = layout.objectSize;
  const su = layout.stripeUnit;
  const sc = layout.stripeCount;
  if (su <= 0 || sc <= 0 || layout.objectSize < su || layout.objectSize % su !== 0)
    throw new RangeError(
      `bad layout: object_size ${layout.objectSize} stripe_unit ${su} stripe_count ${sc}`,
    );
  const stripesPerObject = layout.objectSize / su;
  const byObject = new Map<number, ObjectExtent[]>();
  let cur = offset;
  let left = len;
  while (left > 0) {
    const blockno = Math.floor(cur / su);
    const stripeno = Math.floor(blockno / sc);
    const stripepos = blockno % sc;
    const objectsetno = Math.floor(stripeno / stripesPerObject);
    const objectno = objectsetno * sc + stripepos;
    const blockOff = cur % su;
    const xOffset = (stripeno % stripesPerObject) * su + blockOff;
    const xLen = Math.min(left, su - blockOff);
    let list = byObject.get(objectno);
    if (list === undefined) {
      list = [];
      byObject.set(objectno, list);
    }
    let ex = list[list.length - 1];
    if (ex !== undefined && ex.offset + ex.length === xOffset) {
      ex.length += xLen;
    } else {
      ex = {
        oid: objectName(objectno),
        objectNo: objectno,
        offset: xOffset,
        length: xLen,
        bufferExtents: [],
      };
      list.push(ex);
    }
    ex.bufferExtents.push([cur - offset + bufferOffset, xLen]);
    left -= xLen;
    cur += xLen;
  }
  return [...byObject.keys()].sort((a, b) => a - b).flatMap((k) => byObject.get(k)!);
}
