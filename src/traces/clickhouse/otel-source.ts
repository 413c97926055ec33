import { RoutefitError } from '../../engine/errors.js';
import { GENAI_ATTRIBUTES, type GenaiField, SKIPPED_SPANS, SPAN_ATTEMPT_NOTE, WORKLOAD_RESOURCE_ATTRIBUTE, attributeSql, isGenaiSpanSql, providerSql, statusSql } from '../genai-attributes.js';
import { NUMBER_RANGES, type NumberRange, type RuleDialect, type SpelledRule, rowRules, spellRules } from '../row-rules.js';
import type { Column } from '../schema.js';
import { DEFAULT_TIMESTAMP_WINDOW, type TimestampWindow, epochUs } from '../time-window.js';
import type { ReadSource } from '../store/open.js';
import type { SourceReport, Window } from '../store/types.js';
import { type ChStore, chIdent, chLit } from './connection.js';
import { duckTimestampText } from './row-rules.js';
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

/**
 * One span attribute: NULL when absent or blank (as the importer reads a blank field). Read through
 * the map's key and value arrays (a_keys, a_values): `SpanAttributes[k]` cost ~2.6× the CPU per key
 * on chdb 26.x (measured at 1M spans, docs/performance.md), and a span's attributes are read ~28 times.
 */
const span = (key: string) => `nullIf(a_values[indexOf(a_keys, ${chLit(key)})], '')`;

/**
 * A span attribute read, given which names the window's spans carry (`present`, from the probe in
 * focus; undefined: every name may be present): a name no span carries is NULL in every span, so it
 * is the constant NULL, not a lookup, and ClickHouse folds what reads it (a coalesce over the
 * generations left, a rule over an absent field).
 */
const reader = (present?: ReadonlySet<string>) => (key: string) => (present && !present.has(key) ? 'CAST(NULL AS Nullable(String))' : span(key));

/** Every attribute name the mapping reads (all generations of every field). */
const MAPPED_KEYS = [...new Set(Object.values(GENAI_ATTRIBUTES).flat())];

const TOKEN_FIELDS = ['input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens'] as const;

/**
 * The columns of the normalized row (../schema.ts) a span carries: its typed value and, where a rule
 * or a message reads it, its text as written (`raw`, NULL when absent). A column not here (attempt, deployment,
 * cache_write_1h_tokens, ttft_ms, quality, the flags, cost_usd) is absent from every
 * span, as it is from every row the OTLP importer stages.
 */
const CARRIED: Record<string, { typed: string; raw?: string; shown?: string }> = {
  // `shown`: the text a message quotes, only where it is not `raw` (computed for the spans a report shows, never in a condition).
  timestamp: { typed: 'ts_us', shown: 'toString(toUnixTimestamp64Nano(Timestamp))' },
  request_id: { typed: 'request_id' },
  workflow_id: { typed: 'workflow_id' },
  workload: { typed: 'workload' },
  provider: { typed: 'provider' },
  model: { typed: 'model' },
  service_tier_requested: { typed: 'service_tier_requested' },
  service_tier_served: { typed: 'service_tier_served' },
  ...Object.fromEntries(TOKEN_FIELDS.map((f) => [f, { typed: `n_${f}`, raw: `t_${f}` }])),
  e2e_ms: { typed: 'e2e_ms', shown: 'toString(e2e_ms)' },
  status: { typed: 'status' },
  user_segment: { typed: 'user_segment' },
};

/** A parsed number (Float64, NULL when not a number) in a NumberRange. */
const inRange = (n: string, r: NumberRange) => `(isNotNull(${n}) AND isFinite(${n}) AND ${n} >= 0 AND ${n} <= ${r.max}${r.integer ? ` AND ${n} = floor(${n})` : ''})`;

/**
 * The import's row rules (../row-rules.ts, the one list), in its order, spelled over a span's
 * columns. An absent column breaks no rule but `missing` (the constants this gives cost nothing:
 * ClickHouse folds them). Token counts are the attribute text read by toFloat64OrNull (the exporter
 * writes attribute values as plain text).
 */
