import { RoutefitError } from '../../engine/errors.js';
import { type GenaiField, SKIPPED_SPANS, SPAN_ATTEMPT_NOTE, WORKLOAD_RESOURCE_ATTRIBUTE, attributeSql, isGenaiSpanSql, providerSql, statusSql } from '../genai-attributes.js';
import { MAX_MS, MAX_TOKENS, MS_RANGE, TOKENS_RANGE } from '../schema.js';
import { DEFAULT_TIMESTAMP_WINDOW, epochUs, windowText } from '../time-window.js';
import type { ReadSource } from '../store/open.js';
import type { SourceReport, Window } from '../store/types.js';
import { type ChStore, chIdent, chLit } from './connection.js';
import { flagToMicros } from '../sql/index.js';

/**
 * An existing `otel_traces` table, as the OpenTelemetry Collector's ClickHouse exporter writes it,
 * read in place as routefit's attempts: no copy, no import. Each GenAI model-call span is one attempt
 * (attempt 0; OTel spans carry no retry number) with the columns of the `requests` table, so every
 * query the ClickHouse store runs over `requests` runs over this relation instead.
 *
 * The exporter's columns read: Timestamp DateTime64(9) (span start), TraceId, SpanId, ServiceName
 * (resource service.name), SpanAttributes Map(LowCardinality(String), String) (attribute values
 * as text), Duration (nanoseconds), StatusCode. Which attributes mean what is ../genai-attributes.ts,
 * the mapping the OTLP importer uses too; the row rules are the import's (same names, same ranges:
 * the row-rule list, ../row-rules.ts), so a span the importer would reject is excluded here, and counted.
 *
 * Map columns need ClickHouse 21.1 or later: this source runs on current ClickHouse, not on 18.16.
 */

export interface OtelTable {
  database: string;
  table: string;
}

export const DEFAULT_OTEL_TABLE = 'otel_traces';

/** `--otel-table [DATABASE.]TABLE` (default otel_traces in the URL's database). */
export function parseOtelTable(value: string | undefined, database: string): OtelTable {
  const v = value ?? DEFAULT_OTEL_TABLE;
  const parts = v.split('.');
  if (parts.length > 2 || parts.some((p) => p === '')) {
    throw new RoutefitError('invalid_input', `--otel-table ${v}: expected TABLE or DATABASE.TABLE, e.g. otel_traces or otel.otel_traces`, { field: 'otel-table' });
  }
  const [db, table] = parts.length === 2 ? [parts[0]!, parts[1]!] : [database, parts[0]!];
  chIdent(db);
  chIdent(table);
  return { database: db, table };
}

const qualified = (t: OtelTable) => `${chIdent(t.database)}.${chIdent(t.table)}`;

/** One span attribute: NULL when absent or blank (as the importer reads a blank field). */
const span = (key: string) => `nullIf(SpanAttributes[${chLit(key)}], '')`;
const attr = (field: GenaiField) => attributeSql(field, span);

const TOKEN_FIELDS = ['input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens'] as const;

/** A token count as the import accepts one: an integer 0 ≤ n ≤ MAX_TOKENS (n is Float64, NULL when not a number). */
const isCount = (n: string) => `(isNotNull(${n}) AND isFinite(${n}) AND ${n} >= 0 AND ${n} <= ${MAX_TOKENS} AND ${n} = floor(${n}))`;

/**
 * The rule that keeps a GenAI span from being an attempt, or NULL: the import's rules (../row-rules.ts
 * list) in the import's order, named as the import names them.
 */
function ruleSql(window = DEFAULT_TIMESTAMP_WINDOW): string {
  const n = (f: string) => `n_${f}`;
  const raw = (f: string) => `t_${f}`;
  const rules: [string, string][] = [
    ['missing_model', 'isNull(model)'],
    ['missing_input_tokens', `isNull(${raw('input_tokens')})`],
    ['missing_output_tokens', `isNull(${raw('output_tokens')})`],
    ['timestamp_out_of_window', `ts_us < ${epochUs(window.from)} OR ts_us >= ${epochUs(window.to)}`],
    ...TOKEN_FIELDS.flatMap((f): [string, string][] => [
      [`negative_${f}`, `startsWith(${raw(f)}, '-') AND ifNull(${n(f)} < 0, 0)`],
      [`bad_${f}`, `isNotNull(${raw(f)}) AND NOT ${isCount(n(f))}`],
    ]),
    ['bad_e2e_ms', `NOT (isFinite(e2e_ms) AND e2e_ms >= 0 AND e2e_ms <= ${MAX_MS})`],
    ['cached_exceeds_input', `ifNull(${n('cached_input_tokens')}, 0) + ifNull(${n('cache_write_tokens')}, 0) > ${n('input_tokens')}`],
    ['reasoning_exceeds_output', `ifNull(${n('reasoning_tokens')}, 0) > ${n('output_tokens')}`],
  ];
  return `multiIf(${rules.map(([name, when]) => `${when}, ${chLit(name)}`).join(', ')}, NULL)`;
}

