// Per-statement CPU of one CLI process (issue 14): runs `node BUILD/dist/cli/main.js ARGS…` as a
// user does, with a preload that wraps DuckDB's connection methods, and prints the process's CPU
// split into: start-up (node and the modules, to the first statement), each DuckDB statement that
// cost more than 0.02 CPU-s (process.cpuUsage around it: all of DuckDB's threads; outermost calls
// only), the rest of the statements, and what ran in JS between and after them.
// Run on demand: `npm run build && nice node bench/cli-statements.mjs [BUILD_DIR] -- traces summarize --db S --by workload,route --json`
// (BUILD_DIR defaults to this checkout; main's build gives main's split in the same run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
const build = resolve(sep > 0 ? argv[0] : join(import.meta.dirname, '..'));
const args = sep >= 0 ? argv.slice(sep + 1) : argv;
const out = join(mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'routefit-stmts-')), 'stats.json');
// The hook loads the package by require(), as the CLI does (an ESM import of it costs ~0.25 CPU-s more, which would land in start-up).
const api = join(build, 'package.json');
const hook = `
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const { DuckDBConnection } = createRequire(${JSON.stringify(api)})('@duckdb/node-api');
const stats = [];
let first = null;
for (const m of ['run', 'runAndReadAll', 'streamAndReadAll', 'streamAndReadUntil', 'stream', 'runAndReadUntil', 'prepare']) {
  const orig = DuckDBConnection.prototype[m];
  if (!orig) continue;
  DuckDBConnection.prototype[m] = async function (sql, ...rest) {
    if (this.__depth) return orig.call(this, sql, ...rest);
    this.__depth = 1;
    const c0 = process.cpuUsage();
    if (first === null) first = (c0.user + c0.system) / 1e6;
    const t0 = Date.now();
    try { return await orig.call(this, sql, ...rest); }
    finally { this.__depth = 0; const c = process.cpuUsage(c0); stats.push({ cpu: (c.user + c.system) / 1e6, wall: (Date.now() - t0) / 1e3, sql: String(sql).replace(/\\s+/g, ' ').slice(0, 150) }); }
  };
}
process.on('exit', () => { const u = process.cpuUsage(); writeFileSync(${JSON.stringify(out)}, JSON.stringify({ total: (u.user + u.system) / 1e6, first, stats })); });
`;
const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, join(build, 'dist/cli/main.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr.slice(-3000)}`);
const { total, first, stats } = JSON.parse(readFileSync(out, 'utf8'));
const inStatements = stats.reduce((a, s) => a + s.cpu, 0);
const shown = stats.filter((s) => s.cpu > Number(process.env.MIN_CPU ?? 0.02));
const f = (x) => x.toFixed(2).padStart(6);
console.log(`${build}: ${args.join(' ')}`);
console.log(`${f(total)} process cpu s`);
console.log(`${f(first ?? total)} start-up (to the first statement)`);
for (const s of shown) console.log(`${f(s.cpu)} ${s.sql}`);
console.log(`${f(inStatements - shown.reduce((a, s) => a + s.cpu, 0))} ${stats.length - shown.length} other statements`);
console.log(`${f(total - (first ?? total) - inStatements)} JS between and after the statements`);
