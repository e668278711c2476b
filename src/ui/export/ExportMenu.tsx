/**
 * Export what is loaded: the iopath trace, a Chrome trace-event file (Perfetto /
 * chrome://tracing), and the current flow diagram as SVG or PNG.
 */
import { useState } from 'react';
import '../walkthrough/walkthrough.css';
import { trace, useApp } from '../state/store.ts';
import { toChromeTrace } from './chromeTrace.ts';
import { diagramSvg, svgToPng } from './diagramSvg.ts';
import { download, fileStem } from './download.ts';
import { traceFileText } from './traceFile.ts';

function currentDiagram(): { svg: string; stem: string } | null {
  const s = useApp.getState();
  const ev = trace.at(s.cursor);
  const p = ev ? s.catalog?.pipelines.get(ev.pipeline) : undefined;
  if (!ev || !p) return null;
  const visited = new Set<string>();
  for (let i = 0; i < s.cursor; i++) {
    const e = trace.at(i);
    if (e && e.pipeline === ev.pipeline) visited.add(e.step);
  }
  return {
    svg: diagramSvg(p, { current: ev, visited, theme: s.theme }),
    stem: `${fileStem(s.scenarioName)}.step${s.cursor}`,
  };
}

export const EXPORTS = {
  trace: () => {
    const s = useApp.getState();
    download(`${fileStem(s.scenarioName)}.trace.json`, traceFileText(s.doc, trace.toArray()));
  },
  chrome: () => {
    const s = useApp.getState();
    const doc = toChromeTrace(trace.toArray(), s.scenarioName);
    download(`${fileStem(s.scenarioName)}.chrome-trace.json`, JSON.stringify(doc));
  },
  svg: () => {
    const d = currentDiagram();
    if (d) download(`${d.stem}.svg`, d.svg, 'image/svg+xml');
  },
  png: async () => {
    const d = currentDiagram();
    if (d) download(`${d.stem}.png`, await svgToPng(d.svg));
  },
};

export function ExportMenu() {
  const [open, setOpen] = useState(false);
  const count = useApp((s) => s.count);
  const run = (f: () => void | Promise<void>) => () => {
    setOpen(false);
    void Promise.resolve(f()).catch((e: unknown) =>
      useApp.getState().showError({ message: `export: ${(e as Error).message}` }),
    );
  };
  return (
    <div className="export-menu">
      <button
        type="button"
        className="btn"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={count === 0}
        data-testid="export-menu"
        onClick={() => setOpen(!open)}
      >
        Export ▾
      </button>
      {open ? (
        <div role="menu" className="export-list">
          <button role="menuitem" type="button" data-export="trace" onClick={run(EXPORTS.trace)}>
            iopath trace (.json)
          </button>
          <button role="menuitem" type="button" data-export="chrome" onClick={run(EXPORTS.chrome)}>
            Chrome trace (Perfetto)
          </button>
          <button role="menuitem" type="button" data-export="svg" onClick={run(EXPORTS.svg)}>
            Diagram (SVG)
          </button>
          <button role="menuitem" type="button" data-export="png" onClick={run(EXPORTS.png)}>
            Diagram (PNG)
          </button>
        </div>
      ) : null}
    </div>
  );
}
