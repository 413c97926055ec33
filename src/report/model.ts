import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Catalog } from '../catalog/types.js';
import { type Comparison, compareRoutes } from '../engine/cost/compare.js';
import type { RouteSpec, WorkloadProfile } from '../engine/cost/lcpr.js';
import { type FleetBrief, type WorkloadBrief, decisionBrief } from '../engine/decisions/decision-brief.js';
import { type ProcurementResult, procurementMatrix } from '../engine/decisions/procurement.js';
import { type Sourced, valueOf } from '../engine/evidence.js';
import { withMeasuredInputs } from '../engine/measured/measured.js';
import { type MonteCarloResult, monteCarlo } from '../engine/uncertainty/monte-carlo.js';
import { type RouteTornado, tornado } from '../engine/uncertainty/sensitivity.js';
import { type Sweep, sweepVolume } from '../engine/uncertainty/sweep.js';
import { type InputStatus, confidenceOf } from '../engine/uncertainty/confidence.js';
import { briefWorkloads, fleetFacts, loadFleet } from '../fleet/load.js';
import { NeedsVendorFactsError, type VendorScorecardResult, vendorScorecard } from '../fleet/vendors-file.js';
import { InputFileError } from '../io/yaml-file.js';
import { loadWorkloadFile } from '../workload/load.js';
import { type PreparedWorkload, prepareWorkloads } from '../workload/prepare.js';
import type { MeasuredSection } from './measured.js';

/** Everything a report shows, computed once by the engine functions the CLI calls; the renderers only format it. */
export interface ReportModel {
  file: string;
  /** The fleet's name, or the file's single workload. */
  title: string;
  /** The date the report prices at (--as-of, else the file's as_of, else today). */
  asOf: string;
  /** Newest price observation the report uses: how fresh the catalog figures are. */
  catalogDate: string | null;
  version: string;
  /** The decision brief (plan) when the file is a fleet with current routes; null for a plain workload file. */
  fleet: FleetBrief | null;
  workloads: WorkloadSection[];
  measured: MeasuredSection | null;
  /** The seven-gate vendor scorecard, exactly as `routefit scorecard FILE --json`; or what the file must add to get one. */
  vendors: { scorecard: VendorScorecardResult } | { needsFacts: string };
}

export interface WorkloadSection {
  name: string;
  description?: string;
  asOf: string;
  requestsPerMonth: number;
  /** compare: every route priced, unpriced ones listed. */
  comparison: Comparison;
  brief: WorkloadBrief | null;
  /** Volume sweep through compareRoutes with its crossovers (sweep --volume). */
  sweep: Sweep;
  /** Tornado for the current and the recommended route (sensitivity). */
  tornado: RouteTornado[];
  /** Monte Carlo over the feasible routes, with the migration question when moving (compare --uncertainty). */
  uncertainty: MonteCarloResult;
  procurement: ProcurementResult | null;
  /** Every workload input with its value, evidence, source and confidence status. */
  assumptions: AssumptionRow[];
  /** The route to read first: recommended, else cheapest by LCPR. */
  focusRoute: string | null;
  /** With traces: the assumed inputs the measured ones replace (engine withMeasuredInputs, as `compare --traces`). */
  measured?: { replaced: ReturnType<typeof withMeasuredInputs>['replaced'] };
}

export interface AssumptionRow {
  input: string;
  value: number;
  evidence: Sourced['evidence'];
  source: string | null;
  /** When it was measured, if it says. */
  measuredAt: string | null;
  ageDays: number | null;
  status: InputStatus;
  statusReason: string;
}

export interface BuildOptions {
  catalog: Catalog;
  today: string;
  asOf?: string;
  workload?: string;
  version: string;
  /** Monte Carlo samples (default the engine's 10,000). */
  samples?: number;
  measured?: MeasuredSection | null;
}

/** Is the file a fleet with decision facts (plan), or a workload file (compare)? */
function isFleetWithCurrentRoutes(file: string): boolean {
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch {
    return false; // the loader reports the file's problem with its line
  }
  if (!data || typeof data !== 'object' || !('workloads' in data)) return false;
  const ws = (data as { workloads: unknown }).workloads;
  return Array.isArray(ws) && ws.some((w) => w && typeof w === 'object' && 'current_route' in w);
}

export function buildReport(file: string, o: BuildOptions): ReportModel {
  const prep = { today: o.today, ...(o.asOf ? { asOf: o.asOf } : {}) };
  let sections: WorkloadSection[];
  let fleet: FleetBrief | null = null;
  let title: string;
  if (isFleetWithCurrentRoutes(file)) {
    const loaded = loadFleet(file, o.catalog, prep);
    const all = briefWorkloads(loaded);
    const chosen = pick(all, o.workload, file, (w) => w.name);
    fleet = decisionBrief(chosen, fleetFacts(loaded));
    sections = fleet.workloads.map((b) => {
      const fw = loaded.workloads.find((w) => w.name === b.workload)!;
      const bw = chosen.find((w) => w.name === b.workload)!;
      return section(fw.prepared, o, b, procurementMatrix(fw.procurement), b.funnel.cells.filter((x) => x.status === "priced").map((x) => x.route), fw.input.description, bw.planningHorizonMonths);
    });
    title = loaded.name ?? file;
  } else {
    const prepared = pick(prepareWorkloads(loadWorkloadFile(file), o.catalog, prep), o.workload, file, (w) => w.name);
    sections = prepared.map((p) => section(p, o, null, null, null, undefined, undefined));
    title = prepared.length === 1 ? prepared[0]!.name : file;
  }
  const dates = sections.flatMap((s) => s.comparison.routes.map((r) => r.provenance?.asOf).filter((d): d is string => !!d)).sort();
  return {
    file,
    title,
    asOf: o.asOf ?? sections[0]?.asOf ?? o.today,
    catalogDate: dates.at(-1) ?? null,
    version: o.version,
    fleet,
    workloads: sections,
    measured: o.measured ?? null,
    vendors: vendorsOfFile(file),
  };
}

