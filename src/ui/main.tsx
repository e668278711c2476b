/**
 * Entry: start the engine worker, connect the store, load what the URL asks for, render.
 * The UI never imports the engine runtime; it talks to the worker through src/protocol.
 */
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { EngineClient } from './bridge/EngineClient.ts';
import { closeStoreOnExit, connectEngine, useApp } from './state/store.ts';
import { parsePageParams } from './url.ts';
import { bootShareLink } from './share/boot.ts';
import { startEmbedApi } from './embed/api.ts';
import { bootWalkthrough } from './walkthrough/boot.ts';
import { installBenchHook } from './app/benchHook.ts';
import { engineWorker } from './app/engineWorker.ts';

const params = parsePageParams(window.location.search);
// Started by entry.ts before this bundle arrived; the same instance here.
const worker = engineWorker();
connectEngine(new EngineClient(worker, (message) => useApp.getState().showError({ message })));
// Leaving the page closes the devices cleanly (catalog: last clean shutdown); coming back from
// the back/forward cache reopens them by loading the scenario again.
window.addEventListener('pagehide', closeStoreOnExit);
window.addEventListener('pageshow', (e) => {
  const { source } = useApp.getState();
  if (e.persisted && source && source.kind !== 'trace') useApp.getState().load(source);
});

/** Without `?scenario=`, open the seed's first example so the page is never empty. */
const DEFAULT_SCENARIO = 'daos-key-sv';

const app = useApp.getState();
const opts: { seed?: number; step?: number } = {};
if (params.seed !== undefined) opts.seed = params.seed;
if (params.step !== undefined) opts.step = params.step;

const walkthroughBoot = bootWalkthrough(window.location.search);
const wantsDefault = !walkthroughBoot && !params.scenario && params.scenarioError === null;
app.requestCatalog((catalog) => {
  // The default was asked for already (below); a catalog without it opens its first scenario.
  if (!wantsDefault || catalog.scenarios.some((s) => s.name === DEFAULT_SCENARIO)) return;
  const first = catalog.scenarios[0];
  if (first) app.load({ kind: 'builtin', name: first.name }, opts);
});
// First load: run the default scenario right behind the catalog request (the worker answers in
// order, so the catalog is in before the first events), not a round trip after it.
if (wantsDefault) app.load({ kind: 'builtin', name: DEFAULT_SCENARIO }, opts);
if (walkthroughBoot) {
  // ?walkthrough=NAME: the walkthrough loads its own scenario
} else if (bootShareLink(window.location.search, opts)) {
  // a v1 share link (compressed document) or a link from a newer version: handled there
} else if (params.scenarioError !== null) {
  app.showError({ message: params.scenarioError });
  useApp.setState({ status: 'ready' });
} else if (params.scenario) {
  app.load(params.scenario, opts);
}

if (params.embed) startEmbedApi(window);
if (new URLSearchParams(window.location.search).get('bench') === '1') installBenchHook(window);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App embed={params.embed} />
  </StrictMode>,
);
