import type { Bounds } from './distributions.js';
import { type Sourced, sourced } from '../evidence.js';
import { RoutefitError } from '../errors.js';
import type { RouteOverrides, RouteSpec, WorkloadProfile } from '../cost/lcpr.js';
import { FIELDS } from '../../workload/fields.js';

/**
 * A lever: one numeric input of the LCPR model that sensitivity, sweeps and Monte Carlo can move.
 * Workload levers live on the profile and move every route; route levers live on one route.
 * Bounds are the ones computeLcpr validates, so a moved value is always a valid input.
 */
export interface Lever {
  /** The engine's name: `retryRate`, `price.output`, `utilization`. */
  key: string;
  /** The name users type (the file's snake_case key). */
  name: string;
  scope: 'workload' | 'route';
  bounds: Bounds;
  unit: string;
}

type WorkloadKey = Exclude<keyof WorkloadProfile, 'name' | 'cacheWriteTtl'>;

/** Every registry field marked `lever` (src/workload/fields.ts): its bounds are the ones computeLcpr checks. */
export const LEVERS: readonly Lever[] = FIELDS.filter((f) => 'lever' in f && f.lever).map((f) => ({
  key: f.name,
  name: 'leverName' in f ? f.leverName : f.key,
  scope: f.scope,
  bounds: f.bounds,
  unit: f.unit,
}));

/** Finds a lever by its snake_case or camelCase name; unknown names list the allowed ones. */
export function findLever(name: string): Lever {
  const lever = LEVERS.find((l) => l.name === name || l.key === name);
  if (!lever) {
    throw new RoutefitError('invalid_input', `unknown input "${name}"; allowed ${LEVERS.map((l) => l.name).join(', ')}`, {
      field: 'lever',
      allowed: LEVERS.map((l) => l.name).join(', '),
    });
  }
  return lever;
}

type PriceKey = 'input' | 'output' | 'cachedInput';
const priceKey = (lever: Lever) => lever.key.slice('price.'.length) as PriceKey;

/**
 * The route's own value of a workload input (a per-route `quality_pass_rate`, `retry_rate` … or its
 * own engineering hours), which wins over the workload's on that route; undefined when it has none.
 */
export function routeOwnValue(lever: Lever, route: RouteSpec): Sourced | undefined {
  if (lever.scope !== 'workload') return undefined;
  const q = lever.key === 'engineeringHoursPerMonth' ? route.engineeringHoursPerMonth : route.overrides?.[lever.key as keyof RouteOverrides];
  return q === undefined ? undefined : sourced(q);
}

/** The lever's current value on a profile/route (the route's own value first), or undefined when that input is not set (or not on this kind of route). */
export function readLever(lever: Lever, profile: WorkloadProfile, route?: RouteSpec): Sourced | undefined {
  if (lever.scope === 'workload') {
    const own = route ? routeOwnValue(lever, route) : undefined;
    if (own) return own;
    const q = profile[lever.key as WorkloadKey];
    return q === undefined ? undefined : sourced(q);
  }
  if (!route) return undefined;
  if (lever.key.startsWith('price.')) {
    return route.billing === 'tokens' ? route.price[priceKey(lever)] : undefined;
  }
  if (route.billing !== 'gpu') return undefined;
  const q = lever.key === 'gpuHourly' ? route.gpuHourly : lever.key === 'utilization' ? route.utilization : route.throughputTokensPerSecond;
  return sourced(q);
}

/** Whether the lever means anything for this route (a GPU lever on a token route does not). */
export function appliesTo(lever: Lever, route: RouteSpec): boolean {
  if (lever.scope === 'workload') return true;
  return lever.key.startsWith('price.') ? route.billing === 'tokens' : route.billing === 'gpu';
}

/** A copy of the profile with the lever set to `value`, keeping the input's evidence and source. */
export function setWorkloadLever(lever: Lever, profile: WorkloadProfile, value: number): WorkloadProfile {
  const key = lever.key as WorkloadKey;
  const q = profile[key];
  const s: Sourced = q === undefined ? { value, evidence: 'assumed', source: 'sensitivity' } : { ...sourced(q), value };
  return { ...profile, [key]: s };
}

/**
 * A copy of the route with the lever set to `value`; routes the lever does not apply to come back
 * unchanged. A workload lever moves the route's own value of that input, when it has one.
 */
export function setRouteLever(lever: Lever, route: RouteSpec, value: number): RouteSpec {
  if (lever.scope === 'workload') {
    const own = routeOwnValue(lever, route);
    if (!own) return route;
    const next: Sourced = { ...own, value };
    return lever.key === 'engineeringHoursPerMonth' ? { ...route, engineeringHoursPerMonth: next } : { ...route, overrides: { ...route.overrides, [lever.key]: next } };
  }
  if (!appliesTo(lever, route)) return route;
  if (route.billing === 'tokens') {
    const k = priceKey(lever);
    const prev = route.price[k];
    const next: Sourced = prev ? { ...prev, value } : { value, evidence: 'assumed', source: 'sensitivity' };
    return { ...route, price: { ...route.price, [k]: next } };
  }
  const k = lever.key as 'gpuHourly' | 'utilization' | 'throughputTokensPerSecond';
  return { ...route, [k]: { ...sourced(route[k]), value } };
}

/** Profile and routes with the lever at `value`: a workload lever moves the profile, a route lever every route it applies to. */
export function withLever(lever: Lever, value: number, profile: WorkloadProfile, routes: readonly RouteSpec[]): { profile: WorkloadProfile; routes: RouteSpec[] } {
  if (lever.scope === 'workload') return { profile: setWorkloadLever(lever, profile, value), routes: [...routes] };
  return { profile, routes: routes.map((r) => setRouteLever(lever, r, value)) };
}

/** One route priced with the lever at `value`: where the route has its own value of a workload input, that value moves (it is the one its LCPR uses). */
export function leverOn(lever: Lever, value: number, profile: WorkloadProfile, route: RouteSpec): { profile: WorkloadProfile; route: RouteSpec } {
  if (lever.scope === 'workload' && !routeOwnValue(lever, route)) return { profile: setWorkloadLever(lever, profile, value), route };
  return { profile, route: setRouteLever(lever, route, value) };
}
