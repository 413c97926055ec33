import { type Quantity, type Sourced, sourced } from '../engine/evidence.js';
import { RoutefitError } from '../engine/errors.js';
import type { DeploymentMode, GpuRouteSpec, RouteOverrides, RouteSpec, TokenRouteSpec } from '../engine/cost/lcpr.js';
import type { TokenPriceSheet } from '../engine/cost/token-pricing.js';
import { findRoute, pointAt } from './lookup.js';
import type { Catalog, GpuSkuEntry } from './types.js';

/** A route as a workload asks for it: a catalog id plus optional overrides. */
export interface RouteRequest {
  id: string;
  label?: string;
  /** Price the route as of this date (YYYY-MM-DD). */
  asOf: string;
  mode?: DeploymentMode;
  price?: {
    input?: Quantity;
    output?: Quantity;
    cachedInput?: Quantity;
    batchInput?: Quantity;
    batchOutput?: Quantity;
    gpuHourly?: Quantity;
  };
  /** GPU routes: which model it serves (looks up throughput), at which precision. */
  serves?: string;
  precision?: string;
  utilization?: Quantity;
  throughputTokensPerSecond?: Quantity;
  gpus?: number;
  prefillEfficiency?: Quantity;
  /** GPU price term: on_demand (default), spot, or a reserved term named in the catalog. */
  term?: string;
  engineeringHoursPerMonth?: Quantity;
  overrides?: RouteOverrides;
}

export interface ResolveDefaults {
  /** Planned GPU utilization when the route does not say (Inference Field Guide, Part 0: 40%, industry estimate). */
  utilization: Sourced;
}

const OVERRIDE = 'workload file override';

/** Turns a route request into an engine RouteSpec: catalog price at the date, overrides applied field by field. */
export function resolveRoute(catalog: Catalog, req: RouteRequest, defaults: ResolveDefaults): RouteSpec {
  const p = req.price ?? {};
  const custom = (() => {
    try {
      findRoute(catalog, req.id);
      return false;
    } catch (err) {
      // A route the catalog does not know is allowed only when the workload prices it completely.
      const complete = (p.input !== undefined && p.output !== undefined) || (p.gpuHourly !== undefined && req.throughputTokensPerSecond !== undefined);
      if (err instanceof RoutefitError && err.code === 'unknown_route' && complete) return true;
      throw err;
    }
  })();
  const base = {
    ...(req.label ? { label: req.label } : {}),
    ...(req.engineeringHoursPerMonth !== undefined ? { engineeringHoursPerMonth: req.engineeringHoursPerMonth } : {}),
    ...(req.overrides && Object.keys(req.overrides).length ? { overrides: req.overrides } : {}),
  };

  if (custom) {
    if (p.gpuHourly !== undefined) {
      return gpuSpec(req, undefined, defaults, base);
    }
    return {
      ...base,
      id: req.id,
      billing: 'tokens',
      mode: req.mode ?? 'serverless',
      price: applyTokenOverrides({}, p),
      provenance: { origin: 'override', source: OVERRIDE },
    };
  }

  const entry = findRoute(catalog, req.id);
  if (entry.kind === 'gpu') return gpuSpec(req, entry, defaults, base, catalog);

  const point = pointAt(entry, req.asOf);
  const overridden = Object.keys(p).some((k) => k !== 'gpuHourly');
  const spec: TokenRouteSpec = {
    ...base,
    id: entry.id,
    billing: 'tokens',
    mode: req.mode ?? entry.mode,
    price: applyTokenOverrides(point.sheet, p),
    provenance: {
      origin: overridden ? 'override' : entry.origin,
      source: overridden ? `${point.source}; overridden in the workload file` : point.source,
      asOf: point.asOf,
      ...(point.effective ? { effective: point.effective } : {}),
    },
  };
  return spec;
}

function applyTokenOverrides(sheet: TokenPriceSheet, p: NonNullable<RouteRequest['price']>): TokenPriceSheet {
  const out: TokenPriceSheet = { ...sheet };
  const set = (k: 'input' | 'output' | 'cachedInput' | 'batchInput' | 'batchOutput', q: Quantity | undefined) => {
    if (q !== undefined) out[k] = sourced(q, OVERRIDE);
  };
  set('input', p.input);
  set('output', p.output);
  set('cachedInput', p.cachedInput);
  set('batchInput', p.batchInput);
  set('batchOutput', p.batchOutput);
  return out;
}

