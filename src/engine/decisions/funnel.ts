import { type Evidence, type Quantity, isAssumption, sourced } from '../evidence.js';
import { RoutefitError, requireInRange } from '../errors.js';
import { type DeploymentMode, type RouteSpec, type WorkloadProfile, computeLcpr } from '../cost/lcpr.js';
import { type Flag, flag, weakestEvidence } from './verdict.js';
import type { VendorScorecard } from './vendor-scorecard.js';

const CH15 = 'Inference Economics Playbook, ch. 15, The Model Candidate Funnel And routefit matrix';

/** What a workload demands (Inference Economics Playbook, ch. 15, Stage 1 hard constraints). */
export interface WorkloadConstraints {
  p95ContextTokens?: number;
  modalities?: string[];
  /** Region the data must stay in, e.g. `eu`. */
  residency?: string;
  /** Required certifications, e.g. soc2, hipaa_baa, iso27001. */
  certifications?: string[];
  /** The use needs commercial rights on outputs / derivatives. */
  commercialUse?: boolean;
  p95RequestsPerSecond?: number;
  /** Stage 2 quality floor on production-representative evals. */
  qualityFloor?: number;
  /** Minimum requests/month for a route of this mode to be considered (the matrix's N/A: "volume too low for dedicated"). */
  minRequestsPerMonth?: Partial<Record<DeploymentMode, number>>;
}

/** What a candidate route offers. Missing facts become "unknown — measure X", never a silent pass. */
export interface CandidateFacts {
  contextTokens?: number;
  modalities?: string[];
  regions?: string[];
  certifications?: string[];
  licensePermits?: Flag;
  rateLimitRps?: number;
  /** Pass rate on the workload's production-representative eval set. */
  passRate?: Quantity;
  /** LCPR per accepted output measured from traces; otherwise the engine models it. */
  lcpr?: Quantity;
  /** The provider's seven-gate scorecard for this workload (Inference Field Guide, Part 4): a Fail eliminates "for that workload". */
  vendor?: Pick<VendorScorecard, 'vendor' | 'outcome' | 'reason'>;
}

export type FunnelStage = 'constraints' | 'capability' | 'economics';

export interface ConstraintCheck {
  constraint: string;
  status: 'pass' | 'fail' | 'unknown';
  detail: string;
}

export type CellEvidence = 'measured' | 'modeled' | 'estimated';

export interface MatrixCell {
  workload: string;
  route: string;
  mode: DeploymentMode;
  status: 'priced' | 'eliminated' | 'not_applicable';
  eliminatedAt?: FunnelStage;
  reasons: string[];
  checks: ConstraintCheck[];
  lcpr?: number;
  monthlyCost?: number;
  evidence?: CellEvidence;
  /** Facts nobody supplied: the cell stands, but is flagged until measured. */
  unknowns: string[];
}

