import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { dialectFor } from '../../src/traces/clickhouse/dialect.js';
import { generateTraces } from '../../src/traces/generate.js';
import type { SummaryOptions } from '../../src/traces/metrics.js';
import { type TraceStore, openTraceStore } from '../../src/traces/store/index.js';
import { loadWorkloadFile } from '../../src/workload/load.js';
import { chdbUrl, loadChdb } from '../helpers/chdb.js';
import { CHECK_FLEET_YAML, differences, tempDir, writeTemp } from './helpers.js';
import { PARITY_WORKLOADS as WORKLOADS } from '../helpers/clickhouse.js';

/**
 * The ClickHouse store's SQL on current ClickHouse (chdb, 26.x), not only on Debian's 18.16: the same
 * generated file imported into a DuckDB store and into a ClickHouse store on chdb gives the same
 * summaries and the same check series (to 1e-9). The 18.16 runs are clickhouse.test.ts and
 * clickhouse-check.test.ts; both dialects come from one set of queries (clickhouse/dialect.ts).
 */
const catalog = loadCatalog();
const today = '2026-11-22';


async function bothStores(file: string): Promise<{ duck: TraceStore; ch: TraceStore }> {
  const connector = await loadChdb();
  const duck = await openTraceStore({ kind: 'duckdb', db: join(tempDir(), 's.duckdb') }, { create: true });
  const ch = await openTraceStore({ kind: 'clickhouse', url: chdbUrl() }, { create: true, connector });
  const [d, c] = [await duck.importFile(file, { today }), await ch.importFile(file, { today })];
  expect(c.kept).toBe(d.kept);
  expect(c.kept).toBeGreaterThan(0);
  await duck.preparePricing(catalog);
  await ch.preparePricing(catalog);
  return { duck, ch };
}

describe('the ClickHouse store on current ClickHouse (chdb)', () => {
  it('picks the dialect by server version: minutes are %M before 23.4 and %i after', () => {
    expect(dialectFor('18.16.1').minute).toBe('%M');
    expect(dialectFor('23.3.9').minute).toBe('%M');
    expect(dialectFor('23.4.1').minute).toBe('%i');
    expect(dialectFor('26.7.2.1').minute).toBe('%i');
  });

  it('summarize agrees with DuckDB field by field for every segmentation, window and SLO', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const file = join(dir, 't.csv');
    generateTraces(file, { workloads: loadWorkloadFile(writeTemp('w.yaml', WORKLOADS, dir)).workloads, days: 4, rows: 3000, seed: 5, format: 'csv' });
    const { duck, ch } = await bothStores(file);
    try {
      const cases: SummaryOptions[] = [
        { by: ['workload', 'route'], slo: { ttftMs: 400, tpotMs: 60 }, overheads: { repairCostPerFailure: { value: 0.002, evidence: 'assumed', source: 'test' } } },
        { by: [] },
        { by: ['day', 'model'] },
        { by: ['hour', 'workload', 'user_segment'], slo: { ttftMs: 300 } },
        { by: ['provider', 'deployment'], from: '2026-05-02', to: '2026-05-03T12:00' },
      ];
      for (const opts of cases) {
        const a = await duck.summarize({ ...opts, traceKit: { catalog } });
        const b = await ch.summarize({ ...opts, traceKit: { catalog } });
        expect(b.length, `groups --by ${opts.by.join(',')}`).toBe(a.length);
        expect(differences(a, b), `--by ${opts.by.join(',')}`).toEqual([]);
      }
      // What the comparison covers: retries, cache reads, workflows, an unpriced route, the long-context cliff; window starts and ends to the second.
      const [all] = await duck.summarize({ by: [] });
      expect(all!.rates.retry).toBeGreaterThan(0.02);
      expect(all!.rates.cacheHitTokens).toBeGreaterThan(0.3);
      const byWorkload = new Map((await ch.summarize({ by: ['workload'] })).map((g) => [g.key.workload, g]));
      expect(byWorkload.get('mystery')!.cost.unpricedAttempts).toBe(byWorkload.get('mystery')!.attempts);
      expect(byWorkload.get('chat-agent')!.workflows!.count).toBeGreaterThan(10);
      expect(byWorkload.get('long-rag')!.tokens.input.p99).toBeGreaterThan(200_000);
      expect(all!.window.start).toMatch(/^2026-05-01T\d\d:\d\d:\d\dZ$/);
    } finally {
      await duck.close();
      await ch.close();
    }
  });

  it("check's series (daily counts, hourly p99s, weekly ratios, route use) agree with DuckDB", { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const file = join(dir, 't.csv');
    generateTraces(file, { workloads: loadWorkloadFile(writeTemp('fleet.yaml', CHECK_FLEET_YAML, dir)).workloads, days: 28, rows: 8000, seed: 21, format: 'csv' });
    const { duck, ch } = await bothStores(file);
    try {
      for (const window of [{}, { from: '2026-05-08', to: '2026-05-20' }]) {
        const a = await duck.traceSeries(window, catalog);
        const b = await ch.traceSeries(window, catalog);
        expect(a.daily.length).toBeGreaterThan(20);
        expect(a.hourly.length).toBeGreaterThan(100);
        expect(differences(a, b), JSON.stringify(window)).toEqual([]);
      }
      // The detectors read those series: the trace signals agree too (invoices and incidents live elsewhere for now).
      const trace = (s: Awaited<ReturnType<TraceStore['check']>>) => s.filter((x) => !['invoice_variance', 'incident_frequency_2x', 'incident_mttr_over_slo'].includes(x.id));
      const opts = { catalog, slo: { e2eP99Ms: 8000 }, qualityFloor: 0.9 };
      expect(differences(trace(await duck.check(opts)), trace(await ch.check(opts)))).toEqual([]);
    } finally {
      await duck.close();
      await ch.close();
    }
  });
});
