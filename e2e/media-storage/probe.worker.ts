/**
 * Test worker for e2e/media-storage.spec.ts: opens a device through openBestBackend (the
 * browser path: OPFS → IndexedDB → memory), keeps a umem pool on it and writes / reads a
 * value in the pool root through a real transaction.
 */
import { createScm, createUmem, openUmem, utf8Decode, utf8Encode } from '../../src/engine/index.ts';
import {
  openBestBackend,
  type OpenedBackend,
  type StoreKind,
} from '../../src/worker/storage/index.ts';

const SIZE = 512 * 1024;
const held: OpenedBackend[] = [];

interface Req {
  cmd: 'write' | 'read' | 'hold';
  kind: StoreKind;
  name: string;
  value?: string;
}

async function handle(req: Req): Promise<unknown> {
  const opened = await openBestBackend(req.name, SIZE, req.kind);
  const scm = createScm({ id: req.name, backend: opened.backend });
  let pool;
  try {
    pool = openUmem(scm);
  } catch {
    pool = createUmem(createScm({ id: req.name, backend: opened.backend }), { rootSize: 256 });
  }
  const len = pool.scm.readU32(pool.rootOff);
  const prev = utf8Decode(pool.scm.read(pool.rootOff + 4, len));
  if (req.cmd === 'write') {
    const bytes = utf8Encode(req.value ?? '');
    pool.txBegin();
    pool.txAddRange(pool.rootOff, 4 + bytes.length);
    pool.scm.writeU32(pool.rootOff, bytes.length);
    pool.scm.write(pool.rootOff + 4, bytes);
    pool.txCommit();
  }
  if (req.cmd === 'hold') held.push(opened);
  else await opened.close();
  return { kind: opened.kind, notes: opened.notes, prev };
}

const scope = self as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
};
scope.onmessage = (e: MessageEvent) => {
  handle(e.data as Req).then(
    (result) => scope.postMessage({ ok: true, result }),
    (err: unknown) =>
      scope.postMessage({ ok: false, name: (err as Error).name, error: (err as Error).message }),
  );
};
