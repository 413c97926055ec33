/**
 * The OpenTelemetry GenAI span attributes routefit reads, and how a span becomes an attempt: THE one
 * mapping, shared by the OTLP JSON importer (importers/otel.ts, DuckDB) and the `otel_traces` read
 * source (clickhouse/otel-source.ts, ClickHouse). Pure data plus SQL builders that both dialects
 * spell the same way (CASE, ILIKE, IS NOT NULL, coalesce); the caller passes its literal function.
 *
 * Attribute names: the GenAI semantic conventions (gen_ai.*, current names first, then the older
 * ones, v1.36 and before) and the OpenInference aliases (llm.*). By the conventions
 * `gen_ai.usage.input_tokens` includes cache reads and cache writes
 * (`gen_ai.usage.cache_read.input_tokens`, `gen_ai.usage.cache_creation.input_tokens` "SHOULD be
 * included"), as the normalized row's input_tokens does: taken as written.
 */
export const GENAI_ATTRIBUTES = {
  operation: ['gen_ai.operation.name'],
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
} as const satisfies Record<string, readonly string[]>;

export type GenaiField = keyof typeof GENAI_ATTRIBUTES;

/** The resource attribute a span's workload falls back to (the exporter's `ServiceName` column). */
export const WORKLOAD_RESOURCE_ATTRIBUTE = 'service.name';

/**
 * A span is a GenAI model call when it names a model or counts input tokens and is not an agent or
 * tool operation; the rest (HTTP, DB, tool spans) are skipped and counted, not read as attempts. A
 * GenAI span that then lacks a required field (input or output tokens) is rejected (import) or
 * excluded and counted (read source).
 */
export const GENAI_SPAN_FIELDS: readonly GenaiField[] = ['model', 'input_tokens'];

/**
 * `gen_ai.operation.name` values that are not model calls: an agent span may carry the usage of the
 * calls it made (their sum), so reading it as an attempt would count those tokens twice.
 */
export const NOT_CALL_OPERATIONS = ['invoke_agent', 'create_agent', 'execute_tool'] as const;

/** Said wherever spans are skipped. */
export const SKIPPED_SPANS = 'spans are not GenAI model calls (HTTP, DB and tool spans name no model or token usage; agent spans sum their calls\' usage)';

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

/**
 * Span status codes that mean the call failed, as each writer spells STATUS_CODE_ERROR: OTLP JSON
 * (`2` or the enum name) and the Collector's ClickHouse exporter (`STATUS_CODE_ERROR` in older
 * releases, `Error` in current ones).
 */
export const ERROR_STATUS_CODES = ['2', 'STATUS_CODE_ERROR', 'Error'] as const;

/** SQL: the catalog provider id of a provider attribute value (lower-cased, OTel names mapped). */
export function providerSql(provider: string, lit: (v: string) => string): string {
  return `CASE ${Object.entries(PROVIDERS).map(([k, v]) => `WHEN lower(${provider}) = ${lit(k)} THEN ${lit(v)}`).join(' ')} ELSE lower(${provider}) END`;
}

/**
 * SQL: the normalized status of a span from its `error.type` and status code. A timeout or a rate
 * limit named by error.type is told apart (the reversion signals count them); any other error.type or
 * an error status is `error`; else `ok`.
 */
export function statusSql(errorType: string, statusCode: string, lit: (v: string) => string): string {
  return `CASE WHEN ${errorType} ILIKE '%timeout%' THEN 'timeout'
           WHEN ${errorType} ILIKE '%rate%limit%' OR ${errorType} = '429' THEN 'rate_limited'
           WHEN ${errorType} IS NOT NULL OR ${ERROR_STATUS_CODES.map((c) => `${statusCode} = ${lit(c)}`).join(' OR ')} THEN 'error'
           ELSE 'ok' END`;
}

/** SQL: the first of a field's attribute names the span carries (`get` spells one attribute read, NULL when absent or blank). */
export function attributeSql(field: GenaiField, get: (key: string) => string): string {
  const keys = GENAI_ATTRIBUTES[field];
  return keys.length === 1 ? get(keys[0]!) : `coalesce(${keys.map(get).join(', ')})`;
}

/** SQL: true (never NULL) when a span is a GenAI model call (GENAI_SPAN_FIELDS, NOT_CALL_OPERATIONS). */
export function isGenaiSpanSql(get: (key: string) => string, lit: (v: string) => string): string {
  const op = attributeSql('operation', get);
  return `((${GENAI_SPAN_FIELDS.map((f) => `${attributeSql(f, get)} IS NOT NULL`).join(' OR ')}) AND (${op} IS NULL OR NOT (${NOT_CALL_OPERATIONS.map((o) => `${op} = ${lit(o)}`).join(' OR ')})))`;
}

/** What an OTel span lacks that a trace row has: said once wherever spans are read. */
export const SPAN_ATTEMPT_NOTE = 'OTel spans carry no attempt number: each span is its own request (attempt 0); retries show up as extra requests';
