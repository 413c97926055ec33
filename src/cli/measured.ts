/**
 * Measured back into the calculator: a workload's assumed inputs replaced by what its traces measured
 * (labelled `measured`), for `compare --traces`, `compare --uncertainty --traces` and `traces whatif`.
 */
import type { Catalog } from '../catalog/types.js';
import { type MeasuredOverheads, withMeasuredInputs } from '../engine/measured/measured.js';
import { type GroupSummary, summarize } from '../traces/metrics.js';
import { type PricingContext, preparePricing } from '../traces/pricing.js';
import type { PreparedWorkload } from '../workload/prepare.js';
import { storeLabel } from '../traces/clickhouse/connection.js';
import { openCatalog } from './pricing.js';
import { withClickHouse, withStore } from './stores.js';

interface Window {
  from?: string | undefined;
  to?: string | undefined;
}

/** Per-workload trace aggregates, keyed by workload name. */
export async function measuredByWorkload(db: string, catalog: Catalog, w: Window, overheads: MeasuredOverheads = {}): Promise<Map<string, GroupSummary & { routes: string[] }>> {
  const window = { ...(w.from ? { from: w.from } : {}), ...(w.to ? { to: w.to } : {}), overheads };
  const collect = (groups: GroupSummary[], byRoute: GroupSummary[], pricing: PricingContext) => {
    const routes = (name: string) => byRoute.filter((r) => r.key.workload === name && r.key.route).map((r) => pricing.resolved.get(r.key.route!) ?? r.key.route!);
    return new Map(groups.filter((g) => g.key.workload).map((g) => [g.key.workload!, { ...g, routes: routes(g.key.workload!) }]));
  };
  // A ClickHouse URL names the ClickHouse store (traces summarize --clickhouse); anything else is a DuckDB file.
  if (/^https?:\/\//i.test(db)) {
    return withClickHouse(db, async (ch) => {
      const [{ prepareChPricing }, { summarizeClickHouse }] = await Promise.all([import('../traces/clickhouse/pricing.js'), import('../traces/clickhouse/metrics.js')]);
      const pricing = await prepareChPricing(ch, catalog);
      return collect(await summarizeClickHouse(ch, { by: ['workload'], ...window }), await summarizeClickHouse(ch, { by: ['workload', 'route'], ...window }), pricing);
    });
  }
  return withStore(db, false, async (store) => {
    const pricing = await preparePricing(store, catalog);
    return collect(await summarize(store, { by: ['workload'], ...window }), await summarize(store, { by: ['workload', 'route'], ...window }), pricing);
  });
}

/**
 * For `compare --uncertainty --traces`: a function that swaps each workload's assumed inputs for
 * the measured ones (a workload without traces keeps its assumptions).
 */
export async function measuredSwap(db: string, opts: { catalog?: string | undefined; from?: string | undefined; to?: string | undefined }): Promise<(p: PreparedWorkload) => PreparedWorkload> {
  const measured = await measuredByWorkload(db, openCatalog(opts.catalog), opts);
  return (p) => {
    const g = measured.get(p.name);
    return g ? { ...p, profile: withMeasuredInputs(p.profile, g.measured, sourceOf(db, g)).profile } : p;
  };
}

export const sourceOf = (db: string, g: GroupSummary) => `traces ${storeLabel(db)}: ${g.requests} requests, ${g.window.start} – ${g.window.end}`;

