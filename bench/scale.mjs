// Scale bench (issue 14, "Performance"; issue 17, "Resources"). Times the CLI as a user runs it —
// whole processes, `routefit traces import … && routefit traces summarize …` — against, in the same
// run and on the same files:
//   - hand-written DuckDB SQL doing the summary's work (every column typed into a table, then the
//     summary's aggregates), once with DuckDB's default settings and once tuned
//     (preserve_insertion_order = false);
//   - a bare count(*) of the file, and a scan of every column of it (sum of a hash of all columns);
// on CSV, all-VARCHAR Parquet and typed Parquet (written by the same function `traces generate
// --out x.parquet` uses), at several sizes, with a fitted slope for linearity. CPU time is user +
// sys of the child processes (GNU time), beside wall time and the child's peak RSS.
// Optionally (CLICKHOUSE_SIZES) the ClickHouse paths, one server and the two-shard cluster
// (CLICKHOUSE_PATHS=one,cluster), against hand-written ClickHouse SQL on the same tables; the servers'
// own CPU (from /proc) is added to the client's. CLICKHOUSE_STATE=DIR uses a cluster already started
// with `scripts/clickhouse-cluster.sh start DIR`; CLICKHOUSE_REUSE=1 keeps databases already imported.
// DUCK_BASELINE_CLI=<another build's dist/cli/main.js> (e.g. main's, from `git archive` + build) also
// runs that build's import + summarize on the same files in the same run, for a change's own effect.
//
// Run on demand, never in `npm test`:
//   npm run build && nice node bench/scale.mjs                     (SIZES=1e6,2e6,5e6,1e7 by default)
//   SIZES=200000,400000,800000,1600000 FORMATS=csv,typed CLICKHOUSE_SIZES=250000,500000,1000000,2000000 node bench/scale.mjs
// Prints markdown tables (docs/performance.md, "Scale") and a JSON line per measurement to stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist/cli/main.js');
const sizes = (process.env.SIZES ?? '1000000,2000000,5000000,10000000').split(',').filter(Boolean).map(Number);
const formats = (process.env.FORMATS ?? 'csv,text,typed').split(',');
const chSizes = (process.env.CLICKHOUSE_SIZES ?? '').split(',').filter(Boolean).map(Number);
const keep = process.env.KEEP === '1';
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'routefit-scale-'));
const WORKLOAD = join(root, 'examples/stage1-split.yaml');

/** Runs one process under GNU time: wall s, CPU s (user + sys), peak RSS MB. */
function run(argv, opts = {}) {
  const out = join(dir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, ...argv], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...opts.env } });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}):\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-2000)}`);
  const [wall, user, sys, rssKb] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys, rssMb: Math.round(rssKb / 1024), stdout: r.stdout };
}
/** Several processes run one after the other as one measurement (a user's `a && b`). */
function chain(steps) {
  const rs = steps.map((s) => run(s.argv, s));
  return { wall: sum(rs.map((r) => r.wall)), cpu: sum(rs.map((r) => r.cpu)), rssMb: Math.max(...rs.map((r) => r.rssMb)), parts: rs, stdout: rs.map((r) => r.stdout) };
}
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const node = (code) => [process.execPath, '--input-type=module', '-e', code];

const reader = (format, file) => (format === 'csv' ? `read_csv('${file}', all_varchar = true)` : `read_parquet('${file}')`);

// The summary's work written by hand (as bench/traces.mjs "equivalent"): every column typed with
// TRY_CAST (no reasons, no lines, no duplicate or idempotence checks, no transaction), then per
// workload × route: outcome from the last attempt, quality counts, escalations, errors, token sums,
// cache/batch/fallback shares, cost at one fixed price, five exact quantile triples.
const handDuck = (from, dbFile, tuned) => `
  import { DuckDBInstance } from '@duckdb/node-api';
  const c = await (await DuckDBInstance.create('${dbFile}')).connect();
  ${tuned ? "await c.run('SET preserve_insertion_order = false');" : ''}
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
    FROM a GROUP BY 1, 2\`);`;