export function spanRules(window: TimestampWindow = DEFAULT_TIMESTAMP_WINDOW): SpelledRule[] {
  const typed = (c: Column) => CARRIED[c.name]?.typed;
  const raw = (c: Column) => CARRIED[c.name]?.raw ?? typed(c);
  const d: RuleDialect = {
    missing: (cols) => cols.map((c) => (raw(c) ? `isNull(${raw(c)})` : '1')).join(' AND '),
    unreadable: (c) => {
      const n = typed(c);
      if (!n || c.kind === 'timestamp' || c.kind === 'text') return '0';
      // A duration is never absent; a count is unreadable only when given.
      if (c.kind === 'ms' || c.kind === 'usd') return `NOT ${inRange(n, NUMBER_RANGES[c.kind])}`;
      return `isNotNull(${raw(c)}) AND NOT ${inRange(n, c.kind === 'count' ? NUMBER_RANGES.count : NUMBER_RANGES.attempt)}`;
    },
    negative: (c) => (typed(c) ? `startsWith(${raw(c)}, '-') AND ifNull(${typed(c)} < 0, 0)` : '0'),
    outsideWindow: (c, w) => (typed(c) ? `(${typed(c)} < ${epochUs(w.from)} OR ${typed(c)} >= ${epochUs(w.to)})` : '0'),
    notAllowed: (c, values) => (typed(c) ? `ifNull(${typed(c)} NOT IN (${values.map(chLit).join(', ')}), 0)` : '0'),
    term: (c, orZero) => (typed(c) ? (orZero ? `ifNull(${typed(c)}, 0)` : typed(c)!) : orZero ? '0' : 'NULL'),
    text: chLit,
    raw: (c) => `ifNull(${CARRIED[c.name]?.shown ?? raw(c) ?? 'NULL'}, '')`,
    value: (c) => (c.kind === 'timestamp' ? duckTimestampText(typed(c)!) : `toString(${c.kind === 'count' ? `toInt64(${typed(c)})` : (typed(c) ?? "''")})`),
    integerText: (x) => `toString(toInt64(${x}))`,
    concat: (parts) => (parts.length === 1 ? parts[0]! : `concat(${parts.join(', ')})`),
  };
  return spellRules(rowRules(window), d);
}

/** The rule a repeated span breaks (the import's name for a repeated request_id + attempt). */
export const DUPLICATE_RULE = 'duplicate_id';
const DUPLICATE_MEANING = 'the request_id (gen_ai.response.id, else the span id) of an earlier span: a span the table holds twice counts once';

/**
 * What an excluded span's rule means, for the report: the import's message for the first example,
 * and, for a missing field, the attribute names that would have given it.
 */
function meaningOf(rule: string, reason: string): string {
  if (rule === DUPLICATE_RULE) return DUPLICATE_MEANING;
  const missing = rowRules(DEFAULT_TIMESTAMP_WINDOW).find((r) => r.name === rule)?.when;
  if (missing?.is !== 'missing') return reason;
  const keys = missing.cols.flatMap((c) => (c in GENAI_ATTRIBUTES ? GENAI_ATTRIBUTES[c as GenaiField] : []));
  return keys.length ? `${reason} (the span has none of ${keys.join(', ')})` : reason;
}

/** --from/--to as epoch microseconds (already checked by the CLI), or undefined. */
export interface MicrosWindow {
  fromUs?: number;
  toUs?: number;
}

/**
 * Every span of the table in the window, one row each with the `requests` columns a span carries
 * (tokens as Int64), `rule` ('' for an attempt, '-' for a span that is not a GenAI model call, else
 * the first row rule it breaks). The window is applied to Timestamp itself, so the table's
 * PARTITION BY toDate(Timestamp) prunes days outside it.
 *
 * `reasons`: also `reason`, the import's message for a span these rules exclude, for the few spans a
 * report shows (`only`: their (TraceId, SpanId)); over every span it would be ~40% of the read's
 * CPU (ClickHouse computes the messages for valid spans too, measured: docs/performance.md).
 *
 * `dedupe`: a span whose request_id an earlier valid span of the window has is `duplicate_id`, as
 * the import rejects a repeated request_id + attempt (OTel spans are all attempt 0), so a span row
 * the Collector wrote twice counts once. The first is the earliest (Timestamp, SpanId, TraceId): a
 * table has no line order. A window function over every span: focus runs it only when the window
 * holds a repeated request_id.
 */
