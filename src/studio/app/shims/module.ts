// Browser stand-in for node:module's createRequire: the one package the catalog loads lazily
// (@pydantic/genai-prices, catalog/genai-prices.ts) is bundled and handed over as the real module.
import * as genaiPrices from '@pydantic/genai-prices';

export function createRequire(..._args: unknown[]): (id: string) => unknown {
  return (id: string) => {
    if (id === '@pydantic/genai-prices') return genaiPrices;
    throw new Error(`module "${id}" is not available in the browser`);
  };
}
export default { createRequire };
