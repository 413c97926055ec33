import { loadCatalog } from '../../catalog/load.js';
import type { Catalog } from '../../catalog/types.js';
import { type Comparison, compareRoutes } from '../../engine/cost/compare.js';
import { loadWorkloadFile } from '../../workload/load.js';
import { type PreparedWorkload, prepareWorkloads } from '../../workload/prepare.js';
import { CliUsageError } from '../io.js';

export interface PricingOptions {
  asOf?: string;
  routes?: string;
  catalog?: string;
}

export function parseDate(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new CliUsageError(`${flag} must be a date YYYY-MM-DD; got "${v}"`);
  return v;
}

export function openCatalog(dir: string | undefined): Catalog {
  return dir ? loadCatalog(dir) : loadCatalog();
}

export interface Priced {
  prepared: PreparedWorkload;
  comparison: Comparison;
}

/** File → catalog → engine, the same path for every command that prices a workload. */
export function priceFile(file: string, opts: PricingOptions, today: string, measured?: (p: PreparedWorkload) => PreparedWorkload): Priced[] {
  const catalog = openCatalog(opts.catalog);
  const asOf = parseDate('--as-of', opts.asOf);
  const routes = opts.routes
    ?.split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const prepared = prepareWorkloads(loadWorkloadFile(file), catalog, { today, ...(asOf ? { asOf } : {}), ...(routes?.length ? { routes } : {}) });
  // `measured` swaps a workload's assumed inputs for those its traces measured (compare --traces).
  return prepared.map((p0) => {
    const p = measured ? measured(p0) : p0;
    const comparison = compareRoutes(p.profile, p.routes);
    comparison.unpriced.unshift(...p.unpriced);
    return { prepared: p, comparison };
  });
}
