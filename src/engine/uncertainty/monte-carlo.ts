import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { type Comparison, compareRoutes } from '../cost/compare.js';
import type { ConfidenceOptions, InputStatus } from './confidence.js';
import { type Distribution, cholesky, describeDistribution, normalCdf, normalQuantile, quantile, resolveInput } from './distributions.js';
import type { Evidence } from '../evidence.js';
import { RoutefitError, requireInRange } from '../errors.js';
import type { RouteSpec, WorkloadProfile } from '../cost/lcpr.js';
import { LEVERS, type Lever, appliesTo, findLever, readLever, routeOwnValue, setRouteLever } from './levers.js';
import { payback } from '../decisions/migration.js';

export const DEFAULT_SAMPLES = 10_000;
export const DEFAULT_SEED = 1;

/** Two workload inputs that move together, as a rank-like (Gaussian copula) correlation in [−1, 1]. */
export interface Correlation {
  inputs: [string, string];
  rho: number;
}

export interface MigrationQuestion {
  /** The route the team runs today. */
  from: string;
  /** One-time migration cost in USD (migrationCost()). */
  oneTimeCost: number;
  /** Planning horizon in months: "pays back" means payback ≤ this. */
  horizonMonths: number;
}

export interface MonteCarloOptions extends ConfidenceOptions {
  samples?: number;
  seed?: number;
  correlations?: Correlation[];
  /** false: inputs without a declared range stay fixed (no evidence-based default spread). */
  defaultSpreads?: boolean;
  migration?: MigrationQuestion;
  /** Called every PROGRESS_EVERY samples and after the last, with samples done of total (the Studio shows it); no effect on the result. */
  onProgress?: (done: number, total: number) => void;
}

const PROGRESS_EVERY = 250;

export interface Band {
  p10: number;
  p50: number;
  p90: number;
  mean: number;
}

export interface RouteUncertainty {
  route: string;
  /** The point estimate (every input at its value). */
  pointLcpr: number;
  pointMonthlyCost: number;
  lcpr: Band;
  monthlyCost: Band;
  /** Share of samples in which this route has the lowest LCPR. */
  winProbability: number;
  /** Samples in which the route could not be priced (e.g. over capacity): each counts as a win for no route. */
  unpricedSamples: number;
  /** Share of samples in which moving from `migration.from` to this route pays back within the horizon. */
  paybackProbability?: number;
}

export interface UncertainInput {
  /** `retryRate`, or `together/deepseek-v3:price.output` for a route input. */
  id: string;
  name: string;
  route?: string;
  value: number;
  evidence: Evidence;
  status: InputStatus;
  statusReason: string;
  unmeasured: boolean;
  distribution: Distribution;
  description: string;
  basis: string;
}

export interface InformationValue {
  id: string;
  name: string;
  route?: string;
  status: InputStatus;
  unmeasured: boolean;
  /** Chance of picking a route that is not the cheapest, now and if this input were known exactly. */
  wrongPickNow: number;
  wrongPickIfMeasured: number;
  /** wrongPickNow − wrongPickIfMeasured. */
  reduction: number;
  /** Expected monthly overspend avoided (expected value of perfect information on this input). */
  regretAvoidedPerMonth: number;
}

export interface MonteCarloResult {
  samples: number;
  seed: number;
  /** Most likely cheapest first. */
  routes: RouteUncertainty[];
  /** The route most often cheapest. */
  recommended?: string;
  /** The point estimate's cheapest route, for comparison. */
  pointCheapest?: string;
  /** 1 − the recommended route's win probability. */
  wrongPickProbability: number;
  /** Samples in which no route could be priced or the inputs were inconsistent (e.g. cache hit + write > 1). */
  invalidSamples: number;
  invalidReason?: string;
  /**
   * Samples in which some route priced at the point estimate could not be priced: nobody knows which
   * route was cheapest there, so they count as a win for no route (win probabilities then sum below 1
   * and the chance of a wrong pick includes them).
   */
  undecidedSamples: number;
  undecidedReason?: string;
  /** Routes priced at the point estimate but in no sample, with the first reason (they have no band). */
  unpricedInEverySample: { route: string; reason: string }[];
  inputs: UncertainInput[];
  correlations: Correlation[];
  /** Largest reduction in the chance of a wrong pick first. */
  valueOfInformation: InformationValue[];
  migration?: MigrationQuestion;
  notes: string[];
}

interface Variable extends UncertainInput {
  lever: Lever;
  routeIndex: number;
}

