/** Built-in scenarios grouped by system, plus opening files (button and drag-and-drop). */
import { useEffect, useRef, useState } from 'react';
import type { ScenarioInfo } from '../../protocol/index.ts';
import { useApp } from '../state/store.ts';
import { openFiles } from './openFile.ts';

const SYSTEM_LABEL: Record<string, string> = { daos: 'DAOS', ceph: 'Ceph', media: 'Media' };

export function ScenarioPicker({ current }: { current: string }) {
  const catalog = useApp((s) => s.catalog);
  const groups = new Map<string, ScenarioInfo[]>();
  for (const s of catalog?.scenarios ?? []) {
    const list = groups.get(s.system) ?? [];
    list.push(s);
    groups.set(s.system, list);
  }
  const known = catalog?.scenarios.some((s) => s.name === current) ?? false;
  return (
    <label className="picker">
      <span className="picker-label">Scenario</span>
      <select
        value={known ? current : ''}
        aria-label="Built-in scenario"
        onChange={(e) => {
          const name = e.target.value;
          if (!name) return;
          const q = new URLSearchParams(window.location.search);
          q.set('scenario', name);
          q.delete('step');
          window.history.replaceState(null, '', `?${q.toString()}`);
          useApp.getState().load({ kind: 'builtin', name });
        }}
      >
        <option value="" disabled>
          {known ? '' : current || 'choose…'}
        </option>
        {[...groups.entries()].map(([system, list]) => (
          <optgroup key={system} label={SYSTEM_LABEL[system] ?? system}>
            {list.map((s) => (
              <option key={s.name} value={s.name} title={s.description}>
                {s.title || s.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}

/** The import button (`data-testid="import-file"`) and page-wide drag-and-drop. */
export function ImportFile() {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      depth++;
      setDragging(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const fs = [...(e.dataTransfer?.files ?? [])];
      depth = 0;
      setDragging(false);
      if (fs.length === 0) return;
      e.preventDefault();
      void openFiles(fs);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return (
    <>
      <button
        type="button"
        className="btn"
        onClick={() => input.current?.click()}
        title="Open a scenario or trace file (or drop it on the page)"
      >
        Open file…
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        multiple
        data-testid="import-file"
        className="sr-only"
        aria-label="Open a scenario or trace file"
        tabIndex={-1}
        onChange={(e) => {
          const fs = [...(e.target.files ?? [])];
          if (fs.length > 0) void openFiles(fs);
          e.target.value = '';
        }}
      />
      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          Drop a scenario (iopath.scenario/1) or trace (iopath.trace/1) file
        </div>
      ) : null}
    </>
  );
}
