import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceKitMetrics } from '../../src/engine/measured/trace-kit.js';
import { cli } from '../helpers/cli.js';
import { tempDir, writeTemp } from './helpers.js';

const HEAD = 'route,provider,model,workload,inputTokens,outputTokens,cacheHitRate,batchEligible,concurrency,ttftMs,latencyP50Ms,latencyP95Ms,outputTokensPerSecond,acceptedOutputRate,costUsd,reviewMinutes';

describe('Inference Trace Kit route-summary contract (seed 002)', () => {
  it('imports the 16-field aggregates as such and derives the five metrics with catalog price ratios', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const file = writeTemp('summary.csv', [HEAD, 'openai/gpt-5.5,openai,gpt-5.5,support,2000,400,0.5,0.4,8,350,2000,5000,2400,0.8,0.016,0.5', 'openai/gpt-5.5,openai,gpt-5.5,bad,2000,400,1.5,0.4,8,350,2000,5000,2400,0.8,0.016,0.5'].join('\n'), dir);
    const imp = await cli('traces', 'import', file, '--db', db, '--accept-rejects', '--json');
    expect(imp.code).toBe(0);
    const [s] = JSON.parse(imp.stdout).imports;
    expect(s).toMatchObject({ format: 'route-summary', kept: 1, rejected: 1 });
    expect(s.rejects[0]).toEqual({ line: 3, reason: 'cacheHitRate is "1.5"; allowed a fraction 0 ≤ value ≤ 1' });
    const r = await cli('traces', 'summarize', '--db', db, '--json');
    const [row] = JSON.parse(r.stdout).routeSummaries;
    // GPT-5.5: cached input at 0.5× input, batch at 0.5× standard.
    expect(row.metrics.costPerAcceptedOutput).toBeCloseTo(0.02, 12);
    expect(row.metrics.cacheAdjustedInputBurden).toBeCloseTo(2000 * (1 - 0.5 * 0.5), 9);
    expect(row.metrics.batchDisplacementShare).toBeCloseTo(0.2, 12);
    // Demand: 8 streams × 400 tokens per 2 s = 1,600 tok/s; delivered 2,400 → 50% headroom.
    expect(row.metrics.throughputHeadroom).toBeCloseTo(0.5, 12);
    expect(row.metrics.p95LatencyAtConcurrency).toEqual({ p95Ms: 5000, concurrency: 8, p95OverP50: 2.5 });
    const text = await cli('traces', 'summarize', '--db', db);
    expect(text.stdout).toMatch(/Route summaries \(Inference Trace Kit contract/);
  });

  it('without prices the burden is the uncached tokens and there is no batch share', () => {
    const m = traceKitMetrics({ route: 'x/y', provider: 'x', model: 'y', workload: 'w', inputTokens: 1000, outputTokens: 100, cacheHitRate: 0.3, batchEligible: 1, concurrency: 1, ttftMs: 1, latencyP50Ms: 1000, latencyP95Ms: 1000, outputTokensPerSecond: 100, acceptedOutputRate: 0, costUsd: 1, reviewMinutes: 0 });
    expect(m.cacheAdjustedInputBurden).toBeCloseTo(700, 12);
    expect(m.batchDisplacementShare).toBeNull();
    expect(m.costPerAcceptedOutput).toBeNull();
    expect(m.throughputHeadroom).toBeCloseTo(0, 12);
  });
});