/** What each rule means, for the report (the import's wording). */
export const RULE_TEXT: Record<string, string> = {
  missing_model: 'no model attribute (gen_ai.response.model, gen_ai.request.model or llm.model_name)',
  missing_input_tokens: 'no input token count (gen_ai.usage.input_tokens, or its older names)',
  missing_output_tokens: 'no output token count (gen_ai.usage.output_tokens, or its older names)',
  timestamp_out_of_window: `a start time outside ${windowText(DEFAULT_TIMESTAMP_WINDOW)}`,
  bad_e2e_ms: `a duration outside ${MS_RANGE}`,
  cached_exceeds_input: 'cache reads + cache writes above the input tokens (input must include cached tokens)',
  reasoning_exceeds_output: 'reasoning tokens above the output tokens (output must include reasoning)',
  ...Object.fromEntries(TOKEN_FIELDS.flatMap((f) => [[`negative_${f}`, `a negative ${f}`], [`bad_${f}`, `a ${f} that is not ${TOKENS_RANGE}`]])),
};

/** --from/--to as epoch microseconds (already checked by the CLI), or undefined. */
export interface MicrosWindow {
  fromUs?: number;
  toUs?: number;
}

/**
 * Every span of the table in the window, with `genai` (a model call?), `rule` (why not an attempt,
 * NULL for an attempt) and the `requests` columns. The window is applied to Timestamp itself, so the
 * table's PARTITION BY toDate(Timestamp) prunes days outside it.
 */
function spansSql(t: OtelTable, w: MicrosWindow): string {
  const where: string[] = [];
  if (w.fromUs !== undefined) where.push(`Timestamp >= fromUnixTimestamp64Micro(toInt64(${chLit(w.fromUs)}), 'UTC')`);
  if (w.toUs !== undefined) where.push(`Timestamp < fromUnixTimestamp64Micro(toInt64(${chLit(w.toUs)}), 'UTC')`);
  const tokens = TOKEN_FIELDS.map((f) => `${attr(f)} AS t_${f}`);
  const parsed = TOKEN_FIELDS.map((f) => `toFloat64OrNull(t_${f}) AS n_${f}`);
  return `
    SELECT *, ${ruleSql()} AS rule FROM (
      SELECT *, ${parsed.join(', ')} FROM (
        SELECT SpanId AS span_id, TraceId AS trace_id,
          ${isGenaiSpanSql(span, chLit)} AS genai,
          toUnixTimestamp64Micro(Timestamp) AS ts_us,
          coalesce(${attr('request_id')}, SpanId) AS request_id,
          coalesce(${attr('workflow_id')}, nullIf(TraceId, '')) AS workflow_id,
          coalesce(${attr('workload')}, nullIf(ServiceName, ''), nullIf(ResourceAttributes[${chLit(WORKLOAD_RESOURCE_ATTRIBUTE)}], '')) AS workload,
          ${providerSql(attr('provider'), chLit)} AS provider,
          ${attr('model')} AS model,
          ${attr('service_tier_served')} AS service_tier_served,
          ${attr('user_segment')} AS user_segment,
          ${tokens.join(', ')},
          Duration / 1e6 AS e2e_ms,
          ${statusSql(attr('error_type'), 'StatusCode', chLit)} AS status
        FROM ${qualified(t)}
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}))`;
}

/**
 * The attempts relation: the `requests` columns (same names, same types as clickhouse/schema.ts)
 * of every GenAI span no rule excludes. Columns spans do not carry are constants: attempt 0, quality
 * unknown, no escalation, batch and fallback false; route is provider/model as the import derives it.
 */
export function otelAttemptsSql(t: OtelTable, w: MicrosWindow = {}): string {
  return attemptsOver(`(${spansSql(t, w)})`);
}

