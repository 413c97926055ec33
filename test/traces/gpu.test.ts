import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir, writeTemp } from './helpers.js';

describe('GPU routes with GPU-hours given', () => {
  it('utilization = tokens served ÷ (GPU-hours × 3,600 × catalog throughput); cost from the hourly rate', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    // 2 × 1,350,000 output tokens of Llama 3.3 70B on one Lambda H100 (1,500 tok/s, $3.99/h) over 1 GPU-hour: 50% utilization.
    const csv = ['timestamp,request_id,route,model,input_tokens,output_tokens,quality', '2026-05-10T00:00:00Z,g1,lambda/h100-sxm,llama-3.3-70b,1000,1350000,pass', '2026-05-10T00:30:00Z,g2,lambda/h100-sxm,llama-3.3-70b,1000,1350000,pass'].join('\n');
    expect((await cli('traces', 'import', writeTemp('g.csv', csv, dir), '--db', db)).code).toBe(0);
    const plain = await cli('traces', 'summarize', '--db', db, '--json');
    expect(JSON.parse(plain.stdout).unpriced[0].reason).toMatch(/billed by the GPU-hour/);
    const r = await cli('traces', 'summarize', '--db', db, '--gpu-hours', 'lambda/h100-sxm=1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const [g] = JSON.parse(r.stdout).gpuRoutes;
    expect(g).toMatchObject({ route: 'lambda/h100-sxm', serves: 'llama-3.3-70b', hourlyRate: 3.99, throughputTokensPerSecond: 1500 });
    expect(g.result.utilization).toBeCloseTo(0.5, 12);
    expect(g.result.headroom).toBeCloseTo(0.5, 12);
    expect(g.result.costUsd).toBeCloseTo(3.99, 12);
    expect(g.result.costPerAccepted).toBeCloseTo(1.995, 12);
    const bad = await cli('traces', 'summarize', '--db', db, '--gpu-hours', 'openai/gpt-5.5=3');
    expect(bad.code).toBe(2);
    const worse = await cli('traces', 'summarize', '--db', db, '--gpu-hours', 'lambda/h100-sxm=lots');
    expect(worse.stderr).toMatch(/--gpu-hours takes ROUTE=NUMBER/);
  });
});