/**
 * Seeded, deterministic Monte Carlo over every uncertain input (issue 6; Inference Field Guide, Part 0: "An LCPR
 * model built on six assumptions is a hypothesis"). Each sample draws all inputs, prices every route
 * with compareRoutes, and records the cheapest. Gives P10/P50/P90 of LCPR and monthly cost, the
 * probability each route is cheapest, the probability a migration pays back, and which input's
 * measurement would most reduce the chance of a wrong pick.
 */
export function monteCarlo(profile: WorkloadProfile, allRoutes: readonly RouteSpec[], opts: MonteCarloOptions = {}): MonteCarloResult {
  const n = opts.samples ?? DEFAULT_SAMPLES;
  const seed = opts.seed ?? DEFAULT_SEED;
  requireInRange('samples', n, { min: 1, max: 1_000_000 });
  if (!Number.isInteger(n)) throw new RoutefitError('invalid_input', `samples is ${n}; allowed a whole number`, { field: 'samples', allowed: 'whole number 1–1,000,000' });
  requireInRange('seed', seed, { min: 0, max: 2 ** 32 - 1 });
  if (!Number.isInteger(seed)) throw new RoutefitError('invalid_input', `seed is ${seed}; allowed a whole number`, { field: 'seed', allowed: 'whole number 0–4294967295' });
  if (allRoutes.length === 0) throw new RoutefitError('invalid_input', 'no routes to compare', { field: 'routes' });

  const point = compareRoutes(profile, allRoutes, { explain: false });
  // A route unpriced at the point estimate (no price, a fleet too small) is listed as unpriced once
  // instead of making every sample undecided.
  const routes = allRoutes.filter((r) => !point.unpriced.some((u) => u.route === r.id));
  if (routes.length === 0) throw new RoutefitError('missing_price', `no route can be priced: ${point.unpriced.map((u) => u.message).join('; ')}`, { field: 'routes' });
  const vars = variables(profile, routes, point, opts);
  const varied = vars.filter((v) => v.distribution.kind !== 'point');
  const copula = correlationPlan(vars, opts.correlations ?? []);
  const migration = opts.migration;
  const fromIndex = migration ? routes.findIndex((r) => r.id === migration.from) : -1;
  if (migration) {
    if (fromIndex < 0) throw new RoutefitError('unknown_route', `migration.from "${migration.from}" is not one of this workload's routes`, { field: 'migration.from' });
    requireInRange('migration.oneTimeCost', migration.oneTimeCost, { min: 0 });
    requireInRange('migration.horizonMonths', migration.horizonMonths, { min: 0, minExclusive: true });
  }

  const R = routes.length;
  const index = new Map(routes.map((r, i) => [r.id, i]));
  const lcpr = routes.map(() => new Float64Array(n).fill(NaN));
  const monthly = routes.map(() => new Float64Array(n).fill(NaN));
  // The uniform each varied input was drawn from, per sample: the value-of-information bins use it.
  const drawn = varied.map(() => new Float64Array(n));
  const slot = vars.map((v) => varied.indexOf(v));
  const winner = new Int32Array(n).fill(-1);
  const paysBack = new Int32Array(R);
  let invalid = 0;
  let invalidReason: string | undefined;
  let undecided = 0;
  let undecidedReason: string | undefined;
  const firstUnpricedReason: (string | undefined)[] = routes.map(() => undefined);

  const rng = xoroshiro128plus(seed);
  const u = new Float64Array(vars.length);
  const onProgress = opts.onProgress;
  for (let i = 0; i < n; i++) {
    if (onProgress && i > 0 && i % PROGRESS_EVERY === 0) onProgress(i, n);
    // One uniform per input per sample, drawn in a fixed order: runs that differ only in spreads share random numbers.
    for (let k = 0; k < vars.length; k++) u[k] = uniformFloat64(rng);
    copula?.(u);
    const p: WorkloadProfile = { ...profile };
    const rs = [...routes];
    for (let k = 0; k < vars.length; k++) {
      const v = vars[k]!;
      if (v.distribution.kind === 'point') continue;
      const x = quantile(v.distribution, u[k]!);
      drawn[slot[k]!]![i] = u[k]!;
      if (v.routeIndex < 0) (p as unknown as Record<string, unknown>)[v.lever.key] = { value: x, evidence: v.evidence };
      else rs[v.routeIndex] = setRouteLever(v.lever, rs[v.routeIndex]!, x);
    }
    let c;
    try {
      c = compareRoutes(p, rs, { explain: false });
    } catch (err) {
      if (!(err instanceof RoutefitError)) throw err;
      invalid++;
      invalidReason ??= err.message;
      continue;
    }
    for (const r of c.routes) {
      const j = index.get(r.route)!;
      lcpr[j]![i] = r.lcpr;
      monthly[j]![i] = r.monthlyCost;
    }
    for (const u of c.unpriced) {
      const j = index.get(u.route);
      if (j !== undefined) firstUnpricedReason[j] ??= u.message;
    }
    if (c.cheapestByLcpr === undefined) {
      invalid++;
      invalidReason ??= 'no route could be priced';
    } else if (c.unpriced.length > 0) {
      // Never a silent win for the routes that happened to price: the sample is undecided.
      undecided++;
      undecidedReason ??= c.unpriced[0]!.message;
    } else winner[i] = index.get(c.cheapestByLcpr)!;
    if (migration) {
      const cur = monthly[fromIndex]![i]!;
      for (let j = 0; j < R; j++) {
        const m = monthly[j]![i]!;
        if (j === fromIndex || Number.isNaN(cur) || Number.isNaN(m)) continue;
        const months = payback(cur, m, migration.oneTimeCost).paybackMonths;
        if (months !== null && months <= migration.horizonMonths) paysBack[j]!++;
      }
    }
  }

  onProgress?.(n, n);
  const wins = new Int32Array(R);
  for (let i = 0; i < n; i++) if (winner[i]! >= 0) wins[winner[i]!]!++;
  const pointById = new Map(point.routes.map((r) => [r.route, r]));
  const unpricedInEverySample: MonteCarloResult['unpricedInEverySample'] = [];
  const all: (RouteUncertainty | undefined)[] = routes.map((r, j) => {
    // Every route left here was priced at the point estimate.
    const pr = pointById.get(r.id)!;
    const l = finite(lcpr[j]!);
    if (l.length === 0) {
      // No band to show: say so rather than print a NaN percentile.
      unpricedInEverySample.push({ route: r.id, reason: firstUnpricedReason[j] ?? invalidReason ?? 'no sample could be priced' });
      return undefined;
    }
    return {
      route: r.id,
      pointLcpr: pr.lcpr,
      pointMonthlyCost: pr.monthlyCost,
      lcpr: band(l),
      monthlyCost: band(finite(monthly[j]!)),
      winProbability: wins[j]! / n,
      unpricedSamples: n - invalid - l.length,
      ...(migration && j !== fromIndex ? { paybackProbability: paysBack[j]! / n } : {}),
    };
  });
  const out = all.filter((r): r is RouteUncertainty => r !== undefined);
  if (out.length === 0) throw new RoutefitError('invalid_input', `no route could be priced in any sample: ${unpricedInEverySample[0]?.reason ?? invalidReason}`, { field: 'routes' });
  out.sort((a, b) => b.winProbability - a.winProbability || a.lcpr.p50 - b.lcpr.p50 || a.route.localeCompare(b.route));
  const recommended = out[0]!.winProbability > 0 ? out[0]!.route : undefined;
  const notes: string[] = [];
  if (recommended && point.cheapestByLcpr && recommended !== point.cheapestByLcpr) {
    notes.push(`the point estimate's cheapest route (${point.cheapestByLcpr}) is not the one most often cheapest under uncertainty (${recommended})`);
  }
  if (varied.length === 0) notes.push('no input has a spread: every sample equals the point estimate');
  if (routes.some((r) => r.engineeringHoursPerMonth !== undefined)) {
    notes.push('routes that set their own engineering_hours_per_month keep it fixed; the workload-level spread does not move it');
  }
  if (point.unpriced.length) notes.push(`unpriced at the point estimate: ${point.unpriced.map((u) => u.route).join(', ')}`);
  const edge = out.filter((r) => {
    const w = r.lcpr.p90 - r.lcpr.p10;
    return w > 0 && (r.pointLcpr < r.lcpr.p10 + 0.15 * w || r.pointLcpr > r.lcpr.p90 - 0.15 * w);
  });
  if (edge.length) {
    notes.push(
      `the point estimate of ${edge.map((r) => r.route).join(', ')} sits near an edge of its P10–P90 band: LCPR divides by the pass rate and grows with retries and volume steps, so spreads that bracket each input still skew LCPR; the point estimate prices every input at its value, it is not the median`,
    );
  }
  for (const u of unpricedInEverySample) notes.push(`${u.route} could not be priced in any sample (${u.reason}); it has no band and never counts as cheapest`);
  if (undecided > 0) {
    const sum = out.reduce((s, r) => s + r.winProbability, 0);
    notes.push(
      `${undecided.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} samples could not price every route (${undecidedReason}): they count as a win for no route, so the win probabilities sum to ${(sum * 100).toFixed(1)}% and the chance of a wrong pick includes them`,
    );
  }
  const cacheHit = vars.find((v) => v.routeIndex < 0 && v.lever.key === 'cacheHitRate');
  if (cacheHit && (cacheHit.value > 0 || cacheHit.distribution.kind !== 'point')) {
    const bare = routes.filter((r) => r.billing === 'tokens' && !r.price.cachedInput).map((r) => r.id);
    if (bare.length) notes.push(`${bare.join(', ')} ${bare.length === 1 ? 'has' : 'have'} no cached-input price: cached tokens are billed at the input price, as a provider without a cache discount bills them`);
  }

  const voi = valueOfInformation(varied.map((v, k) => ({ v, u: drawn[k]! })), winner, monthly, wins, n);
  return {
    samples: n,
    seed,
    routes: out,
    ...(recommended ? { recommended } : {}),
    ...(point.cheapestByLcpr ? { pointCheapest: point.cheapestByLcpr } : {}),
    wrongPickProbability: 1 - out[0]!.winProbability,
    invalidSamples: invalid,
    ...(invalidReason ? { invalidReason } : {}),
    undecidedSamples: undecided,
    ...(undecidedReason ? { undecidedReason } : {}),
    unpricedInEverySample,
    inputs: vars.map(({ lever: _l, routeIndex: _r, ...rest }) => rest),
    correlations: opts.correlations ?? [],
    valueOfInformation: voi,
    ...(migration ? { migration } : {}),
    notes,
  };
}

