import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type Histogram, histogramQuantile, mergeHistograms } from '../../src/engine/measured/histogram.js';
import { openStore, query } from '../../src/traces/db.js';
import { detectFormat } from '../../src/traces/import.js';
import { cli } from '../helpers/cli.js';
import { tempDir, writeTemp } from './helpers.js';

const ns = (iso: string) => String(BigInt(Date.parse(iso)) * 1_000_000n);
const kv = (o: Record<string, string>) => Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));
const gpt = { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-5.5', 'gen_ai.operation.name': 'chat' };
const TOKEN_BOUNDS = [1, 4, 16, 64, 256, 1024, 4096];

function point(attrs: Record<string, string>, p: { count: number; sum: number; bounds: number[]; buckets: number[]; at: string; start?: string; min?: number; max?: number }) {
  return {
    attributes: kv(attrs),
    startTimeUnixNano: ns(p.start ?? '2026-05-01T00:00:00Z'),
    timeUnixNano: ns(p.at),
    count: String(p.count),
    sum: p.sum,
    bucketCounts: p.buckets.map(String),
    explicitBounds: p.bounds,
    ...(p.min !== undefined ? { min: p.min } : {}),
    ...(p.max !== undefined ? { max: p.max } : {}),
  };
}

const doc = (metrics: unknown[]) => ({ resourceMetrics: [{ resource: { attributes: kv({ 'service.name': 'chat-api' }) }, scopeMetrics: [{ scope: { name: 'genai' }, metrics }] }] });
const hist = (name: string, unit: string, dataPoints: unknown[], temporality = 1) => ({ name, unit, histogram: { aggregationTemporality: temporality, dataPoints } });

const AT = '2026-05-01T00:30:00Z';
// 2 calls of 1,000 in / 100 out; 4 operations of 6 s in all (buckets ≤0.5, ≤1, ≤2, ≤4 s); 2 TTFTs of 0.4 s in all.
const METRICS = doc([
  hist('gen_ai.client.token.usage', '{token}', [
    point({ ...gpt, 'gen_ai.token.type': 'input' }, { count: 2, sum: 2000, bounds: TOKEN_BOUNDS, buckets: [0, 0, 0, 0, 0, 2, 0, 0], at: AT }),
    point({ ...gpt, 'gen_ai.token.type': 'output' }, { count: 2, sum: 200, bounds: TOKEN_BOUNDS, buckets: [0, 0, 0, 0, 2, 0, 0, 0], at: AT }),
  ]),
  hist('gen_ai.client.operation.duration', 's', [point(gpt, { count: 4, sum: 6, bounds: [0.5, 1, 2, 4], buckets: [0, 1, 2, 1, 0], at: AT, min: 0.7, max: 3 })]),
  hist('gen_ai.server.time_to_first_token', 's', [point(gpt, { count: 2, sum: 0.4, bounds: [0.1, 0.2, 0.4], buckets: [0, 1, 1, 0], at: AT })]),
  hist('http.client.request.duration', 's', [point({}, { count: 1, sum: 1, bounds: [], buckets: [1], at: AT })]),
]);

describe('histogram quantiles (engine)', () => {
  it('interpolates inside the bucket that holds the rank, clamped to min and max', () => {
    const h: Histogram = { count: 4, sum: 6000, bounds: [500, 1000, 2000, 4000], bucketCounts: [0, 1, 2, 1, 0] };
    // p50: rank 2 in (1000, 2000] holding ranks 2–3: 1000 + 1000 × (2 − 1) / 2.
    expect(histogramQuantile(h, 0.5)).toEqual({ value: 1500, atLeast: false });
    // p95: rank 3.8 in (2000, 4000]: 2000 + 2000 × 0.8; with max 3000 the bucket ends there.
    expect(histogramQuantile(h, 0.95).value).toBeCloseTo(3600, 9);
    expect(histogramQuantile({ ...h, max: 3000 }, 0.95).value).toBeCloseTo(2800, 9);
    // The open last bucket without a max: the last bound, marked "at least".
    expect(histogramQuantile({ ...h, bucketCounts: [0, 0, 0, 0, 4] }, 0.5)).toEqual({ value: 4000, atLeast: true });
    expect(histogramQuantile({ ...h, count: 0, bucketCounts: [0, 0, 0, 0, 0] }, 0.5).value).toBeNull();
  });

  it('merges only histograms with the same bounds', () => {
    const a: Histogram = { count: 1, sum: 1, bounds: [1, 2], bucketCounts: [1, 0, 0], min: 1, max: 1 };
    const b: Histogram = { count: 2, sum: 3, bounds: [1, 2], bucketCounts: [0, 2, 0], min: 1.5, max: 1.5 };
    expect(mergeHistograms([a, b])).toEqual({ count: 3, sum: 4, bounds: [1, 2], bucketCounts: [1, 2, 0], min: 1, max: 1.5 });
    expect(mergeHistograms([a, { ...b, bounds: [1, 3] }])).toMatch(/different bucket bounds/);
  });

  it('property: quantiles never decrease with q and stay inside [min, max]', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 4, maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (buckets, q1, q2) => {
        const count = buckets.reduce((a, b) => a + b, 0);
        fc.pre(count > 0);
        const h: Histogram = { count, sum: 0, bounds: [10, 20, 40], bucketCounts: buckets, min: 5, max: 50 };
        const [lo, hi] = q1 <= q2 ? [q1, q2] : [q2, q1];
        const a = histogramQuantile(h, lo).value!;
        const b = histogramQuantile(h, hi).value!;
        expect(a).toBeLessThanOrEqual(b + 1e-9);
        expect(a).toBeGreaterThanOrEqual(5);
        expect(b).toBeLessThanOrEqual(50);
      }),
    );
  });
});

