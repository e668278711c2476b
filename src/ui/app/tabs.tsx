/**
 * Where views live. Each entry is one view: its `data-view-tab` id, its tab label and how to
 * render it. Add a view by adding an entry here (the view's own container carries
 * `data-view="<id>"`). Stage tabs share the big area with the flow diagram (sequence diagram,
 * media maps, trees); side tabs sit beside it (inspector, event log).
 */
import type { ReactNode } from 'react';
import { EventLog } from '../views/events/EventLog.tsx';
import { FlowView } from '../views/flow/FlowView.tsx';
import { Inspector } from '../views/inspector/Inspector.tsx';

export interface TabDef {
  id: string;
  label: string;
  render: () => ReactNode;
}

export const STAGE_TABS: TabDef[] = [{ id: 'flow', label: 'Flow', render: () => <FlowView /> }];

export const SIDE_TABS: TabDef[] = [
  { id: 'inspector', label: 'Inspector', render: () => <Inspector /> },
  { id: 'events', label: 'Events', render: () => <EventLog /> },
];
