import { RoutefitError } from '../../engine/errors.js';
import { chIdent, chLit } from './connection.js';

/**
 * A generated `otel_traces` table for tests and benchmarks: the OpenTelemetry Collector ClickHouse
 * exporter's table DDL (exporter/clickhouseexporter, traces table: the columns, Map types, codecs,
 * skip indexes, PARTITION BY toDate(Timestamp) and sort key it creates; the TTL is left out), filled
 * by one INSERT … SELECT over numbers(N) that ClickHouse runs itself, deterministic for a seed (every
 * value is a cityHash64 of the span number, the seed and a field number).
 *
 * The spans mix what a real table holds: GenAI model calls under the current attribute names, the
 * older ones (gen_ai.system, prompt/completion tokens) and the OpenInference aliases; HTTP and DB
 * spans and agent spans (skipped); GenAI spans without output tokens, with a malformed or negative
 * token count, or with more cached than input tokens (excluded and counted); errors as each writer
 * spells them (error.type 429 / TimeoutError, StatusCode Error / STATUS_CODE_ERROR); a route no
 * catalog prices; Gemini inputs past the 200k long-context threshold; batch tier served.
 */

export function otelTracesDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    Events Nested (Timestamp DateTime64(9), Name LowCardinality(String), Attributes Map(LowCardinality(String), String)) CODEC(ZSTD(1)),
    Links Nested (TraceId String, SpanId String, TraceState String, Attributes Map(LowCardinality(String), String)) CODEC(ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1
  ) ENGINE = MergeTree()
  PARTITION BY toDate(Timestamp)
  ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))
  SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`;
}

export interface OtelSpansOptions {
  spans: number;
  seed: number;
  /** First day of the spans (UTC), default 2026-05-01. */
  start?: string;
  days?: number;
}

/** `INSERT INTO table SELECT …`: the generated spans (see the module comment). */
export function generateOtelSpansSql(table: string, opts: OtelSpansOptions): string {
  if (!Number.isInteger(opts.spans) || opts.spans < 1) throw new RoutefitError('invalid_input', `spans must be a positive integer, not ${opts.spans}`);
  if (!Number.isInteger(opts.seed) || opts.seed < 0) throw new RoutefitError('invalid_input', `seed must be a non-negative integer, not ${opts.seed}`);
  const startNs = BigInt(Date.parse(`${opts.start ?? '2026-05-01'}T00:00:00Z`)) * 1_000_000n;
  const spanNs = BigInt(opts.days ?? 4) * 86_400_000_000_000n;
  const h = (k: number) => `cityHash64(number, ${chLit(opts.seed)}, ${k})`;
  const s = (x: string) => `toString(${x})`;
  // The attribute map of a model call, by variant; '' values are dropped afterwards (an absent attribute).
  const usage = (names: { input: string; output: string; cached: string; write?: string; reasoning?: string }) => [
    chLit(names.input), s('input'), chLit(names.output), s('output'),
    chLit(names.cached), `if(has_cache, ${s('cached')}, '')`,
    ...(names.write ? [chLit(names.write), `if(has_write, ${s('write')}, '')`] : []),
    ...(names.reasoning ? [chLit(names.reasoning), `if(has_reasoning, ${s('reasoning')}, '')`] : []),
  ];
  const common = [
    "'gen_ai.conversation.id'", `if(${h(14)} % 2 = 0, concat('conv-', ${s(`${h(15)} % greatest(1, intDiv(${opts.spans}, 5))`)}), '')`,
    "'error.type'", 'error_type',
    "'routefit.user_segment'", `['', 'free', 'pro'][1 + ${h(16)} % 3]`,
  ];
  const current = (provider: string, model: string) => [
    "'gen_ai.operation.name'", "'chat'", "'gen_ai.provider.name'", chLit(provider), "'gen_ai.request.model'", chLit(model), "'gen_ai.response.model'", chLit(model),
    "'gen_ai.response.id'", "concat('resp-', toString(number))",
    ...usage({ input: 'gen_ai.usage.input_tokens', output: 'gen_ai.usage.output_tokens', cached: 'gen_ai.usage.cache_read.input_tokens', write: 'gen_ai.usage.cache_creation.input_tokens', reasoning: 'gen_ai.usage.reasoning.output_tokens' }),
  ];
  const call = `multiIf(
      variant < 5, map(${[...current('openai', 'gpt-5.5'), "'gen_ai.openai.request.service_tier'", `if(${h(17)} % 20 = 0, 'batch', ['default', 'flex', ''][1 + ${h(19)} % 3])`, "'gen_ai.openai.response.service_tier'", `if(${h(17)} % 20 = 0, 'batch', 'default')`, "'routefit.workload'", `if(variant = 1, 'agent-eval', '')`, ...common].join(', ')}),
      variant < 7, map(${["'gen_ai.system'", "'anthropic'", "'gen_ai.request.model'", "'claude-sonnet-4.6'", ...usage({ input: 'gen_ai.usage.prompt_tokens', output: 'gen_ai.usage.completion_tokens', cached: 'gen_ai.usage.cache_read.input_tokens', write: 'gen_ai.usage.cache_creation.input_tokens' }), ...common].join(', ')}),
      variant = 7, map(${[...current('gcp.gemini', 'gemini-2.5-pro'), ...common].join(', ')}),
      variant = 8, map(${["'llm.provider'", "'openai'", "'llm.model_name'", "'gpt-5.5'", ...usage({ input: 'llm.token_count.prompt', output: 'llm.token_count.completion', cached: 'llm.token_count.prompt_details.cache_read' }), ...common].join(', ')}),
      map(${[...current('acme', 'mystery-1'), ...common].join(', ')}))`;
  const attributes = `mapFilter((k, v) -> v != '', multiIf(
      kind = 'http', map('http.request.method', 'GET', 'url.path', '/v1/search', 'http.response.status_code', '200'),
      kind = 'db', map('db.system', 'postgresql', 'db.operation.name', 'SELECT'),
      kind = 'agent', map('gen_ai.operation.name', 'invoke_agent', 'gen_ai.agent.name', 'planner', 'gen_ai.request.model', 'gpt-5.5', 'gen_ai.usage.input_tokens', ${s('input * 3')}, 'gen_ai.usage.output_tokens', ${s('output * 3')}),
      kind = 'no_output', map('gen_ai.provider.name', 'openai', 'gen_ai.request.model', 'gpt-5.5', 'gen_ai.usage.input_tokens', ${s('input')}),
      kind = 'bad_value', map('gen_ai.provider.name', 'openai', 'gen_ai.request.model', 'gpt-5.5', 'gen_ai.usage.input_tokens', ${s('input')}, 'gen_ai.usage.output_tokens', ['-3', 'many', '12.5'][1 + ${h(18)} % 3]),
      kind = 'cached_over', map('gen_ai.provider.name', 'openai', 'gen_ai.request.model', 'gpt-5.5', 'gen_ai.usage.input_tokens', ${s('input')}, 'gen_ai.usage.output_tokens', ${s('output')}, 'gen_ai.usage.cache_read.input_tokens', ${s('input + 10')}),
      ${call}))`;
  return `INSERT INTO ${table} (Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes, Duration, StatusCode, StatusMessage)
  SELECT fromUnixTimestamp64Nano(start_ns, 'UTC'), trace_id, span_id, '', '',
    multiIf(kind = 'http', 'GET /v1/search', kind = 'db', 'SELECT docs', kind = 'agent', 'invoke_agent planner', 'chat'),
    if(kind IN ('http', 'db'), 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT'), service,
    map('service.name', service, 'telemetry.sdk.language', 'python'), 'opentelemetry.instrumentation.genai', '0.50',
    ${attributes}, dur_ns, status_code, ''
  FROM (
    SELECT number,
      ${h(1)} % 1000 AS kind_r,
      multiIf(kind_r < 100, 'http', kind_r < 150, 'db', kind_r < 160, 'agent', kind_r < 164, 'no_output', kind_r < 167, 'bad_value', kind_r < 169, 'cached_over', 'call') AS kind,
      ${h(2)} % 10 AS variant,
      ['support-bot', 'rag-search', 'batch-summarizer'][1 + ${h(4)} % 3] AS service,
      toInt64(${startNs.toString()} + ${h(5)} % ${spanNs.toString()}) AS start_ns,
      toUInt64(200000000 + ${h(6)} % 20000000000) AS dur_ns,
      ${h(7)} % 100 AS err_r,
      multiIf(err_r < 2, '429', err_r = 2, 'TimeoutError', err_r = 4, 'openai.APIError', '') AS error_type,
      multiIf(err_r < 3 OR err_r = 4, 'Error', err_r = 3, 'STATUS_CODE_ERROR', err_r < 50, 'Unset', 'Ok') AS status_code,
      toInt64(if(variant = 7, 1000 + ${h(8)} % 300000, 200 + ${h(8)} % 6000)) AS input,
      ${h(9)} % 2 = 0 AS has_cache,
      toInt64(intDiv(input * (${h(10)} % 80), 100)) AS cached,
      ${h(13)} % 3 = 0 AS has_write,
      toInt64(intDiv(input * 20, 100)) AS write,
      toInt64(20 + ${h(11)} % 800) AS output,
      variant < 2 AND ${h(12)} % 3 = 0 AS has_reasoning,
      toInt64(intDiv(output * 3, 10)) AS reasoning,
      lower(concat(leftPad(hex(cityHash64(intDiv(number, 4), ${chLit(opts.seed)}, 20)), 16, '0'), leftPad(hex(intDiv(number, 4)), 16, '0'))) AS trace_id,
      lower(leftPad(hex(number + 1), 16, '0')) AS span_id
    FROM numbers(${chLit(opts.spans)}))`;
}

/** Creates the table (the exporter's DDL) and fills it; `table` is DATABASE.TABLE. */
export async function createOtelTraces(ch: { command(sql: string): Promise<void> }, database: string, table: string, opts: OtelSpansOptions): Promise<void> {
  await ch.command(`CREATE DATABASE IF NOT EXISTS ${chIdent(database)}`);
  const t = `${chIdent(database)}.${chIdent(table)}`;
  await ch.command(otelTracesDdl(t));
  await ch.command(generateOtelSpansSql(t, opts));
}
