/**
 * Opening a file: decide what it is by its `schema` and hand it to the worker. Scenario
 * documents run; iopath.trace/1 files replay (the worker validates both and answers with the
 * JSON path of the first problem).
 */
import { MAX_TRACE_FILE_BYTES, type ScenarioSource } from '../../protocol/index.ts';
import { bigTraceFile, routeFiles } from '../import/routeFiles.ts';
import { useApp } from '../state/store.ts';
import { openWalkthrough } from '../walkthrough/store.ts';

export function classifyFile(
  name: string,
  text: string,
): { source: ScenarioSource } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { error: `${name}: not JSON (${(e as Error).message})` };
  }
  const schema = (doc as { schema?: unknown } | null)?.schema;
  if (schema === 'iopath.trace/1') return { source: { kind: 'trace', text } };
  if (schema === 'iopath.scenario/1' || (typeof doc === 'object' && doc !== null && 'ops' in doc)) {
    return { source: { kind: 'doc', doc } };
  }
  return {
    error: `${name}: schema: expected "iopath.scenario/1" or "iopath.trace/1"${typeof schema === 'string' ? ` (got "${schema}")` : ''}`,
  };
}

export async function openFileText(file: File): Promise<void> {
  await openFiles([file]);
}

/** Open picked files, routed by content (ui/import/routeFiles.ts: walkthroughs, OSD dumps…). */
export async function openFiles(files: readonly File[]): Promise<void> {
  // Trace files (any size up to 1 GiB) go to the worker unread: no main-thread text()/parse.
  const heads = await Promise.all(
    files.map(async (f) => ({ name: f.name, size: f.size, head: await f.slice(0, 256).text() })),
  );
  const big = bigTraceFile(heads, MAX_TRACE_FILE_BYTES);
  if (big.kind === 'error') {
    useApp.getState().showError({ message: big.error });
    return;
  }
  if (big.kind === 'worker') {
    const f = files[0] as File;
    dropScenarioFromUrl();
    useApp.getState().load({ kind: 'traceFile', file: f, name: f.name });
    return;
  }
  const picked = await Promise.all(
    files.map(async (f) => ({ name: f.name, text: await f.text() })),
  );
  const r = routeFiles(picked);
  if (r.kind === 'error') {
    useApp.getState().showError({ message: r.error });
    return;
  }
  if (r.kind === 'walkthrough') {
    // `?present=1` (the record script): go straight into presenter mode.
    openWalkthrough(r.doc, {
      present: new URLSearchParams(window.location.search).get('present') === '1',
    });
    return;
  }
  dropScenarioFromUrl();
  useApp.getState().load(r.source);
}

/**
 * The address bar no longer describes what is on screen: drop scenario/step (Share link
 * writes a link for a document; a trace file has none).
 */
function dropScenarioFromUrl(): void {
  const q = new URLSearchParams(window.location.search);
  q.delete('scenario');
  q.delete('step');
  const search = q.toString();
  window.history.replaceState(null, '', search === '' ? window.location.pathname : `?${search}`);
}
