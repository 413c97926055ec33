import { DEPLOYMENT_MODES } from '../engine/cost/lcpr.js';

/**
 * The normalized per-request row (issue 5, "Normalized per-request row"). One row per attempt:
 * attempt 0 is the first try, ≥ 1 a retry of the same request_id. Tokens are stored, never cost:
 * cost is computed at query time from the catalog so a corrected price re-prices history.
 *
 * Token conventions: input_tokens INCLUDES cached_input_tokens and cache_write_tokens (OpenAI/OTel
 * convention; Anthropic's exports are normalized on import); output_tokens INCLUDES reasoning_tokens.
 */
export const STATUSES = ['ok', 'error', 'timeout', 'rate_limited'] as const;
export const QUALITIES = ['pass', 'fail', 'repaired', 'unknown'] as const;

export type ColumnKind = 'timestamp' | 'text' | 'count' | 'ms' | 'usd' | 'bool' | 'attempt';

export interface Column {
  name: string;
  kind: ColumnKind;
  required?: boolean;
  /** Allowed values (compared lower-case). */
  values?: readonly string[];
  doc: string;
}

export const COLUMNS: readonly Column[] = [
  { name: 'timestamp', kind: 'timestamp', required: true, doc: 'request start: ISO 8601 (UTC unless an offset is given) or epoch seconds/milliseconds' },
  { name: 'request_id', kind: 'text', required: true, doc: 'the original request; retries share it' },
  { name: 'attempt', kind: 'attempt', doc: '0 for the first try, 1, 2 … for retries (default 0)' },
  { name: 'workflow_id', kind: 'text', doc: 'task or conversation that groups calls (agent workflows)' },
  { name: 'workload', kind: 'text', doc: 'workload name, as in the workload file' },
  { name: 'provider', kind: 'text', doc: 'provider id as in catalog/providers.yaml (openai, together …)' },
  { name: 'model', kind: 'text', doc: 'model as the provider names it' },
  { name: 'route', kind: 'text', doc: 'catalog route id (provider/model); derived from provider + model when absent' },
  { name: 'deployment', kind: 'text', values: DEPLOYMENT_MODES, doc: DEPLOYMENT_MODES.join(' / ') },
  { name: 'service_tier_requested', kind: 'text', doc: 'tier asked for (default, flex, priority, batch …)' },
  { name: 'service_tier_served', kind: 'text', doc: 'tier the provider reports it served; billing follows this one' },
  { name: 'input_tokens', kind: 'count', required: true, doc: 'all input tokens, cached and cache-written included' },
  { name: 'cached_input_tokens', kind: 'count', doc: 'input tokens read from the prompt cache' },
  { name: 'cache_write_tokens', kind: 'count', doc: 'input tokens written to the cache (all TTLs)' },
  { name: 'cache_write_1h_tokens', kind: 'count', doc: 'the part of cache_write_tokens written with a 1-hour TTL (the rest is 5-minute)' },
  { name: 'output_tokens', kind: 'count', required: true, doc: 'all output tokens, reasoning included' },
  { name: 'reasoning_tokens', kind: 'count', doc: 'the part of output_tokens spent on reasoning' },
  { name: 'ttft_ms', kind: 'ms', doc: 'time to first token, milliseconds (a ttft_s column is converted)' },
  { name: 'e2e_ms', kind: 'ms', doc: 'end-to-end latency, milliseconds (an e2e_s column is converted)' },
  { name: 'status', kind: 'text', values: STATUSES, doc: STATUSES.join(' / ') + ' (default ok)' },
  { name: 'quality', kind: 'text', values: QUALITIES, doc: QUALITIES.join(' / ') + ' (default unknown)' },
  { name: 'escalated_to_human', kind: 'bool', doc: 'true when a person had to handle the output' },
  { name: 'batch', kind: 'bool', doc: 'true when the attempt ran on a batch tier' },
  { name: 'fallback', kind: 'bool', doc: 'true when a fallback route served the attempt' },
  { name: 'cost_usd', kind: 'usd', doc: 'cost as the source logged it (kept for reconciliation, never used to price)' },
  { name: 'user_segment', kind: 'text', doc: 'customer tier, plan or cohort' },
];

/**
 * Upper bounds of one attempt's values (issue 17, "Unlocated crashes"): far above any real request
 * (the largest context windows are ~1e7 tokens), low enough that sums over billions of rows stay
 * exact in BIGINT and finite in DOUBLE. A value above is a located rejection naming the range.
 */
export const MAX_TOKENS = 1e10;
export const MAX_MS = 1e9;
export const MAX_USD = 1e6;
export const TOKENS_RANGE = 'an integer 0 ≤ value ≤ 10,000,000,000 (tokens)';
export const MS_RANGE = 'a number 0 ≤ value ≤ 1,000,000,000 (milliseconds)';
export const USD_RANGE = 'a number 0 ≤ value ≤ 1,000,000 (USD per attempt)';

export const COLUMN_NAMES = COLUMNS.map((c) => c.name);

