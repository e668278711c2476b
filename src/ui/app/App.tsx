/** The page: header (scenario, files, theme, help), flow + caption, side tabs, transport, console. */
import { useEffect, useState } from 'react';
import { useKeyboard } from '../commands/useKeyboard.ts';
import { usePlayback } from '../commands/usePlayback.ts';
import { SPEEDS, useApp } from '../state/store.ts';
import { withStep } from '../url.ts';
import { CaptionPanel } from '../views/caption/CaptionPanel.tsx';
import { Console } from '../views/console/Console.tsx';
import { FlowView } from '../views/flow/FlowView.tsx';
import { CommandPalette } from './CommandPalette.tsx';
import { ErrorBanner, HelpOverlay } from './Overlays.tsx';
import { ImportFile, ScenarioPicker } from './ScenarioPicker.tsx';
import { copyShareLink } from '../share/copyLink.ts';
import { prefetchViews, SIDE_TABS, STAGE_TABS, type TabDef } from './tabs.tsx';
import { Transport } from './Transport.tsx';
import { ExportMenu } from '../export/ExportMenu.tsx';
import { StoreSelect, useStorageStatus } from './StoreSelect.tsx';
import { Presenter } from '../walkthrough/Presenter.tsx';
import { FaultMenu } from '../views/faults/FaultMenu.tsx';
import '../styles/layout.css';

/** Keep `?step=` in the address bar (so reload and shared links land on the same step). */
function useStepInUrl(): void {
  useEffect(() => {
    let timer = 0;
    return useApp.subscribe((s, p) => {
      const moved =
        s.cursor !== p.cursor ||
        (p.playing && !s.playing) ||
        (p.status !== 'ready' && s.status === 'ready');
      if (!moved || s.playing || s.status !== 'ready') return;
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        window.history.replaceState(
          null,
          '',
          withStep(window.location.search, useApp.getState().cursor),
        );
      }, 250);
    });
  }, []);
}

/** Once the first trace is shown and the page is idle, fetch the lazy views' chunks. */
function usePrefetchViews(): void {
  const ready = useApp((s) => s.status === 'ready');
  useEffect(() => {
    if (!ready) return;
    const w = window as Window & { requestIdleCallback?: (f: () => void) => number };
    if (w.requestIdleCallback) w.requestIdleCallback(prefetchViews);
    else window.setTimeout(prefetchViews, 500);
  }, [ready]);
}

function ShareButton() {
  const source = useApp((s) => s.source);
  const [copied, setCopied] = useState(false);
  const disabled = source === null || source.kind === 'trace' || source.kind === 'traceFile';
  return (
    <button
      type="button"
      className="btn"
      disabled={disabled}
      title={disabled ? 'Trace files cannot be shared as a link' : 'Copy a link to this step'}
      aria-label="Copy a link to this scenario at this step"
      data-testid="share-link"
      onClick={() => {
        void copyShareLink().then((url) => {
          if (url === null) return;
          void navigator.clipboard?.writeText(url).then(
            () => {
              setCopied(true);
              window.setTimeout(() => setCopied(false), 1500);
            },
            () => undefined, // no clipboard permission: the address bar holds the link
          );
        });
      }}
    >
      {copied ? 'Link copied' : 'Share link'}
    </button>
  );
}

function TabBar({
  tabs,
  active,
  onSelect,
  label,
}: {
  tabs: TabDef[];
  active: string;
  onSelect: (id: string) => void;
  label: string;
}) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={active === t.id}
          aria-controls={`tabpanel-${t.id}`}
          data-view-tab={t.id}
          className={active === t.id ? 'tab is-active' : 'tab'}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

function TabPanel({ tabs, active }: { tabs: TabDef[]; active: string }) {
  const tab = tabs.find((t) => t.id === active) ?? tabs[0];
  if (!tab) return null;
  return (
    <div
      className="tabpanel"
      role="tabpanel"
      id={`tabpanel-${tab.id}`}
      aria-labelledby={`tab-${tab.id}`}
    >
      {tab.render()}
    </div>
  );
}

function Stage({ embed }: { embed: boolean }) {
  const active = useApp((s) => s.stageTab);
  const setStageTab = useApp((s) => s.setStageTab);
  return (
    <div className="stage">
      {STAGE_TABS.length > 1 && !embed ? (
        <>
          <TabBar tabs={STAGE_TABS} active={active} onSelect={setStageTab} label="Main views" />
          <TabPanel tabs={STAGE_TABS} active={active} />
        </>
      ) : (
        <FlowView />
      )}
      {embed ? <CaptionPanel /> : null}
    </div>
  );
}

function SideTabs() {
  const tab = useApp((s) => s.tab);
  const setTab = useApp((s) => s.setTab);
  return (
    <aside className="side">
      <CaptionPanel />
      <TabBar tabs={SIDE_TABS} active={tab} onSelect={setTab} label="Details" />
      <TabPanel tabs={SIDE_TABS} active={tab} />
    </aside>
  );
}

export function App({ embed }: { embed: boolean }) {
  useKeyboard();
  usePlayback();
  useStepInUrl();
  usePrefetchViews();
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  const setHelpOpen = useApp((s) => s.setHelpOpen);
  const name = useApp((s) => s.scenarioName);
  const status = useApp((s) => s.status);
  const count = useApp((s) => s.count);
  const progress = useApp((s) => s.progress);
  const storage = useStorageStatus();
  // Fast playback: no step-node transitions (layout.css).
  const fast = useApp((s) => s.playing && (SPEEDS[s.speedIndex] ?? 0) >= 20);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className={`app${embed ? ' is-embed' : ''}${fast ? ' is-fast' : ''}`}>
      {embed ? null : (
        <header className="topbar">
          <h1 className="brand">
            io<span>path</span>
          </h1>
          <ScenarioPicker current={name} />
          <ImportFile />
          <span className="status" role="status" aria-live="polite" data-status={status}>
            {status === 'loading'
              ? progress
                ? `${progress.phase} ${(progress.done / 1048576).toFixed(0)} / ${(progress.total / 1048576).toFixed(0)} MiB…`
                : 'running…'
              : status === 'ready'
                ? `${name} · ${count} events${storage}`
                : 'starting…'}
          </span>
          <span className="spacer" />
          <StoreSelect />
          <ExportMenu />
          <ShareButton />
          <button
            type="button"
            className="btn"
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme (t)`}
            title="Theme (t)"
          >
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => setHelpOpen(true)}
            aria-label="Keyboard help (?)"
            title="Keyboard help (?)"
          >
            ?
          </button>
        </header>
      )}
      <ErrorBanner />
      <main className="workspace">
        <Stage embed={embed} />
        {embed ? null : <SideTabs />}
      </main>
      <footer className="bottombar">
        <Transport />
        {embed ? null : <Console />}
      </footer>
      <HelpOverlay />
      <CommandPalette />
      <FaultMenu />
      <Presenter />
    </div>
  );
}
