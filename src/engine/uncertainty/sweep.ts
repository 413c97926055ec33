import { type Comparison, type RouteFailure, compareRoutes } from '../cost/compare.js';
import { RoutefitError, requireInRange } from '../errors.js';
import type { RouteSpec, WorkloadProfile } from '../cost/lcpr.js';
import { type Lever, findLever, withLever } from './levers.js';

export interface SweepRoutePoint {
  route: string;
  rawCostPerRequest: number;
  lcpr: number;
  monthlyCost: number;
  gpus?: number;
}

export interface SweepPoint {
  value: number;
  /** Priced routes, cheapest LCPR first (compareRoutes' order). */
  routes: SweepRoutePoint[];
  unpriced: RouteFailure[];
  cheapest?: string;
}

/** Where the cheapest route changes between two grid points, located by bisection. */
export interface SweepCrossover {
  from: string;
  to: string;
  /** The grid points either side. */
  between: [number, number];
  /** The lever value where `to` becomes cheapest (within the bisection tolerance). */
  at: number;
}

export interface Sweep {
  lever: string;
  name: string;
  scale: 'linear' | 'log';
  points: SweepPoint[];
  crossovers: SweepCrossover[];
}

export interface SweepOptions {
  scale?: 'linear' | 'log';
  /** Bisection steps per crossover (each halves the bracket). */
  refine?: number;
}

/**
 * Prices every route at each value of one lever through compareRoutes and marks where the cheapest
 * route changes (Inference Field Guide, Part 0 "The I/O ratio matters"; Part 1 "Dedicated wins at scale; the
 * crossover is higher than most teams expect").
 */
export function sweep(profile: WorkloadProfile, routes: readonly RouteSpec[], leverName: string, values: readonly number[], opts: SweepOptions = {}): Sweep {
  const lever = findLever(leverName);
  if (values.length === 0) throw new RoutefitError('invalid_input', `${lever.name}: the sweep needs at least one value`, { field: lever.name });
  for (const v of values) requireInRange(lever.name, v, lever.bounds);
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const scale = opts.scale ?? 'linear';
  const at = (v: number) => compareRoutes(...args(lever, v, profile, routes), { explain: false });
  const points = sorted.map((v) => toPoint(v, at(v)));
  const crossovers: SweepCrossover[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (!a.cheapest || !b.cheapest || a.cheapest === b.cheapest) continue;
    crossovers.push(...locate(a, b, scale, opts.refine ?? 40, at));
  }
  return { lever: lever.key, name: lever.name, scale, points, crossovers };
}

function args(lever: Lever, v: number, profile: WorkloadProfile, routes: readonly RouteSpec[]): [WorkloadProfile, RouteSpec[]] {
  const w = withLever(lever, v, profile, routes);
  return [w.profile, w.routes];
}

function toPoint(value: number, c: Comparison): SweepPoint {
  return {
    value,
    routes: c.routes.map((r) => ({
      route: r.route,
      rawCostPerRequest: r.rawCostPerRequest,
      lcpr: r.lcpr,
      monthlyCost: r.monthlyCost,
      ...(r.gpu ? { gpus: r.gpu.count } : {}),
    })),
    unpriced: c.unpriced,
    ...(c.cheapestByLcpr ? { cheapest: c.cheapestByLcpr } : {}),
  };
}

/** Bisects between two grid points; the cheapest may change more than once inside, so both halves are kept when needed. */
function locate(a: SweepPoint, b: SweepPoint, scale: 'linear' | 'log', steps: number, at: (v: number) => Comparison): SweepCrossover[] {
  const mid = (x: number, y: number) => (scale === 'log' && x > 0 && y > 0 ? Math.sqrt(x * y) : (x + y) / 2);
  let lo = a.value;
  let hi = b.value;
  for (let i = 0; i < steps; i++) {
    const m = mid(lo, hi);
    if (m === lo || m === hi) break;
    const c = at(m);
    const w = c.cheapestByLcpr;
    if (w === a.cheapest) lo = m;
    else if (w === b.cheapest || w === undefined) hi = m;
    else {
      // A third route wins in between: split there and look for a change on each side.
      const inner = toPoint(m, c);
      return [...locate(a, inner, scale, steps - i - 1, at), ...locate(inner, b, scale, steps - i - 1, at)];
    }
  }
  return [{ from: a.cheapest!, to: b.cheapest!, between: [a.value, b.value], at: hi }];
}

/** lo, lo+step, …, hi (hi included even when the step does not land on it). */
export function linearGrid(lo: number, hi: number, step: number): number[] {
  if (!(step > 0) || !Number.isFinite(step)) throw new RoutefitError('invalid_input', `step is ${step}; allowed 0 < step`, { field: 'step', allowed: '0 < step' });
  if (!(lo <= hi)) throw new RoutefitError('invalid_input', `range ${lo}:${hi} runs backwards; allowed low ≤ high`, { field: 'range', allowed: 'low ≤ high' });
  const n = Math.floor((hi - lo) / step + 1e-9);
  if (n > 10_000) throw new RoutefitError('invalid_input', `range ${lo}:${hi} with step ${step} is ${n + 1} points; allowed at most 10,001`, { field: 'step' });
  const out: number[] = [];
  for (let i = 0; i <= n; i++) out.push(Number((lo + i * step).toPrecision(12)));
  if (out[out.length - 1]! < hi) out.push(hi);
  return out;
}

/** Log-spaced values from lo to hi with `perDecade` points per factor of ten (both ends included). */
export function logGrid(lo: number, hi: number, perDecade = 4): number[] {
  requireInRange('low', lo, { min: 0, minExclusive: true });
  requireInRange('high', hi, { min: lo });
  requireInRange('pointsPerDecade', perDecade, { min: 1, max: 100 });
  const n = Math.max(1, Math.round(Math.log10(hi / lo) * perDecade));
  const out: number[] = [];
  for (let i = 0; i <= n; i++) out.push(Number((lo * (hi / lo) ** (i / n)).toPrecision(6)));
  out[0] = lo;
  out[n] = hi;
  return out;
}

/** The output lengths of Inference Field Guide, Part 0's I/O-ratio table (classification, essay default, long-form, code gen). */
export const IO_RATIO_OUTPUT_TOKENS = [100, 400, 1000, 1500] as const;

/** Volume sweep, 10K → 100M requests/month by default (issue 6). */
export function sweepVolume(profile: WorkloadProfile, routes: readonly RouteSpec[], from = 1e4, to = 1e8, perDecade = 4): Sweep {
  return sweep(profile, routes, 'requestsPerMonth', logGrid(from, to, perDecade), { scale: 'log' });
}

/** Output-length sweep: a linear grid plus the I/O-ratio table's lengths that fall inside it. */
export function sweepOutputTokens(profile: WorkloadProfile, routes: readonly RouteSpec[], from = 100, to = 2000, step = 100): Sweep {
  const grid = linearGrid(from, to, step);
  const table = IO_RATIO_OUTPUT_TOKENS.filter((t) => t >= from && t <= to);
  return sweep(profile, routes, 'outputTokens', [...grid, ...table]);
}
