/**
 * What the decision commands compute from a loaded fleet (plan, matrix, procurement, readiness), in
 * one browser-safe place: the CLI prints these results and the Studio's Decisions view draws them, so a
 * figure on screen is the figure `routefit <command> --json` prints for the same file.
 */
import { type DevolutionSignal, devolutionSignals } from '../engine/capacity/self-managed.js';
import { type ComplexityResult, type ReadinessGaps, complexityScore, readinessGaps } from '../engine/decisions/complexity.js';
import { DEFAULT_MIGRATION, type FleetBrief, decisionBrief } from '../engine/decisions/decision-brief.js';
import { type FunnelResult, type MatrixCell, type RoutefitMatrix, routefitMatrix } from '../engine/decisions/funnel.js';
import { type ProcurementResult, procurementMatrix } from '../engine/decisions/procurement.js';
import { sourced } from '../engine/evidence.js';
import { type LoadedFleet, briefWorkloads, fleetFacts } from './load.js';

/** Why a workload without `current_route` is ranked, not briefed (said in text and JSON). */
export const GREENFIELD_NOTE = 'no current_route in the file: ranked as a greenfield choice (cheapest feasible route first); add current_route: ROUTE for savings, payback and the migration gates';

export interface PlanResult {
  /** The brief of the workloads that name a current route; absent when none does. */
  brief?: FleetBrief;
  /** Workloads without a current route: the funnel's ranking. */
  greenfield: FunnelResult[];
  devolution?: { signals: DevolutionSignal[]; fired: number; recommendGate: boolean };
}

const chosen = (fleet: LoadedFleet, only?: string) => fleet.workloads.filter((w) => !only || w.name === only);

/** `routefit plan`: the decision brief (Inference Field Guide, Parts 1 and 5; Inference Economics Playbook, ch. 15-17). */
export function planOf(fleet: LoadedFleet, only?: string): PlanResult {
  const ws = chosen(fleet, only);
  const running = ws.filter((w) => w.brief.currentRoute);
  const greenfield = routefitMatrix(ws.filter((w) => !w.brief.currentRoute).map((w) => w.brief)).rows;
  const brief = running.length ? decisionBrief(briefWorkloads({ ...fleet, workloads: running }), fleetFacts(fleet)) : undefined;
  const devolution = devolutionOf(fleet.fleet.self_managed);
  return { ...(brief ? { brief } : {}), greenfield, ...(devolution ? { devolution } : {}) };
}

/** Priced cells of a funnel row, cheapest first. */
export const rankedCells = (r: FunnelResult): MatrixCell[] => r.cells.filter((c) => c.status === 'priced').sort((a, b) => a.lcpr! - b.lcpr!);

/** What `routefit plan --json` prints. */
export function planJson(file: string, fleet: LoadedFleet, p: PlanResult) {
  const green = p.greenfield.map((r) => ({ workload: r.workload, note: GREENFIELD_NOTE, recommended: r.recommended, ranking: rankedCells(r), flags: r.flags }));
  return { file, name: fleet.name ?? null, asOf: fleet.workloads.map((w) => ({ workload: w.name, asOf: w.prepared.asOf })), ...(p.brief ?? { workloads: [] }), greenfield: green, ...(p.devolution ? { devolution: p.devolution } : {}) };
}

/** `routefit matrix`: workloads × routes, each cell an LCPR or the funnel stage that eliminated it. */
export function matrixOf(fleet: LoadedFleet, only?: string): RoutefitMatrix {
  return routefitMatrix(chosen(fleet, only).map((w) => w.brief));
}

/** `routefit procurement`: the five gates over five routes, per workload. */
export function procurementOf(fleet: LoadedFleet, only?: string): { workload: string; result: ProcurementResult }[] {
  return chosen(fleet, only).map((w) => ({ workload: w.name, result: procurementMatrix(w.procurement) }));
}

/** `routefit readiness --factors F --rate R [--savings-per-month S] --json`. */
export function readinessOf(factors: readonly number[], opts: { hourlyRate: number; monthlySavings?: number }): ComplexityResult & { readiness: ReadinessGaps } {
  const r = complexityScore(factors);
  return { ...r, readiness: readinessGaps(r, opts) };
}

/**
 * Readiness of each workload that scores its six complexity factors, with the inputs `routefit
 * readiness` takes for it: the file's migration hourly rate (else the seed's $150/h) and the savings
 * the plan brief finds for the move (none when the brief has no cheaper route to move to).
 */
export function fleetReadiness(fleet: LoadedFleet, plan: PlanResult): { workload: string; factors: number[] | null; hourlyRate: number; monthlySavings?: number; result?: ReturnType<typeof readinessOf> }[] {
  return fleet.workloads.map((w) => {
    const factors = w.input.complexity_factors ?? null;
    const rateQ = w.brief.migrationHourlyRate;
    const hourlyRate = rateQ !== undefined ? sourced(rateQ).value : DEFAULT_MIGRATION.hourlyRate;
    const savings = plan.brief?.workloads.find((b) => b.workload === w.name)?.savings?.monthly;
    const opts = { hourlyRate, ...(savings !== undefined ? { monthlySavings: savings } : {}) };
    return { workload: w.name, factors, ...opts, ...(factors ? { result: readinessOf(factors, opts) } : {}) };
  });
}

type SelfManagedFacts = NonNullable<LoadedFleet['fleet']['self_managed']>;

/** The fleet's self_managed block → the devolution signals of the playbook, ch. 20 (as `routefit self-managed` flags them). */
function devolutionOf(f: SelfManagedFacts | undefined): PlanResult['devolution'] {
  if (!f) return undefined;
  return devolutionSignals({
    ...(f.fleet_gpus_by_quarter ? { fleetGpusByQuarter: f.fleet_gpus_by_quarter } : {}),
    ...(f.on_call_engineers !== undefined ? { onCallEngineers: f.on_call_engineers } : {}),
    ...(f.specialist_seat_open_quarters !== undefined ? { specialistSeatOpenQuarters: f.specialist_seat_open_quarters } : {}),
    ...(f.serving_engine_majors_behind !== undefined ? { servingEngineMajorsBehind: f.serving_engine_majors_behind } : {}),
    ...(f.quality_review_cadence_days !== undefined ? { qualityReviewCadenceDays: f.quality_review_cadence_days } : {}),
  });
}
