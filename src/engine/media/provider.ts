/**
 * Where a run's simulated devices keep their durable image. The engine never touches host
 * storage itself: the host (CLI, worker, tests) hands the runner a `MediaProvider` whose
 * `backend(device, size)` returns a `BlockBackend` — memory by default, a file with
 * `iopath run --media DIR`, OPFS or IndexedDB in the browser (opened before the run, since
 * those open asynchronously and the engine is synchronous).
 *
 * Device names are `<actor>.scm` / `<actor>.nvme` (`engine0.tgt1.scm`). A provider returns the
 * same backend for the same name within a run, so a restart reopens the same image.
 */
import { createMemoryBackend } from './memory-backend.ts';
import type { BlockBackend } from './types.ts';

export interface MediaProvider {
  /** `memory`, `file`, `opfs`, `idb` … (shown to the user). */
  readonly kind: string;
  /** The durable image of `device`, `size` bytes (created zeroed when new). */
  backend(device: string, size: number): BlockBackend;
}

/** Fresh zeroed memory per device (the default: nothing outlives the run). */
export function memoryMediaProvider(): MediaProvider {
  const devices = new Map<string, BlockBackend>();
  return {
    kind: 'memory',
    backend(device, size) {
      let b = devices.get(device);
      if (!b || b.size !== size) {
        b = createMemoryBackend(size);
        devices.set(device, b);
      }
      return b;
    },
  };
}

/** A provider over a host `open(device, size)`, opening each device once per run. */
export function openingMediaProvider(
  kind: string,
  open: (device: string, size: number) => BlockBackend,
): MediaProvider {
  const opened = new Map<string, BlockBackend>();
  return {
    kind,
    backend(device, size) {
      let b = opened.get(device);
      if (!b) {
        b = open(device, size);
        opened.set(device, b);
      }
      return b;
    },
  };
}

/** A provider over backends the host opened up front (name → backend); others are memory. */
export function mapMediaProvider(
  kind: string,
  opened: ReadonlyMap<string, BlockBackend>,
): MediaProvider {
  const rest = memoryMediaProvider();
  return {
    kind,
    backend(device, size) {
      const b = opened.get(device);
      if (!b) return rest.backend(device, size);
      if (b.size < size)
        throw new RangeError(`${device}: backend has ${b.size} bytes, the device needs ${size}`);
      return b;
    },
  };
}

// The runner attaches the provider to its Runtime; systems find it from the rt they hold
// (a target store factory receives only the rt), without a new parameter through every layer.
const providers = new WeakMap<object, MediaProvider>();

export function setMediaProvider(rt: object, provider: MediaProvider): void {
  providers.set(rt, provider);
}

/** The run's provider, or undefined (callers then use plain memory). */
export function mediaProviderOf(rt: object): MediaProvider | undefined {
  return providers.get(rt);
}

/** True when the image starts with bytes (a formatted pool), false when it is all zero there. */
export function backendHasData(b: BlockBackend, probe = 8): boolean {
  const buf = new Uint8Array(Math.min(probe, b.size));
  b.read(0, buf);
  return buf.some((x) => x !== 0);
}
