import { RoutefitError } from '../errors.js';
import { type LcprOptions, type RouteResult, type RouteSpec, type WorkloadProfile, computeLcpr } from './lcpr.js';

/** A route the engine could not price, with the reason — shown, never dropped or costed at $0. */
export interface RouteFailure {
  route: string;
  code: RoutefitError['code'];
  message: string;
  field?: string;
}

export interface Comparison {
  workload: string;
  /** Priced routes, cheapest LCPR first. */
  routes: RouteResult[];
  unpriced: RouteFailure[];
  cheapestByRaw?: string;
  cheapestByLcpr?: string;
  /** True when the cheapest route by pricing-page arithmetic is not the cheapest by LCPR. */
  rankingsDisagree: boolean;
}

/** Prices every route for one workload; a route that cannot be priced becomes an `unpriced` entry. */
export function compareRoutes(profile: WorkloadProfile, routes: readonly RouteSpec[], opts: LcprOptions = {}): Comparison {
  const priced: RouteResult[] = [];
  const unpriced: RouteFailure[] = [];
  for (const route of routes) {
    try {
      priced.push(computeLcpr(profile, route, opts));
    } catch (err) {
      // Workload-level input errors apply to every route: let them surface once, as errors.
      if (err instanceof RoutefitError && (err.code === 'missing_price' || err.code === 'over_capacity' || isRouteField(err.field))) {
        unpriced.push({ route: route.id, code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) });
      } else {
        throw err;
      }
    }
  }
  priced.sort((a, b) => a.lcpr - b.lcpr || a.route.localeCompare(b.route));
  const byRaw = [...priced].sort((a, b) => a.rawCostPerRequest - b.rawCostPerRequest || a.route.localeCompare(b.route))[0];
  const byLcpr = priced[0];
  return {
    workload: profile.name ?? 'workload',
    routes: priced,
    unpriced,
    ...(byRaw ? { cheapestByRaw: byRaw.route } : {}),
    ...(byLcpr ? { cheapestByLcpr: byLcpr.route } : {}),
    rankingsDisagree: byRaw !== undefined && byLcpr !== undefined && byRaw.route !== byLcpr.route,
  };
}

const ROUTE_FIELDS = new Set(['throughputTokensPerSecond', 'utilization', 'gpuHourlyRate', 'gpus', 'prefillEfficiency']);
function isRouteField(field: string | undefined): boolean {
  return field !== undefined && (ROUTE_FIELDS.has(field) || field.startsWith('price.'));
}

export interface BlendedRoute {
  route: string;
  /** Σ monthly cost ÷ Σ accepted requests across the workloads that priced this route. */
  lcpr: number;
  monthlyCost: number;
  acceptedRequestsPerMonth: number;
  workloads: string[];
}

export const BLEND_WARNING =
  'A blended LCPR hides workload variation: a cheap chat workload can mask an expensive extraction one. Decide per workload (Inference Field Guide, Part 0, "Three ways LCPR lies to you", #3).';

/** Volume-weighted LCPR per route across a fleet (Inference Field Guide, Part 0: "run each workload profile separately, then weight by volume"). */
export function blendComparisons(comparisons: readonly Comparison[]): { routes: BlendedRoute[]; warning: string } {
  const acc = new Map<string, BlendedRoute>();
  for (const c of comparisons) {
    for (const r of c.routes) {
      const b = acc.get(r.route) ?? { route: r.route, lcpr: 0, monthlyCost: 0, acceptedRequestsPerMonth: 0, workloads: [] };
      b.monthlyCost += r.monthlyCost;
      b.acceptedRequestsPerMonth += r.acceptedRequestsPerMonth;
      b.workloads.push(c.workload);
      acc.set(r.route, b);
    }
  }
  const routes = [...acc.values()].map((b) => ({ ...b, lcpr: b.monthlyCost / b.acceptedRequestsPerMonth }));
  routes.sort((a, b) => a.lcpr - b.lcpr);
  return { routes, warning: BLEND_WARNING };
}
