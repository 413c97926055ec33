/**
 * How the ClickHouse store's SQL is spelled where ClickHouse 18.16 (Debian's package) and current
 * ClickHouse differ. The queries are written once; each difference is one entry here, picked by the
 * server's version when the store opens (`SELECT version()`), so the same query runs on both.
 *
 * Differences found by running the store's SQL on both (18.16 servers in the tests, chdb's 26.x):
 * - formatDateTime's minutes: `%M` on 18.16; current ClickHouse reads `%M` as the month's name
 *   (since 23.4, `formatdatetime_parsedatetime_m_is_month_name`) and spells minutes `%i`, which
 *   18.16 refuses ("Wrong pattern").
 * (Current ClickHouse also requires an alias on every joined subquery; 18.16 accepts one too, so
 * the queries name them and no entry is needed.)
 */
export interface ChDialect {
  /** Which ClickHouse, for messages. */
  name: string;
  /** formatDateTime's two-digit minute. */
  minute: string;
}

export const CLICKHOUSE_18: ChDialect = { name: 'ClickHouse before 23.4 (18.16 and later)', minute: '%M' };
export const CLICKHOUSE_CURRENT: ChDialect = { name: 'ClickHouse 23.4 and later', minute: '%i' };

/** The dialect of a server from its `version()` (e.g. "18.16.1", "26.7.2.1"). */
export function dialectFor(version: string): ChDialect {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 4) ? CLICKHOUSE_CURRENT : CLICKHOUSE_18;
}
