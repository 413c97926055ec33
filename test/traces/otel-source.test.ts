import { describe, expect, it } from 'vitest';
import { type ChStore, type ClickHouseConnector, chLit } from '../../src/traces/clickhouse/connection.js';
import { createOtelTraces, otelTracesDdl } from '../../src/traces/clickhouse/otel-generate.js';
import { coverageWarnings, otelAttemptsSql, otelCoverage, parseOtelTable, requireOtelTable } from '../../src/traces/clickhouse/otel-source.js';
import { query } from '../../src/traces/db.js';
import { importFile } from '../../src/traces/import.js';
import { loadCatalog } from '../../src/catalog/load.js';
import type { Catalog } from '../../src/catalog/types.js';
import { type TraceStore, openTraceStore } from '../../src/traces/store/index.js';
import type { GroupSummary } from '../../src/traces/metrics.js';
import { chdbUrl, loadChdb, openChdb } from '../helpers/chdb.js';
import { otlpJsonOf } from '../helpers/otlp.js';
import { differences, memoryStore, tempDir, writeTemp } from './helpers.js';
import { join } from 'node:path';

const today = '2026-11-22';
// The columns of the normalized row both sides hold (DuckDB keeps ts as a TIMESTAMP, ClickHouse as epoch µs).
const COLS = ['request_id', 'attempt', 'workflow_id', 'workload', 'provider', 'model', 'route', 'deployment', 'service_tier_requested', 'service_tier_served', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'output_tokens', 'reasoning_tokens', 'ttft_ms', 'e2e_ms', 'status', 'quality', 'escalated_to_human', 'batch', 'fallback', 'cost_usd', 'user_segment'];

async function generated(spans: number, seed: number): Promise<{ ch: ChStore; table: string }> {
  const ch = await openChdb();
  await createOtelTraces(ch, ch.database, 'otel_traces', { spans, seed });
  return { ch, table: `${ch.database}.otel_traces` };
}

/** Both stores' summaries by workload × route, priced from the catalog: compared store against store. */
async function summariesByWorkloadRoute([x, y]: [TraceStore, TraceStore], catalog: Catalog): Promise<[GroupSummary[], GroupSummary[]]> {
  const by = async (s: TraceStore) => (await s.preparePricing(catalog), s.summarize({ by: ['workload', 'route'], traceKit: { catalog } }));
  return [await by(x), await by(y)];
}

