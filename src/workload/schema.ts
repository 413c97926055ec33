import { z } from 'zod';
import { type Sourced, WORKLOAD_EVIDENCE } from '../engine/evidence.js';
import { DEPLOYMENT_MODES } from '../engine/lcpr.js';
import { describeRange } from '../engine/errors.js';

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
      const extra = Object.keys(o).filter((k) => !['value', 'evidence', 'source'].includes(k));
      if (extra.length) return fail(`unknown key "${extra[0]}" (a sourced number has value, evidence, source)`, [extra[0]!]);
      if (typeof o.value !== 'number') return fail(`expected a number, got ${describe(o.value)}`, ['value']);
      if (!WORKLOAD_EVIDENCE.includes(o.evidence as never)) {
        return fail(`evidence must be one of ${WORKLOAD_EVIDENCE.join(', ')}; got ${o.evidence === undefined ? 'nothing' : JSON.stringify(o.evidence)}`, ['evidence']);
      }
      if (o.source !== undefined && typeof o.source !== 'string') return fail('expected a string', ['source']);
      q = { value: o.value, evidence: o.evidence as Sourced['evidence'], source: (o.source as string | undefined) ?? 'workload file' };
    } else {
      return fail(`expected a number or {value, evidence, source}, got ${describe(raw)}`);
    }
    const v = q.value;
    const ok =
      Number.isFinite(v) &&
      (range.min === undefined || (range.minExclusive ? v > range.min : v >= range.min)) &&
      (range.max === undefined || (range.maxExclusive ? v < range.max : v <= range.max));
    if (!ok) return fail(`${v} is out of range: allowed ${describeRange(range)}${hint}`, typeof raw === 'number' ? [] : ['value']);
    return q;
  });
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
