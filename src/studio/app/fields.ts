/**
 * The editor's field list. ONE adapter over what the workload format defines today (schema keys,
 * engine levers with bounds and units, defaults with their evidence) so that moving to the field
 * registry is a change to this file only.
 */
import type { Bounds } from '../../engine/uncertainty/distributions.js';
import { LEVERS } from '../../engine/uncertainty/levers.js';
import { DEFAULTS } from '../../workload/defaults.js';
import { ROUTE_KEYS, WORKLOAD_KEYS } from '../../workload/schema.js';
import { WORKLOAD_EVIDENCE, type Sourced } from '../../engine/evidence.js';

export interface Field {
  key: string;
  kind: 'number' | 'text' | 'date' | 'enum';
  unit?: string;
  bounds?: Bounds;
  /** The value used when the file leaves the key out, with its evidence label and source. */
  default?: Sourced;
  /** Values of an enum field. */
  choices?: string[];
  description: string;
  /** A fraction: shown with a slider. */
  rate?: boolean;
}

const DESCRIPTIONS: Record<string, string> = {
  name: 'workload name',
  description: 'what the workload is',
  as_of: 'price as of this date (YYYY-MM-DD)',
  requests_per_month: 'original requests per month; retries are counted by retry_rate',
  input_tokens: 'input tokens per request, cached tokens included',
  output_tokens: 'output tokens per request',
  retry_rate: 'retries per original request (0.04 = 4%)',
  quality_pass_rate: 'share of requests that pass the quality gate',
  repair_cost_per_failure: 'cost to repair or re-prompt a request that failed the gate',
  engineering_hours_per_month: 'engineering hours the route takes each month',
  engineering_hourly_rate: 'loaded cost of an engineering hour',
  cache_hit_rate: 'share of input tokens read from the prompt cache',
  cache_write_rate: 'share of input tokens written to the prompt cache',
  cache_write_ttl: 'cache-write lifetime the provider bills',
  batch_eligible_share: 'share of requests that can wait for the batch tier',
  eval_cost_per_month: 'evaluation spend per month',
  human_escalation_rate: 'share of requests escalated to a person',
  human_cost_per_escalation: 'cost of one human escalation',
  ops_cost_per_month: 'operations spend per month',
  invoice_delta_per_month: 'invoice minus traces; negative when the invoice is below the traces',
  measured_from: 'trace store whose measurements replace assumed inputs',
};

const defaultsByKey: Record<string, Sourced> = Object.fromEntries(
  Object.entries(DEFAULTS).map(([camel, s]) => [camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), s]),
);

/** Workload fields in the file's order, numbers with the bounds computeLcpr validates. */
export const WORKLOAD_FIELDS: Field[] = WORKLOAD_KEYS.filter((k) => !['routes', 'correlations'].includes(k)).map((key): Field => {
  const lever = LEVERS.find((l) => l.scope === 'workload' && l.name === key);
  const description = DESCRIPTIONS[key] ?? key.replace(/_/g, ' ');
  if (lever) {
    const d = defaultsByKey[key];
    return { key, kind: 'number', unit: lever.unit, bounds: lever.bounds, ...(d ? { default: d } : {}), description, rate: lever.unit === 'fraction' };
  }
  if (key === 'as_of') return { key, kind: 'date', description };
  if (key === 'cache_write_ttl') return { key, kind: 'enum', choices: ['5m', '1h'], default: undefined, description };
  return { key, kind: 'text', description };
});

/** Per-route inputs a route entry may set (the ones the format accepts today). */
export const ROUTE_FIELDS: Field[] = ROUTE_KEYS.filter((k) => !['route', 'label', 'mode', 'price', 'serves', 'precision', 'term', 'as_of'].includes(k)).map((key): Field => {
  const lever = LEVERS.find((l) => l.name === key);
  const unit = lever?.unit ?? (key === 'gpus' ? 'GPUs' : key === 'prefill_efficiency' ? 'ratio' : '');
  const d = defaultsByKey[key];
  return { key, kind: 'number', unit, ...(lever ? { bounds: lever.bounds } : {}), ...(d ? { default: d } : {}), description: DESCRIPTIONS[key] ?? key.replace(/_/g, ' '), rate: unit === 'fraction' };
});

/** Whether a route entry may carry its own quality_pass_rate (the one-file-format issue adds it). */
export const ROUTE_PASS_RATE = ROUTE_KEYS.includes('quality_pass_rate');

export const EVIDENCE_LABELS = WORKLOAD_EVIDENCE;

export function boundsText(b: Bounds | undefined): string {
  if (!b) return '';
  const lo = b.min === undefined ? '' : `${b.minExclusive ? '>' : '≥'} ${b.min}`;
  const hi = b.max === undefined ? '' : `${b.maxExclusive ? '<' : '≤'} ${b.max}`;
  return [lo, hi].filter(Boolean).join(', ') || 'any number';
}