describe('otel_traces read in place: the same attempts as the OTLP importer makes of the same spans', () => {
  it('maps every span the importer keeps to the same row, and excludes (and counts) what it rejects, by the same rule', { timeout: 120_000 }, async () => {
    const { ch, table } = await generated(4000, 7);
    const duck = await memoryStore();
    try {
      const t = parseOtelTable(undefined, ch.database);
      await requireOtelTable(ch, t);
      const imp = await importFile(duck, writeTemp('spans.json', await otlpJsonOf(ch, table)), { today, acceptRejects: true });
      const cov = await otelCoverage(ch, t);
      // The same spans skipped, kept and rejected, rule by rule.
      expect(cov.spans).toBe(4000);
      expect(imp.notes.join('\n')).toContain(`${cov.skipped} spans are not GenAI model calls`);
      expect(cov.attempts).toBe(imp.kept);
      expect(Object.fromEntries(cov.excluded.map((e) => [e.rule, e.spans]))).toEqual(imp.rejectsByRule);
      // The generator wrote each kind of bad span, so every rule above is exercised.
      expect(Object.keys(imp.rejectsByRule).sort()).toEqual(['bad_output_tokens', 'cached_exceeds_input', 'missing_output_tokens', 'negative_output_tokens']);
      expect(cov.skipped).toBeGreaterThan(400);
      // Row by row, every column.
      const sel = COLS.map((c) => (c === 'escalated_to_human' || c === 'batch' || c === 'fallback' ? `${c} = 1 AS ${c}` : c)).join(', ');
      const mine = await ch.query(`SELECT ${sel}, ts_us FROM (${otelAttemptsSql(t)}) ORDER BY request_id`);
      const theirs = await query(duck.conn, `SELECT ${COLS.join(', ')}, epoch_us(ts) AS ts_us FROM requests ORDER BY request_id`);
      expect(mine.length).toBe(theirs.length);
      const norm = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'boolean' ? v : typeof v === 'bigint' ? Number(v) : v === 0 || v === 1 ? (['escalated_to_human', 'batch', 'fallback'].includes(k) ? v === 1 : v) : v]));
      for (let i = 0; i < mine.length; i++) expect(norm(mine[i]!), String(mine[i]!.request_id)).toEqual(norm(theirs[i]!));
      // What the comparison covers: every naming generation, provider mapping, status and the optional token fields.
      const seen = (col: string) => new Set(mine.map((r) => r[col]));
      expect(seen('route')).toEqual(new Set(['openai/gpt-5.5', 'anthropic/claude-sonnet-4.6', 'google/gemini-2.5-pro', 'acme/mystery-1']));
      expect(seen('status')).toEqual(new Set(['ok', 'error', 'timeout', 'rate_limited']));
      expect(seen('workload')).toEqual(new Set(['support-bot', 'rag-search', 'batch-summarizer', 'agent-eval']));
      expect(mine.some((r) => r.cache_write_tokens !== null) && mine.some((r) => r.reasoning_tokens !== null) && mine.some((r) => r.service_tier_served === 'batch')).toBe(true);
      // The tier asked for, beside the tier served: reconcile's tier mismatches read both.
      expect(mine.some((r) => r.service_tier_requested === 'flex' && r.service_tier_served === 'default') && mine.some((r) => r.service_tier_requested === null)).toBe(true);
      expect(mine.some((r) => String(r.request_id).startsWith('resp-')) && mine.some((r) => !String(r.request_id).startsWith('resp-'))).toBe(true);
    } finally {
      duck.close();
      await ch.close();
    }
  });

  it('--from/--to select spans by start time, and the excluded spans are reported with their trace and span ids', { timeout: 60_000 }, async () => {
    const { ch } = await generated(3000, 3);
    try {
      const t = parseOtelTable(undefined, ch.database);
      const fromUs = Date.parse('2026-05-02T00:00:00Z') * 1000;
      const toUs = Date.parse('2026-05-03T06:00:00Z') * 1000;
      const [{ n }] = (await ch.query(`SELECT count() AS n FROM (${otelAttemptsSql(t, { fromUs, toUs })})`)) as [{ n: number }];
      const [{ m }] = (await ch.query(`SELECT count() AS m FROM (${otelAttemptsSql(t)}) WHERE ts_us >= ${fromUs} AND ts_us < ${toUs}`)) as [{ m: number }];
      expect(n).toBe(m);
      expect(n).toBeGreaterThan(500);
      const cov = await otelCoverage(ch, t, { fromUs, toUs });
      expect(cov.attempts).toBe(n);
      const warn = coverageWarnings(cov);
      const excluded = cov.excluded.reduce((s, e) => s + e.spans, 0);
      expect(warn[0]).toBe(`${excluded} of ${excluded + n} GenAI spans in ${t.database}.otel_traces (${((100 * excluded) / (excluded + n)).toFixed(2)}%) are not counted: they break a trace-row rule`);
      // Each example is a real excluded span: looked up by its ids, it lacks output tokens.
      const missing = cov.excluded.find((e) => e.rule === 'missing_output_tokens')!;
      expect(missing.examples.length).toBeGreaterThan(0);
      for (const ex of missing.examples) {
        const rows = await ch.query(`SELECT mapContains(SpanAttributes, 'gen_ai.usage.output_tokens') AS has FROM ${t.database}.otel_traces WHERE TraceId = ${chLit(ex.traceId)} AND SpanId = ${chLit(ex.spanId)}`);
        expect(rows).toEqual([{ has: 0 }]);
      }
    } finally {
      await ch.close();
    }
  });

  it('a span row the table holds twice counts once, as the importer counts a repeated request_id + attempt', { timeout: 180_000 }, async () => {
    const catalog = loadCatalog();
    const { ch, table } = await generated(3000, 5);
    const otel = await openTraceStore({ kind: 'clickhouse', url: chdbUrl(ch.database), source: 'otel' }, { connector: await loadChdb() });
    const duck = await memoryStore();
    try {
      const t = parseOtelTable(undefined, ch.database);
      await otel.requireTraces();
      await otel.preparePricing(catalog);
      await otel.focus({});
      const once = await otel.summarize({ by: ['workload', 'route'], traceKit: { catalog } });
      const before = await otelCoverage(ch, t);
      // The Collector retried a batch: every 10th span (good, bad and skipped alike) written again, row for row.
      await ch.command(`INSERT INTO ${table} SELECT * FROM ${table} WHERE cityHash64(SpanId) % 10 = 0`);
      const after = await otelCoverage(ch, t);
      const imp = await importFile(duck, writeTemp('twice.json', await otlpJsonOf(ch, table)), { today, acceptRejects: true });
      // The same attempts as before, the repeats excluded by the import's rule, and the importer agrees span for span.
      expect(after.attempts).toBe(before.attempts);
      expect(after.spans).toBeGreaterThan(before.spans + 200);
      const dup = after.excluded.find((e) => e.rule === 'duplicate_id')!;
      expect(dup.spans).toBeGreaterThan(150);
      expect(imp.kept).toBe(after.attempts);
      expect(Object.fromEntries(after.excluded.map((e) => [e.rule, e.spans]))).toEqual(imp.rejectsByRule);
      // summarize through the store (focus finds the repeats and reads the window again): the same figures as before the repeats.
      await otel.focus({});
      expect(differences(once, await otel.summarize({ by: ['workload', 'route'], traceKit: { catalog } }))).toEqual([]);
      expect((await otel.sourceReport({}))!.excluded.find((e) => e.rule === 'duplicate_id')?.spans).toBe(dup.spans);
    } finally {
      duck.close();
      await otel.close();
      await ch.close();
    }
  });

  it('names the table in another database, and refuses a missing or misshapen table with what to fix', { timeout: 60_000 }, async () => {
    const ch = await openChdb();
    try {
      expect(parseOtelTable('otel.spans', 'traces')).toEqual({ database: 'otel', table: 'spans' });
      expect(parseOtelTable(undefined, 'traces')).toEqual({ database: 'traces', table: 'otel_traces' });
      expect(() => parseOtelTable('a.b.c', 'traces')).toThrow(/expected TABLE or DATABASE.TABLE/);
      expect(() => parseOtelTable("x'; DROP TABLE y", 'traces')).toThrow(/not a plain ClickHouse name/);
      await expect(requireOtelTable(ch, { database: ch.database, table: 'otel_traces' })).rejects.toThrow(/no table .*otel_traces .*--otel-table \[DATABASE\.\]TABLE/);
      await ch.command(`CREATE DATABASE IF NOT EXISTS ${ch.database}`);
      await ch.command(`CREATE TABLE ${ch.database}.not_otel (Timestamp DateTime, SpanAttributes String) ENGINE = MergeTree ORDER BY Timestamp`);
      await expect(requireOtelTable(ch, { database: ch.database, table: 'not_otel' })).rejects.toThrow(
        /not an OpenTelemetry Collector traces table: Timestamp is DateTime \(expected DateTime64\(9\)\); TraceId is missing .*SpanAttributes is String \(expected Map\(LowCardinality\(String\), String\)\)/,
      );
      // The exporter's own DDL passes.
      await ch.command(otelTracesDdl(`${ch.database}.otel_traces`));
      await requireOtelTable(ch, { database: ch.database, table: 'otel_traces' });
    } finally {
      await ch.close();
    }
  });
});

