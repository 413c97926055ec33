import { type PriceConflict, priceConflicts } from '../catalog/conflicts.js';
import { defaultCatalogDir, loadCatalog } from '../catalog/load.js';
import { findRoute } from '../catalog/lookup.js';
import { type FieldValues, fieldValues } from './field-flags.js';
import type { Catalog } from '../catalog/types.js';
import type { Comparison } from '../engine/cost/compare.js';
import { loadWorkloadFile } from '../workload/load.js';
import { type PreparedWorkload, prepareWorkloads, pricePrepared } from '../workload/prepare.js';
import { optionalDate, parseList } from './flags.js';
import { CliUsageError } from './io.js';

/** Workload-field flags (field-flags.ts) ride along: a command that spreads fieldOptions() passes its opts. */
export interface PricingOptions extends FieldValues {
  asOf?: string;
  routes?: string;
  catalog?: string;
  catalogOverlay?: string[];
}

/** The catalog a command prices with: `--catalog DIR` or the bundled one, with any `--catalog-overlay` files on top. */
export function openCatalog(dir: string | undefined, overlays: readonly string[] = []): Catalog {
  return loadCatalog(dir ?? defaultCatalogDir(), overlays);
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
  const catalog = openCatalog(opts.catalog, opts.catalogOverlay);
  const asOf = optionalDate('--as-of', opts.asOf);
  const routes = parseList(opts.routes);
  const prepared = prepareWorkloads(loadWorkloadFile(file), catalog, { today, ...(asOf ? { asOf } : {}), ...(routes?.length ? { routes } : {}), fields: fieldValues(opts) });
  // `measured` swaps a workload's assumed inputs for those its traces measured (compare --traces).
  return prepared.map((p0) => {
    return pricePrepared(measured ? measured(p0) : p0);
  });
}

/**
 * Where the catalog and the bundled genai-prices data disagree on a price a compared route used
 * (issue 11 item 10): each with the winner and why. A price the workload file overrides is not a conflict.
 */
export function usedPriceConflicts(catalog: Catalog, comparison: Comparison, asOf: string): PriceConflict[] {
  const out: PriceConflict[] = [];
  for (const r of comparison.routes) {
    if (r.billing !== 'tokens' || r.provenance?.origin !== 'catalog') continue;
    let entry;
    try {
      entry = findRoute(catalog, r.route);
    } catch {
      continue;
    }
    if (entry.kind !== 'tokens') continue;
    for (const c of priceConflicts(catalog, entry, asOf)) {
      const key = `price.${c.field.replace(/_([a-z0-9])/g, (_, x: string) => x.toUpperCase())}`;
      const used = r.inputs[key];
      if (used && used.value === c.winner.value) out.push(c);
    }
  }
  return out;
}