interface SpansOptions {
  dedupe: boolean;
  /** The attribute names some span of the window carries (presentKeys); absent: read every name. */
  present?: ReadonlySet<string>;
  /** The rules whose messages `reason` spells (a span breaking another has reason ''). */
  reasons?: readonly string[];
  only?: readonly { traceId: string; spanId: string }[];
}

/** The WHERE of a read of the window's spans (or of the `only` ones), '' for all. */
function whereSql(w: MicrosWindow, only?: SpansOptions['only']): string {
  const where: string[] = [];
  // TraceId IN … first: the exporter's bloom filter index on TraceId skips the granules without them.
  if (only) where.push(`TraceId IN (${[...new Set(only.map((x) => chLit(x.traceId)))].join(', ') || "''"})`);
  if (only) where.push(`(TraceId, SpanId) IN (${only.map((x) => `(${chLit(x.traceId)}, ${chLit(x.spanId)})`).join(', ') || `('', '')`})`);
  if (w.fromUs !== undefined) where.push(`Timestamp >= fromUnixTimestamp64Micro(toInt64(${chLit(w.fromUs)}), 'UTC')`);
  if (w.toUs !== undefined) where.push(`Timestamp < fromUnixTimestamp64Micro(toInt64(${chLit(w.toUs)}), 'UTC')`);
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

/**
 * Which of the mapped attribute names (every generation of every field) some span of the window
 * carries: one read of the map's keys alone (the `keys` subcolumn, not the values), so the
 * extraction looks up only those (a table written by one instrumentation holds one generation).
 */
export async function presentKeys(ch: ChStore, t: OtelTable, w: MicrosWindow = {}): Promise<Set<string>> {
  const rows = await ch.query(
    `SELECT DISTINCT k FROM (SELECT arrayJoin(SpanAttributes.keys) AS k FROM ${qualified(t)} ${whereSql(w)}) WHERE k IN (${MAPPED_KEYS.map(chLit).join(', ')})`,
  );
  return new Set(rows.map((r) => String(r.k)));
}

function spansSql(t: OtelTable, w: MicrosWindow, o: SpansOptions): string {
  const span = reader(o.present);
  const attr = (field: GenaiField) => attributeSql(field, span);
  const rules = spanRules();
  const broken = rules.map((r) => `ifNull(${r.when}, 0)`);
  const ruleOf = `multiIf(${rules.map((r, i) => `${broken[i]}, ${chLit(r.name)}`).join(', ')}, '')`;
  const reasonOf = `multiIf(${rules.filter((r) => o.reasons?.includes(r.name)).map((r) => `rule = ${chLit(r.name)}, ifNull(${r.message}, '')`).join(', ')}, '')`;
  const tokens = TOKEN_FIELDS.map((f) => `${attr(f)} AS t_${f}`);
  const parsed = TOKEN_FIELDS.map((f) => `toFloat64OrNull(t_${f}) AS n_${f}`);
  // The kept columns; a count is an integer once its rules hold (a NaN or ±inf never reaches toInt64: ClickHouse computes every branch).
  const count = (f: string) => `if(${inRange(`n_${f}`, NUMBER_RANGES.count)}, toInt64(n_${f}), NULL) AS ${f}`;
  const kept = [
    'rule', ...(o.reasons?.length ? ['reason'] : []), 'span_id', 'trace_id', 'ts_us', 'request_id', 'workflow_id', 'workload', 'provider', 'model', 'service_tier_requested', 'service_tier_served', 'user_segment', 'e2e_ms', 'status',
    ...TOKEN_FIELDS.map(count),
  ];
  const spans = `
    SELECT ${kept.join(', ')} FROM (
      SELECT *, multiIf(NOT genai, '-', ok, '', ${ruleOf}) AS rule${o.reasons?.length ? `, ${reasonOf} AS reason` : ''} FROM (
        SELECT *, genai AND NOT (${broken.join(' OR ')}) AS ok FROM (
          SELECT *, ${parsed.join(', ')} FROM (
            SELECT SpanId AS span_id, TraceId AS trace_id, Timestamp,
              ${isGenaiSpanSql(span, chLit)} AS genai,
              toUnixTimestamp64Micro(Timestamp) AS ts_us,
              coalesce(${attr('request_id')}, SpanId) AS request_id,
              coalesce(${attr('workflow_id')}, nullIf(TraceId, '')) AS workflow_id,
              coalesce(${attr('workload')}, nullIf(ServiceName, ''), nullIf(ResourceAttributes[${chLit(WORKLOAD_RESOURCE_ATTRIBUTE)}], '')) AS workload,
              ${providerSql('provider_attr', chLit)} AS provider,
              ${attr('model')} AS model,
              ${attr('service_tier_requested')} AS service_tier_requested,
              ${attr('service_tier_served')} AS service_tier_served,
              ${attr('user_segment')} AS user_segment,
              ${tokens.join(', ')},
              Duration / 1e6 AS e2e_ms,
              ${statusSql(attr('error_type'), 'StatusCode', chLit)} AS status
            FROM (SELECT *, ${attr('provider')} AS provider_attr FROM (
              SELECT *, mapKeys(SpanAttributes) AS a_keys, mapValues(SpanAttributes) AS a_values FROM ${qualified(t)}
              ${whereSql(w, o.only)}))))))`;
  return o.dedupe ? dedupedSql(spans) : spans;
}

/** spansSql's rows with every valid span after the first of its request_id marked `duplicate_id`. */
function dedupedSql(spans: string): string {
  return `
    SELECT * REPLACE (if(rule = '' AND row_number() OVER (PARTITION BY rule = '', request_id ORDER BY ts_us, span_id, trace_id) > 1, ${chLit(DUPLICATE_RULE)}, rule) AS rule)
    FROM (${spans})`;
}

/**
 * The attempts relation: the `requests` columns (same names, same types as clickhouse/schema.ts)
 * of every GenAI span no rule excludes. Columns spans do not carry are constants: attempt 0, quality
 * unknown, no escalation, batch and fallback false; route is provider/model as the import derives it.
 */
export function otelAttemptsSql(t: OtelTable, w: MicrosWindow = {}): string {
  return attemptsOver(`(${spansSql(t, w, { dedupe: true })})`, ROUTE);
}

/** The route as the import derives it: provider/model. */
const ROUTE = "if(isNull(provider), model, concat(provider, '/', model))";

/**
 * The attempts of a relation with spansSql's columns (the table read in place, `route` computed) or
 * a command's extraction of it (sessionColumns: `route` stored, ids as hashes).
 */
function attemptsOver(spans: string, route = 'route'): string {
  return `
    SELECT request_id, toInt32(0) AS attempt, ts_us, workflow_id, workload, provider, model,
      ${route === 'route' ? 'route' : `${route} AS route`},
      CAST(NULL AS Nullable(String)) AS deployment,
      service_tier_requested, service_tier_served,
      assumeNotNull(input_tokens) AS input_tokens, cached_input_tokens, cache_write_tokens, CAST(NULL AS Nullable(Int64)) AS cache_write_1h_tokens,
      assumeNotNull(output_tokens) AS output_tokens, reasoning_tokens,
      CAST(NULL AS Nullable(Float64)) AS ttft_ms, toNullable(e2e_ms) AS e2e_ms,
      status, 'unknown' AS quality, toUInt8(0) AS escalated_to_human, toUInt8(0) AS batch, toUInt8(0) AS fallback,
      CAST(NULL AS Nullable(Float64)) AS cost_usd, user_segment
    FROM ${spans}
    WHERE rule = ''`;
}

/** What the source read for a window: the store's SourceReport before it is named and its warnings written. */
export type OtelCoverage = Omit<SourceReport, 'source' | 'warnings'>;

/**
 * How many spans the window holds, how many became attempts, and why the others did not: one pass
 * over `relation` (spansSql's rows), then the import's message for each rule's first example.
 */
export async function otelCoverage(ch: ChStore, t: OtelTable, w: MicrosWindow = {}, relation = `(${spansSql(t, w, { dedupe: true })})`): Promise<OtelCoverage> {
  const rows = await ch.query(
    `SELECT rule AS r, count() AS n, groupArrayIf(3)(tuple(trace_id, span_id), r NOT IN ('', '-')) AS ex
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
      excluded.push({ rule: String(row.r), spans: n, meaning: '', examples: ex });
    }
  }
  const shown = excluded.filter((e) => e.rule !== DUPLICATE_RULE);
  const first = shown.map((e) => e.examples[0]!);
  const reasons = new Map<string, string>();
  if (first.length) {
    for (const r of await ch.query(`SELECT trace_id, span_id, rule, reason FROM (${spansSql(t, w, { dedupe: false, reasons: shown.map((e) => e.rule), only: first })})`)) {
      reasons.set(`${String(r.rule)} ${String(r.trace_id)} ${String(r.span_id)}`, String(r.reason));
    }
  }
  for (const e of excluded) e.meaning = meaningOf(e.rule, reasons.get(`${e.rule} ${e.examples[0]!.traceId} ${e.examples[0]!.spanId}`) ?? '');
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
  // Set by `focus` once it has counted the session table's request_ids distinct (see ReadSource.ownRequests).
  let own = false;
  let n = 0;
  return {
    name: 'otel',
    doc: OTEL_SOURCE_DOC,
    attempts: (ch) => (extracted ? attemptsOver(extracted) : otelAttemptsSql(tableOf(ch))),
    ownRequests: () => extracted !== undefined && own,
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
      const t = tableOf(ch);
      const w = microsWindow(window);
      // In-process ClickHouse (chdb) shares routefit's memory: the command's GROUP BYs and sorts (a
      // workflow per trace: millions of groups) spill to disk past IN_PROCESS_SPILL_BYTES instead
      // of growing the process (measured at 10M spans: workflow pass 2.7 GB → 0.6 GB, docs/performance.md).
      if (ch.connector) {
        for (const s of ['max_bytes_before_external_group_by', 'max_bytes_before_external_sort']) await ch.command(`SET ${s} = ${IN_PROCESS_SPILL_BYTES}`);
        // One thread: each thread aggregates its own copy of every group's state (the summary's exact
        // quantiles, the workflow pass's millions of groups) and the copies are merged at the end;
        // in routefit's process that costs CPU and memory, not only wall time (docs/performance.md).
        await ch.command(`SET max_threads = ${IN_PROCESS_THREADS}`);
      }
      // Read once (keys only): the extraction looks up only the attribute names the window's spans carry.
      let present: ReadonlySet<string> | undefined = await presentKeys(ch, t, w);
      const into = async (dedupe: boolean): Promise<void> => {
        const name = `routefit_otel_spans_${++n}`;
        // StripeLog: one file, no parts to merge (a MergeTree table of 256K-row inserts merged them
        // in the background: ~2.5× the write, docs/performance.md); every read is a full scan anyway.
        await ch.command(`CREATE TEMPORARY TABLE ${name} ENGINE = StripeLog AS SELECT ${sessionColumns(!dedupe).join(', ')} FROM (${spansSql(t, w, { dedupe, present })}) SETTINGS ${INSERT_BLOCKS}`);
        if (extracted) await ch.command(`DROP TEMPORARY TABLE IF EXISTS ${extracted}`);
        extracted = name;
        // A span written into a live table between the probe and this read may carry a name the probe
        // did not see, which this read took as absent. Probed again: this read's spans are among the
        // ones the second probe sees (rows are only added), so no new name proves none was missed;
        // else the window is read again with every name looked up. (A keys-only read: ~1% of the command.)
        if (present) {
          const seen = present;
          if ([...(await presentKeys(ch, t, w))].some((k) => !seen.has(k))) {
            present = undefined;
            return into(dedupe);
          }
        }
      };
      own = false;
      // As many distinct request_ids as attempts: no request_id repeats. Every span is attempt 0, so
      // each attempt is then its own request and the reads skip the first/last-attempt lookup.
      const distinct = async () => {
        const [h] = await ch.query(`SELECT count() AS n, uniqExact(request_id) AS d FROM ${extracted} WHERE rule = ''`);
        return Number(h?.n) === Number(h?.d);
      };
      await into(false);
      // Counted over the hashes, equality also proves the hash stands for the id exactly (a collision can
      // only lower the count); else the window is read again with the repeats marked and the ids kept
      // as written, and counted again (the marking leaves one span per id; the count checks it).
      own = (await distinct()) || (await into(true), await distinct());
    },
  };
}

/**
 * The session table's columns: spansSql's, in the types the later reads group, join and count by
 * cheaply (measured at 10M spans: summary 15.4 → 10.8 CPU-s, workflow pass 18.3 → 15.6,
 * docs/performance.md). Every reader of the attempts (../sql/: the first/last-attempt join, the
 * summary's distinct workflows and the workflow pass, reconcile's distinct requests) only compares,
 * groups and counts request_id and workflow_id, never shows them, so:
 * - request_id is its cityHash64 when `hashedIds` (focus then proves the hashes distinct, so the hash
 *   is exact), else the id as written;
 * - workflow_id is its 128-bit SipHash (two workflows merge only if their 128-bit hashes collide:
 *   ~n²/2¹²⁹, 1e-25 at 10M workflows);
 * - the few-valued texts (rule, workload, provider, model, route, tiers, segment, status) are
 *   LowCardinality, and route is stored, not recomputed by each read;
 * - span and trace ids are kept for the excluded spans only (the report names a few).
 */
function sessionColumns(hashedIds: boolean): string[] {
  const lc = (c: string, x = c) => `toLowCardinality(${x}) AS ${c}`;
  return [
    lc('rule'),
    ...['span_id', 'trace_id'].map((c) => `if(rule IN ('', '-'), '', ${c}) AS ${c}`),
    'ts_us',
    hashedIds ? 'cityHash64(request_id) AS request_id' : 'request_id',
    'if(isNull(workflow_id), NULL, reinterpretAsUInt128(sipHash128(assumeNotNull(workflow_id)))) AS workflow_id',
    ...['workload', 'provider', 'model'].map((c) => lc(c)),
    lc('route', ROUTE),
    ...['service_tier_requested', 'service_tier_served', 'user_segment', 'status'].map((c) => lc(c)),
    'e2e_ms',
    ...TOKEN_FIELDS,
  ];
}

/** The threads an in-process ClickHouse's queries of the session use. */
const IN_PROCESS_THREADS = 1;
/** Where an in-process ClickHouse's aggregations and sorts spill (bytes of one query's state). */
const IN_PROCESS_SPILL_BYTES = 300_000_000;
/** The extraction's insert blocks: ~1/4 of the default rows, so fewer spans are held at once before a part is written. */
const INSERT_BLOCKS = 'min_insert_block_size_rows = 262144, min_insert_block_size_bytes = 67108864';

export const OTEL_SOURCE_DOC = "an OpenTelemetry Collector ClickHouse exporter table (otel_traces): GenAI spans read in place as attempts";

/** --from/--to (already checked) → epoch µs bounds for the Timestamp filter. */
function microsWindow(w: Window): MicrosWindow {
  return { ...(w.from !== undefined ? { fromUs: flagToMicros('--from', w.from) } : {}), ...(w.to !== undefined ? { toUs: flagToMicros('--to', w.to) } : {}) };
}
