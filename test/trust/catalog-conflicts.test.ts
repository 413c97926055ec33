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

import { cli, tempYaml } from '../helpers/cli.js';

describe('catalog show and compare say when sources disagree (issue 11 item 10)', () => {
  it('catalog show openai/gpt-5.5 names both cached prices and the one used', async () => {
    const r = await cli('catalog', 'show', 'openai/gpt-5.5');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Sources disagree on prices in force/);
    expect(r.stdout).toMatch(/cached_input: catalog \$2\.5\/M .* vs @pydantic\/genai-prices \$0\.5\/M .* using \$2\.5\/M/);
    const j = JSON.parse((await cli('catalog', 'show', 'openai/gpt-5.5', '--json')).stdout);
    expect(j.priceConflicts[0]).toMatchObject({ field: 'cached_input', winner: { value: 2.5 }, other: { value: 0.5 } });
  });
  it('compare flags the conflict when the route uses the disputed price, and not when the file overrides it', async () => {
    const w = 'name: c\nas_of: 2026-05-15\nrequests_per_month: 100000\ninput_tokens: 1000\noutput_tokens: 100\ncache_hit_rate: 0.5\nroutes:\n  - openai/gpt-5.5\n';
    const r = await cli('compare', tempYaml(w));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Sources disagree on a price used here[\s\S]*openai\/gpt-5\.5 cached_input/);
    const j = JSON.parse((await cli('compare', tempYaml(w), '--json')).stdout);
    expect(j.workloads[0].priceConflicts).toHaveLength(1);
    const overridden = await cli('compare', tempYaml(w.replace('  - openai/gpt-5.5', '  - { route: openai/gpt-5.5, price: { cached_input: 0.5 } }')), '--json');
    expect(JSON.parse(overridden.stdout).workloads[0].priceConflicts).toEqual([]);
  });
});
