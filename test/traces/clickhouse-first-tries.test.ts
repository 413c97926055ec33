import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { importFileToClickHouse } from '../../src/traces/clickhouse/import.js';
import { generateTraces } from '../../src/traces/generate.js';
import { importFile } from '../../src/traces/import.js';
import { type SummaryOptions, summarize } from '../../src/traces/metrics.js';
import { preparePricing } from '../../src/traces/pricing.js';
import { loadWorkloadFile } from '../../src/workload/load.js';
import { PARITY_WORKLOADS, useClickHouse } from '../helpers/clickhouse.js';
import { differences, memoryStore, tempDir, writeTemp } from './helpers.js';

const server = useClickHouse();
const catalog = loadCatalog();
const today = '2026-11-22';

/**
 * The ClickHouse summary lets only retries (attempt > 0) probe the first/last-attempt lookup: an
 * attempt 0 row counts as final and a retried request's final row takes back what its attempt 0
 * counted (src/traces/sql/attempts.ts `firstTries`). DuckDB joins every row. Retried requests here
 * differ from their attempt 0 in everything a final count reads (quality, escalation, latency,
 * workflow, route): a take-back missing or applied twice changes requests, pass/fail/…, escalated,
 * good, latency_ok or workflow_calls.
 */
const FIELDS = ['timestamp', 'request_id', 'attempt', 'workflow_id', 'workload', 'route', 'input_tokens', 'output_tokens', 'ttft_ms', 'e2e_ms', 'status', 'quality', 'escalated_to_human'];
type Row = [string, string, number, string, string, string, number, number, number, number, string, string, string];

function rows(): Row[] {
  const out: Row[] = [];
  const q = ['pass', 'fail', 'repaired', 'unknown'];
  for (let i = 0; i < 24; i++) {
    const day = `2026-05-0${1 + (i % 3)}`;
    const route = i % 2 ? 'openai/gpt-5.5' : 'google/gemini-2.5-pro';
    const wl = i % 3 ? 'a' : 'b';
    // Single-attempt requests.
    out.push([`${day}T08:00:0${i % 10}Z`, `s-${i}`, 0, i % 4 ? '' : `w-${i % 8}`, wl, route, 1000 + i, 200 + i, 100 + 20 * i, 3000 + 50 * i, 'ok', q[i % 4]!, i % 5 ? '' : 'true']);
    // Retried requests: attempt 0 and 1 or 1 and 2 differ in quality, escalation, latency and route.
    const id = `r-${i}`;
    out.push([`${day}T09:00:0${i % 10}Z`, id, 0, i % 3 ? `w-${i % 5}` : '', wl, route, 2000 + i, 300, 150 + 30 * i, 5000, i % 7 ? 'ok' : 'error', q[(i + 1) % 4]!, i % 2 ? 'true' : '']);
    out.push([`${day}T09:00:1${i % 10}Z`, id, 1, '', i % 2 ? 'c' : wl, i % 3 ? 'acme/mystery-1' : route, 2100 + i, 310, 90 + 40 * i, 4000, 'ok', q[(i + 2) % 4]!, i % 3 ? '' : 'true']);
    if (i % 4 === 0) out.push([`${day}T09:00:2${i % 10}Z`, id, 2, '', 'c', route, 2200, 320, 80, 3500, 'ok', q[(i + 3) % 4]!, '']);
  }
  // A retried request without an attempt 0 (its attempts 1 and 2), and one whose attempt 0 is outside the window below.
  out.push(['2026-05-02T10:00:00Z', 'no-zero', 1, 'w-9', 'a', 'openai/gpt-5.5', 500, 50, 120, 900, 'ok', 'fail', 'true']);
  out.push(['2026-05-02T10:00:05Z', 'no-zero', 2, '', 'b', 'google/gemini-2.5-pro', 500, 50, 120, 900, 'ok', 'pass', '']);
  out.push(['2026-05-01T23:59:59Z', 'across', 0, 'w-10', 'a', 'openai/gpt-5.5', 700, 70, 110, 800, 'ok', 'pass', 'true']);
  out.push(['2026-05-02T00:00:10Z', 'across', 1, '', 'b', 'openai/gpt-5.5', 700, 70, 500, 800, 'ok', 'fail', '']);
  return out;
}

/** The generator's header (every column), the rows' fields in place and the rest empty. */
function file(): string {
  const dir = tempDir();
  const out = join(dir, 'traces.csv');
  generateTraces(out, { workloads: loadWorkloadFile(writeTemp('workloads.yaml', PARITY_WORKLOADS, dir)).workloads, days: 1, rows: 10, seed: 1, format: 'csv' });
  const header = readFileSync(out, 'utf8').split('\n', 1)[0]!.split(',');
  writeFileSync(out, [header.join(','), ...rows().map((r) => header.map((h) => (FIELDS.includes(h) ? r[FIELDS.indexOf(h)] : '')).join(','))].join('\n') + '\n');
  return out;
}

describe('ClickHouse summary: attempt 0 rows of retried requests are taken back, not counted final', () => {
  it('equals DuckDB (every row joined to its request) for every segmentation, window and SLO, and counts each request once', { timeout: 120_000 }, async () => {
    const f = file();
    const duck = await memoryStore();
    const d = await importFile(duck, f, { today });
    await preparePricing(duck, catalog);
    const ch = await openClickHouse(server.fresh());
    const c = await importFileToClickHouse(ch, f, { today });
    await preparePricing(ch, catalog);
    try {
      expect(c.kept).toBe(d.kept);
      expect(d.kept).toBe(rows().length);
      const cases: SummaryOptions[] = [
        { by: [] },
        { by: ['workload', 'route'], slo: { ttftMs: 400 } },
        { by: ['day'], slo: { ttftMs: 200, tpotMs: 20 } },
        { by: ['workload'], from: '2026-05-02' },
        { by: ['route', 'hour'] },
      ];
      for (const opts of cases) {
        const a = await summarize(duck, opts);
        const b = await summarize(ch, opts);
        expect(b.length, `groups --by ${opts.by.join(',')}`).toBe(a.length);
        expect(differences(a, b), `--by ${opts.by.join(',')} ${opts.from ?? ''}`).toEqual([]);
      }
      // Each request once, with its last attempt's quality: 24 single, 24 retried, no-zero, across.
      const [all] = await summarize(ch, { by: [] });
      expect(all!.requests).toBe(50);
      expect(all!.attempts).toBe(rows().length);
      const finals = new Map<string, Row>();
      for (const r of rows()) if (!finals.has(r[1]) || finals.get(r[1])![2] < r[2]) finals.set(r[1], r);
      const pass = [...finals.values()].filter((r) => r[11] === 'pass').length;
      expect(all!.quality.pass).toBe(pass);
      // In the window from 05-02 'across' is its attempt 1 alone (workload b there, as its first attempt in the window).
      const windowed = await summarize(ch, { by: ['workload'], from: '2026-05-02' });
      expect(windowed.reduce((n, g) => n + g.requests, 0)).toBe(16 + 16 + 2);
    } finally {
      duck.close();
      await ch.close();
    }
  });
});
