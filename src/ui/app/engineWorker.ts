/**
 * The one engine worker of the page. `entry.ts` (the tiny entry of index.html) calls
 * this before the app bundle has even downloaded, so the worker's fetch + compile of the engine
 * overlaps the main bundle's; `main.tsx` then gets the same instance. The worker only ever
 * answers requests, so nothing it says can arrive before the client listens.
 */
let worker: Worker | null = null;

export function engineWorker(): Worker {
  worker ??= new Worker(new URL('../../worker/engine.worker.ts', import.meta.url), {
    type: 'module',
  });
  return worker;
}
