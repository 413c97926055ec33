import { describe, expect, it } from 'vitest';
import { openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { importFileToClickHouse } from '../../src/traces/clickhouse/import.js';
import { useClickHouse } from '../helpers/clickhouse.js';
import { HEADER, csvRows, writeTemp } from './helpers.js';

const PASSWORD = 'pw-4f1c9e';
const TODAY = '2026-12-03';
const server = useClickHouse({ password: PASSWORD });
/** A fresh store's URL with the `default` user's password in it, and the same URL without. */
const storeUrls = () => {
  const plain = server.fresh();
  return { plain, withPassword: plain.replace('http://', `http://default:${PASSWORD}@`) };
};

/**
 * A library caller opens the store with credentials in its URL and imports without also passing
 * `url`: the connections the import opens itself (its lock's two, the ledger layout's) must reach
 * the server with the same credentials. They used to be opened from the store's URL for messages,
 * which has its credentials removed, and were refused by a server whose user has a password.
 */
describe('a ClickHouse import opens its own connections with the store URL’s credentials', () => {
  it('a native import that spills (the lock is taken), a DuckDB-checked one, and an invoice: all stored, and no output holds the password', async () => {
    const { plain, withPassword } = storeUrls();
    await expect(openClickHouse(plain)).rejects.toThrow(/refused|Authentication|password/i);
    const ch = await openClickHouse(withPassword);
    try {
      const spilled = await importFileToClickHouse(ch, writeTemp('a.csv', [HEADER, ...csvRows(30)].join('\n')), { today: TODAY, chunkRows: 10 });
      expect(spilled).toMatchObject({ kept: 30, checkedBy: 'clickhouse' });
      const duck = await importFileToClickHouse(ch, writeTemp('b.csv', [HEADER, ...csvRows(5, 100)].join('\n')), { today: TODAY, check: 'duckdb' });
      expect(duck).toMatchObject({ kept: 5, checkedBy: 'duckdb' });
      const invoice = await importFileToClickHouse(ch, writeTemp('inv.csv', 'period,provider,amount\n2026-05,openai,100\n'), { today: TODAY });
      expect(invoice).toMatchObject({ format: 'invoice', kept: 1 });
      const [n] = await ch.query(`SELECT count() AS n FROM ${ch.table('requests')}`);
      expect(Number(n?.n)).toBe(35);
      for (const out of [spilled, duck, invoice]) expect(JSON.stringify(out)).not.toContain(PASSWORD);
      expect(ch.url).toBe(plain);
    } finally {
      await ch.close();
    }
  }, 120_000);
});