/** Every input the routes use, in a fixed order: workload inputs, then each route's own. */
function variables(profile: WorkloadProfile, routes: readonly RouteSpec[], point: Comparison, opts: MonteCarloOptions): Variable[] {
  const out: Variable[] = [];
  const conf = { ...opts, defaults: opts.defaultSpreads ?? true };
  for (const lever of LEVERS.filter((l) => l.scope === 'workload')) {
    const s = readLever(lever, profile);
    if (!s) continue;
    const r = resolveInput(lever.name, s, lever.bounds, conf);
    out.push({ ...describe(s, r), id: lever.key, name: lever.name, lever, routeIndex: -1 });
  }
  routes.forEach((route, j) => {
    // Only the prices and GPU figures the route's LCPR used (a cached-input price is moot without cache hits).
    const used = point.routes.find((r) => r.route === route.id)?.inputs ?? {};
    for (const lever of LEVERS.filter((l) => appliesTo(l, route))) {
      // Route levers the LCPR used, and the route's own values of workload inputs (per-route overrides).
      const s = lever.scope === 'workload' ? routeOwnValue(lever, route) : readLever(lever, profile, route);
      if (!s || (lever.scope === 'route' && !(lever.key in used))) continue;
      const r = resolveInput(`${route.id}:${lever.name}`, s, lever.bounds, conf);
      out.push({ ...describe(s, r), id: `${route.id}:${lever.key}`, name: lever.name, route: route.id, lever, routeIndex: j });
    }
  });
  return out;
}

