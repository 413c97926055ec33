import type { Catalog } from './types.js';

/**
 * The catalog as JSON for the browser: the server loads and validates it once (catalog/*.yaml), the
 * app rebuilds the same Catalog so the engine and the route resolver run unchanged in the page. The
 * build-time catalog snapshot (src/catalog/snapshot.ts) is this same form on disk.
 */
export interface CatalogWire {
  dir: string;
  providers: [string, Catalog extends { providers: Map<string, infer V> } ? V : never][];
  tokenRoutes: [string, Catalog extends { tokenRoutes: Map<string, infer V> } ? V : never][];
  gpuSkus: [string, Catalog extends { gpuSkus: Map<string, infer V> } ? V : never][];
  gpuSpecs: [string, Catalog extends { gpuSpecs: Map<string, infer V> } ? V : never][];
  models: [string, Catalog extends { models: Map<string, infer V> } ? V : never][];
  aliases: [string, string][];
  loraTraining: Catalog['loraTraining'];
}

export function catalogToWire(c: Catalog): CatalogWire {
  return {
    // The folder is the server's business, not the page's.
    dir: 'catalog',
    providers: [...c.providers],
    tokenRoutes: [...c.tokenRoutes],
    gpuSkus: [...c.gpuSkus],
    gpuSpecs: [...c.gpuSpecs],
    models: [...c.models],
    aliases: [...c.aliases],
    loraTraining: c.loraTraining,
  };
}

export function catalogFromWire(w: CatalogWire): Catalog {
  return {
    dir: w.dir,
    providers: new Map(w.providers),
    tokenRoutes: new Map(w.tokenRoutes),
    gpuSkus: new Map(w.gpuSkus),
    gpuSpecs: new Map(w.gpuSpecs),
    models: new Map(w.models),
    aliases: new Map(w.aliases),
    loraTraining: w.loraTraining,
  };
}
