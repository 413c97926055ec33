// Alternative spellings of one statement, timed against each other inside one process on the same
// session (the otel source focused on the table, day_prices prepared): for trying an idea before
// changing the code. Never a test: run on demand after bench/otel-chdb.mjs has generated the table,
//   npm run build && nice node bench/otel-variants.mjs DATA_DIR VARIANTS.sql [REPEAT]
// VARIANTS.sql: statements, each after a line `-- name`; `{t}` stands for the session table's name, `{n}` for
// a number new in each run (CREATE/INSERT/DROP statements run as commands).
// Runs alternate (A B C A B C …); prints the median process CPU of each (chdb runs in-process) and
// whether its rows equal the first variant's.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [dataDir, file, repeat = '3'] = process.argv.slice(2);
const root = resolve(import.meta.dirname, '..');
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const variants = readFileSync(file, 'utf8').split(/^-- /m).filter((s) => s.trim()).map((s) => {
  const [name, ...rest] = s.split('\n');
  return { name: name.trim(), sql: rest.join('\n').trim().replace(/;\s*$/, '') };
});
const { createChdbConnection } = await import(join(root, 'node_modules/chdb/dist/connection/index.js'));
const { openClickHouse } = await import(join(root, 'dist/traces/clickhouse/connection.js'));
const { otelReadSource } = await import(join(root, 'dist/traces/clickhouse/otel-source.js'));
const { clickHouseTraceStore } = await import(join(root, 'dist/traces/store/clickhouse.js'));
const { loadCatalog } = await import(join(root, 'dist/catalog/load.js'));
const source = otelReadSource({});
const ch = await openClickHouse('http://chdb.invalid/bench', { connector: { connection: () => createChdbConnection({ path: dataDir }) }, attempts: source.attempts, ownRequests: source.ownRequests });
const store = clickHouseTraceStore(ch, source);
// As the CLI: focus first (pricing before it would read the table in place).
await store.focus({});
await store.preparePricing(loadCatalog());
const table = /FROM (routefit_otel_spans_\d+)/.exec(ch.attempts())[1];
// The bound values a logged statement had: the long-context thresholds, ascending (summary.ts binds them first, p0, p1, …).
const lc = (await ch.query('SELECT DISTINCT lc_threshold AS t FROM day_prices WHERE isNotNull(lc_threshold)')).map((r) => Number(r.t)).sort((a, b) => a - b);
const bound = (sql) => sql.replace(/\{p(\d+):(\w+)\}/g, (_, i, type) => `to${type}(${lc[Number(i)]})`);
const times = variants.map(() => []);
let made = 0;
// The process's peak RSS after each variant's first run: monotonic, so put the variant to judge first.
const peakMb = () => Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024);
const peaks = [];
console.log(`peak RSS after focus: ${peakMb()} MB`);
const results = [];
for (let r = 0; r < Number(repeat); r++) {
  for (const [i, v] of variants.entries()) {
    const c0 = cpuMs();
    // `{n}`: a fresh number per run (a statement creating a table names a new one each time).
    const sql = bound(v.sql.replaceAll('{t}', table).replaceAll('{n}', String(++made)));
    const rows = /^\s*(CREATE|INSERT|DROP)/i.test(sql) ? (await ch.command(sql), []) : await ch.query(sql);
    times[i].push(cpuMs() - c0);
    if (r === 0) peaks[i] = peakMb();
    results[i] ??= JSON.stringify(rows);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [i, v] of variants.entries()) {
  console.log(`${(median(times[i]) / 1000).toFixed(2)} s  peak ${peaks[i]} MB  [${times[i].map((x) => (x / 1000).toFixed(2)).join(' ')}]  ${results[i] === results[0] ? 'same rows' : 'DIFFERENT rows'}  ${v.name}`);
}
await store.close();
