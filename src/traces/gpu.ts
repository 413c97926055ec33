import { resolveRoute } from '../catalog/resolve.js';
import { findRoute } from '../catalog/lookup.js';
import type { Catalog } from '../catalog/types.js';
import { RoutefitError } from '../engine/errors.js';
import { measuredGpu } from '../engine/measured/measured.js';
import { DEFAULTS } from '../workload/defaults.js';
import type { Readable } from './metrics.js';
import { gpuRouteRow, sourceOf } from './sql/index.js';

export interface GpuRouteSummary {
  route: string;
  serves: string | null;
  gpuHours: number;
  hourlyRate: number;
  throughputTokensPerSecond: number;
  attempts: number;
  accepted: number;
  result: ReturnType<typeof measuredGpu>;
}

/**
 * GPU-billed routes (issue 5: "utilization and throughput headroom where GPU-hours are given"): their
 * rows carry no per-token price; with the GPU-hours of the window they get a cost, a measured
 * utilization and headroom. Throughput comes from the catalog for the model the rows name, unless given.
 */
export async function gpuRoutes(
  store: Readable,
  catalog: Catalog,
  hours: Map<string, number>,
  opts: { asOf: string; from?: string; to?: string; throughput?: Map<string, number> },
): Promise<GpuRouteSummary[]> {
  const src = sourceOf(store);
  const out: GpuRouteSummary[] = [];
  for (const [route, gpuHours] of hours) {
    const entry = (() => {
      try {
        return findRoute(catalog, route);
      } catch {
        return undefined;
      }
    })();
    if (entry && entry.kind !== 'gpu') throw new RoutefitError('invalid_input', `--gpu-hours ${route}: that route is billed per token, not by the GPU-hour`, { field: 'gpu-hours' });
    // The route name is bound, never spliced (./sql/ledgers.ts gpuRouteRow).
    const agg = await gpuRouteRow(src, opts, route, entry?.id ?? route);
    if (!agg || !Number(agg.attempts)) throw new RoutefitError('invalid_input', `--gpu-hours ${route}: no traced rows on that route in the window`, { field: 'gpu-hours' });
    const serves = (agg.serves as string | null) ?? null;
    const override = opts.throughput?.get(route);
    if (!entry && override === undefined) throw new RoutefitError('invalid_input', `--gpu-hours ${route}: the catalog has no GPU SKU "${route}"; give --gpu-throughput ${route}=TOKENS_PER_S and a known SKU`, { field: 'gpu-hours' });
    const spec = resolveRoute(
      catalog,
      { id: entry!.id, asOf: opts.asOf, ...(serves ? { serves } : {}), ...(override !== undefined ? { throughputTokensPerSecond: override } : {}) },
      { utilization: DEFAULTS.utilization },
    );
    if (spec.billing !== 'gpu') throw new RoutefitError('invalid_input', `--gpu-hours ${route}: not a GPU route`, { field: 'gpu-hours' });
    const hourly = typeof spec.gpuHourly === 'number' ? spec.gpuHourly : spec.gpuHourly.value;
    const thr = typeof spec.throughputTokensPerSecond === 'number' ? spec.throughputTokensPerSecond : spec.throughputTokensPerSecond.value;
    const result = measuredGpu({
      gpuHours,
      hourlyRate: hourly,
      throughputTokensPerSecond: thr,
      outputTokens: Number(agg.out_tokens),
      inputTokens: Number(agg.in_tokens),
      // The real window; one instant counts as the hour it was logged in (as summarize).
      windowDays: (Number(agg.span_s) > 0 ? Number(agg.span_s) : 3600) / 86_400,
      accepted: Number(agg.accepted),
    });
    out.push({ route: spec.id, serves, gpuHours, hourlyRate: hourly, throughputTokensPerSecond: thr, attempts: Number(agg.attempts), accepted: Number(agg.accepted), result });
  }
  return out;
}
