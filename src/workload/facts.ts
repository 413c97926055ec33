import { z } from 'zod';
import { WORKLOAD_EVIDENCE } from '../engine/evidence.js';
import { DEPLOYMENT_MODES } from '../engine/cost/lcpr.js';
import { MIGRATION_GATES } from '../engine/decisions/migration-checklist.js';
import { vendorRequirementsSchema, vendorSchema } from '../fleet/vendors.js';
import { tcoBlockSchema } from './tco-block.js';
import { agentBlockSchema } from './agent-block.js';
import { quantity } from './quantity.js';

/**
 * Decision facts: optional blocks of the one workload file format, read by plan, matrix, procurement
 * and the Studio. Every fact is optional: a missing one makes its gate "unknown — measure X", never
 * a silent pass. Workload-level blocks sit on a workload; fleet-level ones at the top of the file.
 */

/** `true`, or `{value: true, evidence: measured, source: "..."}`; a bare boolean is an assumption. */
export const flagSchema = z.union([
  z.boolean(),
  z.strictObject({ value: z.boolean(), evidence: z.enum(WORKLOAD_EVIDENCE), source: z.string().optional() }),
]);

const FRACTION = ' (a fraction: 0.9 means 90%)';
const usd = () => quantity({ min: 0 }, ' (USD)');
const posInt = () => z.number().int().min(1);

const candidateSchema = z.strictObject({
  context_tokens: posInt().optional(),
  modalities: z.array(z.string()).optional(),
  regions: z.array(z.string()).optional(),
  certifications: z.array(z.string()).optional(),
  license_permits: flagSchema.optional(),
  rate_limit_rps: z.number().positive().optional(),
  pass_rate: quantity({ min: 0, max: 1 }, FRACTION).optional(),
  lcpr: quantity({ min: 0 }, ' (USD per accepted output, from traces)').optional(),
});

const constraintsSchema = z.strictObject({
  p95_context_tokens: posInt().optional(),
  modalities: z.array(z.string()).optional(),
  residency: z.string().optional(),
  certifications: z.array(z.string()).optional(),
  commercial_use: z.boolean().optional(),
  p95_requests_per_second: z.number().positive().optional(),
  quality_floor: z.number().min(0).max(1).optional(),
  min_requests_per_month: z.partialRecord(z.enum(DEPLOYMENT_MODES), z.number().min(0)).optional(),
});

const procurementSchema = z.strictObject({
  demand_shape: z.enum(['steady', 'bursty', 'interactive', 'offline']).optional(),
  utilization: quantity({ min: 0, max: 1 }, FRACTION).optional(),
  utilization_required: z.number().min(0).max(1).optional(),
  memory_fits: flagSchema.optional(),
  operations_owner: flagSchema.optional(),
  fallback_route: flagSchema.optional(),
  budget_horizon_months: z.number().positive().optional(),
});

const migrationSchema = z.strictObject({
  /** One-time cost in USD when it is known directly (e.g. a quoted prompt rewrite); wins over engineer-weeks. */
  cost: usd().optional(),
  engineer_weeks: quantity({ min: 0, max: 520 }, ' (engineer-weeks)').optional(),
  hourly_rate: usd().optional(),
});

const MIGRATION_GATE_IDS = MIGRATION_GATES.map((g) => g.id) as [string, ...string[]];
const frac = () => z.number().min(0).max(1);
/** Post-migration monitoring for Inference Economics Playbook, ch. 22 reversion signals. */
const reversionSchema = z.strictObject({
  pass_rate_windows: z.array(frac()).optional(),
  quality_floor: frac().optional(),
  escalation_rate_before: frac().optional(),
  escalation_rate_after: frac().optional(),
  weekly_lcpr_new: z.array(z.number().min(0)).optional(),
  weekly_lcpr_old: z.array(z.number().min(0)).optional(),
  cache_hit_rate: frac().optional(),
  cache_hit_break_even: frac().optional(),
  utilization: frac().optional(),
  u_required: frac().optional(),
  incidents_new: z.number().int().min(0).optional(),
  incidents_old: z.number().int().min(0).optional(),
  slo_breach_share: frac().optional(),
  p99_over_p50_before: z.number().min(1).optional(),
  p99_over_p50_after: z.number().min(1).optional(),
});

