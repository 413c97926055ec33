import type { Catalog } from '../catalog/types.js';
import { type RouteRequest, resolveRoute } from '../catalog/resolve.js';
import { RoutefitError } from '../engine/errors.js';
import { type Comparison, type RouteFailure, compareRoutes } from '../engine/cost/compare.js';
import type { RouteOverrides, RouteSpec, WorkloadProfile } from '../engine/cost/lcpr.js';
import type { Correlation } from '../engine/uncertainty/monte-carlo.js';
import { InputFileError, type Problem, locate } from '../io/yaml-file.js';
import { DEFAULTS, isDefault } from './defaults.js';
import { PER_ROUTE_FIELDS } from './fields.js';
import { ENGINEERING_HOURS } from '../engine/cost/engineering-hours.js';
import { type Sourced, sourced } from '../engine/evidence.js';
import type { LoadedFile, LoadedWorkload } from './load.js';

export interface PreparedWorkload {
  name: string;
  profile: WorkloadProfile;
  asOf: string;
  routes: RouteSpec[];
  /** Routes the catalog cannot price on that date, with the reason. */
  unpriced: RouteFailure[];
  /** Inputs declared to move together in the Monte Carlo (issue 6). */
  correlations?: Correlation[];
}

export interface PrepareOptions {
  /** Date to price at when neither the command line nor the file says (the surface passes today). */
  today: string;
  /** --as-of: overrides every date in the file. */
  asOf?: string;
  /** --routes: keep only these route ids (as written in the file or canonical). */
  routes?: string[];
  /** Workload fields set on the command line (engine name → value): they replace the file's for every workload. */
  fields?: Record<string, Sourced>;
}

/** Resolves every workload's routes against the catalog. Unknown routes and bad route fields are file errors. */
export function prepareWorkloads(loaded: LoadedFile, catalog: Catalog, opts: PrepareOptions): PreparedWorkload[] {
  const problems: Problem[] = [];
  const prepared = loaded.workloads.map((w) => prepareOne(loaded, w, catalog, opts, problems));
  if (problems.length) throw new InputFileError(loaded.file, problems);
  if (opts.routes?.length) {
    const seen = new Set(prepared.flatMap((p) => [...p.routes.map((r) => r.id), ...p.unpriced.map((u) => u.route)]));
    const missing = opts.routes.filter((r) => !seen.has(r));
    if (missing.length) {
      throw new InputFileError(loaded.file, [{ message: `--routes names ${missing.map((m) => `"${m}"`).join(', ')}, which the file does not list` }]);
    }
  }
  return prepared;
}

function prepareOne(loaded: LoadedFile, w: LoadedWorkload, catalog: Catalog, opts: PrepareOptions, problems: Problem[]): PreparedWorkload {
  const asOf = opts.asOf ?? w.asOf ?? opts.today;
  const profile = opts.fields && Object.keys(opts.fields).length ? ({ ...w.profile, ...opts.fields } as WorkloadProfile) : w.profile;
  const routes: RouteSpec[] = [];
  const unpriced: RouteFailure[] = [];
  for (const { entry, path } of w.routes) {
    const req = toRequest(entry, opts.asOf ?? (typeof entry === 'string' ? undefined : entry.as_of) ?? asOf);
    try {
      const spec = withModeHours(resolveRoute(catalog, req, { utilization: DEFAULTS.utilization }), profile);
      if (opts.routes?.length && !opts.routes.includes(spec.id) && !opts.routes.includes(req.id)) continue;
      routes.push(spec);
    } catch (err) {
      if (!(err instanceof RoutefitError)) throw err;
      if (opts.routes?.length && !opts.routes.includes(req.id)) continue;
      if (err.code === 'missing_price') {
        unpriced.push({ route: req.id, code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) });
      } else {
        const fieldPath = typeof entry === 'string' ? path : [...path, err.code === 'unknown_route' ? 'route' : snake(err.field ?? 'route')];
        problems.push({ ...locate(loaded.source, fieldPath), field: fieldPathText(fieldPath), message: err.message });
      }
    }
  }
  return { name: w.name, profile, asOf, routes, unpriced, ...(w.correlations ? { correlations: w.correlations } : {}) };
}

