// Where a re-import's memory goes (issue 17, "Resources"): one `importFile` library call in this
// process, VmRSS sampled every 10 ms, the peak and CPU attributed to each SQL statement it runs.
// Run on demand, never in `npm test`:
//   cp stored.duckdb /tmp/s.duckdb && nice node bench/reimport-phases.mjs FILE /tmp/s.duckdb [BUILD_ROOT]
// BUILD_ROOT is another checkout's root (its dist/ is used), e.g. main's build beside this one.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [file, db, buildRoot = resolve(import.meta.dirname, '..')] = process.argv.slice(2);
const { openStore } = await import(join(buildRoot, 'dist/traces/db.js'));
const { importFile } = await import(join(buildRoot, 'dist/traces/import.js'));
const status = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
const rssMb = () => status('VmRSS');
const cpuS = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
let peak = rssMb();
const timer = setInterval(() => { peak = Math.max(peak, rssMb()); }, 10);
const phases = [];
const store = await openStore(db, { create: true });
const wrap = (name) => {
  const orig = store.conn[name].bind(store.conn);
  store.conn[`__${name}`] = orig;
  store.conn[name] = async (sql, ...rest) => {
    const start = { rss: rssMb(), hwm: status('VmHWM'), cpu: cpuS(), t: Date.now() };
    peak = start.rss;
    try { return await orig(sql, ...rest); } finally {
      const end = rssMb();
      peak = Math.max(peak, end);
      let mem = '';
      if (process.env.MEM && !/^(SET|BEGIN|COMMIT|ROLLBACK|SELECT tag)/.test(String(sql).trim())) {
        const r = await store.conn.__runAndReadAll(`SELECT tag, round(memory_usage_bytes / 1e6) AS mb, round(temporary_storage_bytes / 1e6) AS tmp FROM duckdb_memory() WHERE memory_usage_bytes > 5e6 OR temporary_storage_bytes > 5e6`);
        mem = r.getRowObjectsJS().map((x) => `${x.tag}=${x.mb}${x.tmp ? '+' + x.tmp + 'tmp' : ''}`).join(' ');
      }
      phases.push({ mem, hwm: Math.round(status('VmHWM')), rose: status('VmHWM') > start.hwm + 1, sql: String(sql).replace(/\s+/g, ' ').slice(0, 90), wall: (Date.now() - start.t) / 1000, cpu: +(cpuS() - start.cpu).toFixed(2), before: Math.round(start.rss), peak: Math.round(peak), after: Math.round(end) });
    }
  };
};
wrap('run');
wrap('runAndReadAll');
const t0 = Date.now();
const s = await importFile(store, file, { today: '2026-12-02' });
clearInterval(timer);
store.close();
for (const p of phases) if (p.wall > 0.3 || p.rose) console.log(`${p.rose ? `HWM ${p.hwm}` : '        '} ${p.wall.toFixed(1).padStart(6)} s ${p.cpu.toFixed(1).padStart(6)} cpu  rss ${p.before} → peak ${p.peak} → ${p.after}  ${p.sql}${p.mem ? '\n        ' + p.mem : ''}`);
console.log(JSON.stringify({ wall: (Date.now() - t0) / 1000, cpu: cpuS(), maxPeak: Math.max(...phases.map((p) => p.peak)), rowsRead: s.rowsRead, kept: s.kept, alreadyStored: s.alreadyStored, conflicts: s.conflicts, rejected: s.rejected, aborted: s.aborted }));
