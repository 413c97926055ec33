// ClickHouse import: rows checked by ClickHouse SQL over a staging table (the default for CSV and
// JSONL) vs checked by the local in-memory DuckDB first (issue 14, "A ClickHouse import can be fed
// without the local DuckDB pass"). The same generated file goes into a fresh database of one
// throwaway ClickHouse 18.16 server (free 127.0.0.1 ports, stopped by PID) by each path, alternating,
// RUNS times; the two stores must hold the same rows (count and token sums) before anything is
// printed. Wall time, the bench process's CPU (client: parsing, DuckDB) and the server's CPU are
// reported, with the ratio from the same run. Never a test: run on demand,
//   npm run build && nice node bench/clickhouse-native-import.mjs      (ROWS=2000000 by default)
// Options: RUNS, FORMAT=csv|jsonl, CHECKS=clickhouse (one path), CHUNK_ROWS (the native path's chunk).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = (p) => join(root, 'dist', p);
const { generateTraces } = await import(dist('traces/generate.js'));
const { loadWorkloadFile } = await import(dist('workload/load.js'));
const { startLocalClickHouse } = await import(dist('traces/clickhouse/local-server.js'));
const { openClickHouse } = await import(dist('traces/clickhouse/connection.js'));
const { importFileToClickHouse } = await import(dist('traces/clickhouse/import.js'));

const ROWS = Number(process.env.ROWS ?? 2_000_000);
const RUNS = Number(process.env.RUNS ?? 2);
const FORMAT = process.env.FORMAT ?? 'csv';
// CHECKS=clickhouse runs the native path only (e.g. to compare two builds' server memory).
const CHECKS = (process.env.CHECKS ?? 'duckdb,clickhouse').split(',');
// CHUNK_ROWS: rows the native path stages in server memory at a time (default: the importer's).
const CHUNK = process.env.CHUNK_ROWS ? { chunkRows: Number(process.env.CHUNK_ROWS) } : {};
const dir = mkdtempSync(join(tmpdir(), 'routefit-bench-chn-'));
const file = join(dir, `traces.${FORMAT}`);
const today = '2026-11-22';
const TICK = 100 / 1; // USER_HZ on Linux

/** CPU seconds (user + system) of a process from /proc. */
const procCpu = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK;
};
const rssMb = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startLocalClickHouse();
try {
  const workloads = loadWorkloadFile(join(root, 'examples/stage1-split.yaml')).workloads;
  await generateTraces(file, { workloads, days: 30, rows: ROWS, seed: 1, format: FORMAT });
  const runs = { clickhouse: [], duckdb: [] };
  const stored = {};
  for (let i = 0; i < RUNS; i++) {
    for (const check of (i % 2 ? ['clickhouse', 'duckdb'] : ['duckdb', 'clickhouse']).filter((c) => CHECKS.includes(c))) {
      const ch = await openClickHouse(`${server.url}/b_${check}_${i}`);
      let peak = rssMb(server.pid);
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid))), 50);
      const c0 = process.cpuUsage();
      const s0 = procCpu(server.pid);
      const t0 = process.hrtime.bigint();
      const out = await importFileToClickHouse(ch, file, { today, check, ...CHUNK });
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const c = process.cpuUsage(c0);
      const serverCpu = procCpu(server.pid) - s0;
      clearInterval(sampler);
      if (out.checkedBy !== check) throw new Error(`asked for the ${check} check, got ${out.checkedBy}`);
      const [sums] = await ch.query(`SELECT count() AS n, sum(input_tokens) AS i, sum(output_tokens) AS o, sum(ts_us) AS t FROM ${ch.table('requests')}`);
      const key = JSON.stringify(sums);
      if (stored.key && stored.key !== key) throw new Error(`the paths stored different rows: ${stored.key} vs ${key}`);
      stored.key = key;
      stored.kept = out.kept;
      runs[check].push({ wall, client: (c.user + c.system) / 1e6, server: serverCpu, peak });
      await ch.command(`DROP DATABASE ${ch.database}`);
      await ch.close();
    }
  }
  const m = (check, k) => median(runs[check].map((r) => r[k]));
  console.log(
    `${stored.kept.toLocaleString('en-US')} rows stored, ${FORMAT.toUpperCase()} ${(statSync(file).size / 1e9).toFixed(2)} GB, ${cpus().length} cores, node ${process.version}, ClickHouse 18.16, median of ${RUNS}${CHUNK.chunkRows ? `, chunks of ${CHUNK.chunkRows} rows` : ''}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`,
  );
  console.log('| check | wall s | client CPU s | server CPU s | client + server CPU s | server peak RSS MB |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const check of CHECKS) {
    console.log(`| ${check} | ${m(check, 'wall').toFixed(2)} | ${m(check, 'client').toFixed(2)} | ${m(check, 'server').toFixed(2)} | ${(m(check, 'client') + m(check, 'server')).toFixed(2)} | ${Math.round(m(check, 'peak'))} |`);
  }
  const cpu = (k) => m(k, 'client') + m(k, 'server');
  if (CHECKS.length === 2) console.log(`native ÷ DuckDB-checked: wall ${(m('clickhouse', 'wall') / m('duckdb', 'wall')).toFixed(2)}×, client CPU ${(m('clickhouse', 'client') / m('duckdb', 'client')).toFixed(2)}×, total CPU ${(cpu('clickhouse') / cpu('duckdb')).toFixed(2)}×`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
