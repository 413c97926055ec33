import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { importFileToClickHouse } from '../../src/traces/clickhouse/import.js';
import { importFile } from '../../src/traces/import.js';
import { summarize } from '../../src/traces/metrics.js';
import { preparePricing } from '../../src/traces/pricing.js';
import { useClickHouse } from '../helpers/clickhouse.js';
import { HEADER, memoryStore, writeTemp } from '../traces/helpers.js';

const server = useClickHouse();
const catalog = loadCatalog();
const today = '2026-11-22';

// 64 requests over 10 s (first at :00, last at :10): 58 pass inside a 800 ms TTFT SLO, 4 pass with
// a 900 ms TTFT, 2 fail fast. Goodput = 58 ÷ 10 s = 5.8/s (not 58 ÷ 3,600 s = 0.016/s);
// latency-pass rate = 60/64, quality pass rate = 62/64.
function fixture(): string {
  const rows = Array.from({ length: 64 }, (_, i) => {
    const sec = i === 63 ? 10 : Math.floor((i * 10) / 63);
    const slow = i >= 58 && i < 62;
    const quality = i >= 62 ? 'fail' : 'pass';
    return `2026-05-01T00:00:${String(sec).padStart(2, '0')}Z,q${i},0,chat,openai,gpt-5.5,1000,0,100,${slow ? 900 : 300},2000,ok,${quality}`;
  });
  return writeTemp('short.csv', [HEADER, ...rows].join('\n'));
}
const opts = { by: [], slo: { ttftMs: 800 } };

describe('goodput over a short window (issue 11 item 2)', () => {
  it('DuckDB: divides by the real 10 s window and reports the latency-pass rate beside the quality pass rate', async () => {
    const store = await memoryStore();
    await importFile(store, fixture(), { today });
    await preparePricing(store, catalog);
    const [g] = await summarize(store, opts);
    expect(g!.goodput!.acceptedWithinSlo).toBe(58);
    expect(g!.goodput!.windowSeconds).toBe(10);
    expect(g!.goodput!.perSecond).toBeCloseTo(5.8, 12);
    expect(g!.goodput!.latencyPass).toBe(60);
    expect(g!.goodput!.latencyPassRate).toBeCloseTo(60 / 64, 12);
    expect(g!.rates.pass).toBeCloseTo(62 / 64, 12);
    // A stated window wins over the observed span.
    const [w] = await summarize(store, { ...opts, windowSeconds: 20 });
    expect(w!.goodput!.perSecond).toBeCloseTo(2.9, 12);
    await expect(summarize(store, { ...opts, windowSeconds: 0 })).rejects.toThrow(/--window is 0 s; allowed a duration > 0/);
    store.close();
  });

  it('ClickHouse: the same goodput and latency-pass rate', { timeout: 120_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    await importFileToClickHouse(ch, fixture(), { today });
    await preparePricing(ch, catalog);
    const [g] = await summarize(ch, opts);
    expect(g!.goodput!.perSecond).toBeCloseTo(5.8, 12);
    expect(g!.goodput!.latencyPass).toBe(60);
    expect(g!.goodput!.latencyPassRate).toBeCloseTo(60 / 64, 12);
    await ch.close?.();
  });
});
