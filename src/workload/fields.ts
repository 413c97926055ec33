/**
 * The workload field registry: one entry per number a workload file can hold. The file schema
 * (schema.ts), the defaults, the snake_case → camelCase mapping, the "did you mean" key lists, the
 * sensitivity / Monte Carlo levers (engine/uncertainty/levers.ts), the engine's own range checks and
 * the CLI flags that set a field are all derived from here: adding a field is one entry.
 *
 * Browser-safe: no node: imports (the Studio imports it). Bounds are finite and realistic, so a file
 * that says `engineering_hourly_rate: 1e308` is refused with its line instead of printing $Infinity.
 */
import type { Sourced } from '../engine/evidence.js';

export interface FieldBounds {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** Where the defaults come from (user-facing: documents by title). */
const CONFIDENCE_TABLE = 'routefit default: Inference Field Guide, Part 0 (assumption-confidence table)';
const NOT_COUNTED = 'routefit default: not counted unless the file gives it';

export interface FieldSpec {
  /** The key users write in a workload file. */
  key: string;
  /** The engine's name (WorkloadProfile / route spec). */
  name: string;
  /** `workload`: on the workload (and overridable per route where `perRoute`); `route`: only inside a route entry. */
  scope: 'workload' | 'route';
  unit: string;
  bounds: FieldBounds;
  /** 'required', or the value used when the file leaves the field out, with its evidence label and source. */
  default: 'required' | Sourced;
  /** true: an omitted field stays out of the profile (the engine counts it as the default, 0). */
  omittedWhenAbsent?: boolean;
  /** A share written as a fraction: `95` or `"95%"` gets "write 0.95". */
  rate?: boolean;
  /** A route entry may override it with its own value and evidence label. */
  perRoute?: boolean;
  /** Sensitivity, sweeps and Monte Carlo may move it. */
  lever?: boolean;
  /** The name sensitivity and --vary use, when it is not the file key. */
  leverName?: string;
  /** A CLI flag that sets it (`traces summarize --engineering-hourly-rate`). */
  flag?: string;
  description: string;
}

const fraction: FieldBounds = { min: 0, max: 1 };
/** USD per million tokens: the dearest list price in the catalog is a few hundred dollars. */
const PRICE_PER_M: FieldBounds = { min: 0, max: 10_000 };
const HOURS_PER_MONTH_MAX = 744; // 31 days × 24 h: no more hours fit in a month

export const FIELDS = [
  { key: 'requests_per_month', name: 'requestsPerMonth', scope: 'workload', unit: 'requests/month', bounds: { min: 0, minExclusive: true, max: 1e12 }, default: 'required', lever: true, description: 'original requests per month, retries not included' },
  { key: 'input_tokens', name: 'inputTokens', scope: 'workload', unit: 'tokens', bounds: { min: 0, max: 10_000_000 }, default: 'required', lever: true, description: 'input (prompt) tokens per request' },
  { key: 'output_tokens', name: 'outputTokens', scope: 'workload', unit: 'tokens', bounds: { min: 0, max: 10_000_000 }, default: { value: 400, evidence: 'assumed', source: CONFIDENCE_TABLE }, lever: true, description: 'output tokens per request' },
  { key: 'retry_rate', name: 'retryRate', scope: 'workload', unit: 'fraction', bounds: fraction, default: { value: 0.03, evidence: 'assumed', source: CONFIDENCE_TABLE }, rate: true, perRoute: true, lever: true, description: 'extra attempts per request (0.03: 3 retries per 100 requests)' },
  { key: 'quality_pass_rate', name: 'qualityPassRate', scope: 'workload', unit: 'fraction', bounds: { min: 0, minExclusive: true, max: 1 }, default: { value: 0.95, evidence: 'assumed', source: CONFIDENCE_TABLE }, rate: true, perRoute: true, lever: true, description: 'share of outputs accepted (passing the quality bar)' },
  { key: 'repair_cost_per_failure', name: 'repairCostPerFailure', scope: 'workload', unit: 'USD', bounds: { min: 0, max: 10_000 }, default: { value: 0.002, evidence: 'assumed', source: CONFIDENCE_TABLE }, perRoute: true, lever: true, flag: '--repair-cost-per-failure', description: 'cost of repairing one rejected output' },
  { key: 'engineering_hours_per_month', name: 'engineeringHoursPerMonth', scope: 'workload', unit: 'hours/month', bounds: { min: 0, max: HOURS_PER_MONTH_MAX }, default: { value: 8, evidence: 'estimated', source: CONFIDENCE_TABLE }, perRoute: true, lever: true, flag: '--engineering-hours-per-month', description: 'engineering time the route takes each month' },
  { key: 'engineering_hourly_rate', name: 'engineeringHourlyRate', scope: 'workload', unit: 'USD/hour', bounds: { min: 0, max: 2_000 }, default: { value: 100, evidence: 'assumed', source: 'routefit default: Inference Field Guide, Part 1 (the calculator defaults to $100/h)' }, lever: true, flag: '--engineering-hourly-rate', description: 'loaded cost of one engineering hour' },
  { key: 'cache_hit_rate', name: 'cacheHitRate', scope: 'workload', unit: 'fraction', bounds: fraction, default: { value: 0, evidence: 'assumed', source: NOT_COUNTED }, omittedWhenAbsent: true, rate: true, perRoute: true, lever: true, description: 'share of input tokens read from the prompt cache' },
  { key: 'cache_write_rate', name: 'cacheWriteRate', scope: 'workload', unit: 'fraction', bounds: fraction, default: { value: 0, evidence: 'assumed', source: NOT_COUNTED }, omittedWhenAbsent: true, rate: true, lever: true, description: 'share of input tokens written to the prompt cache' },
  { key: 'batch_eligible_share', name: 'batchEligibleShare', scope: 'workload', unit: 'fraction', bounds: fraction, default: { value: 0, evidence: 'assumed', source: NOT_COUNTED }, omittedWhenAbsent: true, rate: true, lever: true, description: 'share of requests that can wait for batch pricing' },
  { key: 'eval_cost_per_month', name: 'evalCostPerMonth', scope: 'workload', unit: 'USD/month', bounds: { min: 0, max: 1e8 }, default: { value: 0, evidence: 'assumed', source: NOT_COUNTED }, omittedWhenAbsent: true, lever: true, flag: '--eval-cost-per-month', description: 'evaluation spend per month' },
  { key: 'human_escalation_rate', name: 'humanEscalationRate', scope: 'workload', unit: 'fraction', bounds: fraction, default: { value: 0, evidence: 'assumed', source: NOT_COUNTED }, omittedWhenAbsent: true, rate: true, lever: true, description: 'share of requests escalated to a person' },
  { key: 'human_cost_per_escalation', name: 'humanCostPerEscalation', scope: 'workload', unit: 'USD', bounds: { min: 0, max: 10_000 }, default: { value: 0, evidence: 'assumed', source: NOT_COUNTED }, omittedWhenAbsent: true, lever: true, flag: '--human-cost-per-escalation', description: 'cost of one human escalation' },
  { key: 'ops_cost_per_month', name: 'opsCostPerMonth', scope: 'workload', unit: 'USD/month', bounds: { min: 0, max: 1e8 }, default: { value: 0, evidence: 'assumed', source: NOT_COUNTED }, omittedWhenAbsent: true, lever: true, flag: '--ops-cost-per-month', description: 'operations spend per month (on-call, monitoring)' },
  { key: 'invoice_delta_per_month', name: 'invoiceDeltaPerMonth', scope: 'workload', unit: 'USD/month', bounds: { min: -1e9, max: 1e9 }, default: { value: 0, evidence: 'assumed', source: NOT_COUNTED }, omittedWhenAbsent: true, lever: true, description: 'invoice minus traces per month (negative when the invoice is below the traces)' },
  // Route entries: prices and GPU facts.
  { key: 'price.input', name: 'price.input', scope: 'route', unit: 'USD/M tokens', bounds: PRICE_PER_M, default: { value: 0, evidence: 'assumed', source: 'routefit default: the catalog price in force' }, lever: true, description: 'input price per million tokens' },
  { key: 'price.output', name: 'price.output', scope: 'route', unit: 'USD/M tokens', bounds: PRICE_PER_M, default: { value: 0, evidence: 'assumed', source: 'routefit default: the catalog price in force' }, lever: true, description: 'output price per million tokens' },
  { key: 'price.cached_input', name: 'price.cachedInput', scope: 'route', unit: 'USD/M tokens', bounds: PRICE_PER_M, default: { value: 0, evidence: 'assumed', source: 'routefit default: the catalog price in force' }, lever: true, description: 'cached input price per million tokens' },
  { key: 'price.batch_input', name: 'price.batchInput', scope: 'route', unit: 'USD/M tokens', bounds: PRICE_PER_M, default: { value: 0, evidence: 'assumed', source: 'routefit default: the catalog price in force' }, description: 'batch input price per million tokens' },
  { key: 'price.batch_output', name: 'price.batchOutput', scope: 'route', unit: 'USD/M tokens', bounds: PRICE_PER_M, default: { value: 0, evidence: 'assumed', source: 'routefit default: the catalog price in force' }, description: 'batch output price per million tokens' },
  { key: 'price.gpu_hourly', name: 'gpuHourly', leverName: 'gpu_hourly', scope: 'route', unit: 'USD/hour', bounds: { min: 0, max: 10_000 }, default: { value: 0, evidence: 'assumed', source: 'routefit default: the catalog price in force' }, lever: true, description: 'price of one GPU instance-hour' },
  { key: 'utilization', name: 'utilization', scope: 'route', unit: 'fraction', bounds: { min: 0, minExclusive: true, max: 1 }, default: { value: 0.4, evidence: 'industry_estimate', source: CONFIDENCE_TABLE }, rate: true, lever: true, description: 'real utilization of a GPU route' },
  { key: 'throughput_tokens_per_second', name: 'throughputTokensPerSecond', scope: 'route', unit: 'tokens/s', bounds: { min: 0, minExclusive: true, max: 10_000_000 }, default: { value: 0, evidence: 'assumed', source: 'routefit default: the catalog figure for the model served' }, lever: true, description: 'output tokens per second of one GPU instance' },
  { key: 'prefill_efficiency', name: 'prefillEfficiency', scope: 'route', unit: 'ratio', bounds: { min: 0, max: 10 }, default: { value: 0, evidence: 'assumed', source: 'routefit default: the catalog figure for the GPU' }, description: 'GPU time of an input token relative to an output token' },
] as const satisfies readonly FieldSpec[];

export type FieldKey = (typeof FIELDS)[number]['key'];
export type WorkloadFieldSpec = Extract<(typeof FIELDS)[number], { scope: 'workload' }>;

export const WORKLOAD_FIELDS: readonly FieldSpec[] = FIELDS.filter((f) => f.scope === 'workload');
export const ROUTE_FIELDS: readonly FieldSpec[] = FIELDS.filter((f) => f.scope === 'route');
/** Workload fields a route entry may override with its own value and evidence label. */
export const PER_ROUTE_FIELDS: readonly FieldSpec[] = FIELDS.filter((f) => 'perRoute' in f && f.perRoute);

const BY_NAME = new Map<string, FieldSpec>(FIELDS.map((f) => [f.name, f]));
const BY_KEY = new Map<string, FieldSpec>(FIELDS.map((f) => [f.key, f]));

/** The field by its engine name (`retryRate`) or file key (`retry_rate`). */
export function field(nameOrKey: string): FieldSpec | undefined {
  return BY_NAME.get(nameOrKey) ?? BY_KEY.get(nameOrKey);
}

/** Bounds by engine name, for the engine's own checks (one source for "744 hours"). */
export function boundsOf(name: string): FieldBounds {
  const f = BY_NAME.get(name);
  if (!f) throw new Error(`no field ${name} in the registry`);
  return f.bounds;
}

/** The defaults, keyed by engine name, for fields that have one. */
export function defaultOf(name: string): Sourced | undefined {
  const d = BY_NAME.get(name)?.default;
  return d === undefined || d === 'required' ? undefined : d;
}
