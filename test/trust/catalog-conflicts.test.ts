import { describe, expect, it } from 'vitest';
import { describeConflict, priceConflicts } from '../../src/catalog/conflicts.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { findRoute } from '../../src/catalog/lookup.js';
import type { TokenRouteEntry } from '../../src/catalog/types.js';

const catalog = loadCatalog();
const route = (id: string) => findRoute(catalog, id) as TokenRouteEntry;

describe('catalog conflicts are detected, with the winner and why (issue 11 item 10)', () => {
  it('GPT-5.5 cached input: $2.50/M in the catalog against $0.50/M in genai-prices, the catalog wins', () => {
    const c = priceConflicts(catalog, route('openai/gpt-5.5'), '2026-05-15');
    const cached = c.find((x) => x.field === 'cached_input')!;
    expect(cached.winner).toMatchObject({ origin: 'catalog', value: 2.5 });
    expect(cached.other).toMatchObject({ origin: 'genai-prices', value: 0.5 });
    expect(cached.other.source).toContain('genai-prices');
    expect(cached.reason).toMatch(/catalog entry wins/);
    expect(describeConflict(cached)).toMatch(/cached_input: catalog \$2\.5\/M .* vs @pydantic\/genai-prices \$0\.5\/M .* using \$2\.5\/M/);
    // Where both agree (input $5, output $30), nothing is reported.
    expect(c.map((x) => x.field)).not.toContain('input');
    expect(c.map((x) => x.field)).not.toContain('output');
  });
  it('a route only one source prices has no conflict', () => {
    expect(priceConflicts(catalog, route('deepinfra/gpt-oss-120b'), '2026-05-15')).toEqual([]);
  });
});