export const decisionWorkloadFields = {
  current_route: z.string().min(1).optional(),
  current_spend_per_month: usd().optional(),
  constraints: constraintsSchema.optional(),
  slo: z.strictObject({ p99_latency_ms: quantity({ min: 0, minExclusive: true }, ' (milliseconds)').optional(), chained_calls: posInt().optional() }).optional(),
  specialization: z.strictObject({ fine_tune_parity: flagSchema.optional(), model_modifications: flagSchema.optional() }).optional(),
  ownership: z
    .strictObject({
      residency_required: flagSchema.optional(),
      current_route_meets_residency: flagSchema.optional(),
      zero_retention_required: flagSchema.optional(),
      current_route_zero_retention: flagSchema.optional(),
      outage_cost: usd().optional(),
    })
    .optional(),
  eval_suite: flagSchema.optional(),
  complexity_factors: z.array(z.number().int().min(1).max(3)).length(6, 'six factor scores, 1-3 each, in the seed order').optional(),
  migration: migrationSchema.optional(),
  planning_horizon_months: z.number().positive().optional(),
  current_provider_improving: flagSchema.optional(),
  candidates: z.record(z.string(), candidateSchema).optional(),
  procurement: procurementSchema.optional(),
  migration_gates: z.partialRecord(z.enum(MIGRATION_GATE_IDS), flagSchema).optional(),
  reversion: reversionSchema.optional(),
};

const teamSchema = z.strictObject({
  inference_engineers: z.number().int().min(0).optional(),
  ml_engineers: z.number().int().min(0).optional(),
  on_call: z.boolean().optional(),
  migrated_before: flagSchema.optional(),
});

const operationsSchema = z.strictObject({
  multi_source_overhead_per_month: usd().optional(),
  inference_savings_per_month: usd().optional(),
  dedicated_utilization_by_month: z.array(frac()).optional(),
  ops_time_share: quantity({ min: 0, max: 1 }, ' (a fraction of inference engineering time)').optional(),
});

/** The playbook, ch. 20, "When self-managed stops earning its keep": the devolution signals' facts. */
const selfManagedSchema = z.strictObject({
  fleet_gpus_by_quarter: z.array(z.number().min(0)).min(1, 'list the fleet size of recent quarters, oldest first').optional(),
  on_call_engineers: z.number().int().min(0).optional(),
  specialist_seat_open_quarters: z.number().min(0).optional(),
  serving_engine_majors_behind: z.number().int().min(0).optional(),
  quality_review_cadence_days: z.number().positive().optional(),
});

const signalsSchema = z.strictObject({
  outage_cost_revenue: flagSchema.optional(),
  residency_asked: flagSchema.optional(),
  strategic_kernel_control: flagSchema.optional(),
});

export const decisionFleetFields = {
  team: teamSchema.optional(),
  /** Vendor facts for the seven-gate scorecard (Inference Field Guide, Part 4); a vendor is a provider id (`together`). */
  vendors: z.array(vendorSchema).optional(),
  /** Or another workload file holding a vendors block, relative to this file. */
  vendors_file: z.string().min(1).optional(),
  /** What the scorecard checks vendors against; without it, the workloads' constraints, ownership and SLO. */
  vendor_requirements: vendorRequirementsSchema.optional(),
  /** Spend with the vendor per month, for the negotiation tier (Inference Field Guide, Part 4). */
  monthly_spend: quantity({ min: 0 }, ' (USD per month)').optional(),
  /** Self-hosting vs serverless break-even facts (`routefit tco`). */
  tco: tcoBlockSchema.optional(),
  /** One agent task phase by phase (`routefit agent`). */
  agent: agentBlockSchema.optional(),
  /** Inference Field Guide, Part 5 revert-signal facts for the fleet. */
  operations: operationsSchema.optional(),
  /** Inference Field Guide, Part 5 exit facts (stage 0 → 1, 2 → 3). */
  signals: signalsSchema.optional(),
  /** Devolution facts of a self-managed GPU fleet (the playbook, ch. 20): `plan` checks the signals. */
  self_managed: selfManagedSchema.optional(),
  monthly_revenue: quantity({ min: 0, minExclusive: true }, ' (USD)').optional(),
  planning_horizon_months: z.number().positive().optional(),
  migration: migrationSchema.optional(),
};