/** Inference Economics Playbook, ch. 15 Stage 1: each hard constraint is pass, fail (eliminates, with why) or unknown. */
export function hardConstraints(c: WorkloadConstraints, f: CandidateFacts, mode: DeploymentMode, requestsPerMonth: number): ConstraintCheck[] {
  const checks: ConstraintCheck[] = [];
  const add = (constraint: string, status: ConstraintCheck['status'], detail: string) => checks.push({ constraint, status, detail });
  if (c.p95ContextTokens !== undefined) {
    if (f.contextTokens === undefined) add('context length', 'unknown', `measure the candidate's context window (workload p95 ${c.p95ContextTokens} tokens)`);
    else add('context length', f.contextTokens >= c.p95ContextTokens ? 'pass' : 'fail', `context ${f.contextTokens} vs workload p95 input ${c.p95ContextTokens} tokens`);
  }
  if (c.modalities?.length) {
    if (!f.modalities) add('modality', 'unknown', `check whether it handles ${c.modalities.join(', ')}`);
    else {
      const missing = c.modalities.filter((m) => !f.modalities!.includes(m));
      add('modality', missing.length ? 'fail' : 'pass', missing.length ? `does not handle ${missing.join(', ')}` : `handles ${c.modalities.join(', ')}`);
    }
  }
  if (c.residency) {
    if (!f.regions) add('data residency', 'unknown', `check whether the provider contracts for ${c.residency} deployment`);
    else add('data residency', f.regions.includes(c.residency) ? 'pass' : 'fail', f.regions.includes(c.residency) ? `offers ${c.residency}` : `no ${c.residency} deployment (offers ${f.regions.join(', ') || 'none'})`);
  }
  if (c.commercialUse) {
    if (f.licensePermits === undefined) add('model rights', 'unknown', 'read the license/TOS for the use case');
    else add('model rights', flag(f.licensePermits).value ? 'pass' : 'fail', flag(f.licensePermits).value ? 'license permits the use' : 'license or TOS does not permit the use');
  }
  if (c.certifications?.length) {
    if (!f.certifications) add('compliance', 'unknown', `check certifications: ${c.certifications.join(', ')}`);
    else {
      const missing = c.certifications.filter((x) => !f.certifications!.includes(x));
      add('compliance', missing.length ? 'fail' : 'pass', missing.length ? `lacks ${missing.join(', ')}` : `holds ${c.certifications.join(', ')}`);
    }
  }
  if (c.p95RequestsPerSecond !== undefined) {
    if (f.rateLimitRps === undefined) add('rate limits', 'unknown', `check the rate limit against p95 ${c.p95RequestsPerSecond} req/s`);
    else add('rate limits', f.rateLimitRps >= c.p95RequestsPerSecond ? 'pass' : 'fail', `limit ${f.rateLimitRps} req/s vs p95 ${c.p95RequestsPerSecond} req/s`);
  }
  const min = c.minRequestsPerMonth?.[mode];
  if (min !== undefined) {
    add('volume for route', requestsPerMonth >= min ? 'pass' : 'fail', `${Math.round(requestsPerMonth).toLocaleString('en-US')} requests/month vs ${min.toLocaleString('en-US')} minimum for ${mode}`);
  }
  if (f.vendor) {
    const v = f.vendor;
    add('vendor gates', v.outcome === 'eliminated' ? 'fail' : v.outcome === 'shortlist' ? 'pass' : 'unknown', `${v.vendor} scorecard: ${v.outcome.replace(/_/g, ' ')} — ${v.reason}`);
  }
  return checks;
}

export interface FunnelCandidate {
  route: RouteSpec;
  facts: CandidateFacts;
}

export interface FunnelWorkload {
  name: string;
  profile: WorkloadProfile;
  constraints: WorkloadConstraints;
  candidates: FunnelCandidate[];
  /** Routes the catalog could not price: shown as eliminated at economics, never as $0. */
  unpriced?: { route: string; message: string; mode?: DeploymentMode }[];
}

export interface FunnelResult {
  workload: string;
  cells: MatrixCell[];
  /** Candidate count left after each stage. */
  counts: { start: number; constraints: number; capability: number; economics: number };
  recommended: MatrixCell | null;
  /** The cheapest cell whose LCPR comes from traces, when the recommended one does not. */
  cheapestMeasured: MatrixCell | null;
  /** Why the recommendation needs care: estimates, unknown constraints. */
  flags: string[];
  cite: string;
}