describe('--source otel: the store reads summarize, check and the report from otel_traces in place', () => {
  it('summarize and the check series equal those of a DuckDB store that imported the same spans as OTLP JSON', { timeout: 180_000 }, async () => {
    const catalog = loadCatalog();
    const { ch: raw, table } = await generated(2500, 11);
    const spans = writeTemp('spans.json', await otlpJsonOf(raw, table));
    // Kept open to the end: chdb's in-memory engine lives while a connection does.
    const db = raw.database;
    const duck = await openTraceStore({ kind: 'duckdb', db: join(tempDir(), 's.duckdb') }, { create: true });
    const otel = await openTraceStore({ kind: 'clickhouse', url: chdbUrl(db), source: 'otel' }, { connector: await loadChdb() });
    try {
      const imp = await duck.importFile(spans, { today, acceptRejects: true });
      await otel.requireTraces();
      await duck.preparePricing(catalog);
      const pricing = await otel.preparePricing(catalog);
      expect(pricing.unresolved.map((u) => u.route)).toEqual(['acme/mystery-1']);
      for (const by of [['workload', 'route'], [], ['day', 'provider'], ['hour', 'model', 'user_segment']] as const) {
        const a = await duck.summarize({ by: [...by], traceKit: { catalog } });
        const b = await otel.summarize({ by: [...by], traceKit: { catalog } });
        expect(b.length).toBe(a.length);
        expect(differences(a, b), `--by ${by.join(',')}`).toEqual([]);
      }
      // Read once for a command (focus): the same summaries from the session's extraction of the table.
      await otel.focus({});
      expect(differences(await duck.summarize({ by: ['workload', 'route'], traceKit: { catalog } }), await otel.summarize({ by: ['workload', 'route'], traceKit: { catalog } }))).toEqual([]);
      const win = { from: '2026-05-02', to: '2026-05-04' };
      expect(differences(await duck.summarize({ by: ['workload'], ...win }), await otel.summarize({ by: ['workload'], ...win }))).toEqual([]);
      expect(differences(await duck.traceSeries({}, catalog), await otel.traceSeries({}, catalog))).toEqual([]);
      // The report of what was read, for the same spans the importer counted.
      const rep = (await otel.sourceReport({}))!;
      expect(rep).toMatchObject({ source: 'otel', table: `${db}.otel_traces`, spans: 2500, attempts: imp.kept });
      expect(Object.fromEntries(rep.excluded.map((e) => [e.rule, e.spans]))).toEqual(imp.rejectsByRule);
      expect(rep.warnings[0]).toMatch(/^\d+ of \d+ GenAI spans in .*otel_traces \(\d+\.\d\d%\) are not counted/);
      expect(await duck.sourceReport({})).toBeUndefined();
      // Read only: the Collector owns the table.
      expect(otel.capabilities.imports).toBe(false);
      await expect(otel.importFile(spans, { today })).rejects.toThrow(/written by the OpenTelemetry Collector: --source otel only reads it/);
      expect(otel.json).toEqual({ clickhouse: `http://chdb.invalid/${db}`, source: 'otel' });
    } finally {
      await duck.close();
      await otel.close();
      await raw.close();
    }
  });

  it('focus looks up only the attribute names the window carries, and every one it carries: only the oldest names, and a name only a few spans use', { timeout: 180_000 }, async () => {
    const catalog = loadCatalog();
    const { ch: raw, table } = await generated(4000, 13);
    const db = raw.database;
    const keys = (t: string) => `${db}.${t}`;
    // Only the oldest names: the OpenInference spans (llm.*) and the non-GenAI ones, the workflow as session.id, some output counts unreadable (a rule over an old name).
    await raw.command(`CREATE TABLE ${keys('oldest')} AS ${table}`);
    await raw.command(
      `INSERT INTO ${keys('oldest')} SELECT * REPLACE (mapApply((k, v) -> (if(k = 'gen_ai.conversation.id', 'session.id', k), if(k = 'llm.token_count.completion' AND cityHash64(SpanId) % 40 = 0, 'many', v)), SpanAttributes) AS SpanAttributes)
       FROM ${table} WHERE has(SpanAttributes.keys, 'llm.provider') OR NOT hasAny(SpanAttributes.keys, ['gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'])`,
    );
    // Mixed across spans: in one span of four, three fields under a name no other span uses (the last of their generations).
    const renamed = `transform(k, ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.openai.response.service_tier', 'gen_ai.conversation.id'], ['llm.token_count.prompt_details.cache_write', 'openai.response.service_tier', 'session.id'], k)`;
    await raw.command(`CREATE TABLE ${keys('mixed')} AS ${table}`);
    await raw.command(`INSERT INTO ${keys('mixed')} SELECT * REPLACE (mapApply((k, v) -> (if(cityHash64(SpanId) % 4 = 0, ${renamed}, k), v), SpanAttributes) AS SpanAttributes) FROM ${table}`);
    const [few] = await raw.query(
      `SELECT countIf(SpanAttributes['openai.response.service_tier'] = 'batch') AS batch, countIf(SpanAttributes['llm.token_count.prompt_details.cache_write'] != '') AS write, countIf(mapContains(SpanAttributes, 'session.id')) AS session, countIf(mapContains(SpanAttributes, 'gen_ai.conversation.id')) AS current FROM ${keys('mixed')}`,
    );
    // The renamed spans carry what a wrongly dropped name would lose: batch tiers, cache writes, workflows.
    expect(Number(few!.batch) > 0 && Number(few!.write) > 0 && Number(few!.session) > 0 && Number(few!.current) > Number(few!.session)).toBe(true);
    const connector = await loadChdb();
    for (const name of ['oldest', 'mixed']) {
      const duck = await openTraceStore({ kind: 'duckdb', db: join(tempDir(), `${name}.duckdb`) }, { create: true });
      const otel = await openTraceStore({ kind: 'clickhouse', url: chdbUrl(db), source: 'otel', sourceTable: name }, { connector });
      try {
        const imp = await duck.importFile(writeTemp(`${name}.json`, await otlpJsonOf(raw, keys(name))), { today, acceptRejects: true });
        await otel.requireTraces();
        await otel.focus({});
        const [a, b] = await summariesByWorkloadRoute([duck, otel], catalog);
        expect(b.length, name).toBe(a.length);
        expect(differences(a, b), name).toEqual([]);
        const rep = (await otel.sourceReport({}))!;
        expect(rep.attempts, name).toBe(imp.kept);
        expect(Object.fromEntries(rep.excluded.map((e) => [e.rule, e.spans])), name).toEqual(imp.rejectsByRule);
        if (name === 'oldest') {
          expect(new Set(a.map((g) => g.key.route))).toEqual(new Set(['openai/gpt-5.5']));
          expect(imp.rejectsByRule.bad_output_tokens).toBeGreaterThan(0);
          expect(a.every((g) => (g.workflows?.count ?? 0) > 0)).toBe(true);
        }
      } finally {
        await duck.close();
        await otel.close();
      }
    }
    await raw.close();
  });

  it('a span written between the key probe and the extraction, with a name the probe did not see, is read with it (a live table)', { timeout: 180_000 }, async () => {
    const catalog = loadCatalog();
    const { ch: raw, table } = await generated(3000, 17);
    const db = raw.database;
    // The table holds only the OpenInference names (llm.*) and the non-GenAI spans: the probe finds no gen_ai.* name.
    await raw.command(`CREATE TABLE ${db}.live AS ${table}`);
    await raw.command(`INSERT INTO ${db}.live SELECT * FROM ${table} WHERE has(SpanAttributes.keys, 'llm.provider') OR NOT hasAny(SpanAttributes.keys, ['gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'])`);
    const [before] = await raw.query(`SELECT count() AS n FROM ${db}.live`);
    // The spans an exporter writes after the probe: the current gen_ai.* names, real model calls.
    const late = `INSERT INTO ${db}.live SELECT * FROM ${table} WHERE has(SpanAttributes.keys, 'gen_ai.usage.input_tokens') AND NOT has(SpanAttributes.keys, 'llm.provider')`;
    let probes = 0;
    const chdb = await loadChdb();
    // The real chdb connection; only the moment of the exporter's write is chosen: right after the probe's answer.
    const connector: ClickHouseConnector = {
      connection: () => {
        const conn = chdb.connection();
        return new Proxy(conn, {
          get(target, prop, receiver) {
            const v = Reflect.get(target, prop, receiver) as unknown;
            if (prop !== 'query' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
            return async (params: { query: string }) => {
              const r = await (v as (p: unknown) => Promise<unknown>).call(target, params);
              if (params.query.includes('arrayJoin(SpanAttributes.keys)') && probes++ === 0) await raw.command(late);
              return r;
            };
          },
        });
      },
    };
    const otel = await openTraceStore({ kind: 'clickhouse', url: chdbUrl(db), source: 'otel', sourceTable: 'live' }, { connector });
    const duck = await openTraceStore({ kind: 'duckdb', db: join(tempDir(), 'live.duckdb') }, { create: true });
    try {
      await otel.requireTraces();
      await otel.focus({});
      const [after] = await raw.query(`SELECT count() AS n FROM ${db}.live`);
      expect(Number(after!.n)).toBeGreaterThan(Number(before!.n) + 100);
      // The DuckDB store imports the table as it is now, late spans included.
      const imp = await duck.importFile(writeTemp('live.json', await otlpJsonOf(raw, `${db}.live`)), { today, acceptRejects: true });
      const [a, b] = await summariesByWorkloadRoute([duck, otel], catalog);
      expect(differences(a, b)).toEqual([]);
      expect((await otel.sourceReport({}))!.attempts).toBe(imp.kept);
    } finally {
      await duck.close();
      await otel.close();
      await raw.close();
    }
  });

  it('a store without the table, an unknown source, or --otel-table without --source is refused with how to fix', { timeout: 60_000 }, async () => {
    const connector = await loadChdb();
    const empty = await openTraceStore({ kind: 'clickhouse', url: chdbUrl(), source: 'otel' }, { connector });
    try {
      await expect(empty.requireTraces()).rejects.toThrow(/no table t_\w+\.otel_traces at .*name it with --otel-table/);
    } finally {
      await empty.close();
    }
    await expect(openTraceStore({ kind: 'clickhouse', url: chdbUrl(), source: 'langfuse' }, { connector })).rejects.toThrow(/--source langfuse is not a read source; allowed: otel/);
    await expect(openTraceStore({ kind: 'clickhouse', url: chdbUrl(), sourceTable: 'spans' }, { connector })).rejects.toThrow(/give --source otel too/);
  });
});

describe('routefit traces summarize/check --clickhouse URL --source otel (the CLI, on chdb)', () => {
  it('prints the same --json groups as --db over the same spans, warns of the excluded spans, and lists them in --json', { timeout: 180_000 }, async () => {
    const { ch, table } = await generated(1500, 4);
    try {
      const spans = writeTemp('spans.json', await otlpJsonOf(ch, table));
      const db = join(tempDir(), 's.duckdb');
      const connector = await loadChdb();
      const run = async (...args: string[]) => {
        const { run: main } = await import('../../src/cli/program.js');
        let stdout = '';
        let stderr = '';
        const code = await main(args, { out: (s) => (stdout += s), err: (s) => (stderr += s), today, clickhouse: connector });
        return { code, stdout, stderr };
      };
      expect((await run('traces', 'import', spans, '--db', db, '--accept-rejects')).code).toBe(0);
      const url = chdbUrl(ch.database);
      const d = JSON.parse((await run('traces', 'summarize', '--db', db, '--json')).stdout);
      const c = await run('traces', 'summarize', '--clickhouse', url, '--source', 'otel', '--json');
      expect(c.code, c.stderr).toBe(0);
      const cj = JSON.parse(c.stdout);
      expect(differences(d.groups, cj.groups)).toEqual([]);
      expect(cj.source.attempts).toBe(d.groups.reduce((s: number, g: { attempts: number }) => s + g.attempts, 0));
      expect(c.stderr).toMatch(/^warning: \d+ of \d+ GenAI spans in t_\w+\.otel_traces .* are not counted/);
      expect(c.stderr).toMatch(/missing_output_tokens: \d+ spans?, output_tokens is missing \(the span has none of gen_ai.usage.output_tokens/);
      const k = await run('traces', 'check', '--clickhouse', url, '--source', 'otel', '--otel-table', `${ch.database}.otel_traces`, '--json');
      expect([0, 1]).toContain(k.code);
      expect(JSON.parse(k.stdout).source.table).toBe(`${ch.database}.otel_traces`);
      const bad = await run('traces', 'summarize', '--source', 'otel');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--source and --otel-table read a ClickHouse table: give --clickhouse URL too/);
    } finally {
      await ch.close();
    }
  });
});
