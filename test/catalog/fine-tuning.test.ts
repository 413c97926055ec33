import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, loraTrainingTiers } from '../../src/catalog/load.js';
import { loraTrainingCost } from '../../src/engine/decisions/fine-tune.js';
import { cli } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
function catalogCopy(edit: (text: string) => string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'routefit-ft-')), 'catalog');
  cpSync(join(ROOT, 'catalog'), dir, { recursive: true });
  const f = join(dir, 'fine-tuning.yaml');
  writeFileSync(f, edit(readFileSync(f, 'utf8')));
  return dir;
}

describe('LoRA training rates are catalog data with source and date', () => {
  it('the tiers in force carry their source and as_of; the engine prices with whatever tiers it is given', () => {
    const tiers = loraTrainingTiers(loadCatalog(), '2026-06-01');
    expect(tiers.map((t) => [t.maxParamsB, t.ratePerMillion])).toEqual([[16, 0.48], [69, 1.5], [100, 2.9]]);
    expect(tiers[0]!.source).toContain("Together's published tier");
    expect(tiers[0]!.asOf).toBe('2026-05-01');
    // Pure: a different table (a later price cut) changes the cost, nothing else does.
    const cut = tiers.map((t) => ({ ...t, ratePerMillion: t.ratePerMillion / 2 }));
    expect(loraTrainingCost({ examples: 50_000, tokensPerExample: 1500, baseParamsB: 7, tiers: cut }).computeCost[0]).toBeCloseTo(18, 10);
    expect(() => loraTrainingTiers(loadCatalog(), '2026-01-01')).toThrow(/no price effective on 2026-01-01/);
    expect(() => loraTrainingCost({ examples: 1, tokensPerExample: 1, baseParamsB: 7, tiers: [] })).toThrow(/no LoRA training rate tiers/);
  });

  it('a later point in the file takes over from its effective date', () => {
    const dir = catalogCopy((t) => t + `  - effective: 2026-09-01
    as_of: 2026-09-02
    source: "test: a price cut"
    evidence: public
    tiers:
      - { max_params_b: 16, usd_per_million_tokens: 0.40, label: up to 16B }
`);
    const c = loadCatalog(dir);
    expect(loraTrainingTiers(c, '2026-08-31')[0]!.ratePerMillion).toBe(0.48);
    expect(loraTrainingTiers(c, '2026-09-01')[0]).toMatchObject({ ratePerMillion: 0.4, source: 'test: a price cut', asOf: '2026-09-02' });
  });

  it('catalog validate reports a bad fine-tuning.yaml with file:line', async () => {
    const dir = catalogCopy((t) => t.replace('max_params_b: 69', 'max_params_b: 12').replace('usd_per_million_tokens: 2.9', 'usd_per_million_tokens: -2.9'));
    const r = await cli('catalog', 'validate', '--catalog', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fine-tuning\.yaml:\d+:\d+: lora_training\[0\]\.tiers\[2\]\.usd_per_million_tokens/);
    const dir2 = catalogCopy((t) => t.replace('max_params_b: 69', 'max_params_b: 12'));
    const r2 = await cli('catalog', 'validate', '--catalog', dir2);
    expect(r2.stderr).toMatch(/fine-tuning\.yaml:\d+:\d+: lora_training\[0\]\.tiers\[1\]\.max_params_b: tiers go from the smallest base up: 12 does not exceed 16/);
  });
});