/** Inference Economics Playbook, ch. 15: constraints, then capability (pass rate vs the floor), then LCPR per accepted output; cheapest feasible cell wins. */
export function runFunnel(w: FunnelWorkload): FunnelResult {
  const requests = sourced(w.profile.requestsPerMonth).value;
  const floor = w.constraints.qualityFloor;
  if (floor !== undefined) requireInRange('qualityFloor', floor, { min: 0, max: 1 });
  const cells: MatrixCell[] = [];
  let afterConstraints = 0;
  let afterCapability = 0;
  for (const { route, facts } of w.candidates) {
    const checks = hardConstraints(w.constraints, facts, route.mode, requests);
    const base: MatrixCell = { workload: w.name, route: route.id, mode: route.mode, status: 'priced', reasons: [], checks, unknowns: checks.filter((c) => c.status === 'unknown').map((c) => `${c.constraint}: ${c.detail}`) };
    const failed = checks.filter((c) => c.status === 'fail');
    if (failed.length) {
      const volumeOnly = failed.every((c) => c.constraint === 'volume for route');
      cells.push({ ...base, status: volumeOnly ? 'not_applicable' : 'eliminated', eliminatedAt: 'constraints', reasons: failed.map((c) => `${c.constraint}: ${c.detail}`) });
      continue;
    }
    afterConstraints++;
    const pass = facts.passRate === undefined ? undefined : sourced(facts.passRate);
    if (pass) requireInRange(`${route.id}.passRate`, pass.value, { min: 0, max: 1 });
    if (floor !== undefined && pass && pass.value < floor) {
      cells.push({ ...base, status: 'eliminated', eliminatedAt: 'capability', reasons: [`pass rate ${pass.value} below the quality floor ${floor}`] });
      continue;
    }
    if (floor !== undefined && !pass) base.unknowns.push(`capability: run 50-200 production-representative cases to measure the pass rate against the floor ${floor}`);
    afterCapability++;
    if (facts.lcpr !== undefined) {
      const l = sourced(facts.lcpr);
      requireInRange(`${route.id}.lcpr`, l.value, { min: 0 });
      cells.push({ ...base, lcpr: l.value, evidence: cellEvidence([l.evidence], true) });
      continue;
    }
    try {
      const r = computeLcpr(pass ? { ...w.profile, qualityPassRate: facts.passRate! } : w.profile, route);
      cells.push({ ...base, lcpr: r.lcpr, monthlyCost: r.monthlyCost, evidence: cellEvidence(Object.values(r.inputs).map((i) => i.evidence), false) });
    } catch (err) {
      if (!(err instanceof RoutefitError) || (err.code !== 'missing_price' && err.code !== 'over_capacity')) throw err;
      cells.push({ ...base, status: 'eliminated', eliminatedAt: 'economics', reasons: [err.message] });
    }
  }
  for (const u of w.unpriced ?? []) {
    cells.push({ workload: w.name, route: u.route, mode: u.mode ?? 'closed_api', status: 'eliminated', eliminatedAt: 'economics', reasons: [`cannot be priced: ${u.message}`], checks: [], unknowns: [] });
  }
  const priced = cells.filter((c) => c.status === 'priced').sort((a, b) => a.lcpr! - b.lcpr! || a.route.localeCompare(b.route));
  const recommended = priced[0] ?? null;
  const flags: string[] = [];
  if (recommended) {
    if (recommended.evidence === 'estimated') flags.push('the recommended cell rests on estimated inputs: measure LCPR on this route from traces');
    if (recommended.unknowns.length) flags.push(`unverified: ${recommended.unknowns.join('; ')}`);
  }
  const measured = priced.find((c) => c.evidence === 'measured') ?? null;
  return { workload: w.name, cells, cheapestMeasured: recommended && recommended.evidence !== 'measured' ? measured : null, counts: { start: w.candidates.length + (w.unpriced?.length ?? 0), constraints: afterConstraints, capability: afterCapability, economics: priced.length }, recommended, flags, cite: CH15 };
}

/** measured: a trace-derived LCPR or all-measured inputs; estimated: any assumption; modeled: otherwise (e.g. public prices on measured traffic). */
function cellEvidence(labels: Evidence[], direct: boolean): CellEvidence {
  if (direct) return labels.some((e) => isAssumption(e)) ? 'estimated' : labels.every((e) => e === 'measured' || e === 'invoice_reconciled') ? 'measured' : 'modeled';
  const w = weakestEvidence(labels);
  return w === 'measured' ? 'modeled' : w;
}

export interface RoutefitMatrix {
  workloads: string[];
  routes: string[];
  rows: FunnelResult[];
  cite: string;
}

/** Inference Economics Playbook, ch. 15 "The routefit matrix": workloads × routes, each cell an LCPR with its evidence or the stage that eliminated it. */
export function routefitMatrix(workloads: readonly FunnelWorkload[]): RoutefitMatrix {
  const rows = workloads.map(runFunnel);
  const routes = [...new Set(rows.flatMap((r) => r.cells.map((c) => c.route)))];
  return { workloads: rows.map((r) => r.workload), routes, rows, cite: CH15 };
}
