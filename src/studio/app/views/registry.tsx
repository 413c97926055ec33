import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../api.js';
import type { ViewProps } from '../types.js';
import type { View } from '../url-state.js';

export interface ViewEntry {
  id: View;
  title: string;
  available: (s: Session) => boolean;
  /** The view's module, loaded on first use (each view and the engine parts only it uses are a chunk of their own). */
  load: () => Promise<ComponentType<ViewProps>>;
}

/** The views in the nav. A view is listed only when it works; none is a placeholder. */
export const VIEW_LIST: ViewEntry[] = [
  { id: 'compare', title: 'Compare', available: () => true, load: () => import('./compare.js').then((m) => m.CompareView) },
  { id: 'editor', title: 'Workload editor', available: () => true, load: () => import('./editor.js').then((m) => m.EditorView) },
  { id: 'volume', title: 'Volume & crossover', available: () => true, load: () => import('./volume.js').then((m) => m.VolumeView) },
  { id: 'dedicated', title: 'Dedicated & traffic shape', available: () => true, load: () => import('./dedicated.js').then((m) => m.DedicatedView) },
  { id: 'sensitivity', title: 'Sensitivity & uncertainty', available: () => true, load: () => import('./sensitivity.js').then((m) => m.SensitivityView) },
  { id: 'decisions', title: 'Decisions', available: () => true, load: () => import('./decisions.js').then((m) => m.DecisionsView) },
  { id: 'sizing', title: 'Sizing', available: () => true, load: () => import('./sizing.js').then((m) => m.SizingView) },
  { id: 'calculators', title: 'Calculators', available: () => true, load: () => import('./calculators.js').then((m) => m.CalculatorsView) },
  { id: 'agent', title: 'Agent workflow', available: () => true, load: () => import('./agent.js').then((m) => m.AgentView) },
  // Traces needs a store: listed only when the Studio was started with --db or --clickhouse.
  { id: 'traces', title: 'Traces', available: (s) => s.store !== null, load: () => import('./traces.js').then((m) => m.TracesView) },
  { id: 'catalog', title: 'Catalog', available: () => true, load: () => import('./catalog.js').then((m) => m.CatalogView) },
];

const loaded = new Map<View, ComponentType<ViewProps>>();
const loading = new Map<View, Promise<ComponentType<ViewProps>>>();

/** Starts loading a view's module (the first view's, before the data it shows has arrived). */
export function preloadView(id: View): Promise<ComponentType<ViewProps>> {
  const entry = VIEW_LIST.find((v) => v.id === id) ?? VIEW_LIST[0]!;
  let p = loading.get(entry.id);
  if (!p) {
    p = entry.load().then((c) => (loaded.set(entry.id, c), c));
    loading.set(entry.id, p);
  }
  return p;
}

/** The view, drawn as soon as its module is here (at once when it already is); `onShown` after its first draw. */
export function LazyView({ id, props, onShown }: { id: View; props: ViewProps; onShown?: () => void }): JSX.Element {
  const [, setTick] = useState(0);
  const C = loaded.get(id);
  useEffect(() => {
    if (!C) void preloadView(id).then(() => setTick((n) => n + 1));
  }, [id, C]);
  useEffect(() => {
    if (C) onShown?.();
  }, [C]);
  return C ? (
    <main data-testid={`view-${id}`}>
      <C {...props} />
    </main>
  ) : (
    <main>
      <p class="loading">Loading view…</p>
    </main>
  );
}
