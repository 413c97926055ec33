import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { pricingData } from '../../src/traces/price-points.js';

describe('pricingData: the unpriced routes', () => {
  it('are listed in one order whatever order the store returned its keys in, priced keys left out', () => {
    const keys = [
      { route: 'zeta/unknown-9', provider: 'zeta', model: 'unknown-9' },
      { route: 'openai/gpt-5.5', provider: 'openai', model: 'gpt-5.5' },
      { route: null, provider: 'acme', model: 'mystery-1' },
      { route: 'acme/mystery-1', provider: 'acme', model: 'mystery-1' },
      { route: 'acme/mystery-1', provider: null, model: 'mystery-2' },
    ];
    const catalog = loadCatalog();
    const forward = pricingData(catalog, keys).unresolved;
    const backward = pricingData(catalog, [...keys].reverse()).unresolved;
    expect(backward).toEqual(forward);
    expect(forward.map((u) => [u.route, u.provider, u.model])).toEqual([
      [null, 'acme', 'mystery-1'],
      ['acme/mystery-1', null, 'mystery-2'],
      ['acme/mystery-1', 'acme', 'mystery-1'],
      ['zeta/unknown-9', 'zeta', 'unknown-9'],
    ]);
  });
});
