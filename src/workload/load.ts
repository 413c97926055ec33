import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { Sourced } from '../engine/evidence.js';
import type { WorkloadProfile } from '../engine/cost/lcpr.js';
import type { Correlation } from '../engine/uncertainty/monte-carlo.js';
import { InputFileError, type YamlSource, locate, parseYaml, pathToField, readYaml, validate } from '../io/yaml-file.js';
import { FLEET_ONLY_KEYS, type FleetInput, type WorkloadInput, fleetSchema, routeEntry, singleWorkloadSchema } from './schema.js';
import { WORKLOAD_FIELDS } from './fields.js';
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
  /** The file as a fleet: a single-workload file is a fleet of one (its facts at the top, its workload in `workloads[0]`). */
  input: FleetInput;
  /** Where workload i sits in the file: `['workloads', i]`, or `[]` for a single-workload file. */
  pathOf: (i: number) => (string | number)[];
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
  const fallbackName = basename(src.file).replace(/\.(ya?ml)$/i, '');
  if (!['workloads', 'requests_per_month', 'input_tokens', 'routes'].some((k) => k in data)) {
    const holds = 'tco' in data ? 'TCO facts only (routefit tco reads them)' : 'agent' in data ? 'an agent workflow only (routefit agent reads it)' : 'vendors' in data || 'vendor_requirements' in data ? 'vendor facts only (routefit scorecard reads them)' : 'no workload';
    throw new InputFileError(src.file, [{ line: 1, message: `needs a workload: this file holds ${holds}; add requests_per_month, input_tokens and routes (or workloads: [...]) to price it; nothing was priced` }]);
  }

  if ('workloads' in data) {
    const fleet = validate(src, fleetSchema);
    const workloads = fleet.workloads.map((w, i) => {
      const routes = w.routes ?? fleet.routes;
      if (!routes) {
        throw new InputFileError(src.file, [{ ...locate(src, ['workloads', i]), field: `workloads[${i}].routes`, message: 'no routes: list routes on the workload or at the top of the fleet file' }]);
      }
      const routePath = (j: number): (string | number)[] => (w.routes ? ['workloads', i, 'routes', j] : ['routes', j]);
      return toLoaded(w, `${fallbackName}-${i + 1}`, ['workloads', i], routes, routePath, w.as_of ?? fleet.as_of);
    });
    const names = new Set<string>();
    workloads.forEach((w, i) => {
      if (names.has(w.name)) throw new InputFileError(src.file, [{ ...locate(src, ['workloads', i, 'name']), field: `workloads[${i}].name`, message: `duplicate workload name "${w.name}"` }]);
      names.add(w.name);
    });
    duplicateRoutes(src, workloads);
    return { file: src.file, source: src, workloads, input: fleet, pathOf: (i) => ['workloads', i], ...measuredFrom(src.file, fleet.measured_from ?? fleet.workloads.find((w) => w.measured_from)?.measured_from) };
  }
  const w = validate(src, singleWorkloadSchema);
  if (!w.routes) throw new InputFileError(src.file, [{ line: 1, field: 'routes', message: 'missing required key: list the routes to compare (e.g. - openai/gpt-5.5)' }]);
  const workloads = [toLoaded(w, fallbackName, [], w.routes, (j) => ['routes', j], w.as_of)];
  duplicateRoutes(src, workloads);
  // A fleet of one: the fleet-level facts stay at the top, the workload is the whole file.
  const workload: Record<string, unknown> = { ...w };
  const top: Record<string, unknown> = {};
  for (const k of FLEET_ONLY_KEYS) {
    if (workload[k] !== undefined) top[k] = workload[k];
    delete workload[k];
  }
  const input = { ...(w.name ? { name: w.name } : {}), ...top, workloads: [workload] } as FleetInput;
  return { file: src.file, source: src, workloads, input, pathOf: () => [], ...measuredFrom(src.file, w.measured_from) };
}

/** The same route listed twice in one workload would be priced and sampled twice: an error, located. */
function duplicateRoutes(src: YamlSource, workloads: LoadedWorkload[]): void {
  const problems: { line?: number; column?: number; field: string; message: string }[] = [];
  for (const w of workloads) {
    const seen = new Map<string, (string | number)[]>();
    for (const { entry, path } of w.routes) {
      const id = typeof entry === 'string' ? entry : (entry.label ?? entry.route);
      const first = seen.get(id);
      if (first) problems.push({ ...locate(src, path), field: pathToField(path), message: `duplicate route "${id}" in workload "${w.name}" (first at ${pathToField(first)}${locate(src, first) ? `, line ${locate(src, first)!.line}` : ''}); list each route once, or give the copies different labels` });
      else seen.set(id, path);
    }
  }
  if (problems.length) throw new InputFileError(src.file, problems);
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
  // Every registry field: the file's value, else its default (fields the engine counts as 0 when absent stay absent).
  const values: Record<string, Sourced> = {};
  for (const f of WORKLOAD_FIELDS) {
    const v = (w as Record<string, unknown>)[f.key] as Sourced | undefined;
    if (v !== undefined) values[f.name] = v;
    else if (f.default !== 'required' && !f.omittedWhenAbsent) values[f.name] = f.default;
  }
  const profile = {
    name: w.name ?? fallbackName,
    ...values,
    ...(w.cache_write_ttl ? { cacheWriteTtl: w.cache_write_ttl } : {}),
  } as WorkloadProfile;
  return {
    name: profile.name!,
    profile,
    ...(asOf ? { asOf } : {}),
    ...(w.correlations ? { correlations: w.correlations } : {}),
    routes: routes.map((entry, j) => ({ entry, path: routePath(j) })),
    path,
  };
}
