// One measured process of bench/otel-chdb.mjs: opens the chdb data dir (current ClickHouse, in this
// process) and runs either routefit's CLI (`traces summarize --clickhouse URL --source otel`, the
// CLI's own code, reaching ClickHouse through chdb instead of HTTP) or the hand-written query.
// Prints one JSON line: wall and CPU time of the whole process and of the work alone, peak RSS, and
// the figures both compute (checked equal by the parent).
//   node bench/otel-chdb-child.mjs routefit|handwritten DATA_DIR
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
  groups = JSON.parse(out).groups.map((g) => ({
    workload: g.key.workload,
    route: g.key.route,
    requests: g.requests,
    inputMean: g.tokens.input.mean,
    outputMean: g.tokens.output.mean,
    inputP95: g.tokens.input.p95,
    e2eP99: g.latency.e2eMs.p99,
    costUsd: g.cost.pricedTokenCostUsd,
  }));
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
process.stdout.write(JSON.stringify({ mode, workMs, workCpuMs, processCpuMs: cpuMs(), processMs: performance.now(), peakMb: peakMb(), groups }) + '\n');
