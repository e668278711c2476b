/**
 * Where views live. Each entry is one view: its `data-view-tab` id, its tab label and how to
 * render it. Add a view by adding an entry here (the view's own container carries
 * `data-view="<id>"`). Stage tabs share the big area with the flow diagram (sequence diagram,
 * media maps, trees); side tabs sit beside it (inspector, event log).
 *
 * First load (issue 7: interactive ≤ 1.5 s): only what the first screen shows — the flow
 * diagram and the inspector — is in the initial bundle. Every other view is its own chunk
 * (`lazyView`), fetched when its tab opens or, once the page is idle, ahead of time
 * (`prefetchViews`, called by the shell after the first diagram is drawn).
 */
import type { ReactNode } from 'react';
import { FlowView } from '../views/flow/FlowView.tsx';
import { Inspector } from '../views/inspector/Inspector.tsx';
import { lazyView } from './lazyView.tsx';

export interface TabDef {
  id: string;
  label: string;
  render: () => ReactNode;
}

const SequenceView = lazyView(
  () => import('../views/sequence/SequenceView.tsx'),
  (m) => m.SequenceView,
);
const ScmView = lazyView(
  () => import('../views/scm/ScmView.tsx'),
  (m) => m.ScmView,
);
const NvmeView = lazyView(
  () => import('../views/nvme/NvmeView.tsx'),
  (m) => m.NvmeView,
);
const VosTreeView = lazyView(
  () => import('../views/vostree/VosTreeView.tsx'),
  (m) => m.VosTreeView,
);
const EvtreeView = lazyView(
  () => import('../views/vostree/EvtreeView.tsx'),
  (m) => m.EvtreeView,
);
const PlacementView = lazyView(
  () => import('../views/placement/PlacementView.tsx'),
  (m) => m.PlacementView,
);
const PgLogView = lazyView(
  () => import('../views/pglog/PgLogView.tsx'),
  (m) => m.PgLogView,
);
const EventLog = lazyView(
  () => import('../views/events/EventLog.tsx'),
  (m) => m.EventLog,
);
const BreakpointsView = lazyView(
  () => import('../views/breakpoints/BreakpointsView.tsx'),
  (m) => m.BreakpointsView,
);
const FaultsView = lazyView(
  () => import('../views/faults/FaultsView.tsx'),
  (m) => m.FaultsView,
);
const WalkthroughPanel = lazyView(
  () => import('../walkthrough/WalkthroughPanel.tsx'),
  (m) => m.WalkthroughPanel,
);
const SavedPanel = lazyView(
  () => import('../saved/SavedPanel.tsx'),
  (m) => m.SavedPanel,
);

export const STAGE_TABS: TabDef[] = [
  { id: 'flow', label: 'Flow', render: () => <FlowView /> },
  { id: 'sequence', label: 'Sequence', render: () => <SequenceView /> },
  { id: 'scm', label: 'SCM', render: () => <ScmView /> },
  { id: 'nvme', label: 'NVMe', render: () => <NvmeView /> },
  { id: 'vos-tree', label: 'VOS tree', render: () => <VosTreeView /> },
  { id: 'evtree', label: 'Evtree', render: () => <EvtreeView /> },
  { id: 'placement', label: 'Placement', render: () => <PlacementView /> },
  { id: 'pglog', label: 'Logs', render: () => <PgLogView /> },
];

export const SIDE_TABS: TabDef[] = [
  { id: 'inspector', label: 'Inspector', render: () => <Inspector /> },
  { id: 'events', label: 'Events', render: () => <EventLog /> },
  { id: 'breakpoints', label: 'Breaks', render: () => <BreakpointsView /> },
  { id: 'faults', label: 'Faults', render: () => <FaultsView /> },
  { id: 'walkthrough', label: 'Walkthrough', render: () => <WalkthroughPanel /> },
  { id: 'saved', label: 'Saved', render: () => <SavedPanel /> },
];

/** Fetch every lazy view's chunk (idle time after the first screen): tab switches stay instant. */
export function prefetchViews(): void {
  for (const v of [
    SequenceView,
    ScmView,
    NvmeView,
    VosTreeView,
    EvtreeView,
    PlacementView,
    PgLogView,
    EventLog,
    BreakpointsView,
    FaultsView,
    WalkthroughPanel,
    SavedPanel,
  ])
    v.preload().catch(() => undefined); // only a head start: opening the tab fetches again
}
