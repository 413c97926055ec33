/**
 * The part of the bundled @pydantic/genai-prices data the page's route lookup reads
 * (catalog/genai-prices.ts): for each catalog provider that names a genai-prices id, its name and its
 * models' ids, names, prices, comments and deprecation. The server sends this (~0.2 MB of JSON, parsed
 * in a few ms) instead of the page loading the package (~0.5 MB of JavaScript to compile and run
 * before the first view).
 */
import { createRequire } from 'node:module';
import type { Catalog } from '../catalog/types.js';

type Provider = NonNullable<ReturnType<typeof import('@pydantic/genai-prices').findProvider>>;
export type GenaiSubset = Record<string, Pick<Provider, 'name'> & { models: Pick<Provider['models'][number], 'id' | 'name' | 'prices' | 'price_comments' | 'deprecated'>[] }>;

export function genaiSubset(catalog: Catalog): GenaiSubset {
  const { findProvider } = createRequire(import.meta.url)('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');
  const out: GenaiSubset = {};
  for (const p of catalog.providers.values()) {
    const id = p.genaiPricesId;
    if (!id || out[id]) continue;
    const found = findProvider({ providerId: id });
    if (!found) continue;
    out[id] = { name: found.name, models: found.models.map((m) => ({ id: m.id, name: m.name, prices: m.prices, price_comments: m.price_comments, deprecated: m.deprecated })) };
  }
  return out;
}
