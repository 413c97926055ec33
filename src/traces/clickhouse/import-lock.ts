import { randomBytes } from 'node:crypto';
import { RoutefitError } from '../../engine/errors.js';
import { type ChStore, type ClickHouseConnector, chLit, openClickHouse } from './connection.js';

/**
 * The one-writer lock of a ClickHouse store (issue 14: "two concurrent importers must not both insert
 * one key: say how this is guaranteed"). Several importers (machines) read, check and load their
 * files at the same time; the short step that decides which keys are new and writes them holds this
 * lock, so two importers never both find a key new. ClickHouse has no compare-and-set on rows, but a
 * `CREATE TABLE` (without IF NOT EXISTS) of one name succeeds for exactly one caller on a server:
 * the lock is the table `import_lock` of the store's database on the lock node (the server itself,
 * or shard 1's first replica of a cluster, whichever node an importer was given).
 *
 * A killed importer cannot release it, so every importer writes a heartbeat row (`import_beats`,
 * server clock) every BEAT_MS; a lock whose holder has not beaten for STALE_S seconds is broken by
 * renaming it away (one RENAME of a name succeeds), checking the renamed table still names the
 * stale holder, and dropping it. The same heartbeats tell a live importer's load tables from the
 * ones a killed import left (see import.ts dropLeftovers). Before it commits, the holder checks the
 * lock still names it (a holder frozen for longer than STALE_S loses the lock and refuses to commit).
 */

export const BEAT_MS = 1000;
export const STALE_S = 10;
/** Heartbeats are kept this many whole hours back (liveness reads only the last STALE_S seconds); older hour partitions are dropped. */
export const BEATS_KEPT_HOURS = 1;

const missing = (e: unknown) => /doesn't exist|does not exist|UNKNOWN_TABLE/i.test((e as Error).message);

/** One partition per hour of beats, so old beats go by dropping a partition, not by a mutation or a table swap. */
const beatsDdl = (table: string) =>
  `CREATE TABLE IF NOT EXISTS ${table} (token String, beat DateTime DEFAULT now()) ENGINE = MergeTree PARTITION BY intDiv(toUInt32(beat), 3600) ORDER BY beat`;

/**
 * Makes the store's heartbeat table and drops its beats older than BEATS_KEPT_HOURS. A store made
 * before beats were pruned has a Log table, one row per second of every import ever run, scanned
 * whole by every liveness check: its last hour is copied into the partitioned table, which then
 * takes its name (a beat written between the copy and the rename is lost: the importer beats again
 * within BEAT_MS, well inside STALE_S).
 */
async function openBeats(lock: ChStore, token: string): Promise<void> {
  const B = lock.table('import_beats');
  const [t] = await lock.query(`SELECT engine FROM system.tables WHERE database = ${chLit(lock.database)} AND name = 'import_beats'`);
  if (t && String(t.engine) !== 'MergeTree') {
    const fresh = lock.table(`import_beats_new_${token}`);
    const old = lock.table(`import_beats_old_${token}`);
    await lock.command(beatsDdl(fresh));
    await lock.command(`INSERT INTO ${fresh} (token, beat) SELECT token, beat FROM ${B} WHERE beat >= now() - ${BEATS_KEPT_HOURS * 3600}`);
    try {
      await lock.command(`RENAME TABLE ${B} TO ${old}, ${fresh} TO ${B}`);
    } catch (e) {
      if (!missing(e)) throw e; // another importer moved it meanwhile: its table stands
    }
    await lock.command(`DROP TABLE IF EXISTS ${fresh}`);
    await lock.command(`DROP TABLE IF EXISTS ${old}`);
  } else await lock.command(beatsDdl(B));
  const stale = await lock.query(
    `SELECT DISTINCT partition FROM system.parts WHERE database = ${chLit(lock.database)} AND table = 'import_beats' AND active AND toUInt64(partition) < intDiv(toUInt32(now()), 3600) - ${BEATS_KEPT_HOURS}`,
  );
  // Housekeeping only: a partition another importer dropped first, or a drop that fails, is left to the next import.
  for (const { partition } of stale) if (/^\d+$/.test(String(partition))) await lock.command(`ALTER TABLE ${B} DROP PARTITION ${String(partition)}`).catch(() => undefined);
}