function describe(s: { value: number; evidence: Evidence }, r: ReturnType<typeof resolveInput>) {
  return {
    value: s.value,
    evidence: s.evidence,
    status: r.status,
    statusReason: r.statusReason,
    unmeasured: r.unmeasured,
    distribution: r.distribution,
    description: describeDistribution(r.distribution),
    basis: r.basis,
  };
}

/**
 * Gaussian copula: correlated standard normals (Cholesky of the declared correlations), mapped back to
 * uniforms, so each input keeps its own distribution while moving with its partner.
 */
function correlationPlan(vars: Variable[], correlations: Correlation[]): ((u: Float64Array) => void) | undefined {
  if (correlations.length === 0) return undefined;
  const idx: number[] = [];
  const pairs: [number, number, number][] = [];
  for (const c of correlations) {
    requireInRange(`correlation ${c.inputs.join('~')}`, c.rho, { min: -1, max: 1 });
    const ks = c.inputs.map((name) => {
      const lever = findLever(name);
      const k = vars.findIndex((v) => v.routeIndex < 0 && v.lever.key === lever.key);
      if (k < 0) throw new RoutefitError('invalid_input', `correlation names ${lever.name}, which this workload does not set`, { field: 'correlations' });
      if (!idx.includes(k)) idx.push(k);
      return idx.indexOf(k);
    }) as [number, number];
    if (ks[0] === ks[1]) throw new RoutefitError('invalid_input', `correlation pairs ${c.inputs[0]} with itself`, { field: 'correlations' });
    pairs.push([ks[0], ks[1], c.rho]);
  }
  const m: number[][] = idx.map((_, i) => idx.map((__, j) => (i === j ? 1 : 0)));
  for (const [a, b, rho] of pairs) {
    m[a]![b] = rho;
    m[b]![a] = rho;
  }
  const l = cholesky(m, idx.map((k) => vars[k]!.name));
  const z = new Float64Array(idx.length);
  return (u) => {
    for (let a = 0; a < idx.length; a++) z[a] = normalQuantile(Math.min(Math.max(u[idx[a]!]!, 1e-12), 1 - 1e-12));
    for (let a = 0; a < idx.length; a++) {
      let s = 0;
      for (let b = 0; b <= a; b++) s += l[a]![b]! * z[b]!;
      u[idx[a]!] = Math.min(normalCdf(s), 1 - 1e-12);
    }
  };
}