/**
 * Self-managed and managed-dedicated routes take the engineering hours of their mode (Inference Field
 * Guide, Part 1, "The engineering hours reality") when neither the route nor the workload states hours:
 * the workload default of 8 h is an API workload's. Labelled estimated, with the band as its range.
 */
function withModeHours(spec: RouteSpec, profile: PreparedWorkload['profile']): RouteSpec {
  if (spec.engineeringHoursPerMonth !== undefined || !isDefault(sourced(profile.engineeringHoursPerMonth))) return spec;
  if (spec.mode !== 'self_managed' && spec.mode !== 'managed_dedicated') return spec;
  const band = ENGINEERING_HOURS[spec.mode]!;
  const [lo, hi] = band.monthlyHours;
  return {
    ...spec,
    engineeringHoursPerMonth: {
      value: (lo + hi) / 2,
      evidence: 'estimated',
      source: `routefit default: Inference Field Guide, Part 1 (${spec.mode.replace('_', '-')} takes ${lo}-${hi} h/month, ${band.source}; midpoint)`,
      uncertainty: { range: [lo, hi] },
    },
  };
}

function toRequest(entry: string | Exclude<LoadedWorkload['routes'][number]['entry'], string>, asOf: string): RouteRequest {
  if (typeof entry === 'string') return { id: entry, asOf };
  const p = entry.price;
  // The route's own values of workload inputs (registry fields marked perRoute), each with its evidence label.
  const overrides: RouteOverrides = {};
  for (const f of PER_ROUTE_FIELDS) {
    const v = (entry as Record<string, unknown>)[f.key] as Sourced | undefined;
    if (v !== undefined && f.name !== 'engineeringHoursPerMonth') overrides[f.name as keyof RouteOverrides] = v;
  }
  return {
    id: entry.route,
    asOf,
    ...(entry.label ? { label: entry.label } : {}),
    ...(entry.mode ? { mode: entry.mode } : {}),
    ...(p
      ? {
          price: {
            ...(p.input ? { input: p.input } : {}),
            ...(p.output ? { output: p.output } : {}),
            ...(p.cached_input ? { cachedInput: p.cached_input } : {}),
            ...(p.batch_input ? { batchInput: p.batch_input } : {}),
            ...(p.batch_output ? { batchOutput: p.batch_output } : {}),
            ...(p.gpu_hourly ? { gpuHourly: p.gpu_hourly } : {}),
          },
        }
      : {}),
    ...(entry.serves ? { serves: entry.serves } : {}),
    ...(entry.precision ? { precision: entry.precision } : {}),
    ...(entry.utilization ? { utilization: entry.utilization } : {}),
    ...(entry.throughput_tokens_per_second ? { throughputTokensPerSecond: entry.throughput_tokens_per_second } : {}),
    ...(entry.gpus !== undefined ? { gpus: entry.gpus } : {}),
    ...(entry.prefill_efficiency ? { prefillEfficiency: entry.prefill_efficiency } : {}),
    ...(entry.term ? { term: entry.term } : {}),
    ...(entry.engineering_hours_per_month ? { engineeringHoursPerMonth: entry.engineering_hours_per_month } : {}),
    ...(Object.keys(overrides).length ? { overrides } : {}),
  };
}

/** camelCase engine field → the file's snake_case key. */
export function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function fieldPathText(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');
}

/** One prepared workload priced: its routes compared, the routes the catalog could not resolve listed first as unpriced (every surface prices this way). */
export function pricePrepared(p: PreparedWorkload): { prepared: PreparedWorkload; comparison: Comparison } {
  const comparison = compareRoutes(p.profile, p.routes);
  comparison.unpriced.unshift(...p.unpriced);
  return { prepared: p, comparison };
}
