/**
 * "Share link" at the current step: a v1 link (link.ts) put in the address bar and returned
 * for the clipboard; a document too long for a URL is offered as a file instead.
 */
import { download, fileStem } from '../export/download.ts';
import { useApp } from '../state/store.ts';
import { shareUrl } from './link.ts';

export async function copyShareLink(): Promise<string | null> {
  const s = useApp.getState();
  const seed = new URLSearchParams(window.location.search).get('seed');
  const r = await shareUrl(window.location.origin + window.location.pathname, {
    source: s.source,
    doc: s.doc,
    ...(seed !== null && /^\d+$/.test(seed) ? { seed: Number(seed) } : {}),
    step: s.cursor,
    view: s.stageTab,
  });
  if ('error' in r) {
    s.showError({ message: r.error });
    return null;
  }
  if ('tooLong' in r) {
    s.showError({
      message: `This scenario is too long for a link (${r.tooLong} characters): it was saved as a file to share instead.`,
    });
    download(`${fileStem(s.scenarioName)}.scenario.json`, JSON.stringify(s.doc, null, 2) + '\n');
    return null;
  }
  window.history.replaceState(null, '', r.url);
  return r.url;
}
