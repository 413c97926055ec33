import type { ConfidenceOptions } from './confidence.js';
import { quantile, resolveInput } from './distributions.js';
import type { Evidence } from '../evidence.js';
import { RoutefitError, requireInRange } from '../errors.js';
import { type RouteResult, type RouteSpec, type WorkloadProfile, computeLcpr } from '../cost/lcpr.js';
import { LEVERS, type Lever, appliesTo, findLever, leverOn, readLever } from './levers.js';

/** An explicit low/high for one lever (e.g. from `--vary retry_rate=0:0.3:0.05`). */
export interface LeverRange {
  lever: string;
  low: number;
  high: number;
}

export interface TornadoBar {
  lever: string;
  name: string;
  scope: Lever['scope'];
  /** The input's value in the workload/route. */
  base: number;
  low: number;
  high: number;
  lcprAtLow: number;
  lcprAtHigh: number;
  /** |LCPR at high − LCPR at low|: the tornado ranks by this. */
  swing: number;
  /** swing ÷ base LCPR. */
  swingShare: number;
  evidence: Evidence;
  /** Where low/high came from: the caller's range, or the P10/P90 of the input's spread. */
  rangeFrom: 'given' | 'spread';
  basis: string;
}

export interface RouteTornado {
  route: string;
  baseLcpr: number;
  /** Largest swing first. */
  bars: TornadoBar[];
  /** Inputs that could not be moved on this route, with why. */
  skipped: { lever: string; reason: string }[];
}

export interface SensitivityOptions extends ConfidenceOptions {
  /** Explicit ranges; other inputs swing between the P10 and P90 of their spread. */
  ranges?: LeverRange[];
  /** Only these levers (names or keys); default every input the workload/route sets, plus those in `ranges`. */
  levers?: string[];
  /** Only these routes. */
  routes?: string[];
}

/**
 * One-at-a-time sensitivity with a tornado ranking (Inference Field Guide, Part 0, "The numbers change when
 * reliability changes"): each input moves alone from low to high while the others stay at their
 * values, and computeLcpr prices the route at both ends.
 */
export function tornado(profile: WorkloadProfile, routes: readonly RouteSpec[], opts: SensitivityOptions = {}): RouteTornado[] {
  const given = new Map<string, LeverRange>();
  for (const r of opts.ranges ?? []) {
    const lever = findLever(r.lever);
    if (!(r.low <= r.high)) throw new RoutefitError('invalid_input', `${lever.name}: low ${r.low} is above high ${r.high}`, { field: lever.name, allowed: 'low ≤ high' });
    requireInRange(`${lever.name} low`, r.low, lever.bounds);
    requireInRange(`${lever.name} high`, r.high, lever.bounds);
    given.set(lever.key, r);
  }
  const only = opts.levers?.map((n) => findLever(n).key);
  const levers = LEVERS.filter((l) => (only ? only.includes(l.key) : true));
  const chosen = opts.routes ? routes.filter((r) => opts.routes!.includes(r.id)) : routes;
  if (opts.routes) {
    const missing = opts.routes.filter((id) => !routes.some((r) => r.id === id));
    if (missing.length) throw new RoutefitError('unknown_route', `no priced route ${missing.map((m) => `"${m}"`).join(', ')} in this workload`, { field: 'route' });
  }

  return chosen.map((route) => {
    const base = computeLcpr(profile, route, { explain: false });
    const bars: TornadoBar[] = [];
    const skipped: RouteTornado['skipped'] = [];
    for (const lever of levers) {
      if (!appliesTo(lever, route)) continue;
      const current = readLever(lever, profile, route);
      const range = given.get(lever.key);
      if (!current && !range) continue;
      const s = current ?? { value: 0, evidence: 'assumed' as const };
      let low: number;
      let high: number;
      let basis: string;
      if (range) {
        low = range.low;
        high = range.high;
        basis = `given ${low}–${high}`;
      } else {
        const r = resolveInput(lever.name, s, lever.bounds, opts);
        low = quantile(r.distribution, 0.1);
        high = quantile(r.distribution, 0.9);
        basis = `P10–P90 of ${r.basis}`;
      }
      try {
        const at = (v: number) => price(lever, v, profile, route);
        const lcprAtLow = at(low).lcpr;
        const lcprAtHigh = at(high).lcpr;
        const swing = Math.abs(lcprAtHigh - lcprAtLow);
        bars.push({
          lever: lever.key,
          name: lever.name,
          scope: lever.scope,
          base: s.value,
          low,
          high,
          lcprAtLow,
          lcprAtHigh,
          swing,
          swingShare: swing / base.lcpr,
          evidence: s.evidence,
          rangeFrom: range ? 'given' : 'spread',
          basis,
        });
      } catch (err) {
        if (!(err instanceof RoutefitError)) throw err;
        skipped.push({ lever: lever.name, reason: err.message });
      }
    }
    bars.sort((a, b) => b.swing - a.swing || a.name.localeCompare(b.name));
    return { route: route.id, baseLcpr: base.lcpr, bars, skipped };
  });
}

function price(lever: Lever, value: number, profile: WorkloadProfile, route: RouteSpec): RouteResult {
  // A route's own value of a workload input is the one its LCPR uses: that is what moves (levers.ts).
  const at = leverOn(lever, value, profile, route);
  return computeLcpr(at.profile, at.route, { explain: false });
}
