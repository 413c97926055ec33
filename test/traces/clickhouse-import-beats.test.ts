import { describe, expect, it } from 'vitest';
import { type ChStore, openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { openLease } from '../../src/traces/clickhouse/import-lock.js';
import { useClickHouse } from '../helpers/clickhouse.js';

const server = useClickHouse();

/** Beats of the store's heartbeat table, by token, and its engine. */
async function beats(ch: ChStore): Promise<{ engine: string; tokens: string[]; oldest: number }> {
  const [t] = await ch.query(`SELECT engine FROM system.tables WHERE database = '${ch.database}' AND name = 'import_beats'`);
  const rows = await ch.query(`SELECT DISTINCT token FROM ${ch.table('import_beats')} ORDER BY token`);
  const [o] = await ch.query(`SELECT toUInt32(now()) - toUInt32(min(beat)) AS age FROM ${ch.table('import_beats')}`);
  return { engine: String(t?.engine), tokens: rows.map((r) => String(r.token)), oldest: Number(o?.age ?? 0) };
}

/**
 * The import lock's heartbeats (import-lock.ts): one row a second per running import. They used to
 * go into a Log table that only grew and that every liveness check scanned whole; now old hours are
 * dropped when an importer opens its lease, and an old store's Log table is moved over.
 */
describe('ClickHouse import heartbeats are pruned', () => {
  it('a lease drops beats older than the kept hours and keeps the recent ones, which still prove an importer alive', async () => {
    const url = server.fresh();
    const first = await openLease(url);
    const ch = await openClickHouse(url);
    try {
      await ch.command(`INSERT INTO ${ch.table('import_beats')} (token, beat) VALUES ('ancient', now() - 3 * 3600), ('recent', now() - 60), ('live', now())`);
      const second = await openLease(url);
      try {
        const b = await beats(ch);
        expect(b.engine).toBe('MergeTree');
        expect(b.tokens).toEqual(['live', 'recent', first.token, second.token].sort());
        expect(b.oldest).toBeLessThan(2 * 3600);
        // Liveness still reads the last STALE_S seconds: 'live' beat now, 'recent' a minute ago.
        const alive = await second.alive();
        expect(alive.has('live')).toBe(true);
        expect(alive.has('recent')).toBe(false);
        expect(alive.has(first.token)).toBe(true);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
      await ch.close();
    }
  });

  it("a store made before the pruning (a Log table) is moved to the partitioned table, keeping its last hour's beats", async () => {
    const url = server.fresh();
    const ch = await openClickHouse(url);
    try {
      await ch.command(`CREATE DATABASE IF NOT EXISTS ${ch.database}`);
      await ch.command(`CREATE TABLE ${ch.table('import_beats')} (token String, beat DateTime DEFAULT now()) ENGINE = Log`);
      await ch.command(`INSERT INTO ${ch.table('import_beats')} (token, beat) VALUES ('ancient', now() - 5 * 3600), ('running', now() - 2)`);
      const lease = await openLease(url);
      try {
        const b = await beats(ch);
        expect(b.engine).toBe('MergeTree');
        expect(b.tokens).toEqual(['running', lease.token].sort());
        // The importer that beat two seconds ago is still alive across the move.
        expect((await lease.alive()).has('running')).toBe(true);
        const left = await ch.query(`SELECT name FROM system.tables WHERE database = '${ch.database}' ORDER BY name`);
        expect(left.map((r) => String(r.name))).toEqual(['import_beats']);
        await lease.acquire({ waitMs: 5_000 });
        expect(await lease.holds()).toBe(true);
      } finally {
        await lease.close();
      }
    } finally {
      await ch.close();
    }
  });
});