/** Latency columns whose seconds twin is accepted and converted (issue 5, "units (ms vs s)"). */
export const SECONDS_TWINS: Record<string, string> = { ttft_s: 'ttft_ms', e2e_s: 'e2e_ms' };
/** Column names whose unit is ambiguous: refused with a rename hint instead of guessed. */
export const AMBIGUOUS_UNITS: Record<string, string> = { ttft: 'ttft_ms or ttft_s', e2e: 'e2e_ms or e2e_s', latency: 'e2e_ms or e2e_s', duration: 'e2e_ms or e2e_s' };

/** The DuckDB store's column of a normalized field: `timestamp` is stored as `ts`. */
export const storeName = (c: Column): string => (c.name === 'timestamp' ? 'ts' : c.name);

/** The store's SQL type of each column kind (also the types of a typed Parquet file, convert.ts). */
export const SQL_TYPE: Record<ColumnKind, string> = {
  timestamp: 'TIMESTAMP',
  text: 'VARCHAR',
  count: 'BIGINT',
  ms: 'DOUBLE',
  usd: 'DOUBLE',
  bool: 'BOOLEAN',
  attempt: 'INTEGER',
};

/** Store tables. `requests` has no index: idempotence is a join on (request_id, attempt). */
export const DDL = [
  `CREATE TABLE IF NOT EXISTS imports (
     import_id INTEGER PRIMARY KEY, file VARCHAR NOT NULL, format VARCHAR NOT NULL, imported_on DATE,
     rows_read BIGINT, kept BIGINT, rejected BIGINT, already_stored BIGINT)`,
  `CREATE TABLE IF NOT EXISTS requests (
     ${COLUMNS.map((c) => `${storeName(c)} ${SQL_TYPE[c.kind]}`).join(', ')},
     import_id INTEGER, source_line BIGINT, reject_rule VARCHAR, reject_reason VARCHAR)`,
  // Set only inside an import's transaction (import.ts checkAndInsert): a committed store has none. Added to stores made before them.
  `ALTER TABLE requests ADD COLUMN IF NOT EXISTS reject_rule VARCHAR`,
  `ALTER TABLE requests ADD COLUMN IF NOT EXISTS reject_reason VARCHAR`,
  // Invoices (FOCUS or simple CSV): what was billed, per provider × charge period (× SKU when given).
  `CREATE TABLE IF NOT EXISTS invoice_lines (
     period_start TIMESTAMP, period_end TIMESTAMP, provider VARCHAR, sku VARCHAR, model VARCHAR,
     quantity DOUBLE, unit VARCHAR, amount_usd DOUBLE, charge_category VARCHAR, import_id INTEGER, source_line BIGINT)`,
  // Inference Trace Kit route summaries (Inference Economics Playbook overview): already aggregates, kept as such.
  `CREATE TABLE IF NOT EXISTS route_summaries (
     route VARCHAR, provider VARCHAR, model VARCHAR, workload VARCHAR, "inputTokens" DOUBLE, "outputTokens" DOUBLE,
     "cacheHitRate" DOUBLE, "batchEligible" DOUBLE, concurrency DOUBLE, "ttftMs" DOUBLE, "latencyP50Ms" DOUBLE, "latencyP95Ms" DOUBLE,
     "outputTokensPerSecond" DOUBLE, "acceptedOutputRate" DOUBLE, "costUsd" DOUBLE, "reviewMinutes" DOUBLE, import_id INTEGER, source_line BIGINT)`,
  // Provider usage exports (OpenAI, Anthropic): the tokens the provider counted, input including cached.
  `CREATE TABLE IF NOT EXISTS usage_lines (
     period_start TIMESTAMP, period_end TIMESTAMP, provider VARCHAR, model VARCHAR, service_tier VARCHAR, batch BOOLEAN,
     requests BIGINT, input_tokens BIGINT, cached_input_tokens BIGINT, cache_write_tokens BIGINT, output_tokens BIGINT,
     source VARCHAR, import_id INTEGER, source_line BIGINT)`,
  // OTel GenAI metrics (OTLP JSON): histogram points, stored as deltas. Durations in ms, tokens as
  // counted. Cumulative series keep their raw totals (cum_*) so the next export is diffed against them.
  `CREATE TABLE IF NOT EXISTS metric_points (
     metric VARCHAR, provider VARCHAR, model VARCHAR, token_type VARCHAR, operation VARCHAR, series VARCHAR,
     start_ts TIMESTAMP, end_ts TIMESTAMP, count BIGINT, sum DOUBLE, min DOUBLE, max DOUBLE, bounds DOUBLE[], bucket_counts BIGINT[],
     cum_count BIGINT, cum_sum DOUBLE, cum_buckets BIGINT[], import_id INTEGER, source_line BIGINT)`,
  // Incidents (Inference Economics Playbook, ch. 22 operational reversion signals): one per provider or route outage.
  `CREATE TABLE IF NOT EXISTS incidents (
     day DATE, provider VARCHAR, route VARCHAR, severity VARCHAR, minutes DOUBLE, description VARCHAR, import_id INTEGER, source_line BIGINT)`,
];
