// Per-statement CPU of one import (issue 14): runs importFile (and, with a 4th argument, the
// summarize) of a build's dist/ on FILE into STORE, and prints every DuckDB statement that cost
// more than 0.03 CPU-s (process.cpuUsage around it: all of DuckDB's threads), outermost calls only.
// Run on demand: `npm run build && nice node bench/import-statements.mjs ./dist FILE /tmp/x.duckdb [summarize]`.
// Another build's dist/ is timed as a whole (its own @duckdb/node-api is not wrapped).

const [dist, file, storeArg, summarizeArg] = process.argv.slice(2);
const { DuckDBConnection } = await import(process.env.DUCK_API ?? '@duckdb/node-api');
const stats = [];
for (const m of ['run', 'runAndReadAll', 'streamAndReadAll', 'streamAndReadUntil', 'stream', 'runAndReadUntil']) {
  const orig = DuckDBConnection.prototype[m];
  if (!orig) continue;
  DuckDBConnection.prototype[m] = async function (sql, ...rest) {
    if (this.__depth) return orig.call(this, sql, ...rest);
    this.__depth = 1;
    const c0 = process.cpuUsage(); const t0 = Date.now();
    try { return await orig.call(this, sql, ...rest); }
    finally { this.__depth = 0; const c = process.cpuUsage(c0); stats.push({ cpu: (c.user + c.system) / 1e6, wall: (Date.now() - t0) / 1e3, sql: String(sql).replace(/\s+/g, ' ').slice(0, 160) }); }
  };
}
const { openStore } = await import(dist + '/traces/db.js');
const { importFile } = await import(dist + '/traces/import.js');
const store = await openStore(storeArg ?? ':memory:', { create: true });
const c0 = process.cpuUsage();
const s = await importFile(store, file, { today: '2026-12-02' });
const c = process.cpuUsage(c0);
if (summarizeArg) {
  const { preparePricing } = await import(dist + '/traces/pricing.js');
  const { summarize } = await import(dist + '/traces/metrics.js');
  const { loadCatalog } = await import(dist + '/catalog/load.js');
  stats.push({ cpu: 0, wall: 0, sql: '---- summarize' });
  await preparePricing(store, loadCatalog()); await summarize(store, { by: ['workload', 'route'] });
}
store.close();
console.log(`import cpu ${((c.user + c.system) / 1e6).toFixed(2)} kept ${s.kept} rejected ${s.rejected} stored ${s.alreadyStored} notes ${JSON.stringify(s.notes)}`);
for (const x of stats) if (x.cpu > 0.03 || x.sql.startsWith('----')) console.log(x.cpu.toFixed(2), x.wall.toFixed(2), x.sql);
