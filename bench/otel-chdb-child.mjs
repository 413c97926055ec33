// One measured process of bench/otel-chdb.mjs: opens the chdb data dir (current ClickHouse, in this
// process) and runs either routefit's CLI (`traces summarize --clickhouse URL --source otel`, the
// CLI's own code, reaching ClickHouse through chdb instead of HTTP) or the hand-written query.
// Prints one JSON line: wall and CPU time of the whole process and of the work alone, peak RSS, and
// the figures both compute (checked equal by the parent).
//   node bench/otel-chdb-child.mjs routefit|handwritten|handwritten2 DATA_DIR
// handwritten2: the second hand-written baseline (bench/otel-handwritten.mjs handWrittenFullSql), with the
// figures only it computes too (`full`, `source`).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [mode, dataDir] = process.argv.slice(2);
const root = resolve(import.meta.dirname, '..');
const dist = (p) => join(root, 'dist', p);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const peakMb = () => Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024);

const { createChdbConnection } = await import('chdb/connection');
const connector = { connection: () => createChdbConnection({ path: dataDir }) };
const t0 = performance.now();
const c0 = cpuMs();
let groups;
let source;
if (mode === 'routefit') {
  const { run } = await import(dist('cli/program.js'));
  let out = '';
  let err = '';
  const code = await run(['traces', 'summarize', '--clickhouse', 'http://chdb.invalid/bench', '--source', 'otel', '--by', 'workload,route', '--json'], {
    out: (s) => (out += s),
    err: (s) => (err += s),
    today: '2026-11-22',
    clickhouse: connector,
  });
  if (code !== 0) throw new Error(`routefit exited ${code}: ${err}`);
  const json = JSON.parse(out);
  groups = json.groups.map((g) => ({
    workload: g.key.workload,
    route: g.key.route,
    requests: g.requests,
    inputMean: g.tokens.input.mean,
    outputMean: g.tokens.output.mean,
    inputP95: g.tokens.input.p95,
    e2eP99: g.latency.e2eMs.p99,
    costUsd: g.cost.pricedTokenCostUsd,
    // The figures only the second hand-written query (handWrittenFullSql) computes too.
    full: {
      attempts: g.attempts,
      windowDays: g.window.days,
      cacheHitTokens: g.rates.cacheHitTokens,
      cacheHitRequests: g.rates.cacheHitRequests,
      cacheWriteTokens: g.rates.cacheWriteTokens,
      batchShare: g.rates.batchShare,
      errorRate: g.rates.errorRate,
      reasoningShare: g.tokens.reasoningShare,
      inputP50: g.tokens.input.p50,
      inputP99: g.tokens.input.p99,
      outputP50: g.tokens.output.p50,
      outputP95: g.tokens.output.p95,
      outputP99: g.tokens.output.p99,
      e2eP50: g.latency.e2eMs.p50,
      e2eP95: g.latency.e2eMs.p95,
      meanConcurrency: g.latency.meanConcurrency,
      pricedAttempts: g.cost.pricedAttempts,
      unpricedAttempts: g.cost.unpricedAttempts,
      cachedAtInputRate: g.cost.cachedAtInputRate,
      batchAtStandardRate: g.cost.batchAtStandardRate,
      naiveCostPerRequest: g.lcpr.naiveCostPerRequest,
      workflows: g.workflows?.count ?? 0,
      callsPerWorkflow: g.workflows?.callsPerWorkflow ?? null,
      tokenFanout: g.workflows?.tokenFanout ?? null,
    },
  }));
  source = { spans: json.source.spans, skipped: json.source.skipped, attempts: json.source.attempts, excluded: Object.fromEntries(json.source.excluded.map((e) => [e.rule, e.spans])) };
} else if (mode === 'handwritten2') {
  const { openClickHouse } = await import(dist('traces/clickhouse/connection.js'));
  const { handWrittenFullSql } = await import(join(root, 'bench/otel-handwritten.mjs'));
  const { loadCatalog } = await import(dist('catalog/load.js'));
  const ch = await openClickHouse('http://chdb.invalid/bench', { connector });
  const sql = handWrittenFullSql('bench.otel_traces', loadCatalog());
  const rows = await ch.query(sql.groups);
  const firsts = new Map((await ch.query(sql.workflows)).map((r) => [`${r.workload} ${r.route}`, Number(r.first_tokens)]));
  await ch.close();
  source = { spans: 0, skipped: 0, attempts: 0, excluded: {}, repeated: 0 };
  for (const r of rows) {
    source.spans += Number(r.spans);
    source.skipped += Number(r.skipped);
    source.attempts += Number(r.requests);
    source.repeated += Number(r.repeated);
    // sumMap's (rules, counts) tuple.
    const [rules, counts] = Array.isArray(r.excluded) ? r.excluded : [r.excluded[0], r.excluded[1]];
    rules.forEach((rule, i) => (source.excluded[rule] = (source.excluded[rule] ?? 0) + Number(counts[i])));
  }
  groups = rows.filter((r) => Number(r.requests) > 0).map((r) => {
    const [n, input, output] = [Number(r.requests), Number(r.input_tokens), Number(r.output_tokens)];
    const days = Number(r.span_s) / 86_400;
    const priced = Number(r.priced);
    const wf = Number(r.workflows);
    const first = firsts.get(`${r.workload} ${r.route}`) ?? 0;
    return {
      workload: r.workload, route: r.route, requests: n, inputMean: input / n, outputMean: output / n, inputP95: r.in_q[1], e2eP99: r.e2e_q[2], costUsd: r.cost,
      full: {
        attempts: n, windowDays: days,
        cacheHitTokens: input ? Number(r.cached_tokens) / input : 0, cacheHitRequests: Number(r.cache_hits) / n, cacheWriteTokens: input ? Number(r.write_tokens) / input : 0,
        batchShare: Number(r.batch_n) / n, errorRate: Number(r.errors) / n, reasoningShare: output ? Number(r.reasoning_tokens) / output : 0,
        inputP50: r.in_q[0], inputP99: r.in_q[2], outputP50: r.out_q[0], outputP95: r.out_q[1], outputP99: r.out_q[2], e2eP50: r.e2e_q[0], e2eP95: r.e2e_q[1],
        meanConcurrency: Number(r.e2e_sum) / (days * 86_400_000),
        pricedAttempts: priced, unpricedAttempts: n - priced, cachedAtInputRate: Number(r.cached_at_input_rate), batchAtStandardRate: Number(r.batch_at_standard_rate),
        naiveCostPerRequest: priced ? r.cost / priced : null,
        workflows: wf, callsPerWorkflow: wf ? Number(r.calls) / wf : null, tokenFanout: first ? Number(r.workflow_tokens) / first : null,
      },
    };
  });
} else {
  const { openClickHouse } = await import(dist('traces/clickhouse/connection.js'));
  const { handWrittenSql } = await import(join(root, 'bench/otel-handwritten.mjs'));
  const { loadCatalog } = await import(dist('catalog/load.js'));
  const ch = await openClickHouse('http://chdb.invalid/bench', { connector });
  const rows = await ch.query(handWrittenSql('bench.otel_traces', loadCatalog()));
  await ch.close();
  groups = rows.map((r) => ({ workload: r.workload, route: r.route, requests: Number(r.requests), inputMean: Number(r.input_tokens) / Number(r.requests), outputMean: Number(r.output_tokens) / Number(r.requests), inputP95: r.in_q[1], e2eP99: r.e2e_q[2], costUsd: r.cost }));
}
const workMs = performance.now() - t0;
const workCpuMs = cpuMs() - c0;
process.stdout.write(JSON.stringify({ mode, workMs, workCpuMs, processCpuMs: cpuMs(), processMs: performance.now(), peakMb: peakMb(), groups, ...(source ? { source } : {}) }) + '\n');