/** The attempts of a relation with spansSql's columns (the table read in place, or a command's extraction of it). */
function attemptsOver(spans: string): string {
  const count = (f: string) => `toInt64(n_${f})`;
  const optional = (f: string) => `if(isNull(n_${f}), NULL, toInt64(n_${f}))`;
  return `
    SELECT request_id, toInt32(0) AS attempt, ts_us, workflow_id, workload, provider, model,
      if(isNull(provider), model, concat(provider, '/', model)) AS route,
      CAST(NULL AS Nullable(String)) AS deployment,
      CAST(NULL AS Nullable(String)) AS service_tier_requested, service_tier_served,
      ${count('input_tokens')} AS input_tokens, ${optional('cached_input_tokens')} AS cached_input_tokens,
      ${optional('cache_write_tokens')} AS cache_write_tokens, CAST(NULL AS Nullable(Int64)) AS cache_write_1h_tokens,
      ${count('output_tokens')} AS output_tokens, ${optional('reasoning_tokens')} AS reasoning_tokens,
      CAST(NULL AS Nullable(Float64)) AS ttft_ms, toNullable(e2e_ms) AS e2e_ms,
      status, 'unknown' AS quality, toUInt8(0) AS escalated_to_human, toUInt8(0) AS batch, toUInt8(0) AS fallback,
      CAST(NULL AS Nullable(Float64)) AS cost_usd, user_segment
    FROM ${spans}
    WHERE genai AND isNull(rule)`;
}

/** The columns of spansSql a command's extraction keeps (span and trace ids only for excluded spans, which the report names). */
const EXTRACTED = [
  'genai', 'rule', "if(isNull(rule), '', span_id) AS span_id", "if(isNull(rule), '', trace_id) AS trace_id", 'ts_us', 'request_id', 'workflow_id', 'workload', 'provider', 'model',
  'service_tier_served', 'user_segment', 'e2e_ms', 'status', ...TOKEN_FIELDS.map((f) => `n_${f}`),
];

/** What the source read for a window: the store's SourceReport before it is named and its warnings written. */
export type OtelCoverage = Omit<SourceReport, 'source' | 'warnings'>;

/** How many spans the window holds, how many became attempts, and why the others did not: one pass. */
export async function otelCoverage(ch: ChStore, t: OtelTable, w: MicrosWindow = {}, relation = `(${spansSql(t, w)})`): Promise<OtelCoverage> {
  const rows = await ch.query(
    `SELECT if(genai, ifNull(rule, ''), '-') AS r, count() AS n, groupArray(3)(tuple(trace_id, span_id)) AS ex
     FROM ${relation} GROUP BY r ORDER BY n DESC, r`,
  );
  let spans = 0;
  let skipped = 0;
  let attempts = 0;
  const excluded: OtelCoverage['excluded'] = [];
  for (const row of rows) {
    const n = Number(row.n);
    spans += n;
    if (row.r === '-') skipped = n;
    else if (row.r === '') attempts = n;
    else {
      const ex = (row.ex as [string, string][]).map(([traceId, spanId]) => ({ traceId, spanId }));
      excluded.push({ rule: String(row.r), spans: n, meaning: RULE_TEXT[String(row.r)] ?? String(row.r), examples: ex });
    }
  }
  const notes = [SPAN_ATTEMPT_NOTE];
  if (skipped) notes.unshift(`${skipped} ${SKIPPED_SPANS}: skipped`);
  return { table: qualified(t), spans, skipped, attempts, excluded, notes };
}

/** The lines a report prints for the excluded spans (empty when none). */
export function coverageWarnings(c: OtelCoverage): string[] {
  const total = c.excluded.reduce((s, e) => s + e.spans, 0);
  if (!total) return [];
  const genai = total + c.attempts;
  return [
    `${total} of ${genai} GenAI spans in ${c.table} (${((100 * total) / genai).toFixed(2)}%) are not counted: they break a trace-row rule`,
    ...c.excluded.map((e) => `  ${e.rule}: ${e.spans} span${e.spans > 1 ? 's' : ''}, ${e.meaning} (e.g. trace ${e.examples[0]?.traceId} span ${e.examples[0]?.spanId})`),
  ];
}

/** The columns the source reads, with the type family each must have. */
const NEEDED: [string, RegExp, string][] = [
  ['Timestamp', /^DateTime64/, 'DateTime64(9)'],
  ['TraceId', /String/, 'String'],
  ['SpanId', /String/, 'String'],
  ['ServiceName', /String/, 'LowCardinality(String)'],
  ['ResourceAttributes', /^Map\(.*String.*, String\)$/, 'Map(LowCardinality(String), String)'],
  ['SpanAttributes', /^Map\(.*String.*, String\)$/, 'Map(LowCardinality(String), String)'],
  ['Duration', /^U?Int64$/, 'UInt64 (nanoseconds)'],
  ['StatusCode', /String/, 'LowCardinality(String)'],
];

