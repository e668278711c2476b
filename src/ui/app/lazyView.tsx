/**
 * A view in its own chunk: `React.lazy` over a named export, wrapped in a Suspense boundary
 * with a labelled placeholder, plus `preload()` so the shell can fetch it before the tab opens.
 * Once the chunk has arrived, later mounts render the view directly (no placeholder flash).
 */
import { lazy, Suspense, useState, type ComponentType } from 'react';

export interface LazyView {
  (): React.JSX.Element;
  preload(): Promise<void>;
}

export function lazyView<M>(load: () => Promise<M>, pick: (m: M) => ComponentType): LazyView {
  let loaded: ComponentType | null = null;
  let pending: Promise<void> | null = null;
  const preload = (): Promise<void> =>
    (pending ??= load().then(
      (m) => {
        loaded = pick(m);
      },
      (e: unknown) => {
        pending = null; // a failed fetch (offline, new deploy) is tried again next time
        throw e;
      },
    ));
  const Lazy = lazy(() => preload().then(() => ({ default: loaded! })));
  const View = (): React.JSX.Element => {
    // Fixed per mounted instance: a chunk that lands while mounted must not swap the subtree.
    const [Ready] = useState(() => loaded);
    if (Ready) return <Ready />;
    return (
      <Suspense
        fallback={
          <p className="empty" role="status">
            Loading view…
          </p>
        }
      >
        <Lazy />
      </Suspense>
    );
  };
  View.preload = preload;
  return View;
}
