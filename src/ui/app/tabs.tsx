/**
 * Where views live. Each entry is one view: its `data-view-tab` id, its tab label and how to
 * render it. Add a view by adding an entry here (the view's own container carries
 * `data-view="<id>"`). Stage tabs share the big area with the flow diagram (sequence diagram,
 * media maps, trees); side tabs sit beside it (inspector, event log).
 */
import type { ReactNode } from 'react';
import { BreakpointsView } from '../views/breakpoints/BreakpointsView.tsx';
import { EventLog } from '../views/events/EventLog.tsx';
import { FaultsView } from '../views/faults/FaultsView.tsx';
import { FlowView } from '../views/flow/FlowView.tsx';
import { Inspector } from '../views/inspector/Inspector.tsx';
import { NvmeView } from '../views/nvme/NvmeView.tsx';
import { PgLogView } from '../views/pglog/PgLogView.tsx';
import { PlacementView } from '../views/placement/PlacementView.tsx';
import { ScmView } from '../views/scm/ScmView.tsx';
import { SequenceView } from '../views/sequence/SequenceView.tsx';
import { EvtreeView } from '../views/vostree/EvtreeView.tsx';
import { VosTreeView } from '../views/vostree/VosTreeView.tsx';
import { WalkthroughPanel } from '../walkthrough/WalkthroughPanel.tsx';
import { SavedPanel } from '../saved/SavedPanel.tsx';

export interface TabDef {
  id: string;
  label: string;
  render: () => ReactNode;
}

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