export interface ImportLease {
  /** This importer's token (16 hex digits): names its load tables and its lock. */
  token: string;
  /** Tokens whose importer beat within STALE_S seconds (this one included). */
  alive(): Promise<Set<string>>;
  /** Waits for the lock (breaking a stale one); throws after `waitMs`. */
  acquire(opts?: { waitMs?: number; onWait?: (holder: string) => void }): Promise<void>;
  /** True when the lock still names this importer. */
  holds(): Promise<boolean>;
  /** Drops the lock if it is this importer's; stops the heartbeat; closes the connections. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens the lease on the lock node's store (`url`, with the store's database path) and starts the heartbeat. */
export async function openLease(url: string, connector?: ClickHouseConnector): Promise<ImportLease> {
  const token = randomBytes(8).toString('hex');
  // Two connections: a session runs one query at a time, and the heartbeat must not wait for the lock's queries.
  const via = connector ? { connector } : {};
  const lock = await openClickHouse(url, via);
  const beat = await openClickHouse(url, via);
  const T = lock.table('import_lock');
  const B = lock.table('import_beats');
  await lock.command(`CREATE DATABASE IF NOT EXISTS ${lock.database}`);
  await openBeats(lock, token);
  const beatOnce = () => beat.command(`INSERT INTO ${B} (token) VALUES (${chLit(token)})`);
  await beatOnce();
  let beating: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    // A failed beat (server busy) is retried on the next tick; STALE_S covers several misses.
    beating = beating.then(beatOnce).catch(() => undefined);
  }, BEAT_MS);
  timer.unref();

  const holderOf = async (table: string): Promise<string | undefined> => {
    const rows = await lock.query(`SELECT token FROM ${table} LIMIT 1`);
    return rows.length ? String(rows[0]!.token) : '';
  };
  const isLive = async (t: string) => {
    const [r] = await lock.query(`SELECT count() AS n FROM ${B} WHERE token = ${chLit(t)} AND beat >= now() - ${STALE_S}`);
    return Number(r?.n ?? 0) > 0;
  };
  const exists = (e: unknown) => /already exists/i.test((e as Error).message);

  /** Renames a stale lock away; puts it back if it turned out to be another, live holder's. */
  const breakLock = async (stale: string) => {
    const aside = lock.table(`import_lock_broken_${token}`);
    try {
      await lock.command(`RENAME TABLE ${T} TO ${aside}`);
    } catch (e) {
      if (missing(e)) return;
      throw e;
    }
    const now = await holderOf(aside);
    if (now === stale) {
      await lock.command(`DROP TABLE IF EXISTS ${aside}`);
      return;
    }
    await lock.command(`RENAME TABLE ${aside} TO ${T}`).catch(() => lock.command(`DROP TABLE IF EXISTS ${aside}`));
  };

  return {
    token,
    async alive() {
      const rows = await lock.query(`SELECT DISTINCT token FROM ${B} WHERE beat >= now() - ${STALE_S}`);
      return new Set([token, ...rows.map((r) => String(r.token))]);
    },
    async acquire(opts = {}) {
      const started = Date.now();
      let emptySince: number | undefined;
      for (;;) {
        try {
          await lock.command(`CREATE TABLE ${T} (token String) ENGINE = Log`);
          await lock.command(`INSERT INTO ${T} VALUES (${chLit(token)})`);
          return;
        } catch (e) {
          if (!exists(e)) throw e;
        }
        let holder: string | undefined;
        try {
          holder = await holderOf(T);
        } catch (e) {
          if (!missing(e)) throw e;
          continue; // released meanwhile: try again at once
        }
        if (holder === '') {
          // Created, its token not yet written (or the creator died in between).
          emptySince ??= Date.now();
          if (Date.now() - emptySince > STALE_S * 1000) await breakLock('');
        } else if (holder !== undefined && !(await isLive(holder))) {
          await breakLock(holder);
          continue;
        } else if (holder) opts.onWait?.(holder);
        if (Date.now() - started > (opts.waitMs ?? 30 * 60_000)) {
          throw new RoutefitError('invalid_input', `another import (token ${holder || '?'}) has held ${lock.url}'s import lock for over ${Math.round((opts.waitMs ?? 1_800_000) / 1000)} s and is still running; try again when it ends`, {
            field: 'clickhouse',
          });
        }
        await sleep(200 + Math.floor(Math.random() * 200));
      }
    },
    async holds() {
      try {
        return (await holderOf(T)) === token;
      } catch {
        return false;
      }
    },
    async close() {
      clearInterval(timer);
      await beating;
      try {
        if ((await holderOf(T).catch(() => undefined)) === token) await lock.command(`DROP TABLE IF EXISTS ${T}`);
      } finally {
        await lock.close();
        await beat.close();
      }
    },
  };
}

