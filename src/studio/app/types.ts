import type { Catalog } from '../../catalog/types.js';
import type { Session } from './api.js';
import type { Computed } from './model.js';
import type { StudioState } from './url-state.js';

export interface ViewProps {
  state: StudioState;
  set: (patch: Partial<StudioState>) => void;
  computed: Computed;
  session: Session;
  catalog: Catalog;
  baseText: string;
}
