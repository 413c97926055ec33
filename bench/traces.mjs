// Trace Kit benchmark (issue 5, "Performance"): import + summarize of N generated rows from CSV and
// from Parquet, rows/s, peak memory, and the ratio to DuckDB running equivalent hand-written SQL on
// the same file in the same run. Run on demand: `npm run build && npm run bench:traces` (ROWS=1000000 for a quick one).
// Each phase runs in its own Node process so its peak RSS is its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';

const ROWS = Number(process.env.ROWS ?? 10_000_000);
const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'routefit-bench-'));
const csv = join(dir, 'traces.csv');
const parquet = join(dir, 'traces.parquet');

function phase(name, code) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${name} failed:\n${r.stderr}`);
  const { maxRssMb, cpuS } = JSON.parse(r.stdout.trim().split('\n').pop());
  return { name, seconds: s, cpuS, maxRssMb };
}
// CPU seconds (all threads) beside wall time: on a shared machine CPU time moves less with other load.
const tail = `{ const u = process.resourceUsage(); console.log(JSON.stringify({ maxRssMb: Math.round(u.maxRSS / 1024), cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6 })); }`;

const gen = phase('generate CSV', `
  import { generateTraces } from './dist/traces/generate.js';
  import { loadWorkloadFile } from './dist/workload/load.js';
  generateTraces(${JSON.stringify(csv)}, { workloads: loadWorkloadFile('examples/stage1-split.yaml').workloads, days: 30, rows: ${ROWS}, seed: 1, format: 'csv' });
  ${tail}`);
const toParquet = phase('CSV → Parquet (DuckDB)', `
  import { DuckDBInstance } from '@duckdb/node-api';
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  await c.run("COPY (SELECT * FROM read_csv('${csv}', all_varchar = true)) TO '${parquet}' (FORMAT parquet)");
  ${tail}`);

const ours = (file) => `
  import { openStore } from './dist/traces/db.js';
  import { importFile } from './dist/traces/import.js';
  import { preparePricing } from './dist/traces/pricing.js';
  import { summarize } from './dist/traces/metrics.js';
  import { loadCatalog } from './dist/catalog/load.js';
  const store = await openStore(${JSON.stringify(join(dir, 'store-'))} + Date.now() + '.duckdb', { create: true });
  const s = await importFile(store, ${JSON.stringify(file)}, { today: '2026-11-22' });
  if (s.kept === 0) throw new Error('nothing imported');
  await preparePricing(store, loadCatalog());
  await summarize(store, { by: ['workload', 'route'] });
  store.close();
  ${tail}`;
// The same work written by hand, two ways. "minimal": load the 12 columns the summary needs, then one
// GROUP BY with last-attempt detection, a fixed-price token cost and three quantile triples.
const minimal = (from) => `
  import { DuckDBInstance } from '@duckdb/node-api';
  const c = await (await DuckDBInstance.create(${JSON.stringify(join(dir, 'hand-'))} + Date.now() + '.duckdb')).connect();
  await c.run(\`CREATE TABLE r AS SELECT CAST("timestamp" AS TIMESTAMP) AS ts, request_id, CAST(attempt AS INTEGER) AS attempt, workload, route,
    CAST(input_tokens AS BIGINT) AS input_tokens, CAST(cached_input_tokens AS BIGINT) AS cached, CAST(output_tokens AS BIGINT) AS output_tokens,
    CAST(ttft_ms AS DOUBLE) AS ttft_ms, CAST(e2e_ms AS DOUBLE) AS e2e_ms, status, quality FROM ${from}\`);
  await c.runAndReadAll(\`WITH a AS (SELECT *, attempt = max(attempt) OVER (PARTITION BY request_id) AS fin FROM r)
    SELECT workload, route, count(*) FILTER (WHERE fin), count(*), count(*) FILTER (WHERE fin AND quality = 'pass'),
      sum((input_tokens - cached) * 5 + cached * 2.5 + output_tokens * 30) / 1e6,
      quantile_cont(input_tokens, [0.5, 0.95, 0.99]), quantile_cont(ttft_ms, [0.5, 0.95, 0.99]), quantile_cont(e2e_ms, [0.5, 0.95, 0.99])
    FROM a GROUP BY 1, 2\`);
  ${tail}`;
// "equivalent": what a careful analyst would write to get the same answers without routefit — every
// column of the normalized row typed with TRY_CAST (no reasons, no line numbers, no duplicate or
// idempotence checks, no transaction), then the summary's aggregates: request outcome from the last
// attempt, quality counts, escalations, errors, token sums, cache/batch/fallback shares, cost at one
// fixed price per route, and the five quantile triples (input, output, TTFT, TPOT, e2e).
const equivalent = (from) => `
  import { DuckDBInstance } from '@duckdb/node-api';
  const c = await (await DuckDBInstance.create(${JSON.stringify(join(dir, 'hand-'))} + Date.now() + '.duckdb')).connect();
  await c.run(\`CREATE TABLE r AS SELECT TRY_CAST("timestamp" AS TIMESTAMP) AS ts, request_id, TRY_CAST(attempt AS INTEGER) AS attempt,
    workflow_id, workload, provider, model, route, deployment, service_tier_requested, service_tier_served,
    TRY_CAST(input_tokens AS BIGINT) AS input_tokens, TRY_CAST(cached_input_tokens AS BIGINT) AS cached_input_tokens,
    TRY_CAST(cache_write_tokens AS BIGINT) AS cache_write_tokens, TRY_CAST(cache_write_1h_tokens AS BIGINT) AS cache_write_1h_tokens,
    TRY_CAST(output_tokens AS BIGINT) AS output_tokens, TRY_CAST(reasoning_tokens AS BIGINT) AS reasoning_tokens,
    TRY_CAST(ttft_ms AS DOUBLE) AS ttft_ms, TRY_CAST(e2e_ms AS DOUBLE) AS e2e_ms, status, quality,
    TRY_CAST(escalated_to_human AS BOOLEAN) AS escalated_to_human, TRY_CAST(batch AS BOOLEAN) AS batch, TRY_CAST(fallback AS BOOLEAN) AS fallback,
    TRY_CAST(cost_usd AS DOUBLE) AS cost_usd, user_segment FROM ${from}\`);
  await c.runAndReadAll(\`WITH a AS (SELECT *, attempt = max(attempt) OVER (PARTITION BY request_id) AS fin,
      (input_tokens - coalesce(cached_input_tokens, 0)) * 5e-6 + coalesce(cached_input_tokens, 0) * 2.5e-6 + output_tokens * 30e-6 AS cost FROM r)
    SELECT workload, route, min(ts), max(ts), count(*) FILTER (WHERE fin), count(*),
      count(*) FILTER (WHERE fin AND quality = 'pass'), count(*) FILTER (WHERE fin AND quality = 'fail'),
      count(*) FILTER (WHERE fin AND quality = 'repaired'), count(*) FILTER (WHERE fin AND escalated_to_human), count(*) FILTER (WHERE status <> 'ok'),
      sum(input_tokens), sum(cached_input_tokens), sum(cache_write_tokens), sum(output_tokens), sum(reasoning_tokens),
      count(*) FILTER (WHERE cached_input_tokens > 0), count(*) FILTER (WHERE batch), count(*) FILTER (WHERE fallback),
      sum(cost), avg(cost) FILTER (WHERE attempt = 0), sum(cost_usd), sum(e2e_ms),
      quantile_cont(input_tokens, [0.5, 0.95, 0.99]), quantile_cont(output_tokens, [0.5, 0.95, 0.99]),
      quantile_cont(ttft_ms, [0.5, 0.95, 0.99]) FILTER (WHERE status = 'ok'),
      quantile_cont((e2e_ms - ttft_ms) / (output_tokens - 1), [0.5, 0.95, 0.99]) FILTER (WHERE status = 'ok' AND output_tokens > 1),
      quantile_cont(e2e_ms, [0.5, 0.95, 0.99]) FILTER (WHERE status = 'ok'), count(DISTINCT workflow_id)
    FROM a GROUP BY 1, 2\`);
  ${tail}`;

const results = [gen, toParquet];
for (const [label, file, from] of [
  ['CSV', csv, `read_csv('${csv}', all_varchar = true)`],
  ['Parquet', parquet, `read_parquet('${parquet}')`],
]) {
  const base = phase(`hand-written SQL, minimal, ${label}`, minimal(from));
  const equiv = phase(`hand-written SQL, equivalent, ${label}`, equivalent(from));
  const routefit = phase(`routefit import + summarize, ${label}`, ours(file));
  const ratio = (b) => `${(routefit.seconds / b.seconds).toFixed(2)}× (cpu ${(routefit.cpuS / b.cpuS).toFixed(2)}×)`;
  results.push(base, equiv, { ...routefit, ratio: `${ratio(equiv)} · minimal ${ratio(base)}` });
}
console.log(`rows: ${ROWS.toLocaleString('en-US')}, CSV ${(statSync(csv).size / 1e9).toFixed(2)} GB, Parquet ${(statSync(parquet).size / 1e9).toFixed(2)} GB, ${cpus().length} cores, node ${process.version}`);
console.log('| phase | seconds | cpu s | rows/s | peak RSS MB | ratio to hand-written SQL: equivalent · minimal |');
console.log('|---|---:|---:|---:|---:|---|');
for (const r of results) {
  console.log(`| ${r.name} | ${r.seconds.toFixed(1)} | ${r.cpuS.toFixed(1)} | ${Math.round(ROWS / r.seconds).toLocaleString('en-US')} | ${r.maxRssMb} | ${r.ratio ?? ''} |`);
}
rmSync(dir, { recursive: true, force: true });
