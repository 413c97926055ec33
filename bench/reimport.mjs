// Re-import bench (issue 17, "Resources": a re-import of stored rows costs no more memory than the
// first import). One process per phase, as a user runs them, each under GNU time (wall, CPU = user
// + sys of all DuckDB threads, peak RSS):
//   1. `traces import FILE --db S` into a fresh store (the first import);
//   2. `traces import FILE --db S` again (every row already stored: all skipped);
//   3. optionally (SUMMARIZE=1) `traces summarize --db S --by workload,route --json`, beside the
//      memory the command says it needs (its note, memory-estimate.ts).
// BASELINE_CLI=/path/to/other/dist/cli/main.js runs the same phases with another build (e.g. main)
// on the same file in the same run, so the ratio is against a baseline measured beside it.
// ONE_FIRST=1: the first import runs once (this build; a first import meets no stored rows, so it
// runs no key match) and each build re-imports a copy of that store — saves an hour at 50M rows.
//
// Run on demand, never in `npm test`:
//   npm run build && SIZES=2000000,10000000 nice node bench/reimport.mjs
//   SIZES=50000000 SUMMARIZE=1 BENCH_DIR=/big/disk nice node bench/reimport.mjs
// Prints a markdown table (docs/performance.md, "Resources") and a JSON line per phase to stderr.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const builds = [['branch', join(root, 'dist/cli/main.js')], ...(process.env.BASELINE_CLI ? [['baseline', process.env.BASELINE_CLI]] : [])];
const sizes = (process.env.SIZES ?? '2000000,10000000').split(',').filter(Boolean).map(Number);
const summarize = process.env.SUMMARIZE === '1';
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'routefit-reimport-'));
const WORKLOAD = join(root, 'examples/stage1-split.yaml');
// A file made beforehand (FILE_<rows>=path) is used as it is and kept.
const given = (n) => process.env[`FILE_${n}`];

function run(argv) {
  const out = join(dir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, 'nice', ...argv], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  const [wall, user, sys, rssKb] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ok: r.status === 0, status: r.status, wall, cpu: +(user + sys).toFixed(2), rssMb: Math.round(rssKb / 1024), stdout: r.stdout, stderr: r.stderr };
}
const log = (m) => process.stderr.write(JSON.stringify(m) + '\n');
const pick = ({ ok, status, wall, cpu, rssMb }) => ({ ok, status, wall, cpu, rssMb });
const results = [];
const load = [loadavg()[0]];

try {
  for (const n of sizes) {
    const file = given(n) ?? join(dir, `t-${n}.parquet`);
    if (!existsSync(file)) log({ n, generate: pick(run([process.execPath, builds[0][1], 'traces', 'generate', '--workload', WORKLOAD, '--days', '30', '--rows', String(n), '--seed', '1', '--out', file])) });
    const oneFirst = process.env.ONE_FIRST === '1';
    const firstDb = join(dir, `s-first-${n}.duckdb`);
    const shared = oneFirst ? run([process.execPath, builds[0][1], 'traces', 'import', file, '--db', firstDb, '--no-progress', '--json']) : undefined;
    for (const [name, cli] of builds) {
      const db = join(dir, `s-${name}-${n}.duckdb`);
      const imp = () => run([process.execPath, cli, 'traces', 'import', file, '--db', db, '--no-progress', '--json']);
      if (shared) copyFileSync(firstDb, db);
      const first = shared ?? imp();
      load.push(loadavg()[0]);
      const again = imp();
      load.push(loadavg()[0]);
      const parse = (r) => (r.ok ? JSON.parse(r.stdout).imports[0] : { error: r.stderr.slice(-400) });
      const m = { n, build: name, first: pick(first), again: pick(again), firstOut: parse(first), againOut: parse(again), storeBytes: existsSync(db) ? statSync(db).size : null };
      if (summarize) {
        const s = run([process.execPath, cli, 'traces', 'summarize', '--db', db, '--by', 'workload,route', '--json']);
        m.summarize = pick(s);
        m.summarizeNote = (s.stderr + s.stdout).match(/needs about ([0-9.]+ [GM]B)/)?.[1] ?? null;
        load.push(loadavg()[0]);
      }
      log({ n, build: name, first: m.first, again: m.again, kept: m.firstOut.kept, alreadyStored: m.againOut.alreadyStored, summarize: m.summarize, note: m.summarizeNote });
      results.push(m);
      rmSync(db, { force: true });
      rmSync(`${db}.wal`, { force: true });
    }
    rmSync(firstDb, { force: true });
    if (!given(n)) rmSync(file, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\n${cpus().length} cores, node ${process.version}, load average (1 min) during the run ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}\n`);
console.log(`| rows | build | first import: wall s · cpu s · peak RSS MB | re-import (all stored): wall s · cpu s · peak RSS MB | re-import ÷ first (RSS · cpu) | skipped |${summarize ? ' summarize: wall s · cpu s · peak RSS MB | summarize note says |' : ''}`);
console.log(`|---:|---|---|---|---|---:|${summarize ? '---|---|' : ''}`);
const cell = (r) => (r.ok ? `${r.wall.toFixed(1)} · **${r.cpu.toFixed(1)}** · **${r.rssMb}**` : `failed (exit ${r.status}) after ${r.wall.toFixed(0)} s · ${r.rssMb}`);
for (const m of results) {
  const ratio = m.first.ok && m.again.ok ? `${(m.again.rssMb / m.first.rssMb).toFixed(2)}× · ${(m.again.cpu / m.first.cpu).toFixed(2)}×` : '—';
  const sum = summarize ? ` ${cell(m.summarize)} | ${m.summarizeNote ?? 'no note'} |` : '';
  console.log(`| ${m.n.toLocaleString('en-US')} | ${m.build} | ${cell(m.first)} | ${cell(m.again)} | ${ratio} | ${m.againOut.alreadyStored?.toLocaleString('en-US') ?? '—'} |${sum}`);
}
