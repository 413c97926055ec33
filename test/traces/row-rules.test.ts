import { describe, expect, it } from 'vitest';
import { type ChStore, openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { importFileToClickHouse } from '../../src/traces/clickhouse/import.js';
import { STAGE_COLUMNS, ruleSelectSql } from '../../src/traces/clickhouse/row-rules.js';
import { checkSql } from '../../src/traces/duckdb-row-rules.js';
import { type ImportSummary, importFile } from '../../src/traces/import.js';
import { type Part, type RowRule, rowRules } from '../../src/traces/row-rules.js';
import { COLUMNS, COLUMN_NAMES } from '../../src/traces/schema.js';
import type { TypedKind } from '../../src/traces/staging.js';
import { DEFAULT_TIMESTAMP_WINDOW } from '../../src/traces/time-window.js';
import { openChdb } from '../helpers/chdb.js';
import { useClickHouse } from '../helpers/clickhouse.js';
import { memoryStore, writeTemp } from './helpers.js';

/**
 * Issue 14, "written once, spelled per dialect": the import's row rules are one list
 * (src/traces/row-rules.ts) that DuckDB's check and ClickHouse's check both spell. A rule added to
 * one speller only, dropped from one, moved in the order, or a message part spelled differently
 * fails here: every rule of the list gets one row that breaks it (and no rule before it), and each
 * store must reject that row with that rule and the message the list's parts make for it.
 */
const server = useClickHouse();
const window = DEFAULT_TIMESTAMP_WINDOW;
const RULES = rowRules(window);
const opts = { today: '2026-11-22', acceptRejects: true, showRejects: 10_000 };

/** A row that breaks one rule: the fields it changes from a good row, and how the store shows the typed values a message quotes. */
interface Breaker {
  fields: Record<string, string>;
  shown?: Record<string, string>;
}

const good: Record<string, string> = { timestamp: '2026-05-01T00:00:00Z', attempt: '0', provider: 'openai', model: 'gpt-5.5', input_tokens: '1000', output_tokens: '100' };

/** Rows for the rules each column kind brings (so a new column gets its rows), and for the fixed rules by name. */
function breaker(rule: RowRule): Breaker | undefined {
  const fixed: Record<string, Breaker> = {
    missing_request_id: { fields: { request_id: '' } },
    missing_timestamp: { fields: { timestamp: '' } },
    missing_model: { fields: { model: '', route: '' } },
    missing_input_tokens: { fields: { input_tokens: '' } },
    missing_output_tokens: { fields: { output_tokens: '' } },
    bad_timestamp: { fields: { timestamp: 'yesterday' } },
    timestamp_out_of_window: { fields: { timestamp: '1999-12-31T23:00:00.25Z' }, shown: { timestamp: '1999-12-31 23:00:00.25' } },
    cached_exceeds_input: { fields: { input_tokens: '10', cached_input_tokens: '8', cache_write_tokens: '5' }, shown: { sum: '13', input_tokens: '10' } },
    cache_write_1h_exceeds_total: { fields: { cache_write_tokens: '5', cache_write_1h_tokens: '6' } },
    reasoning_exceeds_output: { fields: { output_tokens: '10', reasoning_tokens: '11' }, shown: { reasoning_tokens: '11', output_tokens: '10' } },
    ttft_after_e2e: { fields: { ttft_ms: '300.5', e2e_ms: '200.25' }, shown: { ttft_ms: '300.5', e2e_ms: '200.25' } },
  };
  if (fixed[rule.name]) return fixed[rule.name];
  const c = COLUMNS.find((x) => rule.name === `bad_${x.name}` || rule.name === `negative_${x.name}`);
  if (!c) return undefined;
  if (rule.name === `negative_${c.name}`) return { fields: { [c.name]: '-3' } };
  switch (c.kind) {
    case 'text':
      return { fields: { [c.name]: 'Not Allowed' }, shown: { [c.name]: 'not allowed' } };
    case 'count':
      return { fields: { [c.name]: '1.5' } };
    case 'attempt':
      return { fields: { [c.name]: '1001' } };
    case 'ms':
    case 'usd':
      return { fields: { [c.name]: '-1' } };
    case 'bool':
      return { fields: { [c.name]: 'maybe' } };
    default:
      return undefined;
  }
}

/** The message the list's parts make for a row. */
function expectedMessage(rule: RowRule, b: Breaker): string {
  const row = { ...good, ...b.fields };
  const show = (p: Part): string => {
    if ('text' in p) return p.text;
    if ('raw' in p) return row[p.raw] ?? '';
    const key = 'value' in p ? p.value : 'sum';
    const v = b.shown?.[key];
    if (v === undefined) throw new Error(`the row for ${rule.name} does not say how its message shows ${key}`);
    return v;
  };
  return rule.message.map(show).join('');
}

/** One CSV: a good row first (line 2), then one row per rule of the list, in the list's order (line 3 …). */
function ruleFile(): { file: string; expected: { line: number; rule: string; reason: string }[] } {
  const lines = [COLUMN_NAMES.join(',')];
  const row = (id: string, fields: Record<string, string>) => COLUMN_NAMES.map((n) => (n === 'request_id' ? (fields.request_id ?? id) : (fields[n] ?? good[n] ?? ''))).join(',');
  lines.push(row('good', {}));
  const expected = RULES.map((rule, i) => {
    const b = breaker(rule);
    if (!b) throw new Error(`no row breaks rule ${rule.name}: add one to test/traces/row-rules.test.ts`);
    lines.push(row(`r${i}`, b.fields));
    return { line: i + 3, rule: rule.name, reason: expectedMessage(rule, b) };
  });
  return { file: writeTemp('rules.csv', lines.join('\n') + '\n'), expected };
}

function expectEveryRule(s: ImportSummary, expected: ReturnType<typeof ruleFile>['expected']) {
  expect(s.rowsRead).toBe(expected.length + 1);
  expect(s.kept).toBe(1);
  expect(s.rejectsByRule).toEqual(Object.fromEntries(expected.map((e) => [e.rule, 1])));
  expect(s.rejects).toEqual(expected.map((e) => ({ line: e.line, reason: e.reason })));
}

describe('the row rules are one list, spelled by each store', () => {
  it('the list: unique names, at least the rules issue 5 and 17 name, every column kind covered', () => {
    const names = RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of ['missing_request_id', 'bad_timestamp', 'timestamp_out_of_window', 'negative_input_tokens', 'bad_input_tokens', 'bad_attempt', 'bad_status', 'bad_batch', 'bad_cost_usd', 'cached_exceeds_input', 'ttft_after_e2e']) {
      expect(names).toContain(n);
    }
    // Required fields are tried first, relations between fields last.
    expect(names.slice(0, 5)).toEqual(['missing_request_id', 'missing_timestamp', 'missing_model', 'missing_input_tokens', 'missing_output_tokens']);
    expect(names.at(-1)).toBe('ttft_after_e2e');
  });

  it('each spelling names exactly the list, in its order (a rule in one speller only fails here)', () => {
    const names = RULES.map((r) => r.name);
    const duckTyped = new Map<string, TypedKind>(COLUMNS.filter((c) => ['count', 'ms', 'usd', 'attempt'].includes(c.kind)).map((c) => [c.name, 'number']));
    for (const typed of [new Map<string, TypedKind>(), duckTyped]) {
      // DuckDB: the rule CASE names a rule after THEN; the message CASE picks a message by rule name.
      const sql = checkSql(window, typed);
      const ruleCase = sql.slice(sql.indexOf('SELECT t.*, CASE '), sql.indexOf(' AS rule0'));
      expect([...ruleCase.matchAll(/ THEN '([a-z0-9_]+)'/g)].map((m) => m[1])).toEqual(names);
      const reasonCase = sql.slice(sql.indexOf('CASE rule0 '), sql.indexOf(' AS reason0'));
      expect([...reasonCase.matchAll(/WHEN '([a-z0-9_]+)' THEN/g)].map((m) => m[1])).toEqual(names);
    }
    // ClickHouse: multiIf(cond, 'rule', …) for the rule, multiIf(rule = 'rule', message, …) for the reason.
    const sql = ruleSelectSql('stage', { window, present: new Set(STAGE_COLUMNS), reasons: true, lineStored: false, lineSql: 'pos' });
    expect([...sql.matchAll(/, 0\), '([a-z0-9_]+)'/g)].map((m) => m[1])).toEqual(names);
    expect([...sql.matchAll(/rule = '([a-z0-9_]+)'/g)].map((m) => m[1])).toEqual(names);
  });

  it('DuckDB rejects one row per rule with that rule and the list’s message', async () => {
    const { file, expected } = ruleFile();
    const mem = await memoryStore();
    try {
      expectEveryRule(await importFile(mem, file, opts), expected);
    } finally {
      mem.close();
    }
  });

  // Both ClickHouse spellings: the store's own server check, on 18.16 and on current ClickHouse.
  const serverCheck = async (ch: ChStore) => {
    const { file, expected } = ruleFile();
    try {
      const s = await importFileToClickHouse(ch, file, opts);
      expect(s.checkedBy).toBe('clickhouse');
      expectEveryRule(s, expected);
    } finally {
      await ch.close();
    }
  };

  it('ClickHouse 18.16 (the server check) rejects the same rows with the same rules and messages', { timeout: 60_000 }, async () => {
    await serverCheck(await openClickHouse(server.fresh()));
  });

  it('current ClickHouse (chdb) too', { timeout: 120_000 }, async () => {
    await serverCheck(await openChdb());
  });
});
