/**
 * Opening a share link: versions (migrateParams), the `~` compressed document, and the
 * `view` tab. Called once by main.tsx before the first load; returns true when it took over
 * loading the scenario (a `~` document is decoded asynchronously).
 */
import { useApp } from '../state/store.ts';
import { decodeDocParam, migrateParams } from './link.ts';

export function bootShareLink(search: string, opts: { seed?: number; step?: number }): boolean {
  const q = migrateParams(new URLSearchParams(search));
  const app = useApp.getState();
  if (!(q instanceof URLSearchParams)) {
    app.showError({ message: q.error });
    useApp.setState({ status: 'ready' });
    return true;
  }
  const view = q.get('view');
  if (view !== null && /^[a-z][a-z0-9-]{0,40}$/.test(view)) app.setStageTab(view);
  const raw = q.get('scenario');
  if (raw === null || !raw.startsWith('~')) return false;
  void decodeDocParam(raw).then((r) => {
    if ('error' in r) {
      app.showError({ message: r.error });
      useApp.setState({ status: 'ready' });
    } else app.load({ kind: 'doc', doc: r.doc }, opts);
  });
  return true;
}
