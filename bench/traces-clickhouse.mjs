// Trace Kit on ClickHouse vs DuckDB (issue 5, "a ClickHouse backend runs the same queries at scale"):
// the same generated rows imported into a DuckDB file store and into a throwaway ClickHouse server
// (Debian's clickhouse-server 18.16, started here on free 127.0.0.1 ports and stopped by PID), then
// `summarize` timed on both, with the ratio from the same run. Never a test: run on demand,
//   npm run build && npm run bench:traces-clickhouse            (ROWS=10000000 for the big one)
// Summaries are checked equal (to 1e-9) before anything is timed, so the two do the same work.
import { readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = (p) => join(root, 'dist', p);
const { generateTraces } = await import(dist('traces/generate.js'));
const { loadWorkloadFile } = await import(dist('workload/load.js'));
const { openStore } = await import(dist('traces/db.js'));
const { importFile } = await import(dist('traces/import.js'));
const { preparePricing } = await import(dist('traces/pricing.js'));
const { summarize } = await import(dist('traces/metrics.js'));
const { loadCatalog } = await import(dist('catalog/load.js'));
const { startLocalClickHouse } = await import(dist('traces/clickhouse/local-server.js'));
const { openClickHouse } = await import(dist('traces/clickhouse/connection.js'));
const { importFileToClickHouse } = await import(dist('traces/clickhouse/import.js'));

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'routefit-bench-ch-'));
const csv = join(dir, 'traces.csv');
const catalog = loadCatalog();
const today = '2026-11-22';

const time = async (fn) => {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  return { out, s: Number(process.hrtime.bigint() - t0) / 1e9 };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Peak resident memory of a process (VmHWM), MB. */
const peakMb = (pid) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : null;
};

function differences(a, b, path = '', out = []) {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300)) out.push(`${path}: ${a} vs ${b}`);
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differences(a[k], b[k], `${path}.${k}`, out);
  } else if (a !== b && !(typeof a === 'string' && typeof b === 'string' && sameRendering(a, b))) out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  return out;
}

/** Renderings of numbers ("24.0217 ÷ 1503.0") that differ only in the last printed digit, as sums in another order round. */
function sameRendering(a, b) {
  const num = /-?\d+(?:\.(\d+))?/g;
  if (a.replace(num, '#') !== b.replace(num, '#')) return false;
  const [xs, ys] = [[...a.matchAll(num)], [...b.matchAll(num)]];
  return xs.every((x, i) => Math.abs(Number(x[0]) - Number(ys[i][0])) <= (x[1] ? 1.0000001 * 10 ** -x[1].length : 0));
}

const server = await startLocalClickHouse();
const results = [];
try {
  const gen = await time(() => generateTraces(csv, { workloads: loadWorkloadFile(join(root, 'examples/stage1-split.yaml')).workloads, days: 30, rows: ROWS, seed: 1, format: 'csv' }));
  results.push({ phase: 'generate CSV', s: gen.s });

  const duck = await openStore(join(dir, 'store.duckdb'), { create: true });
  const di = await time(() => importFile(duck, csv, { today }));
  results.push({ phase: 'import → DuckDB file store', s: di.s });
  const ch = await openClickHouse(`${server.url}/bench`);
  const ci = await time(() => importFileToClickHouse(ch, csv, { today }));
  results.push({ phase: 'import → ClickHouse (DuckDB checks, then load, stage, attach)', s: ci.s, ratio: ci.s / di.s });
  if (ci.out.kept !== di.out.kept) throw new Error(`kept ${ci.out.kept} on ClickHouse vs ${di.out.kept} on DuckDB`);

  for (const by of [['workload', 'route'], ['route', 'day'], ['hour']]) {
    const opts = { by, slo: { ttftMs: 500 } };
    // Pricing is part of each summary on both (the catalog is read at query time).
    const runDuck = async () => {
      await preparePricing(duck, catalog);
      return summarize(duck, opts);
    };
    const runCh = async () => {
      await preparePricing(ch, catalog);
      return summarize(ch, opts);
    };
    const diff = differences(await runDuck(), await runCh());
    if (diff.length) throw new Error(`--by ${by.join(',')}: the stores disagree: ${diff.slice(0, 5).join('; ')}`);
    const d = [];
    const c = [];
    for (let i = 0; i < RUNS; i++) {
      d.push((await time(runDuck)).s);
      c.push((await time(runCh)).s);
    }
    results.push({ phase: `summarize --by ${by.join(',')} (DuckDB, median of ${RUNS})`, s: median(d) });
    results.push({ phase: `summarize --by ${by.join(',')} (ClickHouse, median of ${RUNS})`, s: median(c), ratio: median(c) / median(d) });
  }
  duck.close();
  await ch.close();
  console.log(
    `rows: ${di.out.kept.toLocaleString('en-US')} attempts, CSV ${(statSync(csv).size / 1e9).toFixed(2)} GB, ${cpus().length} cores, node ${process.version}, ` +
      `ClickHouse 18.16 peak RSS ${peakMb(server.pid)} MB, bench process peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
  console.log('| phase | seconds | rows/s | ClickHouse ÷ DuckDB |');
  console.log('|---|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.phase} | ${r.s.toFixed(2)} | ${Math.round(di.out.kept / r.s).toLocaleString('en-US')} | ${r.ratio ? `${r.ratio.toFixed(2)}×` : ''} |`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
