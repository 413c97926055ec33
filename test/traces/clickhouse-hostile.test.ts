import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chLit, openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { importFileToClickHouse } from '../../src/traces/clickhouse/import.js';
import { importFile } from '../../src/traces/import.js';
import { STORE_TABLES, useClickHouse } from '../helpers/clickhouse.js';
import { cli } from '../helpers/cli.js';
import { HEADER, csvRows, memoryStore, tempDir, writeTemp } from './helpers.js';

/** Issue 17's defect classes on the ClickHouse store (a real 18.16 server); DuckDB: hostile-input.test.ts. */
const server = useClickHouse();
const today = '2026-11-22';
const row = (id: string, ts: string, input = '1000', model = 'gpt-5.5') => `${ts},${id},0,chat,openai,${model},${input},0,100,100,200,ok,pass`;

const tables = async (url: string) => {
  const ch = await openClickHouse(url);
  try {
    return (await ch.query(`SELECT name FROM system.tables WHERE database = ${chLit(ch.database)} ORDER BY name`)).map((r) => String(r.name));
  } finally {
    await ch.close();
  }
};

// Real servers: under a loaded machine a test here has taken 48 s (20 s is the suite's default).
describe('ClickHouse store: hostile input', { timeout: 120_000 }, () => {
  it('a system database is refused for import and summarize', async () => {
    const file = writeTemp('t.csv', [HEADER, ...csvRows(2)].join('\n'));
    for (const db of ['system', 'INFORMATION_SCHEMA']) {
      const r = await cli('traces', 'import', file, '--clickhouse', `${server.url()}/${db}`);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is a ClickHouse system database/);
      expect((await cli('traces', 'summarize', '--clickhouse', `${server.url()}/${db}`)).code).toBe(2);
    }
  });

  it('huge tokens, implausible timestamps: the same located rejections as DuckDB, and the same rows kept', async () => {
    const lines = [
      HEADER,
      row('ok', '2026-05-01T00:00:00Z'),
      row('us', '1777593600000000'),
      row('big', '2026-05-01T00:00:00Z', '9223372036854775808'),
      row('huge', '2026-05-01T00:00:00Z', '1e308'),
      row('inf', 'infinity'),
      row('y9999', '9999-12-31'),
      row('y1970', '1970-01-01'),
    ];
    const file = writeTemp('bad.csv', lines.join('\n'));
    const url = server.fresh();
    const ch = await openClickHouse(url);
    const onCh = await importFileToClickHouse(ch, file, { today, acceptRejects: true });
    const mem = await memoryStore();
    const onDuck = await importFile(mem, file, { today, acceptRejects: true });
    mem.close();
    expect(onCh).toMatchObject({ kept: 2, rejected: 5 });
    expect(onCh.rejects).toEqual(onDuck.rejects);
    expect(onCh.rejects.map((r) => r.line)).toEqual([4, 5, 6, 7, 8]);
    expect(await ch.query(`SELECT request_id, ts_us FROM ${ch.table('requests')} ORDER BY request_id`)).toEqual([
      { request_id: 'ok', ts_us: 1777593600000000 },
      { request_id: 'us', ts_us: 1777593600000000 },
    ]);
    await ch.close();
  });

  it('NUL, quotes and backslashes reach ClickHouse as data and are stored exactly; summarize and check still run', async () => {
    const models = ['gpt\u0000x', "o'neil", 'back\\slash', "\\'; DROP TABLE requests; --"];
    const lines = [HEADER, ...models.map((m, i) => row(`n${i}`, '2026-05-01T00:00:00Z', '1000', `"${m.replace(/"/g, '""')}"`))];
    const url = server.fresh();
    expect((await cli('traces', 'import', writeTemp('nul.csv', lines.join('\n')), '--clickhouse', url)).code).toBe(0);
    for (const cmd of ['summarize', 'check']) {
      const r = await cli('traces', cmd, '--clickhouse', url, '--json');
      expect(r.stderr).not.toMatch(/internal error/);
      expect([0, 1]).toContain(r.code);
    }
    const ch = await openClickHouse(url);
    expect((await ch.query(`SELECT model FROM ${ch.table('requests')} ORDER BY request_id`)).map((r) => r.model)).toEqual(models);
    await ch.close();
  });

  it('a corrected re-import is a conflict with counts and changes nothing; --replace makes the newer file win, once', async () => {
    const url = server.fresh();
    const first = writeTemp('a.csv', [HEADER, ...csvRows(4)].join('\n'));
    const fixed = csvRows(5);
    fixed[2] = fixed[2]!.replace(',1000,200,100,', ',1000,200,101,');
    const second = writeTemp('b.csv', [HEADER, ...fixed].join('\n'));
    expect((await cli('traces', 'import', first, '--clickhouse', url)).code).toBe(0);
    const again = await cli('traces', 'import', first, '--clickhouse', url, '--json');
    expect(JSON.parse(again.stdout).imports[0]).toMatchObject({ kept: 0, alreadyStored: 4 });
    const r = await cli('traces', 'import', second, '--clickhouse', url, '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).imports[0]).toMatchObject({ conflicts: 1, kept: 0 });
    expect(r.stderr).toMatch(/1 row conflicts with rows the ClickHouse store holds .*first: r2, attempt 0.*Pass --replace/);
    const ch = await openClickHouse(url);
    try {
      expect(await ch.query(`SELECT count() AS n, sum(output_tokens) AS o FROM ${ch.table('requests')}`)).toEqual([{ n: 4, o: 400 }]);
      const rep = await cli('traces', 'import', second, '--clickhouse', url, '--json', '--replace');
      expect(rep.code).toBe(0);
      // r2 corrected (100 → 101 output tokens), r4 new, r0 r1 r3 already stored.
      expect(JSON.parse(rep.stdout).imports[0]).toMatchObject({ kept: 2, alreadyStored: 3, replaced: 1 });
      expect(await ch.query(`SELECT count() AS n, sum(output_tokens) AS o, uniqExact(request_id, attempt) AS k FROM ${ch.table('requests')}`)).toEqual([{ n: 5, o: 501, k: 5 }]);
      expect(await ch.query(`SELECT output_tokens FROM ${ch.table('requests')} WHERE request_id = 'r2'`)).toEqual([{ output_tokens: 101 }]);
      // The same correction again is already stored: nothing replaced twice.
      const twice = await cli('traces', 'import', second, '--clickhouse', url, '--json', '--replace');
      expect(JSON.parse(twice.stdout).imports[0]).toMatchObject({ kept: 0, alreadyStored: 5, replaced: 0 });
      expect(await tables(url)).toEqual(STORE_TABLES);
    } finally {
      await ch.close();
    }
  });

  it('load/stage tables a killed import left are dropped by the next import', async () => {
    const url = server.fresh();
    const file = writeTemp('a.csv', [HEADER, ...csvRows(3)].join('\n'));
    await cli('traces', 'import', file, '--clickhouse', url);
    const ch = await openClickHouse(url);
    await ch.command(`CREATE TABLE ${ch.table('requests_load_7_0badc0de')} AS ${ch.table('requests_data')} ENGINE = Log`);
    await ch.command(`CREATE TABLE ${ch.table('requests_stage_7_0badc0de')} AS ${ch.table('requests_data')}`);
    await ch.close();
    const r = await cli('traces', 'import', writeTemp('b.csv', [HEADER, ...csvRows(2, 10)].join('\n')), '--clickhouse', url, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).imports[0].notes.join(' ')).toMatch(/dropped 2 load\/stage tables an interrupted import had left/);
    expect(await tables(url)).toEqual(STORE_TABLES);
  });

  it('a truncated .csv.gz is refused before the server is touched', async () => {
    const url = server.fresh();
    const gz = gzipSync(Buffer.from([HEADER, ...csvRows(2000)].join('\n')));
    const file = join(tempDir(), 'cut.csv.gz');
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    const r = await cli('traces', 'import', file, '--clickhouse', url);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/truncated or corrupt/);
    expect(await tables(url)).toEqual([]);
  });
});
