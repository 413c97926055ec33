import type { Catalog } from '../catalog/types.js';
import type { BriefWorkload, FleetFacts } from '../engine/decisions/decision-brief.js';
import type { ReversionMetrics } from '../engine/decisions/migration-checklist.js';
import type { CandidateFacts, WorkloadConstraints } from '../engine/decisions/funnel.js';
import type { RouteSpec } from '../engine/cost/lcpr.js';
import type { ProcurementFacts } from '../engine/decisions/procurement.js';
import { InputFileError, type Problem, type YamlSource, locate, pathToField, readYaml, validate } from '../io/yaml-file.js';
import { dirname, resolve } from 'node:path';
import { type VendorRequirements, scoreVendor } from '../engine/decisions/vendor-scorecard.js';
import { flag } from '../engine/decisions/verdict.js';
import { workloadVendorRequirements } from './vendors.js';
import { vendorsOf } from './vendors-file.js';
import { type LoadedFile, loadWorkloadFile } from '../workload/load.js';
import type { LoadedFacts } from '../workload/facts-file.js';
import { type PrepareOptions, type PreparedWorkload, prepareWorkloads } from '../workload/prepare.js';
import type { DecisionFleetInput, FleetWorkloadInput } from './schema.js';

export interface FleetWorkload {
  name: string;
  prepared: PreparedWorkload;
  input: FleetWorkloadInput;
  /** Ready for the funnel, the matrix and the brief. */
  brief: Omit<BriefWorkload, 'currentRoute'> & { currentRoute?: string };
  procurement: ProcurementFacts;
}

export interface LoadedFleet {
  file: string;
  source: YamlSource;
  /** Where workload i sits in the file (`[]` for a single-workload file). */
  pathOf: (i: number) => (string | number)[];
  name?: string;
  fleet: DecisionFleetInput;
  workloads: FleetWorkload[];
}


/**
 * Reads a fleet file: the workload fleet format plus decision facts (constraints, SLOs, current
 * route, team, candidates). Errors name file, line, field and allowed values (InputFileError, exit 2).
 */
export function loadFleet(file: string, catalog: Catalog, opts: PrepareOptions): LoadedFleet {
  return fleetFromLoaded(loadWorkloadFile(file), catalog, opts);
}

/**
 * As loadFleet, from a file already read (the Studio's edited text in the browser). `vendorsFile`
 * reads the facts of a `vendors_file` the file names (no file system in the page: the Studio fetches it).
 */
