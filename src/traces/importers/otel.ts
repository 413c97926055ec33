import type { DuckDBConnection } from '@duckdb/node-api';
import { lit, query } from '../db.js';
import { readPath } from '../input-files.js';
import { type Staged, buildStg, inFileOrder } from '../staging.js';

/**
 * OpenTelemetry GenAI spans as OTLP JSON (one document, or the file exporter's one per line), read
 * and flattened by DuckDB. Attribute names: the current GenAI semantic conventions, their older
 * names, and the OpenInference aliases (the verified stack notes). `gen_ai.usage.input_tokens`
 * includes cached tokens by the convention, as the normalized row does. Spans without a model or
 * token usage (HTTP, DB, tool spans) are skipped and counted, not rejected.
 */
const ALIASES: Record<string, string[]> = {
  provider: ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system'],
  model: ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name'],
  request_id: ['gen_ai.response.id'],
  workflow_id: ['gen_ai.conversation.id', 'session.id'],
  input_tokens: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt'],
  output_tokens: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion'],
  cached_input_tokens: ['gen_ai.usage.cache_read.input_tokens', 'llm.token_count.prompt_details.cache_read'],
  cache_write_tokens: ['gen_ai.usage.cache_creation.input_tokens', 'llm.token_count.prompt_details.cache_write'],
  reasoning_tokens: ['gen_ai.usage.reasoning.output_tokens', 'llm.token_count.completion_details.reasoning'],
  service_tier_requested: ['gen_ai.openai.request.service_tier', 'openai.request.service_tier'],
  service_tier_served: ['gen_ai.openai.response.service_tier', 'openai.response.service_tier'],
  workload: ['routefit.workload'],
  user_segment: ['routefit.user_segment'],
  error_type: ['error.type'],
};

/** OTel provider names → catalog provider ids where they differ. */
export const PROVIDERS: Record<string, string> = {
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'aws.bedrock': 'aws',
  'x_ai': 'x-ai',
  'mistral_ai': 'mistral',
};

const attr = (keys: string[], from = 'kv') => `coalesce(${keys.map((k) => `list_filter(${from}, x -> x.k = ${lit(k)})[1].v`).join(', ')})`;

export async function stageOtel(conn: DuckDBConnection, file: string, notes: string[]): Promise<Staged> {
  const kv = (col: string) =>
    `list_transform(CAST(${col} AS JSON[]), a -> {'k': a->>'$.key', 'v': coalesce(a->>'$.value.stringValue', a->>'$.value.intValue', a->>'$.value.doubleValue', a->>'$.value.boolValue')})`;
  await conn.run('DROP TABLE IF EXISTS otel_spans');
  await inFileOrder(conn, `CREATE TEMP TABLE otel_spans AS
    WITH docs AS (SELECT json AS doc, row_number() OVER () AS docno FROM read_json_objects(${lit(readPath(file))}, format = 'auto')),
    rs AS (SELECT docno, unnest(CAST(doc->'$.resourceSpans' AS JSON[])) AS rs FROM docs),
    ss AS (SELECT docno, ${kv("rs->'$.resource.attributes'")} AS rkv, unnest(CAST(rs->'$.scopeSpans' AS JSON[])) AS ss FROM rs),
    sp AS (SELECT docno, rkv, unnest(CAST(ss->'$.spans' AS JSON[])) AS span FROM ss)
    SELECT row_number() OVER () AS span_no, docno, rkv, ${kv("span->'$.attributes'")} AS kv,
      span->>'$.traceId' AS trace_id, span->>'$.spanId' AS span_id,
      span->>'$.startTimeUnixNano' AS start_ns, span->>'$.endTimeUnixNano' AS end_ns,
      span->>'$.status.code' AS status_code
    FROM sp`);
  const [counts] = await query(conn, `SELECT count(*) AS spans, count(*) FILTER (WHERE ${attr(ALIASES.model!)} IS NOT NULL OR ${attr(ALIASES.input_tokens!)} IS NOT NULL) AS genai FROM otel_spans`);
  const skipped = Number(counts!.spans) - Number(counts!.genai);
  if (skipped) notes.push(`${skipped} spans carry no GenAI model or token usage (HTTP, DB, tool spans): skipped, not counted as rows`);
  const provider = attr(ALIASES.provider!);
  const providerCase = `CASE ${Object.entries(PROVIDERS).map(([k, v]) => `WHEN lower(${provider}) = ${lit(k)} THEN ${lit(v)}`).join(' ')} ELSE lower(${provider}) END`;
  const errorType = attr(ALIASES.error_type!);
  await conn.run('DROP TABLE IF EXISTS otel_rows');
  await conn.run(`CREATE TEMP TABLE otel_rows AS SELECT
      span_no AS __line,
      -- OTLP times are nanoseconds since the epoch: passed as written, the row parser tells the unit by magnitude and
      -- rejects what is none (a huge or malformed value is a located rejection, not a failed cast).
      start_ns AS "timestamp",
      coalesce(${attr(ALIASES.request_id!)}, span_id) AS request_id,
      coalesce(${attr(ALIASES.workflow_id!)}, trace_id) AS workflow_id,
      coalesce(${attr(ALIASES.workload!)}, ${attr(['service.name'], 'rkv')}) AS workload,
      ${providerCase} AS provider,
      ${attr(ALIASES.model!)} AS model,
      ${attr(ALIASES.service_tier_requested!)} AS service_tier_requested,
      ${attr(ALIASES.service_tier_served!)} AS service_tier_served,
      ${attr(ALIASES.input_tokens!)} AS input_tokens,
      ${attr(ALIASES.cached_input_tokens!)} AS cached_input_tokens,
      ${attr(ALIASES.cache_write_tokens!)} AS cache_write_tokens,
      ${attr(ALIASES.output_tokens!)} AS output_tokens,
      ${attr(ALIASES.reasoning_tokens!)} AS reasoning_tokens,
      CASE WHEN regexp_full_match(start_ns, '[0-9]{1,19}') AND regexp_full_match(end_ns, '[0-9]{1,19}')
           THEN CAST((CAST(end_ns AS HUGEINT) - CAST(start_ns AS HUGEINT)) / 1e6 AS VARCHAR) ELSE end_ns END AS e2e_ms,
      CASE WHEN ${errorType} ILIKE '%timeout%' THEN 'timeout'
           WHEN ${errorType} ILIKE '%rate%limit%' OR ${errorType} = '429' THEN 'rate_limited'
           WHEN ${errorType} IS NOT NULL OR status_code = '2' OR status_code = 'STATUS_CODE_ERROR' THEN 'error'
           ELSE 'ok' END AS status,
      ${attr(ALIASES.user_segment!)} AS user_segment
    FROM otel_spans WHERE ${attr(ALIASES.model!)} IS NOT NULL OR ${attr(ALIASES.input_tokens!)} IS NOT NULL`);
  const cols = (await query(conn, `SELECT column_name FROM (DESCRIBE otel_rows)`)).map((r) => String(r.column_name));
  await buildStg(conn, file, 'otel_rows', cols, '__line', notes);
  await conn.run('DROP TABLE otel_spans');
  notes.push('OTel spans carry no attempt number: each span is its own request (attempt 0); retries show up as extra requests');
  return { format: 'otel', lineLabel: 'row', structural: [], notes, cleanup: ['otel_rows'] };
}