describe('OTel GenAI metrics import (OTLP JSON)', () => {
  it('is detected by "resourceMetrics"', () => {
    expect(detectFormat(writeTemp('m.json', JSON.stringify(METRICS)))).toBe('otel-metrics');
  });

  it('a gzipped export (.json.gz) is detected and imported like the plain file', async () => {
    const dir = tempDir();
    const gz = join(dir, 'm.json.gz');
    writeFileSync(gz, gzipSync(JSON.stringify(METRICS)));
    expect(detectFormat(gz)).toBe('otel-metrics');
    const imp = await cli('traces', 'import', gz, '--db', join(dir, 's.duckdb'), '--json');
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout).imports[0]).toMatchObject({ format: 'otel-metrics', rowsRead: 4, kept: 4, rejected: 0 });
  });

  it('stores histogram points; summarize shows tokens and latency (mean exact, percentiles interpolated)', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const imp = await cli('traces', 'import', writeTemp('m.json', JSON.stringify(METRICS), dir), '--db', db, '--json');
    expect(imp.code, imp.stderr).toBe(0);
    const [s] = JSON.parse(imp.stdout).imports;
    expect(s).toMatchObject({ format: 'otel-metrics', rowsRead: 4, kept: 4, rejected: 0 });
    expect(s.notes.join(' ')).toMatch(/1 metrics that are not GenAI histograms .*http\.client\.request\.duration/);
    const r = await cli('traces', 'summarize', '--db', db, '--json');
    expect(r.code, r.stderr).toBe(0);
    const [m] = JSON.parse(r.stdout).otelMetrics;
    expect(m).toMatchObject({ provider: 'openai', model: 'gpt-5.5', points: 4, tokens: { input: 2000, output: 200 } });
    // 6 s over 4 operations; seconds converted to ms. p50 1,500 ms; p95 2,000 + 1,000 × 0.8 (max 3 s ends the bucket).
    expect(m.duration.count).toBe(4);
    expect(m.duration.meanMs).toBeCloseTo(1500, 9);
    expect(m.duration.p50Ms).toBeCloseTo(1500, 9);
    expect(m.duration.p95Ms).toBeCloseTo(2800, 9);
    // TTFT: 0.4 s over 2; p50 = 200 ms (end of (100, 200]); p95 = 200 + 200 × 0.9.
    expect(m.ttft.meanMs).toBeCloseTo(200, 9);
    expect(m.ttft.p50Ms).toBeCloseTo(200, 9);
    expect(m.ttft.p95Ms).toBeCloseTo(380, 9);
    const text = await cli('traces', 'summarize', '--db', db);
    expect(text.stdout).toMatch(/OTel GenAI metrics .*approximate/);
    expect(text.stdout).toMatch(/openai\s+gpt-5\.5.*2,000\s+200\s+4\s+1,500 \/ 1,500 \/ 2,800/);
    // A window that ends before the points leaves none.
    const none = JSON.parse((await cli('traces', 'summarize', '--db', db, '--to', '2026-05-01T00:10', '--json')).stdout);
    expect(none.otelMetrics).toEqual([]);
  });

  it('cumulative exports become deltas, across files too; a re-import adds nothing', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const cum = (count: number, sum: number, at: string) => JSON.stringify(doc([hist('gen_ai.client.token.usage', '{token}', [point({ ...gpt, 'gen_ai.token.type': 'input' }, { count, sum, bounds: TOKEN_BOUNDS, buckets: [0, 0, 0, 0, 0, count, 0, 0], at })], 2)]));
    // Two exports in one file: 1 call / 1,000 tokens by 00:01, 3 calls / 3,000 by 00:02 → deltas 1,000 + 2,000.
    const f1 = writeTemp('m1.jsonl', [cum(1, 1000, '2026-05-01T00:01:00Z'), cum(3, 3000, '2026-05-01T00:02:00Z')].join('\n'), dir);
    expect((await cli('traces', 'import', f1, '--db', db)).code).toBe(0);
    // The next file's export (4 calls / 4,000 by 00:03) is diffed against the stored 00:02 export: + 1,000.
    const f2 = writeTemp('m2.jsonl', cum(4, 4000, '2026-05-01T00:03:00Z'), dir);
    expect((await cli('traces', 'import', f2, '--db', db)).code).toBe(0);
    const again = JSON.parse((await cli('traces', 'import', f1, '--db', db, '--json')).stdout).imports[0];
    expect(again).toMatchObject({ kept: 0, alreadyStored: 2 });
    const s = await openStore(db, { create: false });
    const rows = await query(s.conn, `SELECT count, sum FROM metric_points ORDER BY end_ts`);
    expect(rows).toEqual([{ count: 1, sum: 1000 }, { count: 2, sum: 2000 }, { count: 1, sum: 1000 }]);
    s.close();
    const [m] = JSON.parse((await cli('traces', 'summarize', '--db', db, '--json')).stdout).otelMetrics;
    expect(m.tokens.input).toBe(4000);
  });

  it('rejects bad points with the line and the point’s path; past 1% nothing is written', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const bad = doc([
      hist('gen_ai.client.token.usage', '{token}', [
        point({ ...gpt, 'gen_ai.token.type': 'input' }, { count: 1, sum: 10, bounds: TOKEN_BOUNDS, buckets: [0, 0, 0, 1, 0, 0, 0, 0], at: AT }),
        point({ ...gpt, 'gen_ai.token.type': 'cached' }, { count: 1, sum: 10, bounds: TOKEN_BOUNDS, buckets: [0, 0, 0, 1, 0, 0, 0, 0], at: AT }),
        point({ 'gen_ai.request.model': 'gpt-5.5', 'gen_ai.token.type': 'input' }, { count: 1, sum: 10, bounds: TOKEN_BOUNDS, buckets: [0, 0, 0, 1, 0, 0, 0, 0], at: AT }),
      ]),
      hist('gen_ai.client.operation.duration', 'min', [point(gpt, { count: 1, sum: 1, bounds: [1], buckets: [1, 0], at: AT })]),
      hist('gen_ai.server.time_to_first_token', 's', [point(gpt, { count: 3, sum: 1, bounds: [1], buckets: [1, 0], at: AT })]),
    ]);
    const file = writeTemp('bad.jsonl', ['{"resourceMetrics": [', JSON.stringify(bad)].join('\n'), dir);
    const r = await cli('traces', 'import', file, '--db', db, '--json');
    expect(r.code).toBe(2);
    const [s] = JSON.parse(r.stdout).imports;
    expect(s).toMatchObject({ format: 'otel-metrics', rowsRead: 6, kept: 0, rejected: 5 });
    expect(s.rejects).toEqual([
      { line: 1, reason: 'malformed JSON: not a JSON object' },
      { line: 2, reason: 'gen_ai.client.token.usage: gen_ai.token.type is "cached"; allowed input or output (resourceMetrics[0].scopeMetrics[0].metrics[0].dataPoints[1])' },
      { line: 2, reason: 'gen_ai.client.token.usage: gen_ai.provider.name (or gen_ai.system) is missing (resourceMetrics[0].scopeMetrics[0].metrics[0].dataPoints[2])' },
      { line: 2, reason: 'gen_ai.client.operation.duration: unit is "min"; allowed s or ms (resourceMetrics[0].scopeMetrics[0].metrics[1].dataPoints[0])' },
      { line: 2, reason: 'gen_ai.server.time_to_first_token: bucketCounts must be integers ≥ 0 summing to count 3; they sum to 1 (resourceMetrics[0].scopeMetrics[0].metrics[2].dataPoints[0])' },
    ]);
    const store = await openStore(db, { create: false });
    expect(await query(store.conn, 'SELECT count(*) AS n FROM metric_points')).toEqual([{ n: 0 }]);
    store.close();
  });

  it('reconcile: token totals from the metrics as a third source; missing calls in the traces explain the gap', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    // One traced call of the two the metrics counted: GPT-5.5 1,000 × $5 + 100 × $30 per M = $0.008.
    const traces = ['timestamp,request_id,provider,model,input_tokens,output_tokens,quality', '2026-05-01T00:10:00Z,r1,openai,gpt-5.5,1000,100,pass'].join('\n');
    expect((await cli('traces', 'import', writeTemp('t.csv', traces, dir), '--db', db)).code).toBe(0);
    expect((await cli('traces', 'import', writeTemp('m.json', JSON.stringify(METRICS), dir), '--db', db)).code).toBe(0);
    expect((await cli('traces', 'import', writeTemp('inv.csv', 'period,provider,model,amount\n2026-05-01,openai,gpt-5.5,0.016', dir), '--db', db)).code).toBe(0);
    const r = await cli('traces', 'reconcile', '--db', db, '--json');
    const out = JSON.parse(r.stdout);
    const [line] = out.providers;
    expect(line.metered).toEqual({ inputTokens: 2000, outputTokens: 200, tracedInputTokens: 1000, tracedOutputTokens: 100 });
    const cause = line.causes.find((c: { id: string }) => c.id === 'traces_incomplete');
    expect(cause).toMatchObject({ verdict: 'explains_gap' });
    expect(cause.finding).toMatch(/2,200 tokens, the traces hold 1,100 \(50\.0% missing\)/);
    // The missing half costs what the traced half did.
    expect(cause.impactUsd).toBeCloseTo(0.008, 12);
    expect(out.skus[0].metered).toMatchObject({ inputTokens: 2000, outputTokens: 200 });
  });
});