function gpuSpec(
  req: RouteRequest,
  sku: GpuSkuEntry | undefined,
  defaults: ResolveDefaults,
  base: Partial<GpuRouteSpec>,
  catalog?: Catalog,
): GpuRouteSpec {
  let hourly: Sourced;
  let provenance: GpuRouteSpec['provenance'] = { origin: 'override', source: OVERRIDE };
  if (req.price?.gpuHourly !== undefined) {
    hourly = sourced(req.price.gpuHourly, OVERRIDE);
  } else if (sku) {
    const point = pointAt(sku, req.asOf);
    const term = req.term ?? 'on_demand';
    const found =
      term === 'on_demand' ? point.sheet.onDemand : term === 'spot' ? point.sheet.spot : point.sheet.reserved.find((r) => r.term === term)?.hourly;
    if (!found) {
      const terms = [point.sheet.onDemand ? 'on_demand' : '', point.sheet.spot ? 'spot' : '', ...point.sheet.reserved.map((r) => r.term)].filter(Boolean);
      throw new RoutefitError('missing_price', `${sku.id} has no ${term} price on ${req.asOf}; available terms: ${terms.join(', ')}`, { field: 'term' });
    }
    hourly = found;
    provenance = { origin: 'catalog', source: point.source, asOf: point.asOf, ...(point.effective ? { effective: point.effective } : {}) };
  } else {
    throw new RoutefitError('missing_price', `${req.id} needs price.gpu_hourly`, { field: 'price.gpuHourly' });
  }

  let throughput: Sourced | undefined = req.throughputTokensPerSecond !== undefined ? sourced(req.throughputTokensPerSecond) : undefined;
  if (!throughput) {
    const spec = sku?.spec ? catalog?.gpuSpecs.get(sku.spec) : undefined;
    const figures = spec?.throughput ?? [];
    const available = figures.map((f) => `${f.serves}${f.precision ? ` (${f.precision})` : ''}`).join(', ');
    if (!req.serves) {
      throw new RoutefitError(
        'invalid_input',
        `${req.id} is a GPU route: say what it serves (serves: ${available || 'a model'}) or give throughput_tokens_per_second`,
        { field: 'throughputTokensPerSecond' },
      );
    }
    const matches = figures.filter((f) => f.serves === req.serves && (!req.precision || f.precision === req.precision));
    if (matches.length !== 1) {
      throw new RoutefitError(
        'invalid_input',
        matches.length === 0
          ? `the catalog has no throughput figure for ${req.serves}${req.precision ? ` at ${req.precision}` : ''} on ${sku?.spec ?? req.id}${available ? ` (it has: ${available})` : ''}; give throughput_tokens_per_second`
          : `${req.serves} has several throughput figures on ${sku?.spec}; say precision: ${matches.map((m) => m.precision).join(' or ')}`,
        { field: 'throughputTokensPerSecond' },
      );
    }
    throughput = matches[0]!.outputTokensPerSecond;
  }

  // A multi-GPU instance delivers the per-GPU figure once per GPU only if the figure is per instance;
  // catalog throughput is per GPU of the spec, so scale by GPUs per instance.
  const perInstance =
    sku && sku.gpusPerInstance > 1 && req.throughputTokensPerSecond === undefined
      ? { ...throughput, value: throughput.value * sku.gpusPerInstance, source: `${throughput.source ?? ''} (× ${sku.gpusPerInstance} GPUs per instance)` }
      : throughput;

  return {
    ...base,
    id: sku?.id ?? req.id,
    billing: 'gpu',
    mode: req.mode ?? sku?.mode ?? 'self_managed',
    gpuHourly: hourly,
    throughputTokensPerSecond: perInstance,
    utilization: req.utilization !== undefined ? sourced(req.utilization) : defaults.utilization,
    ...(req.gpus !== undefined ? { gpus: req.gpus } : {}),
    ...(req.prefillEfficiency !== undefined ? { prefillEfficiency: req.prefillEfficiency } : {}),
    ...(req.serves ? { serves: req.serves } : {}),
    provenance,
  };
}
