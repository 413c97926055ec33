import { z } from 'zod';
import { CONFIDENCE_STATUSES, type ConfidenceStatus, DISTRIBUTIONS, type DistributionKind, type Sourced, WORKLOAD_EVIDENCE } from '../engine/evidence.js';
import { DEPLOYMENT_MODES } from '../engine/cost/lcpr.js';
import { describeRange } from '../engine/errors.js';
import { LEVERS } from '../engine/uncertainty/levers.js';

interface Range {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

const describe = (v: unknown) =>
  v === null ? 'null' : typeof v === 'string' ? `the string "${v}"` : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v}`;

/**
 * A number in a workload file: `0.03`, or `{value: 0.03, evidence: measured, source: "..."}`.
 * A bare number is an assumption until someone says otherwise (seed 000 Part 0).
 */
export function quantity(range: Range, hint = '') {
  return z.unknown().transform((raw, ctx): Sourced => {
    const fail = (message: string, path: PropertyKey[] = []) => {
      ctx.addIssue({ code: 'custom', message, path: path as (string | number)[] });
      return z.NEVER;
    };
    if (raw === undefined) return fail('missing required key');
    let q: Sourced;
    if (typeof raw === 'number') {
      q = { value: raw, evidence: 'assumed', source: 'workload file' };
    } else if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      const o = raw as Record<string, unknown>;
      const extra = Object.keys(o).filter((k) => !SOURCED_KEYS.includes(k));
      if (extra.length) return fail(`unknown key "${extra[0]}" (a sourced number has ${SOURCED_KEYS.join(', ')})`, [extra[0]!]);
      if (typeof o.value !== 'number') return fail(`expected a number, got ${describe(o.value)}`, ['value']);
      if (!WORKLOAD_EVIDENCE.includes(o.evidence as never)) {
        return fail(`evidence must be one of ${WORKLOAD_EVIDENCE.join(', ')}; got ${o.evidence === undefined ? 'nothing' : JSON.stringify(o.evidence)}`, ['evidence']);
      }
      if (o.source !== undefined && typeof o.source !== 'string') return fail('expected a string', ['source']);
      q = { value: o.value, evidence: o.evidence as Sourced['evidence'], source: (o.source as string | undefined) ?? 'workload file' };
      const problem = uncertaintyKeys(o, q);
      if (problem) return fail(problem.message, [problem.key]);
    } else {
      return fail(`expected a number or {value, evidence, source}, got ${describe(raw)}`);
    }
    const v = q.value;
    const ok = inRange(v, range);
    if (!ok) return fail(`${v} is out of range: allowed ${describeRange(range)}${hint}`, typeof raw === 'number' ? [] : ['value']);
    if (q.uncertainty?.sampleSize !== undefined && !(range.max === 1 && (range.min ?? 0) >= 0)) {
      return fail('sample_size applies to rates (fractions 0–1); give standard_error for this input', ['sample_size']);
    }
    for (const end of q.uncertainty?.range ?? []) {
      if (!inRange(end, range)) return fail(`range end ${end} is out of range: allowed ${describeRange(range)}${hint}`, ['range']);
    }
    return q;
  });
}

function inRange(v: number, range: Range): boolean {
  return (
    Number.isFinite(v) &&
    (range.min === undefined || (range.minExclusive ? v > range.min : v >= range.min)) &&
    (range.max === undefined || (range.maxExclusive ? v < range.max : v <= range.max))
  );
}

const SOURCED_KEYS = ['value', 'evidence', 'source', 'range', 'dist', 'standard_error', 'sample_size', 'status', 'measured_at'];

/** Issue 6: `range: [lo, hi]`, `dist`, `standard_error`, `sample_size`, `status`, `measured_at` on a sourced number. */
function uncertaintyKeys(o: Record<string, unknown>, q: Sourced): { key: string; message: string } | undefined {
  const u: NonNullable<Sourced['uncertainty']> = {};
  if (o.range !== undefined) {
    const r = o.range;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      return { key: 'range', message: `expected [low, high] (two numbers), got ${describe(r)}` };
    }
    if (!(r[0] <= q.value && q.value <= r[1])) return { key: 'range', message: `[${r[0]}, ${r[1]}] must contain the value ${q.value} (low ≤ value ≤ high)` };
    u.range = [r[0], r[1]];
  }
  if (o.dist !== undefined) {
    if (!DISTRIBUTIONS.includes(o.dist as never)) return { key: 'dist', message: `dist must be one of ${DISTRIBUTIONS.join(', ')}; got ${JSON.stringify(o.dist)}` };
    if (!u.range) return { key: 'dist', message: 'dist needs a range: [low, high] to spread over' };
    u.dist = o.dist as DistributionKind;
  }
  if (o.standard_error !== undefined) {
    if (typeof o.standard_error !== 'number' || !(o.standard_error >= 0)) return { key: 'standard_error', message: `expected a number ≥ 0, got ${describe(o.standard_error)}` };
    u.standardError = o.standard_error;
  }
  if (o.sample_size !== undefined) {
    if (!Number.isInteger(o.sample_size) || (o.sample_size as number) < 1) return { key: 'sample_size', message: `expected a whole number ≥ 1 (requests measured), got ${JSON.stringify(o.sample_size)}` };
    u.sampleSize = o.sample_size as number;
  }
  if (Object.keys(u).length) q.uncertainty = u;
  if (o.status !== undefined) {
    if (!CONFIDENCE_STATUSES.includes(o.status as never)) return { key: 'status', message: `status must be one of ${CONFIDENCE_STATUSES.join(', ')}; got ${JSON.stringify(o.status)}` };
    q.status = o.status as ConfidenceStatus;
  }
  if (o.measured_at !== undefined) {
    if (typeof o.measured_at !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(o.measured_at) || Number.isNaN(Date.parse(o.measured_at))) {
      return { key: 'measured_at', message: `expected a date YYYY-MM-DD, got ${describe(o.measured_at)}` };
    }
    q.measuredAt = o.measured_at;
  }
  return undefined;
}

const FRACTION_HINT = ' (a fraction: 0.03 means 3%)';
const fraction = () => quantity({ min: 0, max: 1 }, FRACTION_HINT);
const tokens = () => quantity({ min: 0, max: 10_000_000 }, ' (tokens per request)');
const usd = () => quantity({ min: 0 }, ' (USD)');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

export const routeObject = z.strictObject({
  route: z.string().min(1),
  label: z.string().optional(),
  as_of: date.optional(),
  mode: z.enum(DEPLOYMENT_MODES).optional(),
  price: z
    .strictObject({
      input: usd().optional(),
      output: usd().optional(),
      cached_input: usd().optional(),
      batch_input: usd().optional(),
      batch_output: usd().optional(),
      gpu_hourly: usd().optional(),
    })
    .optional(),
  serves: z.string().optional(),
  precision: z.string().optional(),
  utilization: quantity({ min: 0, minExclusive: true, max: 1 }, FRACTION_HINT).optional(),
  throughput_tokens_per_second: quantity({ min: 0, minExclusive: true }, ' (output tokens/s per GPU instance)').optional(),
  gpus: z.number().int().min(1).optional(),
  prefill_efficiency: quantity({ min: 0, max: 10 }, ' (GPU time of an input token relative to an output token)').optional(),
  term: z.string().optional(),
  engineering_hours_per_month: quantity({ min: 0, max: 744 }, ' (hours per month)').optional(),
});

export const routeEntry = z.union([z.string().min(1), routeObject]);

const WORKLOAD_LEVERS = LEVERS.filter((l) => l.scope === 'workload').map((l) => l.name);
/** Issue 6: two workload inputs that move together in the Monte Carlo, e.g. {inputs: [retry_rate, quality_pass_rate], rho: -0.5}. */
const correlation = z.strictObject({
  inputs: z.tuple([z.enum(WORKLOAD_LEVERS as [string, ...string[]]), z.enum(WORKLOAD_LEVERS as [string, ...string[]])]),
  rho: z.number().min(-1).max(1),
});

const workloadFields = {
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  requests_per_month: quantity({ min: 0, minExclusive: true }, ' (original requests per month, retries not included)'),
  input_tokens: tokens(),
  output_tokens: tokens().optional(),
  retry_rate: fraction().optional(),
  quality_pass_rate: quantity({ min: 0, minExclusive: true, max: 1 }, FRACTION_HINT).optional(),
  repair_cost_per_failure: usd().optional(),
  engineering_hours_per_month: quantity({ min: 0, max: 744 }, ' (hours per month)').optional(),
  engineering_hourly_rate: usd().optional(),
  cache_hit_rate: fraction().optional(),
  cache_write_rate: fraction().optional(),
  cache_write_ttl: z.enum(['5m', '1h']).optional(),
  batch_eligible_share: fraction().optional(),
  eval_cost_per_month: usd().optional(),
  human_escalation_rate: fraction().optional(),
  human_cost_per_escalation: usd().optional(),
  ops_cost_per_month: usd().optional(),
  invoice_delta_per_month: quantity({}, ' (USD; negative when the invoice is below the traces)').optional(),
  as_of: date.optional(),
  routes: z.array(routeEntry).min(1, 'list at least one route').optional(),
  correlations: z.array(correlation).optional(),
  /** A trace store (routefit traces): `compare` replaces assumed inputs with measured ones from it. */
  measured_from: z.string().min(1).optional(),
};

export const workloadSchema = z.strictObject(workloadFields);
export type WorkloadInput = z.output<typeof workloadSchema>;

export const fleetSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  as_of: date.optional(),
  routes: z.array(routeEntry).min(1).optional(),
  measured_from: z.string().min(1).optional(),
  workloads: z.array(workloadSchema).min(1, 'list at least one workload'),
});
export type FleetInput = z.output<typeof fleetSchema>;

export const WORKLOAD_KEYS = Object.keys(workloadFields);
export const ROUTE_KEYS = Object.keys(routeObject.shape);
export const FLEET_KEYS = Object.keys(fleetSchema.shape);
