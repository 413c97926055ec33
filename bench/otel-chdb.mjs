// summarize over an OpenTelemetry Collector `otel_traces` table on current ClickHouse (chdb, the
// in-process ClickHouse 26.x of the `chdb` devDependency) against a hand-written query for the same
// figures (issue 14, Performance: "within 1.3× of a hand-written query", CPU time, 10M spans).
// Never a test: run on demand,
//   npm run build && node bench/otel-chdb.mjs              (SPANS=10000000 RUNS=3 by default)
//   BASELINE=/path/to/other/checkout node bench/otel-chdb.mjs   (also that build's routefit, built there, in the same run)
// The table is the exporter's DDL filled by routefit's generator (src/traces/clickhouse/otel-generate.ts)
// once per size and seed, kept in a data dir under the temp dir for the next run (KEEP=0 removes it).
// Each measurement is a whole process (bench/otel-chdb-child.mjs): routefit's CLI run as a user runs
// it but reaching ClickHouse through chdb, or the hand-written query; runs alternate, medians are
// compared, and both must report the same requests, mean tokens, p95/p99 and cost per group first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const SPANS = Number(process.env.SPANS ?? 10_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const SEED = Number(process.env.SEED ?? 1);
const dataDir = join(tmpdir(), `routefit-otel-bench-${SPANS}-${SEED}`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const BASELINE = process.env.BASELINE ? resolve(process.env.BASELINE) : undefined;
// 'baseline' is the other checkout's own child script and build, run as routefit.
const child = (mode) => {
  const [dir, as] = mode === 'baseline' ? [BASELINE, 'routefit'] : [root, mode];
  return JSON.parse(execFileSync(process.execPath, [join(dir, 'bench/otel-chdb-child.mjs'), as, dataDir], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] }));
};

