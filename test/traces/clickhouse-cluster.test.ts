import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { checkStore, traceSeries } from '../../src/traces/checks.js';
import { type ChStore, chLit, openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { importFileToClickHouse } from '../../src/traces/clickhouse/import.js';
import { importFile } from '../../src/traces/import.js';
import { type SummaryOptions, summarize } from '../../src/traces/metrics.js';
import { preparePricing } from '../../src/traces/pricing.js';
import { useClickHouse } from '../helpers/clickhouse.js';
import { cli, tempYaml } from '../helpers/cli.js';
import { CHECK_FLEET_YAML, HEADER, csvRows, differences, memoryStore, tempDir, writeTemp } from './helpers.js';

/**
 * The two-shard cluster of scripts/clickhouse-cluster.sh (started once per run by
 * test/helpers/cluster-setup.ts), against DuckDB and one ClickHouse server (issue 14, "A real
 * cluster"; issue 17, "--replace … atomically", killed imports).
 */

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'dist/cli/main.js');
const provided = inject('clickhouseCluster');
const single = useClickHouse();
const catalog = loadCatalog();
const today = '2026-11-22';

beforeEach(() => {
  if (provided.error) throw new Error(provided.error);
});

const clusterName = () => provided.cluster!;
/** A database no test used before, on the cluster's first node. */
const freshCluster = () => `${provided.url}/c_${randomBytes(6).toString('hex')}`;
const shardPid = (n: number) => Number(readFileSync(join(provided.stateDir!, `shard${n}`, 'pid'), 'utf8'));
const shardUrl = (n: number) => `http://127.0.0.1:${readFileSync(join(provided.stateDir!, `shard${n}`, 'http_port'), 'utf8').trim()}`;

async function count(ch: ChStore, sql: string): Promise<number> {
  const [row] = await ch.query(sql);
  return Number(Object.values(row ?? {})[0] ?? 0);
}

/** Rows of the database's local table on shard n (what that shard holds, committed or not). */
async function onShard(n: number, db: string, where = ''): Promise<number> {
  const s = await openClickHouse(`${shardUrl(n)}/${db}`);
  try {
    return await count(s, `SELECT count() FROM ${s.table('requests_local')} ${where}`);
  } finally {
    await s.close();
  }
}

const FLEET = tempYaml(CHECK_FLEET_YAML);

/** Generated traces (retries, several workloads and days) as `traces generate` writes them. */
async function generated(rows: number, seed = 3): Promise<string> {
  const out = join(tempDir(), 't.csv');
  const g = await cli('traces', 'generate', '--workload', FLEET, '--days', '14', '--rows', String(rows), '--seed', String(seed), '--out', out);
  expect(g.code, g.stderr).toBe(0);
  return out;
}

/** The CLI as a separate process (a second machine, as far as the store can tell). */
function routefit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 180_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