export function fleetFromLoaded(loaded: LoadedFile, catalog: Catalog, opts: PrepareOptions, vendorsFile?: (path: string) => LoadedFacts): LoadedFleet {
  // One format: a single-workload file is a fleet of one; decision facts are optional blocks of it.
  const file = loaded.file;
  const src = loaded.source;
  const fleet = loaded.input;
  const prepared = prepareWorkloads(loaded, catalog, opts);
  const at = (i: number, ...rest: (string | number)[]) => [...loaded.pathOf(i), ...rest];

  const problems: Problem[] = [];
  const vendorFacts = vendorsOf({ file, source: src, facts: fleet }, vendorsFile)?.vendors ?? [];
  const workloads = prepared.map((p, i) => {
    const w = fleet.workloads[i]!;
    const written = loaded.workloads[i]!.routes.map((r) => (typeof r.entry === 'string' ? r.entry : r.entry.route));
    const specOf = (id: string): RouteSpec | undefined => {
      const canonical = catalog.aliases.get(id) ?? id;
      return p.routes.find((r) => r.id === canonical || r.id === id);
    };
    const problem = (path: (string | number)[], message: string) => problems.push({ ...locate(src, path), field: pathToField(path), message });
    let currentRoute: string | undefined;
    if (w.current_route !== undefined) {
      const spec = specOf(w.current_route);
      if (!spec) {
        const unpriced = p.unpriced.find((u) => u.route === w.current_route);
        problem(at(i, 'current_route'), unpriced ? `the current route cannot be priced: ${unpriced.message}` : `"${w.current_route}" is not one of this workload's routes (${written.join(', ')})`);
      } else currentRoute = spec.id;
    }
    // Inference Field Guide, Part 4: each vendor scored against this workload's requirements; its routes carry the result.
    const requirements: VendorRequirements = workloadVendorRequirements(w);
    const cards = new Map(vendorFacts.map((v) => [v.name, scoreVendor(v, requirements)]));
    const vendorFor = (routeId: string) => {
      const c = cards.get(routeId.split('/')[0]!);
      return c ? { vendor: c.vendor, outcome: c.outcome, reason: c.reason } : undefined;
    };
    const factsByRoute = new Map<string, CandidateFacts>();
    for (const [id, c] of Object.entries(w.candidates ?? {})) {
      const spec = specOf(id);
      if (!spec) {
        problem(at(i, 'candidates', id), `"${id}" is not one of this workload's routes (${written.join(', ')})`);
        continue;
      }
      factsByRoute.set(spec.id, {
        ...(vendorFor(spec.id) ? { vendor: vendorFor(spec.id)! } : {}),
        ...(c.context_tokens !== undefined ? { contextTokens: c.context_tokens } : {}),
        ...(c.modalities ? { modalities: c.modalities } : {}),
        ...(c.regions ? { regions: c.regions } : {}),
        ...(c.certifications ? { certifications: c.certifications } : {}),
        ...(c.license_permits !== undefined ? { licensePermits: c.license_permits } : {}),
        ...(c.rate_limit_rps !== undefined ? { rateLimitRps: c.rate_limit_rps } : {}),
        ...(c.pass_rate ? { passRate: c.pass_rate } : {}),
        ...(c.lcpr ? { lcpr: c.lcpr } : {}),
      });
    }
    const k = w.constraints;
    const constraints: WorkloadConstraints = k
      ? {
          ...(k.p95_context_tokens !== undefined ? { p95ContextTokens: k.p95_context_tokens } : {}),
          ...(k.modalities ? { modalities: k.modalities } : {}),
          ...(k.residency ? { residency: k.residency } : {}),
          ...(k.certifications ? { certifications: k.certifications } : {}),
          ...(k.commercial_use !== undefined ? { commercialUse: k.commercial_use } : {}),
          ...(k.p95_requests_per_second !== undefined ? { p95RequestsPerSecond: k.p95_requests_per_second } : {}),
          ...(k.quality_floor !== undefined ? { qualityFloor: k.quality_floor } : {}),
          ...(k.min_requests_per_month ? { minRequestsPerMonth: k.min_requests_per_month } : {}),
        }
      : {};
    const mig = { ...(fleet.migration ?? {}), ...(w.migration ?? {}) };
    const own = w.ownership;
    const horizon = w.planning_horizon_months ?? fleet.planning_horizon_months;
    const team = fleet.team;
    const brief: FleetWorkload['brief'] = {
      name: p.name,
      profile: p.profile,
      constraints,
      ...(p.unpriced.length ? { unpriced: p.unpriced.map((u) => ({ route: u.route, message: u.message })) } : {}),
      candidates: p.routes.map((route) => ({ route, facts: factsByRoute.get(route.id) ?? (vendorFor(route.id) ? { vendor: vendorFor(route.id)! } : {}) })),
      ...(currentRoute ? { currentRoute } : {}),
      ...(w.current_spend_per_month ? { currentSpendPerMonth: w.current_spend_per_month } : {}),
      specialization: {
        ...(w.specialization?.fine_tune_parity !== undefined ? { fineTuneParity: w.specialization.fine_tune_parity } : {}),
        ...(w.specialization?.model_modifications !== undefined ? { modelModifications: w.specialization.model_modifications } : {}),
        ...(w.slo?.p99_latency_ms ? { p99SloMs: w.slo.p99_latency_ms } : {}),
        ...(w.slo?.chained_calls !== undefined ? { chainedCalls: w.slo.chained_calls } : {}),
      },
      ownership: {
        ...(own?.residency_required !== undefined ? { residencyRequired: own.residency_required } : {}),
        ...(own?.current_route_meets_residency !== undefined ? { currentRouteMeetsResidency: own.current_route_meets_residency } : {}),
        ...(own?.zero_retention_required !== undefined ? { zeroRetentionRequired: own.zero_retention_required } : {}),
        ...(own?.current_route_zero_retention !== undefined ? { currentRouteZeroRetention: own.current_route_zero_retention } : {}),
        ...(own?.outage_cost ? { outageCost: own.outage_cost } : {}),
        ...(fleet.monthly_revenue ? { monthlyRevenue: fleet.monthly_revenue } : {}),
      },
      ...(w.eval_suite !== undefined ? { evalSuite: w.eval_suite } : {}),
      ...(w.complexity_factors ? { complexityFactors: w.complexity_factors } : {}),
      ...(mig.cost ? { migrationCost: mig.cost } : {}),
      ...(mig.engineer_weeks ? { migrationEngineerWeeks: mig.engineer_weeks } : {}),
      ...(mig.hourly_rate ? { migrationHourlyRate: mig.hourly_rate } : {}),
      ...(horizon !== undefined ? { planningHorizonMonths: horizon } : {}),
      ...(w.current_provider_improving !== undefined ? { currentProviderImproving: w.current_provider_improving } : {}),
      ...(team?.migrated_before !== undefined ? { teamHasMigratedBefore: team.migrated_before } : {}),
      ...(team?.inference_engineers !== undefined ? { inferenceEngineers: team.inference_engineers } : {}),
      ...(w.migration_gates ? { migrationGates: w.migration_gates } : {}),
      ...(w.reversion ? { reversion: reversionMetrics(w.reversion) } : {}),
      ...(w.procurement?.demand_shape ? { steadyTraffic: { value: ['steady', 'offline'].includes(w.procurement.demand_shape), evidence: 'assumed' as const, source: `demand_shape: ${w.procurement.demand_shape}` } } : {}),
    };
    const pr = w.procurement;
    const procurement: ProcurementFacts = {
      ...(pr?.demand_shape ? { demandShape: pr.demand_shape } : {}),
      ...(pr?.utilization ? { utilization: pr.utilization } : {}),
      ...(pr?.utilization_required !== undefined ? { utilizationRequired: pr.utilization_required } : {}),
      ...(pr?.memory_fits !== undefined ? { memoryFits: pr.memory_fits } : {}),
      // Inference Economics Playbook overview "operations ownership": a team with inference engineers on call owns serving unless the file says otherwise.
      ...(pr?.operations_owner !== undefined
        ? { operationsOwner: pr.operations_owner }
        : team?.inference_engineers !== undefined && team.on_call !== undefined
          ? { operationsOwner: { value: team.inference_engineers > 0 && team.on_call, evidence: 'assumed' as const, source: 'team: inference engineers and on-call' } }
          : {}),
      ...(pr?.fallback_route !== undefined ? { fallbackRoute: pr.fallback_route } : {}),
      ...(pr?.budget_horizon_months !== undefined ? { budgetHorizonMonths: pr.budget_horizon_months } : {}),
    };
    return { name: p.name, prepared: p, input: w, brief, procurement };
  });
  if (problems.length) throw new InputFileError(file, problems);
  return { file, source: src, pathOf: loaded.pathOf, ...(fleet.name ? { name: fleet.name } : {}), fleet, workloads };
}

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function reversionMetrics(r: NonNullable<FleetWorkloadInput['reversion']>): ReversionMetrics {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined).map(([k, v]) => [camel(k), v])) as ReversionMetrics;
}

