import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { type ChStore, openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { createOtelTraces } from '../../src/traces/clickhouse/otel-generate.js';
import { otelReadSource } from '../../src/traces/clickhouse/otel-source.js';
import { generateTraces } from '../../src/traces/generate.js';
import { type SqlSource, attemptsSql, chSource, summaryRows } from '../../src/traces/sql/index.js';
import { clickHouseTraceStore } from '../../src/traces/store/clickhouse.js';
import { loadWorkloadFile } from '../../src/workload/load.js';
import { PARITY_WORKLOADS } from '../helpers/clickhouse.js';
import { chdbUrl, loadChdb } from '../helpers/chdb.js';
import { differences, tempDir, writeTemp } from './helpers.js';

/**
 * SqlSource.ownRequests skips the first/last-attempt lookup (sql/attempts.ts). It is right only when
 * every attempt is its own request: these tests fail if the flag is set where a request has several
 * attempts (routefit's own tables) or where request_ids repeat (an otel_traces table holding a span twice).
 */
const catalog = loadCatalog();
const today = '2026-11-22';

describe('the "every attempt is its own request" shortcut (SqlSource.ownRequests)', () => {
  it('is never set over routefit`s own tables, where retries share a request_id (and taking it there would miscount)', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const file = join(dir, 't.csv');
    generateTraces(file, { workloads: loadWorkloadFile(writeTemp('w.yaml', PARITY_WORKLOADS, dir)).workloads, days: 3, rows: 2000, seed: 7, format: 'csv' });
    const ch = await openClickHouse(chdbUrl(), { connector: await loadChdb() });
    const store = clickHouseTraceStore(ch);
    try {
      await store.importFile(file, { today });
      await store.preparePricing(catalog);
      const src = chSource(ch);
      expect(src.ownRequests).toBe(false);
      const [row] = await summaryRows(src, { by: [] });
      expect(Number(row!.attempts)).toBeGreaterThan(Number(row!.requests));
      // Forced on, the shortcut counts every retry as a request: the flag is what keeps this figure right.
      const forced: SqlSource = { ...src, ownRequests: true };
      const [wrong] = await summaryRows(forced, { by: [] });
      expect(Number(wrong!.requests)).toBe(Number(row!.attempts));
      expect(attemptsSql(forced, forced.params(), {})).not.toMatch(/AS retried USING/);
      expect(attemptsSql(src, src.params(), {})).toMatch(/AS retried USING/);
    } finally {
      await store.close();
    }
  });

  it('over otel_traces is set by focus only once the request_ids are counted distinct, also after a table repeats them', { timeout: 180_000 }, async () => {
    const connector = await loadChdb();
    const raw = await openClickHouse(chdbUrl(), { connector });
    await createOtelTraces(raw, raw.database, 'otel_traces', { spans: 3000, seed: 9 });
    const source = otelReadSource({});
    const ch: ChStore = await openClickHouse(chdbUrl(raw.database), { connector, attempts: source.attempts, ...(source.ownRequests ? { ownRequests: source.ownRequests } : {}) });
    const store = clickHouseTraceStore(ch, source);
    try {
      await store.preparePricing(catalog);
      // Read in place (no focus): not proven, so the lookup runs.
      expect(chSource(ch).ownRequests).toBe(false);
      const inPlace = await store.summarize({ by: ['workload', 'route'], traceKit: { catalog } });
      await store.focus({});
      expect(chSource(ch).ownRequests).toBe(true);
      expect(differences(inPlace, await store.summarize({ by: ['workload', 'route'], traceKit: { catalog } }))).toEqual([]);
      // Every 7th span written again under another span id: its gen_ai.response.id (the request_id) now repeats.
      const t = `${raw.database}.otel_traces`;
      await raw.command(`INSERT INTO ${t} SELECT * REPLACE (concat(SpanId, 'r') AS SpanId) FROM ${t} WHERE cityHash64(SpanId) % 7 = 0 AND mapContains(SpanAttributes, 'gen_ai.response.id')`);
      const [rep] = await raw.query(`SELECT count() - uniqExact(SpanAttributes['gen_ai.response.id']) AS n FROM ${t} WHERE mapContains(SpanAttributes, 'gen_ai.response.id')`);
      expect(Number(rep!.n)).toBeGreaterThan(100);
      await store.focus({});
      // Proven again on the window read with the repeats marked: the same figures as before the repeats.
      expect(chSource(ch).ownRequests).toBe(true);
      expect(differences(inPlace, await store.summarize({ by: ['workload', 'route'], traceKit: { catalog } }))).toEqual([]);
      const [n] = await ch.query(`SELECT count() AS n, uniqExact(request_id) AS d FROM ${ch.attempts()} AS a`);
      expect(Number(n!.n)).toBe(Number(n!.d));
    } finally {
      await store.close();
      await raw.close();
    }
  });
});
