/**
 * The editor's field list: ONE adapter over the workload field registry (src/workload/fields.ts),
 * which holds every number's unit, bounds, default with evidence, and description, plus the few
 * non-numeric keys of the file format.
 */
import type { Bounds } from '../../engine/uncertainty/distributions.js';
import { type Sourced, WORKLOAD_EVIDENCE } from '../../engine/evidence.js';
import { PER_ROUTE_FIELDS, ROUTE_FIELDS as REGISTRY_ROUTE_FIELDS, WORKLOAD_FIELDS as REGISTRY_WORKLOAD_FIELDS, type FieldSpec } from '../../workload/fields.js';

export interface Field {
  /** The file key; dotted for a nested key (`price.input`). */
  key: string;
  kind: 'number' | 'text' | 'date' | 'enum';
  unit?: string;
  bounds?: Bounds;
  /** The value used when the file leaves the key out, with its evidence label and source. */
  default?: Sourced;
  required?: boolean;
  /** Values of an enum field. */
  choices?: string[];
  description: string;
  /** A fraction: shown with a slider. */
  rate?: boolean;
}

const fromSpec = (f: FieldSpec): Field => ({
  key: f.key,
  kind: 'number',
  unit: f.unit,
  bounds: f.bounds,
  ...(f.default === 'required' ? { required: true } : { default: f.default }),
  description: f.description,
  ...(f.rate ? { rate: true } : {}),
});

const text = (key: string, description: string, kind: Field['kind'] = 'text', choices?: string[]): Field => ({ key, kind, description, ...(choices ? { choices } : {}) });

/** Workload fields: identity first, then every number of the registry, then the rest of the format's keys. */
export const WORKLOAD_FIELDS: Field[] = [
  text('name', 'workload name'),
  text('description', 'what the workload is'),
  ...REGISTRY_WORKLOAD_FIELDS.map(fromSpec),
  text('cache_write_ttl', 'cache-write lifetime the provider bills', 'enum', ['5m', '1h']),
  text('as_of', 'price as of this date (YYYY-MM-DD)', 'date'),
  text('measured_from', 'trace store whose measurements replace assumed inputs'),
];

/** Per-route inputs a route entry may set: the workload fields it may override, then its own (prices, GPU facts). */
export const ROUTE_FIELDS: Field[] = [...PER_ROUTE_FIELDS.map(fromSpec), ...REGISTRY_ROUTE_FIELDS.map(fromSpec)];

/** Whether a route entry may carry its own quality_pass_rate. */
export const ROUTE_PASS_RATE = PER_ROUTE_FIELDS.some((f) => f.key === 'quality_pass_rate');

export const EVIDENCE_LABELS = WORKLOAD_EVIDENCE;

/** A field's path inside its owner (workload or route entry): `price.input` → ['price', 'input']. */
export const keyPath = (key: string): string[] => key.split('.');

export function boundsText(b: Bounds | undefined): string {
  if (!b) return '';
  const lo = b.min === undefined ? '' : `${b.minExclusive ? '>' : '≥'} ${b.min.toLocaleString('en-US')}`;
  const hi = b.max === undefined ? '' : `${b.maxExclusive ? '<' : '≤'} ${b.max.toLocaleString('en-US')}`;
  return [lo, hi].filter(Boolean).join(', ') || 'any number';
}