const countOnly = (from) => `
  import { DuckDBInstance } from '@duckdb/node-api';
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  await c.runAndReadAll(\`SELECT count(*) FROM ${from}\`);`;
// Every column read and touched: a hash of the whole row, summed (what any tool reading the file pays).
const scanAll = (from) => `
  import { DuckDBInstance } from '@duckdb/node-api';
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  const cols = (await c.runAndReadAll(\`SELECT column_name FROM (DESCRIBE SELECT * FROM ${from})\`)).getRows().map((r) => '"' + r[0] + '"');
  await c.runAndReadAll(\`SELECT sum(hash(\${cols.join(', ')})) FROM ${from}\`);`;

const rows = [];
const log = (m) => process.stderr.write(JSON.stringify(m) + '\n');

/** One build's `import && summarize` on a fresh store: the chain, what it kept, the store's bytes. */
function importAndSummarize(build, n, format, file) {
  const db = join(dir, `store-${n}-${format}.duckdb`);
  const r = chain([
    { argv: [process.execPath, build, 'traces', 'import', file, '--db', db, '--no-progress', '--json'] },
    { argv: [process.execPath, build, 'traces', 'summarize', '--db', db, '--by', 'workload,route', '--json'] },
  ]);
  const imported = JSON.parse(r.stdout[0]).imports[0];
  if (!imported.kept || imported.aborted) throw new Error(`${file}: nothing imported: ${imported.aborted}`);
  const storeBytes = statSync(db).size;
  rmSync(db, { force: true });
  return { r, imported, storeBytes };
}

const duckBaseline = process.env.DUCK_BASELINE_CLI;

function benchDuck(n, format, file) {
  const { r: ours, imported, storeBytes } = importAndSummarize(cli, n, format, file);
  const base = duckBaseline ? importAndSummarize(duckBaseline, n, format, file) : null;
  // The two builds must agree on what the file holds.
  if (base && (base.imported.kept !== imported.kept || base.imported.rejected !== imported.rejected)) throw new Error(`${file}: baseline build kept ${base.imported.kept}, this build ${imported.kept}`);
  const from = reader(format, file);
  const hand = (tuned) => {
    const f = join(dir, `hand-${n}-${format}-${tuned ? 't' : 'd'}.duckdb`);
    const r = run(node(handDuck(from, f, tuned)));
    rmSync(f, { force: true });
    return r;
  };
  const m = {
    n, format, kept: imported.kept, storeBytes, fileBytes: statSync(file).size,
    ours, importPart: ours.parts[0], summarizePart: ours.parts[1], base: base?.r,
    handDefault: hand(false), handTuned: hand(true), count: run(node(countOnly(from))), scan: run(node(scanAll(from))),
  };
  log({ n, format, ours: pick(ours), import: pick(ours.parts[0]), summarize: pick(ours.parts[1]), ...(base ? { baseImport: pick(base.r.parts[0]), baseSummarize: pick(base.r.parts[1]) } : {}), handDefault: pick(m.handDefault), handTuned: pick(m.handTuned), count: pick(m.count), scan: pick(m.scan), storeBytes });
  rows.push(m);
}
const pick = (r) => ({ wall: r.wall, cpu: r.cpu, rssMb: r.rssMb });

// ---- ClickHouse, one server and the two-shard cluster: routefit's import + summarize vs hand-written
// ClickHouse SQL on the same tables. Both paths run on a cluster started by scripts/clickhouse-cluster.sh
// (or the one CLICKHOUSE_STATE names, left running): "one server" is its first node with a database of
// plain MergeTree tables (`--clickhouse URL/one<n>`), "cluster" the two shards (`--clickhouse URL/cl<n>
// --cluster NAME`: a MergeTree table per shard, Distributed tables and the `requests` view over them).
// CLICKHOUSE_REUSE=1 keeps a database that already holds rows (no import: its import columns say so).
const chRows = [];
const chPaths = (process.env.CLICKHOUSE_PATHS ?? 'one,cluster').split(',').filter(Boolean);
const clusterScript = join(root, 'scripts/clickhouse-cluster.sh');