/** The priced samples, sorted ascending (NaN marks a sample where the route could not be priced). */
function finite(a: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]!)) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]!)) out[k++] = a[i]!;
  return out.sort();
}

/** Percentile of sorted data with linear interpolation between order statistics (Hyndman–Fan type 7). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function band(sorted: Float64Array): Band {
  let sum = 0;
  for (const x of sorted) sum += x;
  return { p10: percentile(sorted, 0.1), p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), mean: sorted.length ? sum / sorted.length : NaN };
}

/**
 * Value of information by binning: if an input were known, the team would pick the route most often
 * cheapest given that input. Samples are split into equal-probability bins of the input (by the uniform
 * it was drawn from: the quantile function is monotone, so these are its quantile bins); the chance of
 * a wrong pick after measuring is 1 − Σ_bins max_route wins ÷ N, and the regret avoided is the expected
 * value of partial perfect information in USD/month. Bins of a few hundred samples leave a small upward
 * bias (about 1 point at 10k samples): differences below that are noise.
 */
function valueOfInformation(
  varied: { v: Variable; u: Float64Array }[],
  winner: Int32Array,
  monthly: Float64Array[],
  wins: Int32Array,
  n: number,
): InformationValue[] {
  const R = monthly.length;
  let N = 0;
  for (let i = 0; i < n; i++) if (winner[i]! >= 0) N++;
  if (N === 0) return [];
  let best = 0;
  for (let j = 0; j < R; j++) best = Math.max(best, wins[j]!);
  const wrongNow = 1 - best / n;
  // Overspend of each route over the sample's cheapest, USD/month (unpriced: never a good choice).
  const over = monthly.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    if (winner[i]! < 0) continue;
    let m = Infinity;
    for (let j = 0; j < R; j++) if (monthly[j]![i]! < m) m = monthly[j]![i]!;
    for (let j = 0; j < R; j++) over[j]![i] = Number.isNaN(monthly[j]![i]!) ? Infinity : monthly[j]![i]! - m;
  }
  // Without information: the route with the lowest expected cost, for every sample.
  let regretNow = Infinity;
  for (let j = 0; j < R; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) if (winner[i]! >= 0) sum += over[j]![i]!;
    regretNow = Math.min(regretNow, sum / N);
  }
  const bins = Math.max(1, Math.min(20, Math.floor(N / 250)));
  const counts = new Float64Array(bins * R);
  const cost = new Float64Array(bins * R);
  const out = varied.map(({ v, u }) => {
    counts.fill(0);
    cost.fill(0);
    for (let i = 0; i < n; i++) {
      const w = winner[i]!;
      if (w < 0) continue;
      const b = Math.min(bins - 1, Math.floor(u[i]! * bins)) * R;
      counts[b + w]!++;
      for (let j = 0; j < R; j++) cost[b + j]! += over[j]![i]!;
    }
    let right = 0;
    let regretAfter = 0;
    for (let b = 0; b < bins * R; b += R) {
      let m = 0;
      let c = Infinity;
      for (let j = 0; j < R; j++) {
        m = Math.max(m, counts[b + j]!);
        c = Math.min(c, cost[b + j]!);
      }
      right += m;
      regretAfter += c;
    }
    // Samples with no priced route are wrong whatever is measured.
    const wrongAfter = 1 - right / n;
    return {
      id: v.id,
      name: v.name,
      ...(v.route ? { route: v.route } : {}),
      status: v.status,
      unmeasured: v.unmeasured,
      wrongPickNow: wrongNow,
      wrongPickIfMeasured: wrongAfter,
      reduction: Math.max(0, wrongNow - wrongAfter),
      regretAvoidedPerMonth: Number.isFinite(regretNow) && Number.isFinite(regretAfter) ? Math.max(0, regretNow - regretAfter / N) : 0,
    };
  });
  out.sort((a, b) => b.reduction - a.reduction || b.regretAvoidedPerMonth - a.regretAvoidedPerMonth || a.id.localeCompare(b.id));
  return out;
}
