// Browser stand-in for node:module's createRequire: the one package the catalog loads lazily
// (@pydantic/genai-prices, catalog/genai-prices.ts). The page does not load the package (~0.5 MB of
// JavaScript): the server sends the providers' data the route lookup reads (studio/genai-subset.ts),
// and findProvider here answers from it, for the provider ids the catalog names, as the package does.
import type { GenaiSubset } from '../../genai-subset.js';

let subset: GenaiSubset | undefined;

export function provideGenaiPrices(s: GenaiSubset): void {
  subset = s;
}

const findProvider = ({ providerId }: { providerId: string }) => {
  if (!subset) throw new Error('@pydantic/genai-prices data is still loading');
  return Object.hasOwn(subset, providerId) ? subset[providerId] : undefined;
};

export function createRequire(..._args: unknown[]): (id: string) => unknown {
  return (id: string) => {
    if (id === '@pydantic/genai-prices') return { findProvider };
    throw new Error(`module "${id}" is not available in the browser`);
  };
}
export default { createRequire };
