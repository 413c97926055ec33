import type { DuckDBConnection } from '@duckdb/node-api';
import { lit, query } from '../db.js';
import { readPath } from '../input-files.js';
import { type Staged, buildStg, inFileOrder } from '../staging.js';
import { type GenaiField, SKIPPED_SPANS, SPAN_ATTEMPT_NOTE, WORKLOAD_RESOURCE_ATTRIBUTE, attributeSql, isGenaiSpanSql, providerSql, statusSql } from '../genai-attributes.js';

/**
 * OpenTelemetry GenAI spans as OTLP JSON (one document, or the file exporter's one per line), read
 * and flattened by DuckDB. Which attributes are read, which spans are GenAI calls, provider names and
 * status: the one mapping in ../genai-attributes.ts, shared with the `otel_traces` read source.
 * Spans that are not model calls (HTTP, DB, tool and agent spans) are skipped and counted, not rejected.
 */
/** One attribute of a span's (or its resource's) key/value list; NULL when absent. */
const get = (from: string) => (k: string) => `list_filter(${from}, x -> x.k = ${lit(k)})[1].v`;
const attr = (field: GenaiField) => attributeSql(field, get('kv'));

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
  const genai = isGenaiSpanSql(get('kv'), lit);
  const [counts] = await query(conn, `SELECT count(*) AS spans, count(*) FILTER (WHERE ${genai}) AS genai FROM otel_spans`);
  const skipped = Number(counts!.spans) - Number(counts!.genai);
  if (skipped) notes.push(`${skipped} ${SKIPPED_SPANS}: skipped, not counted as rows`);
  await conn.run('DROP TABLE IF EXISTS otel_rows');
  await conn.run(`CREATE TEMP TABLE otel_rows AS SELECT
      span_no AS __line,
      -- OTLP times are nanoseconds since the epoch: passed as written, the row parser tells the unit by magnitude and
      -- rejects what is none (a huge or malformed value is a located rejection, not a failed cast).
      start_ns AS "timestamp",
      coalesce(${attr('request_id')}, span_id) AS request_id,
      coalesce(${attr('workflow_id')}, trace_id) AS workflow_id,
      coalesce(${attr('workload')}, ${get('rkv')(WORKLOAD_RESOURCE_ATTRIBUTE)}) AS workload,
      ${providerSql(attr('provider'), lit)} AS provider,
      ${attr('model')} AS model,
      ${attr('service_tier_requested')} AS service_tier_requested,
      ${attr('service_tier_served')} AS service_tier_served,
      ${attr('input_tokens')} AS input_tokens,
      ${attr('cached_input_tokens')} AS cached_input_tokens,
      ${attr('cache_write_tokens')} AS cache_write_tokens,
      ${attr('output_tokens')} AS output_tokens,
      ${attr('reasoning_tokens')} AS reasoning_tokens,
      CASE WHEN regexp_full_match(start_ns, '[0-9]{1,19}') AND regexp_full_match(end_ns, '[0-9]{1,19}')
           THEN CAST((CAST(end_ns AS HUGEINT) - CAST(start_ns AS HUGEINT)) / 1e6 AS VARCHAR) ELSE end_ns END AS e2e_ms,
      ${statusSql(attr('error_type'), 'status_code', lit)} AS status,
      ${attr('user_segment')} AS user_segment
    FROM otel_spans WHERE ${genai}`);
  const cols = (await query(conn, `SELECT column_name FROM (DESCRIBE otel_rows)`)).map((r) => String(r.column_name));
  await buildStg(conn, file, 'otel_rows', cols, '__line', notes);
  await conn.run('DROP TABLE otel_spans');
  notes.push(SPAN_ATTEMPT_NOTE);
  return { format: 'otel', lineLabel: 'row', structural: [], notes, cleanup: ['otel_rows'] };
}