describe('ClickHouse cluster: the same numbers as DuckDB and one server', () => {
  it('summarize and check agree to 1e-9 on DuckDB, one server and the two-shard cluster; rows are sharded by request', { timeout: 240_000 }, async () => {
    const file = await generated(6000);
    const duck = await memoryStore();
    const one = await openClickHouse(single.fresh());
    const url = freshCluster();
    const db = new URL(url).pathname.slice(1);
    const many = await openClickHouse(url);
    try {
      const d = await importFile(duck, file, { today });
      const o = await importFileToClickHouse(one, file, { today });
      const c = await importFileToClickHouse(many, file, { today, cluster: clusterName() });
      expect(o.kept).toBe(d.kept);
      expect(c.kept).toBe(d.kept);
      // Both shards hold rows, and a request's attempts sit on one shard.
      const [s1, s2] = [await onShard(1, db), await onShard(2, db)];
      expect(s1 + s2).toBe(d.kept);
      expect(Math.min(s1, s2)).toBeGreaterThan(d.kept / 4);
      const split = await count(many, `SELECT count() FROM (SELECT request_id FROM ${many.table('requests')} GROUP BY request_id HAVING count() > 1)`);
      expect(split).toBeGreaterThan(10); // the file has retried requests
      const s = await openClickHouse(`${shardUrl(2)}/${db}`);
      const retriedHere = await count(s, `SELECT count() FROM (SELECT request_id FROM ${s.table('requests_local')} GROUP BY request_id HAVING count() > 1)`);
      await s.close();
      expect(retriedHere).toBeGreaterThan(0);
      await preparePricing(duck, catalog);
      await preparePricing(one, catalog);
      await preparePricing(many, catalog);
      const cases: SummaryOptions[] = [
        { by: ['workload', 'route'], slo: { ttftMs: 400, tpotMs: 60 } },
        { by: [] },
        { by: ['day', 'model'] },
        { by: ['hour', 'workload'], from: '2026-05-03', to: '2026-05-06T12:00' },
      ];
      for (const opts of cases) {
        const a = await summarize(duck, opts);
        const b = await summarize(one, opts);
        const k = await summarize(many, opts);
        expect(differences(a, b), `one server --by ${opts.by.join(',')}`).toEqual([]);
        expect(differences(a, k), `cluster --by ${opts.by.join(',')}`).toEqual([]);
      }
      const window = {};
      expect(differences(await traceSeries(duck, window, catalog), await traceSeries(many, window, catalog))).toEqual([]);
      // Every signal, the ledger ones included (none stored here: each says so identically).
      expect(differences(await checkStore(duck, { catalog }), await checkStore(many, { catalog }))).toEqual([]);
      // Re-importing the file counts nothing twice, across shards.
      const again = await importFileToClickHouse(many, file, { today, cluster: clusterName() });
      expect(again).toMatchObject({ kept: 0, alreadyStored: d.kept });
      expect(await count(many, `SELECT count() FROM ${many.table('requests')}`)).toBe(d.kept);
    } finally {
      duck.close();
      await one.close();
      await many.close();
    }
  });

  it('the CLI reads --clickhouse and --cluster from ROUTEFIT_CLICKHOUSE_URL and ROUTEFIT_CLICKHOUSE_CLUSTER', { timeout: 120_000 }, async () => {
    const url = freshCluster();
    const file = writeTemp('a.csv', [HEADER, ...csvRows(40)].join('\n'));
    const env = { ...process.env, ROUTEFIT_CLICKHOUSE_URL: url, ROUTEFIT_CLICKHOUSE_CLUSTER: clusterName() };
    const { stdout } = await exec(process.execPath, [MAIN, 'traces', 'import', file, '--json'], { env });
    expect(JSON.parse(stdout).imports[0]).toMatchObject({ kept: 40 });
    const db = new URL(url).pathname.slice(1);
    expect((await onShard(1, db)) + (await onShard(2, db))).toBe(40);
    const sum = await exec(process.execPath, [MAIN, 'traces', 'summarize', '--by', 'workload', '--json'], { env });
    expect(JSON.parse(sum.stdout).groups.map((g: { attempts: number }) => g.attempts).reduce((a: number, b: number) => a + b, 0)).toBe(40);
    // The store is sharded: an import that does not name the cluster is refused, not written to one node.
    const r = await routefit(['traces', 'import', writeTemp('b.csv', [HEADER, ...csvRows(5, 100)].join('\n')), '--clickhouse', url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sharded over a cluster: pass --cluster NAME/);
    const bad = await routefit(['traces', 'import', file, '--clickhouse', freshCluster(), '--cluster', 'nosuch']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--cluster nosuch: the server at .* knows no such cluster \(its remote_servers: .*routefit/);
  });
});

describe('ClickHouse cluster: concurrent importers, --replace, failures', () => {
  it('two importer processes at once never both insert one key (same file, overlapping files)', { timeout: 240_000 }, async () => {
    const url = freshCluster();
    const a = writeTemp('a.csv', [HEADER, ...csvRows(3000)].join('\n'));
    const b = writeTemp('b.csv', [HEADER, ...csvRows(3000, 1500)].join('\n'));
    const args = (f: string) => ['traces', 'import', f, '--clickhouse', url, '--cluster', clusterName(), '--json'];
    // The first import creates the tables; then two processes race on the same new file, then on overlapping ones.
    expect((await routefit(args(writeTemp('seed.csv', [HEADER, ...csvRows(10, 90_000)].join('\n'))))).code).toBe(0);
    const same = await Promise.all([routefit(args(a)), routefit(args(a))]);
    for (const r of same) expect(r.code, r.stderr).toBe(0);
    const kept = same.map((r) => JSON.parse(r.stdout).imports[0].kept as number).sort((x, y) => x - y);
    expect(kept).toEqual([0, 3000]);
    const over = await Promise.all([routefit(args(b)), routefit(args(a))]);
    for (const r of over) expect(r.code, r.stderr).toBe(0);
    const ch = await openClickHouse(url);
    try {
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(4510);
      expect(await count(ch, `SELECT uniqExact(request_id, attempt) FROM ${ch.table('requests')}`)).toBe(4510);
      const log = await ch.query(`SELECT sum(kept) AS kept FROM ${ch.table('imports')}`);
      expect(Number(log[0]!.kept)).toBe(4510);
    } finally {
      await ch.close();
    }
  });

  it('an importer that finds the lock held waits, then skips the keys the holder stored', { timeout: 240_000 }, async () => {
    const url = freshCluster();
    const file = writeTemp('a.csv', [HEADER, ...csvRows(500)].join('\n'));
    const ch = await openClickHouse(url);
    let second: Promise<{ code: number; stdout: string; stderr: string }> | undefined;
    try {
      const first = await importFileToClickHouse(ch, file, {
        today,
        cluster: clusterName(),
        // Holding the lock: a second process starts now and must wait for this import to commit.
        onStep: async (step) => {
          if (step !== 'written') return;
          second = routefit(['traces', 'import', file, '--clickhouse', url, '--cluster', clusterName(), '--json']);
          const deadline = Date.now() + 60_000;
          while (Date.now() < deadline && (await count(ch, `SELECT count() FROM system.tables WHERE database = ${chLit(ch.database)} AND startsWith(name, 'requests_load_')`)) < 2) {
            await new Promise((r) => setTimeout(r, 100));
          }
          await new Promise((r) => setTimeout(r, 1500));
        },
      });
      expect(first.kept).toBe(500);
      const r = await second!;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/waiting for another import \(token [0-9a-f]{16}\) to finish writing/);
      expect(JSON.parse(r.stdout).imports[0]).toMatchObject({ kept: 0, alreadyStored: 500 });
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(500);
    } finally {
      await ch.close();
    }
  });

  it('--replace on the cluster: the newer file wins at its commit, on every shard', { timeout: 120_000 }, async () => {
    const url = freshCluster();
    const first = writeTemp('a.csv', [HEADER, ...csvRows(200)].join('\n'));
    // Every tenth row corrected (output tokens 100 → 101), spread over both shards.
    const fixed = csvRows(200).map((l, i) => (i % 10 === 0 ? l.replace(/,1000,(\d+),100,/, ',1000,$1,101,') : l));
    expect(fixed.filter((l, i) => l !== csvRows(200)[i]).length).toBe(20);
    const second = writeTemp('b.csv', [HEADER, ...fixed].join('\n'));
    const ch = await openClickHouse(url);
    try {
      const opts = { today, cluster: clusterName() };
      await importFileToClickHouse(ch, first, opts);
      const refused = await importFileToClickHouse(ch, second, opts);
      expect(refused).toMatchObject({ conflicts: 20, importId: null });
      expect(refused.aborted).toMatch(/Pass --replace/);
      let during: number | undefined;
      const rep = await importFileToClickHouse(ch, second, {
        ...opts,
        replace: true,
        // Written, not committed: readers still see the old rows only.
        onStep: async (s) => {
          if (s === 'written') during = await count(ch, `SELECT sum(output_tokens) FROM ${ch.table('requests')}`);
        },
      });
      expect(during).toBe(200 * 100);
      expect(rep).toMatchObject({ kept: 20, alreadyStored: 180, replaced: 20 });
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(200);
      expect(await count(ch, `SELECT sum(output_tokens) FROM ${ch.table('requests')}`)).toBe(200 * 100 + 20);
      const db = ch.database;
      const replacedOn = async (n: number) => {
        const s = await openClickHouse(`${shardUrl(n)}/${db}`);
        try {
          return await count(s, `SELECT count() FROM ${s.table('replaced_local')}`);
        } finally {
          await s.close();
        }
      };
      expect((await replacedOn(1)) + (await replacedOn(2))).toBe(20);
      expect(Math.min(await replacedOn(1), await replacedOn(2))).toBeGreaterThan(0);
    } finally {
      await ch.close();
    }
  });

  it("killing one shard's server mid-import leaves no partial import visible; once it is back the import is redone", { timeout: 240_000 }, async () => {
    const url = freshCluster();
    const db = new URL(url).pathname.slice(1);
    const ch = await openClickHouse(url);
    try {
      const opts = { today, cluster: clusterName() };
      await importFileToClickHouse(ch, writeTemp('base.csv', [HEADER, ...csvRows(100)].join('\n')), opts);
      const file = writeTemp('more.csv', [HEADER, ...csvRows(2000, 100)].join('\n'));
      await expect(
        importFileToClickHouse(ch, file, {
          ...opts,
          onStep: (s) => {
            if (s === 'locked') process.kill(shardPid(2), 'SIGKILL');
          },
        }),
      ).rejects.toThrow(/ClickHouse at .* refused/);
      // Shard 2 is down: reads fail rather than show shard 1's half.
      await expect(ch.query(`SELECT count() FROM ${ch.table('requests')}`)).rejects.toThrow();
      await exec('bash', [provided.script, 'start-shard', provided.stateDir!, '2'], { timeout: 60_000 });
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(100);
      expect(await count(ch, `SELECT count() FROM ${ch.table('imports')}`)).toBe(1);
      const redo = await importFileToClickHouse(ch, file, opts);
      expect(redo).toMatchObject({ kept: 2000, alreadyStored: 0 });
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(2100);
      // What the failed try wrote on shard 1 was removed, not left beside the redo.
      expect((await onShard(1, db)) + (await onShard(2, db))).toBe(2100);
    } finally {
      await ch.close();
    }
  });

  it('a SIGKILLed importer holding the lock: nothing visible, its lock broken once stale, its tables dropped, the import redone', { timeout: 240_000 }, async () => {
    const url = freshCluster();
    const ch = await openClickHouse(url);
    let child: ChildProcess | undefined;
    try {
      const opts = { today, cluster: clusterName() };
      await importFileToClickHouse(ch, writeTemp('base.csv', [HEADER, ...csvRows(100)].join('\n')), opts);
      const file = await generated(20_000, 9);
      child = spawn(process.execPath, [MAIN, 'traces', 'import', file, '--clickhouse', url, '--cluster', clusterName()], { stdio: 'ignore' });
      // Killed as soon as it holds the lock (the lock table names its holder).
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && !(await count(ch, `SELECT count() FROM system.tables WHERE database = ${chLit(ch.database)} AND name = 'import_lock'`))) {
        await new Promise((r) => setTimeout(r, 20));
      }
      // At once: on a fast machine the child writes and commits 20k rows within a few hundred ms of taking the lock.
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(100);
      const r = await routefit(['traces', 'import', file, '--clickhouse', url, '--cluster', clusterName(), '--json']);
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout).imports[0];
      expect(s.alreadyStored).toBe(0);
      // The CLI checked the file in ClickHouse: its staging and load tables were the killed session's
      // temporary tables, so nothing of it is left in the database to drop (the DuckDB-checked path's
      // leftover Log tables: clickhouse-hostile.test.ts).
      expect(s.checkedBy).toBe('clickhouse');
      expect(s.notes.join(' ')).not.toMatch(/load\/stage table/);
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(100 + s.kept);
      const names = (await ch.query(`SELECT name FROM system.tables WHERE database = ${chLit(ch.database)} ORDER BY name`)).map((x) => String(x.name));
      expect(names).toEqual(['import_beats', 'imports', 'imports_local', 'replaced', 'replaced_local', 'requests', 'requests_data', 'requests_local']);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await ch.close();
    }
  });
});
