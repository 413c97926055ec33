// Browser stand-in for node:module's createRequire: the one package the catalog loads lazily
// (@pydantic/genai-prices, catalog/genai-prices.ts). Its ~0.8 MB of price data is a chunk of its
// own, fetched beside the catalog; the app hands it over (provideGenaiPrices) before pricing anything.
let genaiPrices: unknown;

export function provideGenaiPrices(m: unknown): void {
  genaiPrices = m;
}

export function createRequire(..._args: unknown[]): (id: string) => unknown {
  return (id: string) => {
    if (id === '@pydantic/genai-prices') {
      if (!genaiPrices) throw new Error('@pydantic/genai-prices is still loading');
      return genaiPrices;
    }
    throw new Error(`module "${id}" is not available in the browser`);
  };
}
export default { createRequire };
