import type { JSX } from 'preact';
import type { Session } from '../api.js';
import type { ViewProps } from '../types.js';
import type { View } from '../url-state.js';
import { CalculatorsView } from './calculators.js';
import { CatalogView } from './catalog.js';
import { CompareView } from './compare.js';
import { DedicatedView } from './dedicated.js';
import { EditorView } from './editor.js';
import { SensitivityView } from './sensitivity.js';
import { SizingView } from './sizing.js';
import { TracesView } from './traces.js';
import { VolumeView } from './volume.js';
import { DecisionsView } from './decisions.js';
import { AgentView } from './agent.js';

export interface ViewEntry {
  id: View;
  title: string;
  available: (s: Session) => boolean;
  render: (p: ViewProps) => JSX.Element;
}

/** The views in the nav. A view is listed only when it works; none is a placeholder. */
export const VIEW_LIST: ViewEntry[] = [
  { id: 'compare', title: 'Compare', available: () => true, render: (p) => <CompareView {...p} /> },
  { id: 'editor', title: 'Workload editor', available: () => true, render: (p) => <EditorView {...p} /> },
  { id: 'volume', title: 'Volume & crossover', available: () => true, render: (p) => <VolumeView {...p} /> },
  { id: 'dedicated', title: 'Dedicated & traffic shape', available: () => true, render: (p) => <DedicatedView {...p} /> },
  { id: 'sensitivity', title: 'Sensitivity & uncertainty', available: () => true, render: (p) => <SensitivityView {...p} /> },
  { id: 'decisions', title: 'Decisions', available: () => true, render: (p) => <DecisionsView {...p} /> },
  { id: 'sizing', title: 'Sizing', available: () => true, render: (p) => <SizingView {...p} /> },
  { id: 'calculators', title: 'Calculators', available: () => true, render: (p) => <CalculatorsView {...p} /> },
  { id: 'agent', title: 'Agent workflow', available: () => true, render: (p) => <AgentView {...p} /> },
  // Traces needs a store: listed only when the Studio was started with --db or --clickhouse.
  { id: 'traces', title: 'Traces', available: (s) => s.store !== null, render: (p) => <TracesView {...p} /> },
  { id: 'catalog', title: 'Catalog', available: () => true, render: (p) => <CatalogView {...p} /> },
];
