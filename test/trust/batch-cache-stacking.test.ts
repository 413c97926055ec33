import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { findRoute, pointAt } from '../../src/catalog/lookup.js';
import type { TokenRouteEntry } from '../../src/catalog/types.js';
import { attemptCost, batchCacheFactor } from '../../src/engine/cost/token-pricing.js';
import { query } from '../../src/traces/db.js';
import { importFile } from '../../src/traces/import.js';
import { preparePricing } from '../../src/traces/pricing.js';
import { memoryStore, writeTemp } from '../traces/helpers.js';

const catalog = loadCatalog();
const sheetOf = (id: string) => pointAt(findRoute(catalog, id) as TokenRouteEntry, '2026-05-15').sheet;
const shape = { inputTokens: 1000, outputTokens: 100, cacheHitRate: 0.5, cacheWriteRate: 0, cacheWriteTtl: '5m' as const, batchShare: 1 };

describe('batch and cache discounts stack where the provider bills them so (issue 11 item 6)', () => {
  it('the catalog flags OpenAI and Anthropic, with a source, and not a provider that does not say so', () => {
    for (const p of ['openai', 'anthropic']) {
      const flag = catalog.providers.get(p)!.batchStacksWithCache;
      expect(flag?.value).toBe(true);
      expect(flag?.source.length).toBeGreaterThan(20);
    }
    expect(catalog.providers.get('together')!.batchStacksWithCache).toBeUndefined();
  });

  it('a batched cached read on GPT-5.5 pays the batch half of the cached price', () => {
    const sheet = sheetOf('openai/gpt-5.5');
    // GPT-5.5: $5 in, $2.50 cached (catalog), batch input $2.50 (50%): batched cached read = $1.25/M.
    expect(batchCacheFactor(sheet)).toBeCloseTo(0.5, 12);
    const c = attemptCost(sheet, shape, 'openai/gpt-5.5');
    expect(c.parts.cachedInput).toBeCloseTo((500 * sheet.cachedInput!.value * 0.5) / 1e6, 15);
    expect(c.notes.join(' ')).toMatch(/batched cache reads and writes pay the batch discount .*OpenAI API pricing/);
    // Half the attempts batched: half the cached tokens get the discount.
    const half = attemptCost(sheet, { ...shape, batchShare: 0.5 }, 'openai/gpt-5.5');
    expect(half.parts.cachedInput).toBeCloseTo((500 * sheet.cachedInput!.value * 0.75) / 1e6, 15);
  });

  it('without the flag, batched cache reads keep the cached price', () => {
    const sheet = { ...sheetOf('openai/gpt-5.5') };
    delete sheet.batchStacksWithCache;
    expect(batchCacheFactor(sheet)).toBe(1);
    expect(attemptCost(sheet, shape, 'x').parts.cachedInput).toBeCloseTo((500 * sheet.cachedInput!.value) / 1e6, 15);
  });

  it('the traces SQL prices a batched cached row the same way', async () => {
    const store = await memoryStore();
    const file = writeTemp(
      'b.csv',
      'timestamp,request_id,attempt,workload,provider,model,input_tokens,cached_input_tokens,output_tokens,status,quality,batch\n2026-05-10T00:00:00Z,b1,0,w,openai,gpt-5.5,1000,500,100,ok,pass,true\n',
    );
    await importFile(store, file, { today: '2026-11-22' });
    await preparePricing(store, catalog);
    const [row] = await query(store.conn, 'SELECT cost FROM priced');
    expect(Number(row!.cost)).toBeCloseTo(attemptCost(sheetOf('openai/gpt-5.5'), shape, 'openai/gpt-5.5').total, 12);
    store.close();
  });
});