/** Fleet-level facts for the brief: Part 5 revert signals and exit facts. */
export function fleetFacts(fleet: LoadedFleet): FleetFacts {
  const o = fleet.fleet.operations;
  const s = fleet.fleet.signals;
  return {
    ...(o
      ? {
          revert: {
            ...(o.multi_source_overhead_per_month ? { multiSourceOverheadPerMonth: o.multi_source_overhead_per_month } : {}),
            ...(o.inference_savings_per_month ? { inferenceSavingsPerMonth: o.inference_savings_per_month } : {}),
            ...(o.dedicated_utilization_by_month ? { dedicatedUtilizationByMonth: o.dedicated_utilization_by_month } : {}),
            ...(o.ops_time_share ? { opsTimeShare: o.ops_time_share } : {}),
          },
        }
      : {}),
    ...(s?.outage_cost_revenue !== undefined ? { outageCostRevenue: s.outage_cost_revenue } : {}),
    ...(s?.residency_asked !== undefined ? { residencyAsked: s.residency_asked } : {}),
    ...(s?.strategic_kernel_control !== undefined ? { strategicKernelControl: s.strategic_kernel_control } : {}),
  };
}

/** The workloads as the brief needs them; a workload without `current_route` is a file error here. */
export function briefWorkloads(fleet: LoadedFleet): BriefWorkload[] {
  const src = fleet.source;
  const missing = fleet.workloads.map((w, i) => ({ w, i })).filter(({ w }) => !w.brief.currentRoute);
  if (missing.length) {
    throw new InputFileError(
      fleet.file,
      missing.map(({ w, i }) => ({ ...locate(src, fleet.pathOf(i)), field: pathToField([...fleet.pathOf(i), 'current_route']), message: `missing: the route "${w.name}" runs on today (one of its routes); routefit plan compares every candidate against it` })),
    );
  }
  return fleet.workloads.map((w) => ({ ...w.brief, currentRoute: w.brief.currentRoute! }));
}
