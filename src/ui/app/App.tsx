/** The page: header (scenario, files, theme, help), flow + caption, side tabs, transport, console. */
import { useEffect } from 'react';
import { useKeyboard } from '../commands/useKeyboard.ts';
import { usePlayback } from '../commands/usePlayback.ts';
import { useApp, type Tab } from '../state/store.ts';
import { withStep } from '../url.ts';
import { CaptionPanel } from '../views/caption/CaptionPanel.tsx';
import { Console } from '../views/console/Console.tsx';
import { EventLog } from '../views/events/EventLog.tsx';
import { FlowView } from '../views/flow/FlowView.tsx';
import { Inspector } from '../views/inspector/Inspector.tsx';
import { ErrorBanner, HelpOverlay } from './Overlays.tsx';
import { ImportFile, ScenarioPicker } from './ScenarioPicker.tsx';
import { Transport } from './Transport.tsx';

const TABS: { id: Tab; label: string }[] = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'events', label: 'Events' },
];

/** Keep `?step=` in the address bar (so reload and shared links land on the same step). */
function useStepInUrl(): void {
  useEffect(() => {
    let timer = 0;
    return useApp.subscribe((s, p) => {
      if (s.cursor === p.cursor || s.playing || s.status !== 'ready') return;
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

function SideTabs() {
  const tab = useApp((s) => s.tab);
  const setTab = useApp((s) => s.setTab);
  return (
    <aside className="side">
      <CaptionPanel />
      <div className="tabs" role="tablist" aria-label="Views">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`tabpanel-${t.id}`}
            data-view-tab={t.id}
            className={tab === t.id ? 'tab is-active' : 'tab'}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        className="tabpanel"
        role="tabpanel"
        id={`tabpanel-${tab}`}
        aria-labelledby={`tab-${tab}`}
      >
        {tab === 'inspector' ? <Inspector /> : <EventLog />}
      </div>
    </aside>
  );
}

export function App({ embed }: { embed: boolean }) {
  useKeyboard();
  usePlayback();
  useStepInUrl();
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  const setHelpOpen = useApp((s) => s.setHelpOpen);
  const name = useApp((s) => s.scenarioName);
  const status = useApp((s) => s.status);
  const count = useApp((s) => s.count);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className={embed ? 'app is-embed' : 'app'}>
      {embed ? null : (
        <header className="topbar">
          <h1 className="brand">
            io<span>path</span>
          </h1>
          <ScenarioPicker current={name} />
          <ImportFile />
          <span className="status" role="status" aria-live="polite" data-status={status}>
            {status === 'loading'
              ? 'running…'
              : status === 'ready'
                ? `${name} · ${count} events`
                : 'starting…'}
          </span>
          <span className="spacer" />
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
        <div className="stage">
          <FlowView />
          {embed ? <CaptionPanel /> : null}
        </div>
        {embed ? null : <SideTabs />}
      </main>
      <footer className="bottombar">
        <Transport />
        {embed ? null : <Console />}
      </footer>
      <HelpOverlay />
    </div>
  );
}
