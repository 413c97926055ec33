import { type FieldValues, fieldValues } from './field-flags.js';
import { loadCatalog } from '../catalog/load.js';
import type { Catalog } from '../catalog/types.js';
import { type Comparison, compareRoutes } from '../engine/cost/compare.js';
import { loadWorkloadFile } from '../workload/load.js';
import { type PreparedWorkload, prepareWorkloads } from '../workload/prepare.js';
import { optionalDate, parseList } from './flags.js';
import { CliUsageError } from './io.js';

/** Workload-field flags (field-flags.ts) ride along: a command that spreads fieldOptions() passes its opts. */
export interface PricingOptions extends FieldValues {
  asOf?: string;
  routes?: string;
  catalog?: string;
}

export function openCatalog(dir: string | undefined): Catalog {
  return dir ? loadCatalog(dir) : loadCatalog();
}

export interface Priced {
  prepared: PreparedWorkload;
  comparison: Comparison;
}

/** Picks one workload of a file by --workload, or all of them. */
export function pickWorkloads(priced: Priced[], file: string, name: string | undefined): Priced[] {
  if (!name) return priced;
  const found = priced.filter((p) => p.prepared.name === name);
  if (!found.length) throw new CliUsageError(`--workload "${name}" is not in ${file}; it has: ${priced.map((p) => p.prepared.name).join(', ')}`);
  return found;
}

/** File → catalog → engine, the same path for every command that prices a workload. */
export function priceFile(file: string, opts: PricingOptions, today: string, measured?: (p: PreparedWorkload) => PreparedWorkload): Priced[] {
  const catalog = openCatalog(opts.catalog);
  const asOf = optionalDate('--as-of', opts.asOf);
  const routes = parseList(opts.routes);
  const prepared = prepareWorkloads(loadWorkloadFile(file), catalog, { today, ...(asOf ? { asOf } : {}), ...(routes?.length ? { routes } : {}), fields: fieldValues(opts) });
  // `measured` swaps a workload's assumed inputs for those its traces measured (compare --traces).
  return prepared.map((p0) => {
    const p = measured ? measured(p0) : p0;
    const comparison = compareRoutes(p.profile, p.routes);
    comparison.unpriced.unshift(...p.unpriced);
    return { prepared: p, comparison };
  });
}