/** The hand-written summary over a `requests` relation: the same aggregates, `quantilesExact`, one ANY LEFT JOIN for the last attempt. */
const chHandSql = (t) => `SELECT workload, route, min(ts_us), max(ts_us), countIf(fin), count(),
    countIf(fin AND quality = 'pass'), countIf(fin AND quality = 'fail'), countIf(fin AND quality = 'repaired'),
    countIf(fin AND escalated_to_human = 1), countIf(status != 'ok'),
    sum(input_tokens), sum(cached_input_tokens), sum(cache_write_tokens), sum(output_tokens), sum(reasoning_tokens),
    countIf(cached_input_tokens > 0), countIf(batch = 1), countIf(fallback = 1),
    sum((input_tokens - ifNull(cached_input_tokens, 0)) * 5e-6 + ifNull(cached_input_tokens, 0) * 2.5e-6 + output_tokens * 30e-6),
    sum(cost_usd), sum(e2e_ms),
    quantilesExact(0.5, 0.95, 0.99)(input_tokens), quantilesExact(0.5, 0.95, 0.99)(output_tokens),
    quantilesExactIf(0.5, 0.95, 0.99)(ttft_ms, status = 'ok'),
    quantilesExactIf(0.5, 0.95, 0.99)((e2e_ms - ttft_ms) / (output_tokens - 1), status = 'ok' AND output_tokens > 1),
    quantilesExactIf(0.5, 0.95, 0.99)(e2e_ms, status = 'ok'), uniqExact(workflow_id)
  FROM (SELECT *, attempt = last AS fin FROM ${t} ANY LEFT JOIN (SELECT request_id, max(attempt) AS last FROM ${t} GROUP BY request_id) USING request_id)
  GROUP BY workload, route FORMAT Null`;

