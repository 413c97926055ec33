import { RoutefitError } from '../engine/errors.js';
import { closest } from '../io/yaml-file.js';
import { genaiRoute, genaiRoutes } from './genai-prices.js';
import type { Catalog, CatalogEntry, GpuSkuEntry, GpuSpecEntry, ModelSpecEntry, PricePoint, TokenRouteEntry } from './types.js';

/** Finds a route by id or alias; catalog entries win, then @pydantic/genai-prices. Unknown ids are errors. */
export function findRoute(catalog: Catalog, ref: string): CatalogEntry {
  const id = catalog.aliases.get(ref) ?? ref;
  const hit = catalog.tokenRoutes.get(id) ?? catalog.gpuSkus.get(id);
  if (hit) return hit;
  const [provider, ...rest] = id.split('/');
  const model = rest.join('/');
  const providerEntry = provider ? catalog.providers.get(provider) : undefined;
  if (providerEntry && model) {
    const g = genaiRoute(providerEntry, model);
    if (g) return g;
  }
  const names = [...catalog.tokenRoutes.keys(), ...catalog.gpuSkus.keys(), ...catalog.aliases.keys()];
  const hint = closest(ref, names, Math.max(3, Math.floor(ref.length / 3)));
  const why = !id.includes('/')
    ? 'route ids are provider/model'
    : !providerEntry
      ? `provider "${provider}" is not in the catalog`
      : `no model "${model}" for ${provider} in the catalog or in @pydantic/genai-prices`;
  throw new RoutefitError('unknown_route', `unknown route "${ref}": ${why}${hint ? ` (did you mean "${hint}"?)` : ''}; see \`routefit catalog list\``, {
    field: 'route',
  });
}

/** The price point in force on `asOf` (YYYY-MM-DD): the latest one effective on or before it. */
export function pointAt<T>(entry: { id: string; history: PricePoint<T>[] }, asOf: string): PricePoint<T> {
  let found: PricePoint<T> | undefined;
  for (const p of entry.history) if (p.effective === null || p.effective <= asOf) found = p;
  if (!found) {
    const first = entry.history[0]?.effective;
    throw new RoutefitError('missing_price', `${entry.id} has no price effective on ${asOf}${first ? ` (its earliest price takes effect ${first})` : ''}`, {
      field: 'as_of',
    });
  }
  return found;
}

/** Every token route: the catalog's own, then genai-prices models the catalog does not list. */
export function allTokenRoutes(catalog: Catalog, includeGenai = true): TokenRouteEntry[] {
  const own = [...catalog.tokenRoutes.values()];
  if (!includeGenai) return own;
  const ownIds = new Set(own.map((r) => r.id.toLowerCase()));
  return [...own, ...genaiRoutes(catalog.providers.values()).filter((r) => !ownIds.has(r.id.toLowerCase()))];
}

/** A model architecture by id or alias (catalog/models.yaml). */
export function findModel(catalog: Catalog, ref: string): ModelSpecEntry {
  for (const m of catalog.models.values()) if (m.id === ref || m.aliases.includes(ref)) return m;
  const names = [...catalog.models.values()].flatMap((m) => [m.id, ...m.aliases]);
  const hint = closest(ref, names, Math.max(3, Math.floor(ref.length / 3)));
  throw new RoutefitError('invalid_input', `unknown model "${ref}"${hint ? ` (did you mean "${hint}"?)` : ''}; known: ${[...catalog.models.keys()].join(', ')}`, { field: 'model' });
}

/** A GPU spec by spec id (`h100-sxm`) or through a SKU that names one (`lambda/h100-sxm`). */
export function findGpuSpec(catalog: Catalog, ref: string): { spec: GpuSpecEntry; sku?: GpuSkuEntry } {
  const direct = catalog.gpuSpecs.get(ref);
  if (direct) return { spec: direct };
  const skuId = catalog.aliases.get(ref) ?? ref;
  const sku = catalog.gpuSkus.get(skuId);
  if (sku) {
    const spec = sku.spec ? catalog.gpuSpecs.get(sku.spec) : undefined;
    if (!spec) throw new RoutefitError('invalid_input', `${sku.id} does not name a GPU spec in the catalog`, { field: 'gpu' });
    return { spec, sku };
  }
  const names = [...catalog.gpuSpecs.keys(), ...catalog.gpuSkus.keys()];
  const hint = closest(ref, names, Math.max(3, Math.floor(ref.length / 3)));
  throw new RoutefitError('invalid_input', `unknown GPU "${ref}"${hint ? ` (did you mean "${hint}"?)` : ''}; give a spec id (${[...catalog.gpuSpecs.keys()].join(', ')}) or a GPU SKU such as lambda/h100-sxm`, { field: 'gpu' });
}
