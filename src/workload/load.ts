import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { Sourced } from '../engine/evidence.js';
import type { WorkloadProfile } from '../engine/cost/lcpr.js';
import type { Correlation } from '../engine/uncertainty/monte-carlo.js';
import { InputFileError, type YamlSource, parseYaml, readYaml, validate } from '../io/yaml-file.js';
import { DEFAULTS } from './defaults.js';
import { FLEET_KEYS, ROUTE_KEYS, WORKLOAD_KEYS, type WorkloadInput, fleetSchema, routeEntry, workloadSchema } from './schema.js';
import type { z } from 'zod';

type RouteEntry = z.output<typeof routeEntry>;

/** One workload of a file, ready to be priced: the engine profile plus the routes it asks for. */
export interface LoadedWorkload {
  name: string;
  profile: WorkloadProfile;
  asOf?: string;
  /** Inputs declared to move together in the Monte Carlo (issue 6). */
  correlations?: Correlation[];
  routes: { entry: RouteEntry; path: (string | number)[] }[];
  /** Path of the workload in the file, for error locations. */
  path: (string | number)[];
}

export interface LoadedFile {
  file: string;
  source: YamlSource;
  workloads: LoadedWorkload[];
  /** `measured_from:` — a trace store path, resolved against the file's folder, or a ClickHouse URL (http[s]://…). */
  measuredFrom?: string;
}

/** Reads a workload or fleet file. Throws InputFileError naming file, line, field and allowed range. */
export function loadWorkloadFile(file: string): LoadedFile {
  return fromSource(readYaml(file));
}

export function parseWorkloadText(file: string, text: string): LoadedFile {
  return fromSource(parseYaml(file, text));
}

export function fromSource(src: YamlSource & { data: unknown }): LoadedFile {
  const data = src.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputFileError(src.file, [{ line: 1, message: 'expected a workload (requests_per_month, input_tokens, routes, …) or a fleet (workloads: [...])' }]);
  }
  const known = (path: readonly PropertyKey[]) => {
    const last = path[path.length - 1];
    if (path.length === 0) return 'workloads' in data ? FLEET_KEYS : WORKLOAD_KEYS;
    if (path.includes('routes') && typeof last === 'number') return ROUTE_KEYS;
    if (path[0] === 'workloads' && path.length === 2) return WORKLOAD_KEYS;
    if (last === 'price') return ['input', 'output', 'cached_input', 'batch_input', 'batch_output', 'gpu_hourly'];
    return [];
  };
  const fallbackName = basename(src.file).replace(/\.(ya?ml)$/i, '');

  if ('workloads' in data) {
    const fleet = validate(src, fleetSchema, known);
    const workloads = fleet.workloads.map((w, i) => {
      const routes = w.routes ?? fleet.routes;
      if (!routes) {
        throw new InputFileError(src.file, [{ field: `workloads[${i}].routes`, message: 'no routes: list routes on the workload or at the top of the fleet file' }]);
      }
      const routePath = (j: number): (string | number)[] => (w.routes ? ['workloads', i, 'routes', j] : ['routes', j]);
      return toLoaded(w, `${fallbackName}-${i + 1}`, ['workloads', i], routes, routePath, w.as_of ?? fleet.as_of);
    });
    const names = new Set<string>();
    workloads.forEach((w, i) => {
      if (names.has(w.name)) throw new InputFileError(src.file, [{ field: `workloads[${i}].name`, message: `duplicate workload name "${w.name}"` }]);
      names.add(w.name);
    });
    return { file: src.file, source: src, workloads, ...measuredFrom(src.file, fleet.measured_from ?? fleet.workloads.find((w) => w.measured_from)?.measured_from) };
  }
  const w = validate(src, workloadSchema, known);
  if (!w.routes) throw new InputFileError(src.file, [{ field: 'routes', message: 'missing required key: list the routes to compare (e.g. - openai/gpt-5.5)' }]);
  return { file: src.file, source: src, workloads: [toLoaded(w, fallbackName, [], w.routes, (j) => ['routes', j], w.as_of)], ...measuredFrom(src.file, w.measured_from) };
}

function measuredFrom(file: string, path: string | undefined): { measuredFrom?: string } {
  if (!path) return {};
  return { measuredFrom: isAbsolute(path) || /^https?:\/\//i.test(path) ? path : resolve(dirname(file), path) };
}

function toLoaded(
  w: WorkloadInput,
  fallbackName: string,
  path: (string | number)[],
  routes: RouteEntry[],
  routePath: (j: number) => (string | number)[],
  asOf: string | undefined,
): LoadedWorkload {
  const d = <T extends Sourced>(v: Sourced | undefined, fallback: T): Sourced => v ?? fallback;
  const profile: WorkloadProfile = {
    name: w.name ?? fallbackName,
    requestsPerMonth: w.requests_per_month,
    inputTokens: w.input_tokens,
    outputTokens: d(w.output_tokens, DEFAULTS.outputTokens),
    retryRate: d(w.retry_rate, DEFAULTS.retryRate),
    qualityPassRate: d(w.quality_pass_rate, DEFAULTS.qualityPassRate),
    repairCostPerFailure: d(w.repair_cost_per_failure, DEFAULTS.repairCostPerFailure),
    engineeringHoursPerMonth: d(w.engineering_hours_per_month, DEFAULTS.engineeringHoursPerMonth),
    engineeringHourlyRate: d(w.engineering_hourly_rate, DEFAULTS.engineeringHourlyRate),
    ...(w.cache_hit_rate ? { cacheHitRate: w.cache_hit_rate } : {}),
    ...(w.cache_write_rate ? { cacheWriteRate: w.cache_write_rate } : {}),
    ...(w.cache_write_ttl ? { cacheWriteTtl: w.cache_write_ttl } : {}),
    ...(w.batch_eligible_share ? { batchEligibleShare: w.batch_eligible_share } : {}),
    ...(w.eval_cost_per_month ? { evalCostPerMonth: w.eval_cost_per_month } : {}),
    ...(w.human_escalation_rate ? { humanEscalationRate: w.human_escalation_rate } : {}),
    ...(w.human_cost_per_escalation ? { humanCostPerEscalation: w.human_cost_per_escalation } : {}),
    ...(w.ops_cost_per_month ? { opsCostPerMonth: w.ops_cost_per_month } : {}),
    ...(w.invoice_delta_per_month ? { invoiceDeltaPerMonth: w.invoice_delta_per_month } : {}),
  };
  return {
    name: profile.name!,
    profile,
    ...(asOf ? { asOf } : {}),
    ...(w.correlations ? { correlations: w.correlations } : {}),
    routes: routes.map((entry, j) => ({ entry, path: routePath(j) })),
    path,
  };
}