async function benchClickHouse() {
  const given = process.env.CLICKHOUSE_STATE;
  const state = given ?? join(dir, 'cluster');
  let envLines = '';
  if (!given) {
    const r = spawnSync(clusterScript, ['start', state], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`clickhouse-cluster.sh start failed:\n${r.stderr}`);
    envLines = r.stdout;
  }
  const shards = [1, 2].map((i) => ({ pid: Number(readFileSync(join(state, `shard${i}/pid`), 'utf8')), url: `http://127.0.0.1:${readFileSync(join(state, `shard${i}/http_port`), 'utf8').trim()}` }));
  const url = /ROUTEFIT_CLICKHOUSE_URL=(\S+)/.exec(envLines)?.[1] ?? shards[0].url;
  const clusterName = /ROUTEFIT_CLICKHOUSE_CLUSTER=(\S+)/.exec(envLines)?.[1] ?? 'routefit';
  // utime + stime of every server (clock ticks, 100/s on Linux), fields 14 and 15 of /proc/PID/stat.
  const serverCpu = () => sum(shards.map(({ pid }) => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  }));
  const withServer = (fn) => {
    const c0 = serverCpu();
    const r = fn();
    const c = serverCpu() - c0;
    return { ...r, serverCpu: c, cpu: r.cpu + c };
  };
  // curl, one connection per statement (18.16 closes idle keep-alive sockets under fetch's feet).
  const sql = async (u, q) => {
    const r = spawnSync('curl', ['-sS', '--fail-with-body', u, '--data-binary', '@-'], { input: q, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${q.slice(0, 200)}: ${r.stdout}${r.stderr}`);
    return r.stdout.trim();
  };
  try {
    for (const n of chSizes) {
      let file = null;
      for (const path of chPaths) {
        const db = `${path === 'cluster' ? 'cl' : 'one'}${n}`;
        // --cluster at import (it creates the shards' tables); a read needs only the URL (the `requests` view is over the Distributed table).
        const store = [`${url}/${db}`];
        const held = Number((await sql(url, `SELECT count() FROM system.tables WHERE database = '${db}' AND name = 'requests'`)) === '1' ? await sql(url, `SELECT count() FROM ${db}.requests`) : 0);
        let imp = null;
        let kept = held;
        if (!(process.env.CLICKHOUSE_REUSE === '1' && held > 0)) {
          // A fresh store (a re-import would add nothing): the database dropped on every node (18.16 has no ON CLUSTER without ZooKeeper).
          for (const s of shards) await sql(s.url, `DROP DATABASE IF EXISTS ${db}`);
          if (!file) {
            file = join(dir, `ch-${n}.csv`);
            run([process.execPath, cli, 'traces', 'generate', '--workload', WORKLOAD, '--days', '30', '--rows', String(n), '--seed', '1', '--out', file]);
          }
          imp = withServer(() => run([process.execPath, cli, 'traces', 'import', file, '--clickhouse', ...store, ...(path === 'cluster' ? ['--cluster', clusterName] : []), '--no-progress', '--json']));
          kept = JSON.parse(imp.stdout).imports[0].kept;
        }
        const summ = withServer(() => run([process.execPath, cli, 'traces', 'summarize', '--clickhouse', ...store, '--by', 'workload,route', '--json']));
        // Another build's summarize on the same tables (CLICKHOUSE_BASELINE_CLI=<its dist/cli/main.js>), e.g. main's, in the same run.
        const base = process.env.CLICKHOUSE_BASELINE_CLI ? withServer(() => run([process.execPath, process.env.CLICKHOUSE_BASELINE_CLI, 'traces', 'summarize', '--clickhouse', ...store, '--by', 'workload,route', '--json'])) : null;
        const hand = withServer(() => run(node(`
          const r = await fetch(${JSON.stringify(url)}, { method: 'POST', body: ${JSON.stringify(chHandSql(`${db}.requests`))} });
          if (!r.ok) throw new Error(await r.text());`)));
        // Bytes on disk per stored row (every shard's parts of the table that holds the rows).
        const table = path === 'cluster' ? 'requests_local' : 'requests_data';
        const parts = (await Promise.all((path === 'cluster' ? shards : [shards[0]]).map((s) => sql(s.url, `SELECT sum(bytes_on_disk), sum(data_uncompressed_bytes), sum(rows) FROM system.parts WHERE active AND database = '${db}' AND table = '${table}' FORMAT TSV`))))
          .map((l) => l.split('\t').map(Number));
        const [disk, raw, partRows] = [0, 1, 2].map((k) => sum(parts.map((p) => p[k])));
        const m = { n, path, kept, imp, sum: summ, base, hand, bytesPerRow: disk / partRows, rawBytesPerRow: raw / partRows };
        log({ clickhouse: n, path, kept, import: imp && pick(imp), importServerCpu: imp?.serverCpu, summarize: pick(summ), summarizeServerCpu: summ.serverCpu, baseline: base && pick(base), hand: pick(hand), handServerCpu: hand.serverCpu, bytesPerRow: m.bytesPerRow });
        chRows.push(m);
      }
      if (file) rmSync(file, { force: true });
    }
    chRows.serverPeakMb = shards.map(({ pid }) => {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : null;
    });
  } finally {
    if (!given) spawnSync(clusterScript, ['stop', state], { stdio: 'inherit' });
  }
}

/** Least-squares fits: cpu = a + b·n (b in µs per row) and the log-log exponent (1.00 = linear). */
function fit(points) {
  const k = points.length;
  if (k < 2) return null;
  const mx = sum(points.map((p) => p.n)) / k;
  const my = sum(points.map((p) => p.y)) / k;
  const b = sum(points.map((p) => (p.n - mx) * (p.y - my))) / sum(points.map((p) => (p.n - mx) ** 2));
  const a = my - b * mx;
  const lx = points.map((p) => Math.log(p.n));
  const ly = points.map((p) => Math.log(p.y));
  const lmx = sum(lx) / k;
  const lmy = sum(ly) / k;
  const e = sum(lx.map((x, i) => (x - lmx) * (ly[i] - lmy))) / sum(lx.map((x) => (x - lmx) ** 2));
  return { usPerRow: b * 1e6, interceptS: a, exponent: e };
}

const f2 = (x) => x.toFixed(2);
const f1 = (x) => x.toFixed(1);
const x = (a, b) => `${(a / b).toFixed(2)}×`;

try {
  for (const n of sizes) {
    const csv = join(dir, `t-${n}.csv`);
    const gen = run([process.execPath, cli, 'traces', 'generate', '--workload', WORKLOAD, '--days', '30', '--rows', String(n), '--seed', '1', '--out', csv]);
    log({ n, generate: pick(gen) });
    const files = { csv };
    if (formats.includes('text') || formats.includes('typed')) {
      for (const [kind, typed] of [['text', false], ['typed', true]]) {
        if (!formats.includes(kind)) continue;
        files[kind] = join(dir, `t-${n}-${kind}.parquet`);
        // The function `traces generate --out x.parquet` writes with (typed unless rows are planted malformed).
        run(node(`const { writeParquet } = await import(${JSON.stringify(join(root, 'dist/traces/convert.js'))}); await writeParquet(${JSON.stringify(csv)}, ${JSON.stringify(files[kind])}, { typed: ${typed} });`));
      }
    }
    for (const format of formats) benchDuck(n, format, files[format]);
    if (!keep) for (const f of Object.values(files)) rmSync(f, { force: true });
  }
  if (chSizes.length) await benchClickHouse();
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

const label = { csv: 'CSV', text: 'Parquet, all VARCHAR', typed: 'Parquet, typed' };
console.log(`\n${cpus().length} cores, node ${process.version}, load average at end ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
console.log('| rows | format | routefit import + summarize: wall s · cpu s · peak RSS MB | import cpu s · summarize cpu s | hand default cpu s | hand tuned cpu s | count(*) cpu s | scan all cpu s | ÷ tuned (cpu) | ÷ default (cpu) | ÷ scan (cpu) | ÷ count (cpu) | wall ÷ tuned | store bytes/row |');
console.log('|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.n.toLocaleString('en-US')} | ${label[r.format]} | ${f1(r.ours.wall)} · **${f1(r.ours.cpu)}** · ${r.ours.rssMb} | ${f1(r.importPart.cpu)} · ${f1(r.summarizePart.cpu)} | ${f1(r.handDefault.cpu)} | ${f1(r.handTuned.cpu)} | ${f2(r.count.cpu)} | ${f2(r.scan.cpu)} | **${x(r.ours.cpu, r.handTuned.cpu)}** | ${x(r.ours.cpu, r.handDefault.cpu)} | **${x(r.ours.cpu, r.scan.cpu)}** | ${x(r.ours.cpu, r.count.cpu)} | ${x(r.ours.wall, r.handTuned.wall)} | ${Math.round(r.storeBytes / r.kept)} |`,
  );
}
if (duckBaseline) {
  console.log(`\nThis build vs the baseline build (${duckBaseline}), same run, same files (cpu s):\n`);
  console.log('| rows | format | import: this · baseline · ratio | summarize: this · baseline | import + summarize: this · baseline | baseline ÷ tuned | baseline ÷ scan |');
  console.log('|---:|---|---|---|---|---:|---:|');
  for (const r of rows) {
    const b = r.base;
    console.log(`| ${r.n.toLocaleString('en-US')} | ${label[r.format]} | ${f1(r.importPart.cpu)} · ${f1(b.parts[0].cpu)} · ${x(r.importPart.cpu, b.parts[0].cpu)} | ${f1(r.summarizePart.cpu)} · ${f1(b.parts[1].cpu)} | ${f1(r.ours.cpu)} · ${f1(b.cpu)} | ${x(b.cpu, r.handTuned.cpu)} | ${x(b.cpu, r.scan.cpu)} |`);
  }
}
console.log('\nPeak RSS MB (routefit max of import, summarize · hand default · hand tuned):');
for (const r of rows) console.log(`- ${r.n.toLocaleString('en-US')} ${label[r.format]}: ${r.importPart.rssMb}, ${r.summarizePart.rssMb} · ${r.handDefault.rssMb} · ${r.handTuned.rssMb}`);
console.log('\nFitted CPU slope over the sizes (cpu = a + b·rows; exponent of a log-log fit, 1.00 = linear):');
for (const format of formats) {
  const these = rows.filter((r) => r.format === format);
  for (const [what, get] of [['routefit', (r) => r.ours.cpu], ['hand tuned', (r) => r.handTuned.cpu], ['scan all', (r) => r.scan.cpu]]) {
    const f = fit(these.map((r) => ({ n: r.n, y: get(r) })));
    if (f) console.log(`- ${label[format]}, ${what}: ${f.usPerRow.toFixed(2)} µs/row (+${f.interceptS.toFixed(2)} s), exponent ${f.exponent.toFixed(3)}, ${Math.round(1e6 / f.usPerRow).toLocaleString('en-US')} rows/CPU-s`);
  }
}
if (chRows.length) {
  console.log(`\nClickHouse 18.16, one server and the two-shard cluster (cpu = client process + every server's delta; server peak RSS ${chRows.serverPeakMb.join(', ')} MB):\n`);
  console.log('| rows | path | import wall s · cpu s (server) · RSS MB | summarize wall s · cpu s (server) · RSS MB | hand-written SQL wall s · cpu s (server) | **summarize ÷ hand (cpu)** | ÷ hand (wall) | baseline build summarize cpu s · ÷ hand | disk bytes/row (uncompressed) |');
  console.log('|---:|---|---|---|---|---:|---:|---|---:|');
  for (const r of chRows) {
    const imp = r.imp ? `${f1(r.imp.wall)} · ${f1(r.imp.cpu)} (${f1(r.imp.serverCpu)}) · ${r.imp.rssMb}` : '(stored before)';
    console.log(`| ${r.kept.toLocaleString('en-US')} | ${r.path} | ${imp} | ${f1(r.sum.wall)} · ${f2(r.sum.cpu)} (${f2(r.sum.serverCpu)}) · ${r.sum.rssMb} | ${f1(r.hand.wall)} · ${f2(r.hand.cpu)} (${f2(r.hand.serverCpu)}) | **${x(r.sum.cpu, r.hand.cpu)}** | ${x(r.sum.wall, r.hand.wall)} | ${r.base ? `${f2(r.base.cpu)} · ${x(r.base.cpu, r.hand.cpu)}` : '—'} | ${f1(r.bytesPerRow)} (${f1(r.rawBytesPerRow)}) |`);
  }
  for (const path of chPaths) {
    const these = chRows.filter((r) => r.path === path);
    for (const [what, get] of [['import', (r) => r.imp?.cpu], ['summarize', (r) => r.sum.cpu], ['baseline build summarize', (r) => r.base?.cpu], ['hand-written', (r) => r.hand.cpu]]) {
      const pts = these.filter((r) => get(r) !== undefined).map((r) => ({ n: r.kept, y: get(r) }));
      const f = fit(pts);
      if (f) console.log(`- ClickHouse ${path}, ${what}: ${f.usPerRow.toFixed(2)} µs/row (+${f.interceptS.toFixed(2)} s), exponent ${f.exponent.toFixed(3)} over ${pts.length} sizes`);
    }
  }
}
