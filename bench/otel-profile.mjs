// Where one routefit `traces summarize --source otel` process spends its CPU, statement by statement:
// the CLI run as bench/otel-chdb-child.mjs runs it, with every statement sent through the chdb
// connection timed (process CPU and wall before/after; chdb runs statements eagerly and one at a
// time, so the process CPU between the two is the statement's). Never a test: run on demand after
// bench/otel-chdb.mjs has generated the table,
//   npm run build && nice node bench/otel-profile.mjs DATA_DIR [ROOT]
// ROOT: another checkout whose build to profile (default this one). OTEL_TABLE=[DB.]TABLE: another table of the data dir (default bench.otel_traces).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [dataDir, other] = process.argv.slice(2);
const root = resolve(other ?? join(import.meta.dirname, '..'));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024);
const peakMb = () => Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024);

const { createChdbConnection } = await import(join(root, 'node_modules/chdb/dist/connection/index.js'));
const log = [];
const timed = (conn) =>
  new Proxy(conn, {
    get(target, prop) {
      const f = target[prop];
      if (typeof f !== 'function' || !['query', 'command', 'exec', 'insert'].includes(prop)) return typeof f === 'function' ? f.bind(target) : f;
      return async (params) => {
        const [c0, t0] = [cpuMs(), performance.now()];
        try {
          return await f.call(target, params);
        } finally {
          const sql = String(params.query ?? params.table ?? '').replace(/\s+/g, ' ').trim();
          log.push({ kind: prop, cpu: cpuMs() - c0, wall: performance.now() - t0, rss: rssMb(), peak: peakMb(), sql });
        }
      };
    },
  });
const connector = { connection: () => timed(createChdbConnection({ path: dataDir })) };
const { run } = await import(join(root, 'dist/cli/program.js'));
const c0 = cpuMs();
let err = '';
const code = await run(['traces', 'summarize', '--clickhouse', 'http://chdb.invalid/bench', '--source', 'otel', ...(process.env.OTEL_TABLE ? ['--otel-table', process.env.OTEL_TABLE] : []), '--by', 'workload,route', '--json'], {
  out: () => {},
  err: (s) => (err += s),
  today: '2026-11-22',
  clickhouse: connector,
});
if (code !== 0) throw new Error(`routefit exited ${code}: ${err}`);
if (process.env.SQL_OUT) (await import('node:fs')).writeFileSync(process.env.SQL_OUT, log.map((s) => `-- ${(s.cpu / 1000).toFixed(2)} s\n${s.sql};\n`).join('\n'));
const total = cpuMs() - c0;
console.log(`| cpu s | wall s | rss MB | peak MB | statement |`);
console.log(`|---:|---:|---:|---:|---|`);
for (const s of log.filter((s) => s.cpu > 50)) console.log(`| ${(s.cpu / 1000).toFixed(2)} | ${(s.wall / 1000).toFixed(2)} | ${s.rss} | ${s.peak} | ${s.sql.slice(0, 110)} |`);
const small = log.filter((s) => s.cpu <= 50);
console.log(`| ${(small.reduce((a, s) => a + s.cpu, 0) / 1000).toFixed(2)} | | | | ${small.length} statements under 0.05 s |`);
console.log(`| **${(total / 1000).toFixed(2)}** | | | ${peakMb()} | routefit's run (process CPU ${(cpuMs() / 1000).toFixed(2)} s) |`);
