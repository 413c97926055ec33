import { z } from 'zod';
import { DEPLOYMENT_MODES } from '../engine/cost/lcpr.js';
import { decisionFleetFields, decisionWorkloadFields } from './facts.js';
import { type FieldSpec, FIELDS, WORKLOAD_FIELDS } from './fields.js';
import { calendarDate, quantity } from './quantity.js';

export { quantity } from './quantity.js';

/** The hint an out-of-range message carries: the unit, and for rates how to write them. */
const hintOf = (f: FieldSpec) => (f.rate ? ' (a fraction: 0.03 means 3%)' : ` (${f.unit}: ${f.description})`);
const quantityOf = (f: FieldSpec) => quantity(f.bounds, hintOf(f));
const fieldByKey = (key: string) => FIELDS.find((f) => f.key === key)!;
const routeQuantity = (key: string) => quantityOf(fieldByKey(key)).optional();

type Q = ReturnType<typeof quantity>;
type WorkloadFieldEntry = Extract<(typeof FIELDS)[number], { scope: 'workload' }>;
/** The workload numbers, one zod entry per registry field: required ones required, the rest optional. */
type QuantityShape = { [F in WorkloadFieldEntry as F['key']]: F['default'] extends 'required' ? Q : z.ZodOptional<Q> };
const quantityShape = Object.fromEntries(WORKLOAD_FIELDS.map((f) => [f.key, f.default === 'required' ? quantityOf(f) : quantityOf(f).optional()])) as unknown as QuantityShape;

const date = calendarDate();

/** Workload inputs a route entry may carry as its own value and evidence label (quality differs by route). */
const perRouteShape = Object.fromEntries(FIELDS.filter((f) => 'perRoute' in f && f.perRoute).map((f) => [f.key, quantityOf(f).optional()])) as unknown as {
  [F in Extract<WorkloadFieldEntry, { perRoute: true }> as F['key']]: z.ZodOptional<Q>;
};

export const routeObject = z.strictObject({
  route: z.string().min(1),
  label: z.string().optional(),
  as_of: date.optional(),
  mode: z.enum(DEPLOYMENT_MODES).optional(),
  price: z
    .strictObject({
      input: routeQuantity('price.input'),
      output: routeQuantity('price.output'),
      cached_input: routeQuantity('price.cached_input'),
      batch_input: routeQuantity('price.batch_input'),
      batch_output: routeQuantity('price.batch_output'),
      gpu_hourly: routeQuantity('price.gpu_hourly'),
    })
    .optional(),
  serves: z.string().optional(),
  precision: z.string().optional(),
  utilization: routeQuantity('utilization'),
  throughput_tokens_per_second: routeQuantity('throughput_tokens_per_second'),
  gpus: z.number().int().min(1).max(100_000).optional(),
  prefill_efficiency: routeQuantity('prefill_efficiency'),
  term: z.string().optional(),
  ...perRouteShape,
});

export const routeEntry = z.union([z.string().min(1), routeObject]);

const WORKLOAD_LEVERS = WORKLOAD_FIELDS.filter((f) => f.lever).map((f) => f.key);
/** Issue 6: two workload inputs that move together in the Monte Carlo, e.g. {inputs: [retry_rate, quality_pass_rate], rho: -0.5}. */
const correlation = z.strictObject({
  inputs: z.tuple([z.enum(WORKLOAD_LEVERS as [string, ...string[]]), z.enum(WORKLOAD_LEVERS as [string, ...string[]])]),
  rho: z.number().min(-1).max(1),
});

const workloadFields = {
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  ...quantityShape,
  cache_write_ttl: z.enum(['5m', '1h']).optional(),
  as_of: date.optional(),
  routes: z.array(routeEntry).min(1, 'list at least one route').optional(),
  correlations: z.array(correlation).optional(),
  /** A trace store (routefit traces): `compare` replaces assumed inputs with measured ones from it. */
  measured_from: z.string().min(1).optional(),
  // Decision facts (current_route, constraints, slo, candidates, migration …): optional blocks.
  ...decisionWorkloadFields,
};

export const workloadSchema = z.strictObject(workloadFields);
export type WorkloadInput = z.output<typeof workloadSchema>;

const fleetFields = {
  name: z.string().optional(),
  description: z.string().optional(),
  as_of: date.optional(),
  routes: z.array(routeEntry).min(1).optional(),
  measured_from: z.string().min(1).optional(),
  // Fleet-level decision facts (team, vendors, operations, signals …).
  ...decisionFleetFields,
};

export const fleetSchema = z.strictObject({ ...fleetFields, workloads: z.array(workloadSchema).min(1, 'list at least one workload') });
export type FleetInput = z.output<typeof fleetSchema>;

/**
 * A file with one workload and no `workloads:` list: a fleet of one. It may carry the fleet-level
 * facts at its top level too (team, vendors, …).
 */
export const singleWorkloadSchema = z.strictObject({ ...workloadFields, ...decisionFleetFields, planning_horizon_months: workloadFields.planning_horizon_months, migration: workloadFields.migration });
export type SingleWorkloadInput = z.output<typeof singleWorkloadSchema>;

/** A file of fleet-level facts only (vendors, tco, team …) and no workload: scorecard and tco read it; pricing commands say they need a workload. */
export const factsOnlySchema = z.strictObject({ name: z.string().optional(), description: z.string().optional(), as_of: date.optional(), ...decisionFleetFields });
/** Keys that belong to the fleet, not to the workload, when a single-workload file carries them at its top. */
export const FLEET_ONLY_KEYS = Object.keys(decisionFleetFields).filter((k) => !(k in workloadFields)) as (keyof typeof decisionFleetFields)[];