if (!existsSync(join(dataDir, 'ready'))) {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const t0 = performance.now();
  execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { createChdbConnection } = await import('chdb/connection');
       const { openClickHouse } = await import(${JSON.stringify(join(root, 'dist/traces/clickhouse/connection.js'))});
       const { createOtelTraces } = await import(${JSON.stringify(join(root, 'dist/traces/clickhouse/otel-generate.js'))});
       const ch = await openClickHouse('http://chdb.invalid/bench', { connector: { connection: () => createChdbConnection({ path: ${JSON.stringify(dataDir)} }) } });
       await createOtelTraces(ch, 'bench', 'otel_traces', { spans: ${SPANS}, seed: ${SEED} });
       await ch.command('OPTIMIZE TABLE bench.otel_traces FINAL');
       await ch.close();`,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  execFileSync('touch', [join(dataDir, 'ready')]);
  console.log(`generated ${SPANS.toLocaleString('en-US')} spans in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${dataDir}`);
}

// handwritten2 (HW2=0 leaves it out): the second hand-written baseline, every figure routefit's --json computes from the spans.
const modes = ['handwritten', ...(process.env.HW2 === '0' ? [] : ['handwritten2']), 'routefit', ...(BASELINE ? ['baseline'] : [])];
const runs = Object.fromEntries(modes.map((m) => [m, []]));
for (let i = 0; i < RUNS; i++) for (const mode of modes) runs[mode].push(child(mode));

// Same figures first: otherwise the two did different work.
const key = (g) => `${g.workload} × ${g.route}`;
const base = new Map(runs.handwritten[0].groups.map((g) => [key(g), g]));
const ours = runs.routefit[0].groups;
const off = [];
for (const mode of modes.slice(1)) {
  const theirs = runs[mode][0].groups;
  if (theirs.length !== base.size) off.push(`${mode}: ${theirs.length} groups vs ${base.size}`);
  for (const g of theirs) {
    const b = base.get(key(g));
    if (!b) {
      off.push(`${mode} ${key(g)}: not in the hand-written result`);
      continue;
    }
    for (const f of ['requests', 'inputMean', 'outputMean', 'inputP95', 'e2eP99', 'costUsd']) {
      if (Math.abs(g[f] - b[f]) > 1e-9 * Math.max(Math.abs(g[f]), Math.abs(b[f]), 1e-300)) off.push(`${mode} ${key(g)} ${f}: ${g[f]} vs ${b[f]}`);
    }
  }
}
// The second baseline's further figures, against this build's routefit: per group and what was read.
if (runs.handwritten2) {
  const full = new Map(runs.handwritten2[0].groups.map((g) => [key(g), g.full]));
  const same = (a, b) => a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300));
  for (const g of ours) {
    const theirs = full.get(key(g));
    if (!theirs) off.push(`handwritten2: no ${key(g)}`);
    else for (const [f, v] of Object.entries(g.full)) if (!same(v, theirs[f])) off.push(`handwritten2 ${key(g)} ${f}: ${theirs[f]} vs routefit ${v}`);
  }
  const [s2, s1] = [runs.handwritten2[0].source, runs.routefit[0].source];
  for (const f of ['spans', 'skipped', 'attempts']) if (s2[f] !== s1[f]) off.push(`handwritten2 ${f}: ${s2[f]} vs routefit ${s1[f]}`);
  if (JSON.stringify(Object.entries(s2.excluded).sort()) !== JSON.stringify(Object.entries(s1.excluded).sort())) off.push(`handwritten2 excluded: ${JSON.stringify(s2.excluded)} vs routefit ${JSON.stringify(s1.excluded)}`);
  if (s2.repeated !== 0) off.push(`handwritten2: ${s2.repeated} repeated response ids (routefit counts them once; the baseline does not)`);
}
if (off.length) throw new Error(`routefit and the hand-written query disagree:\n  ${off.join('\n  ')}`);

const stat = (mode, f) => median(runs[mode].map((r) => r[f]));
const rows = [
  ['process CPU', 'processCpuMs'],
  ['query CPU (after start-up)', 'workCpuMs'],
  ['process wall', 'processMs'],
  ['query wall', 'workMs'],
  ['peak RSS (MB)', 'peakMb'],
];
console.log(`\notel_traces on chdb ${process.env.npm_package_version ?? ''}: ${SPANS.toLocaleString('en-US')} spans, ${cpus().length} cores, median of ${RUNS} alternating runs`);
console.log(`${ours.reduce((s, g) => s + g.requests, 0).toLocaleString('en-US')} attempts in ${ours.length} workload × route groups, same figures from both\n`);
// Ratios to the first hand-written query (its headline figures), and to the second (every figure routefit computes from the spans).
const hw2 = Boolean(runs.handwritten2);
console.log(`| measure | hand-written | routefit | ratio |${hw2 ? ' hand-written, all figures | ratio |' : ''}${BASELINE ? ` baseline (${BASELINE}) | ratio |${hw2 ? ' ratio to all figures |' : ''}` : ''}`);
console.log(`|---|---:|---:|---:|${hw2 ? '---:|---:|' : ''}${BASELINE ? `---:|---:|${hw2 ? '---:|' : ''}` : ''}`);
for (const [label, f] of rows) {
  const [h, r] = [stat('handwritten', f), stat('routefit', f)];
  const fmt = (x) => (f === 'peakMb' ? String(x) : `${(x / 1000).toFixed(2)} s`);
  const h2 = hw2 ? stat('handwritten2', f) : undefined;
  const b = BASELINE ? stat('baseline', f) : undefined;
  console.log(`| ${label} | ${fmt(h)} | ${fmt(r)} | ${(r / h).toFixed(2)}× |${h2 !== undefined ? ` ${fmt(h2)} | ${(r / h2).toFixed(2)}× |` : ''}${b !== undefined ? ` ${fmt(b)} | ${(b / h).toFixed(2)}× |${h2 !== undefined ? ` ${(b / h2).toFixed(2)}× |` : ''}` : ''}`);
}
console.log(`\nload average at the end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(', ')}`);
if (process.env.KEEP === '0') rmSync(dataDir, { recursive: true, force: true });