/** `routefit scorecard FILE`: the whole file's vendors (a --workload choice does not change who the vendors are). */
export function vendorsOfFile(file: string): ReportModel['vendors'] {
  try {
    return { scorecard: vendorScorecard(file) };
  } catch (e) {
    if (e instanceof NeedsVendorFactsError) return { needsFacts: 'No vendor is scored: the file has no vendors block and no provider routes; add vendors: [{name, serves_model, p99_ms, uptime, certifications, …}] (see examples/vendors.yaml) to score each against the seven gates.' };
    throw e;
  }
}

function pick<T>(items: T[], name: string | undefined, file: string, nameOf: (t: T) => string): T[] {
  if (!name) return items;
  const found = items.filter((i) => nameOf(i) === name);
  if (!found.length) throw new InputFileError(file, [{ message: `--workload "${name}" is not in the file; it has: ${items.map(nameOf).join(', ')}` }]);
  return found;
}

function section(p: PreparedWorkload, o: BuildOptions, brief: WorkloadBrief | null, procurement: ProcurementResult | null, feasible: string[] | null, description: string | undefined, horizon: number | undefined): WorkloadSection {
  const comparison = compareRoutes(p.profile, p.routes);
  comparison.unpriced.unshift(...p.unpriced);
  const ok = new Set(comparison.routes.map((r) => r.route));
  const priced: RouteSpec[] = p.routes.filter((r) => ok.has(r.id));
  const volume = valueOf(p.profile.requestsPerMonth);
  const sweep = sweepVolume(p.profile, priced, Math.min(1e4, volume / 10), Math.max(1e8, volume * 10));
  const focusRoute = brief?.recommended?.route ?? comparison.cheapestByLcpr ?? null;
  const current = brief?.current.route;
  const tornadoRoutes = [...new Set([current, focusRoute].filter((r): r is string => !!r && ok.has(r)))];
  const mcRoutes = feasible ? priced.filter((r) => feasible.includes(r.id) || r.id === current) : priced;
  const moving = brief?.migration && current && brief.recommended && brief.recommended.route !== current;
  const uncertainty = monteCarlo(p.profile, mcRoutes.length ? mcRoutes : priced, {
    asOf: p.asOf,
    ...(o.samples ? { samples: o.samples } : {}),
    ...(p.correlations ? { correlations: p.correlations } : {}),
    ...(moving && mcRoutes.some((r) => r.id === current) ? { migration: { from: current, oneTimeCost: brief.migration!.cost, horizonMonths: horizon ?? 12 } } : {}),
  });
  return {
    name: p.name,
    ...(description ? { description } : {}),
    asOf: p.asOf,
    requestsPerMonth: volume,
    comparison,
    brief,
    sweep,
    tornado: tornadoRoutes.length ? tornado(p.profile, priced, { routes: tornadoRoutes, asOf: p.asOf }) : [],
    uncertainty,
    procurement,
    assumptions: assumptionRows(p.profile, p.asOf),
    focusRoute,
    ...measuredFor(p, o.measured ?? null),
  };
}

/** Every workload-level input as `compare` lists it, with the confidence status the Monte Carlo uses (stale after 90 days). */
function assumptionRows(profile: WorkloadProfile, asOf: string): AssumptionRow[] {
  const rows: AssumptionRow[] = [];
  for (const [k, v] of Object.entries(profile)) {
    if (v === undefined || k === 'name' || typeof v === 'string') continue;
    const s: Sourced = typeof v === 'number' ? { value: v, evidence: 'assumed' } : (v as Sourced);
    const input = k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
    const c = confidenceOf(input, s, { asOf });
    rows.push({ input, value: s.value, evidence: s.evidence, source: s.source ?? null, measuredAt: s.measuredAt ?? null, ageDays: c.ageDays ?? null, status: c.status, statusReason: c.reason });
  }
  return rows;
}

function measuredFor(p: PreparedWorkload, m: MeasuredSection | null): Pick<WorkloadSection, 'measured'> {
  const g = m?.byWorkload.find((x) => x.key.workload === p.name);
  if (!m || !g) return {};
  return { measured: { replaced: withMeasuredInputs(p.profile, g.measured, `traces in ${m.store}, ${g.window.start.slice(0, 10)} – ${g.window.end.slice(0, 10)}`).replaced } };
}
