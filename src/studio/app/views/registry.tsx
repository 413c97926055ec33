import type { JSX } from 'preact';
import type { Session } from '../api.js';
import type { ViewProps } from '../types.js';
import type { View } from '../url-state.js';
import { CompareView } from './compare.js';
import { EditorView } from './editor.js';

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
];