/**
 * Refuses, with what to fix, a table that is missing or is not shaped as the exporter writes it
 * (checked before any query, so a wrong --otel-table is one clear error, not a SQL failure).
 */
export async function requireOtelTable(ch: ChStore, t: OtelTable): Promise<void> {
  const [v] = await ch.query('SELECT version() AS v');
  const major = Number(String(v?.v ?? '').split('.')[0]);
  if (major < 21) {
    throw new RoutefitError('invalid_input', `--source otel needs ClickHouse 21.1 or later (the exporter's table has Map columns); ${ch.url} runs ${String(v?.v)}`, { field: 'source' });
  }
  const cols = new Map(
    (await ch.query(`SELECT name, type FROM system.columns WHERE database = ${chLit(t.database)} AND table = ${chLit(t.table)}`)).map((r) => [String(r.name), String(r.type)]),
  );
  if (!cols.size) {
    throw new RoutefitError(
      'invalid_input',
      `no table ${qualified(t)} at ${ch.url}: --source otel reads the table the OpenTelemetry Collector's ClickHouse exporter writes (traces_table_name, default ${DEFAULT_OTEL_TABLE}, in its database); name it with --otel-table [DATABASE.]TABLE`,
      { field: 'otel-table' },
    );
  }
  const wrong = NEEDED.filter(([name, type]) => !type.test(cols.get(name) ?? ''));
  if (wrong.length) {
    throw new RoutefitError(
      'invalid_input',
      `${qualified(t)} is not an OpenTelemetry Collector traces table: ${wrong.map(([name, , want]) => `${name} is ${cols.has(name) ? cols.get(name) : 'missing'} (expected ${want})`).join('; ')}`,
      { field: 'otel-table' },
    );
  }
}

/**
 * The `otel` read source (`--source otel [--otel-table [DATABASE.]TABLE]`): the store's reads take
 * their attempts from the table in place; imports are refused (the Collector writes the table).
 */
export function otelReadSource(opts: { table?: string }): ReadSource {
  let table: OtelTable | undefined;
  const tableOf = (ch: ChStore) => (table ??= parseOtelTable(opts.table, ch.database));
  // Set by `focus`: the session table holding the window's spans, read by every later query.
  let extracted: string | undefined;
  let n = 0;
  return {
    name: 'otel',
    doc: OTEL_SOURCE_DOC,
    attempts: (ch) => (extracted ? attemptsOver(extracted) : otelAttemptsSql(tableOf(ch))),
    require: (ch) => requireOtelTable(ch, tableOf(ch)),
    readOnly: `${opts.table ?? DEFAULT_OTEL_TABLE} is written by the OpenTelemetry Collector: --source otel only reads it; import trace files into routefit's own tables (drop --source), ledgers (invoices, usage) go there too`,
    async report(ch, window) {
      const c = await otelCoverage(ch, tableOf(ch), microsWindow(window), extracted);
      return { source: 'otel', table: c.table, spans: c.spans, skipped: c.skipped, attempts: c.attempts, excluded: c.excluded, notes: c.notes, warnings: coverageWarnings(c) };
    },
    /**
     * Every read of a summary (pricing keys, the summary, workflows, routes) scans the attempts
     * again, and over otel_traces each scan re-reads the whole SpanAttributes map: the window's
     * spans are read from the table once, into a temporary table of the session (dropped with it,
     * never a copy in the store), and every later query of the command reads that.
     */
    async focus(ch, window) {
      const name = `routefit_otel_spans_${++n}`;
      await ch.command(`CREATE TEMPORARY TABLE ${name} ENGINE = MergeTree ORDER BY tuple() AS SELECT ${EXTRACTED.join(', ')} FROM (${spansSql(tableOf(ch), microsWindow(window))})`);
      if (extracted) await ch.command(`DROP TEMPORARY TABLE IF EXISTS ${extracted}`);
      extracted = name;
    },
  };
}

export const OTEL_SOURCE_DOC = "an OpenTelemetry Collector ClickHouse exporter table (otel_traces): GenAI spans read in place as attempts";

/** --from/--to (already checked) → epoch µs bounds for the Timestamp filter. */
function microsWindow(w: Window): MicrosWindow {
  return { ...(w.from !== undefined ? { fromUs: flagToMicros('--from', w.from) } : {}), ...(w.to !== undefined ? { toUs: flagToMicros('--to', w.to) } : {}) };
}
