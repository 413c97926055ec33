import type { Sourced } from '../engine/evidence.js';
import { FIELDS } from './fields.js';

type Defaulted = Exclude<(typeof FIELDS)[number], { default: 'required' }>['name'];

/**
 * The value used for each input a workload file leaves out, with its evidence label and source
 * (Inference Field Guide, Part 0: "every LCPR input is an assumption until measured"). Derived from
 * the field registry (fields.ts): one place says what a default is.
 */
export const DEFAULTS = Object.fromEntries(FIELDS.flatMap((f) => (f.default === 'required' ? [] : [[f.name, f.default]]))) as Record<Defaulted, Sourced>;

export function isDefault(s: Sourced): boolean {
  return s.source?.startsWith('routefit default') ?? false;
}
