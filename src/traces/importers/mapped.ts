import type { DuckDBConnection } from '@duckdb/node-api';
import { RoutefitError } from '../../engine/errors.js';
import { ident, lit, query } from '../db.js';
import { MAX_TOKENS } from '../schema.js';
import { type Staged, buildStg, columnsOf, dropRelation, readCsvRaw, stageJsonLines } from '../staging.js';

/**
 * Exports of LLM gateways and observability tools, mapped column by column onto the normalized
 * row in SQL and then checked like any trace file. Each mapping states its token convention.
 */
interface Source {
  /** SQL for a top-level field (NULL when the file lacks it). */
  c: (name: string) => string;
  /** SQL for a JSON path inside a field that holds JSON (a nested object in JSONL, JSON text in CSV). */
  j: (name: string, path: string) => string;
}

interface MappedFormat {
  id: string;
  /** Field names whose presence identifies the export. */
  signature: string[];
  /** Rows to keep; the rest are skipped and counted (not rejected): e.g. non-LLM observations. */
  keep?: (s: Source) => string;
  skipReason?: string;
  map: (s: Source) => Record<string, string>;
  note: string;
}

/** Milliseconds between two timestamps; NULL unless both are finite (an `infinity` start is the timestamp check's to reject). */
const ms = (later: string, earlier: string) => {
  const t = (x: string) => `TRY_CAST(${x} AS TIMESTAMPTZ)`;
  return `CASE WHEN isfinite(${t(later)}) AND isfinite(${t(earlier)}) THEN CAST(epoch_ms(${t(later)}) - epoch_ms(${t(earlier)}) AS VARCHAR) END`;
};
/**
 * A token sum of parts (missing parts count 0). A part that is not a token count within range is
 * passed through as written, so the row check rejects it with its value: never summed as 0, never an overflow.
 */
const sum = (...parts: string[]) => {
  const ok = (p: string) => `(TRY_CAST(${p} AS DOUBLE) BETWEEN 0 AND ${MAX_TOKENS} AND TRY_CAST(${p} AS DOUBLE) = floor(TRY_CAST(${p} AS DOUBLE)))`;
  const bad = parts.map((p) => `CASE WHEN ${p} IS NOT NULL AND NOT coalesce(${ok(p)}, FALSE) THEN CAST(${p} AS VARCHAR) END`);
  return `coalesce(${bad.join(', ')}, CAST(${parts.map((p) => `coalesce(CAST(TRY_CAST(${p} AS DOUBLE) AS BIGINT), 0)`).join(' + ')} AS VARCHAR))`;
};

export const MAPPED: MappedFormat[] = [
  {
    id: 'litellm',
    signature: ['request_id', 'spend', 'prompt_tokens', 'completion_tokens', 'starttime'],
    keep: (s) => `coalesce(lower(${s.c('cache_hit')}), 'false') NOT IN ('true', '1')`,
    skipReason: "rows answered from LiteLLM's own response cache (cache_hit = True): no provider call, nothing billed",
    map: (s) => ({
      timestamp: s.c('startTime'),
      request_id: s.c('request_id'),
      workflow_id: s.c('session_id'),
      provider: `lower(${s.c('custom_llm_provider')})`,
      model: s.c('model'),
      input_tokens: s.c('prompt_tokens'),
      cached_input_tokens: s.j('metadata', '$.usage_object.prompt_tokens_details.cached_tokens'),
      output_tokens: s.c('completion_tokens'),
      ttft_ms: ms(s.c('completionStartTime'), s.c('startTime')),
      e2e_ms: ms(s.c('endTime'), s.c('startTime')),
      status: `CASE lower(${s.c('status')}) WHEN 'failure' THEN 'error' WHEN 'success' THEN 'ok' ELSE lower(${s.c('status')}) END`,
      cost_usd: s.c('spend'),
      user_segment: s.c('team_id'),
    }),
    note: 'LiteLLM spend logs: prompt_tokens follow the OpenAI convention (cached included); spend is kept as logged cost, never used to price',
  },
  {
    id: 'langfuse',
    signature: ['traceid', 'type', 'starttime', 'model'],
    keep: (s) => `upper(${s.c('type')}) = 'GENERATION'`,
    skipReason: 'observations that are not generations (spans, events)',
    map: (s) => {
      const cached = `coalesce(${s.j('usageDetails', '$.cache_read_input_tokens')}, ${s.j('usageDetails', '$.input_cached_tokens')}, ${s.j('usageDetails', '$.input_cache_read')})`;
      const writes = `coalesce(${s.j('usageDetails', '$.cache_creation_input_tokens')}, ${s.j('usageDetails', '$.input_cache_creation')})`;
      return {
        timestamp: s.c('startTime'),
        request_id: s.c('id'),
        workflow_id: s.c('traceId'),
        model: s.c('model'),
        // Langfuse prices each usage type on its own, so `input` excludes cache reads and writes: add them back.
        input_tokens: `CASE WHEN ${s.j('usageDetails', '$.input')} IS NOT NULL THEN ${sum(s.j('usageDetails', '$.input'), cached, writes)} ELSE coalesce(${s.j('usage', '$.input')}, ${s.c('promptTokens')}) END`,
        cached_input_tokens: cached,
        cache_write_tokens: writes,
        output_tokens: `coalesce(${s.j('usageDetails', '$.output')}, ${s.j('usage', '$.output')}, ${s.c('completionTokens')})`,
        ttft_ms: ms(s.c('completionStartTime'), s.c('startTime')),
        e2e_ms: ms(s.c('endTime'), s.c('startTime')),
        status: `CASE WHEN upper(${s.c('level')}) = 'ERROR' THEN 'error' ELSE 'ok' END`,
        cost_usd: `coalesce(${s.c('calculatedTotalCost')}, ${s.j('costDetails', '$.total')})`,
      };
    },
    note: 'Langfuse observations: usageDetails.input excludes cache reads and writes (each usage type is priced separately); they were added back so input includes cached tokens',
  },
  {
    id: 'helicone',
    signature: ['request_id', 'request_created_at', 'prompt_tokens', 'completion_tokens'],
    map: (s) => {
      const provider = `lower(${s.c('provider')})`;
      return {
        timestamp: s.c('request_created_at'),
        request_id: s.c('request_id'),
        provider,
        model: `coalesce(${s.c('model')}, ${s.c('response_model')}, ${s.c('request_model')})`,
        // Anthropic rows keep Anthropic's convention (prompt excludes cache tokens): add them back.
        input_tokens: `CASE WHEN ${provider} = 'anthropic' THEN ${sum(s.c('prompt_tokens'), s.c('prompt_cache_read_tokens'), s.c('prompt_cache_write_tokens'))} ELSE ${s.c('prompt_tokens')} END`,
        cached_input_tokens: s.c('prompt_cache_read_tokens'),
        cache_write_tokens: s.c('prompt_cache_write_tokens'),
        output_tokens: s.c('completion_tokens'),
        ttft_ms: s.c('time_to_first_token'),
        e2e_ms: s.c('latency'),
        status: `CASE WHEN TRY_CAST(${s.c('status')} AS INTEGER) BETWEEN 200 AND 299 THEN 'ok' WHEN TRY_CAST(${s.c('status')} AS INTEGER) = 429 THEN 'rate_limited'
                 WHEN TRY_CAST(${s.c('status')} AS INTEGER) IN (408, 504) THEN 'timeout' WHEN ${s.c('status')} IS NULL THEN NULL ELSE 'error' END`,
        cost_usd: `coalesce(${s.c('cost_usd')}, ${s.c('cost')})`,
      };
    },
    note: 'Helicone requests: latency and time_to_first_token are milliseconds; HTTP status mapped to ok / rate_limited / timeout / error',
  },
];

/** The mapped format whose signature the field names carry, if any. */
export function detectMapped(fields: Iterable<string>): string | undefined {
  const have = new Set([...fields].map((f) => f.trim().replace(/^"|"$/g, '').toLowerCase()));
  return MAPPED.find((m) => m.signature.every((f) => have.has(f)))?.id;
}

export function mappedStager(id: string) {
  const fmt = MAPPED.find((m) => m.id === id)!;
  return async (conn: DuckDBConnection, file: string, notes: string[]): Promise<Staged> => {
    const isCsv = /\.(csv|tsv)$/i.test(file);
    let structural: Staged['structural'] = [];
    let from: string;
    let source: Source;
    if (isCsv) {
      structural = await readCsvRaw(conn, file);
      const cols = new Map((await columnsOf(conn, 'raw_rows')).map((c) => [c.toLowerCase(), c]));
      const c = (name: string) => (cols.has(name.toLowerCase()) ? `NULLIF(${ident(cols.get(name.toLowerCase())!)}, '')` : 'NULL::VARCHAR');
      source = { c, j: (name, path) => `CASE WHEN json_valid(${c(name)}) THEN json_extract_string(${c(name)}, ${lit(path)}) END` };
      from = 'raw_rows';
    } else {
      await stageJsonLines(conn, file);
      const bad = await query(conn, 'SELECT line FROM json_lines WHERE NOT ok ORDER BY line');
      structural = bad.map((r) => ({ line: Number(r.line), reason: 'malformed JSON: not a JSON object' }));
      await conn.run('CREATE OR REPLACE TEMP TABLE mapped_src AS SELECT line AS __line, doc FROM json_lines WHERE ok');
      await conn.run('DROP TABLE json_lines');
      source = { c: (name) => `json_extract_string(doc, ${lit(`$.${name}`)})`, j: (name, path) => `json_extract_string(doc, ${lit(`$.${name}${path.slice(1)}`)})` };
      from = 'mapped_src';
    }
    if (fmt.keep) {
      const [{ skipped }] = (await query(conn, `SELECT count(*) FILTER (WHERE NOT coalesce(${fmt.keep(source)}, FALSE)) AS skipped FROM ${from}`)) as [{ skipped: number }];
      if (skipped) notes.push(`${skipped} ${fmt.skipReason}: skipped, not counted as rows`);
    }
    const mapping = fmt.map(source);
    const select = Object.entries(mapping).map(([k, expr]) => `CAST(${expr} AS VARCHAR) AS ${ident(k)}`);
    await conn.run(`CREATE OR REPLACE TEMP TABLE mapped_rows AS SELECT __line, ${select.join(', ')} FROM ${from} ${fmt.keep ? `WHERE coalesce(${fmt.keep(source)}, FALSE)` : ''}`);
    if (isCsv) await dropRelation(conn, 'raw_rows');
    const cols = await columnsOf(conn, 'mapped_rows');
    if (!cols.includes('timestamp')) throw new RoutefitError('invalid_input', `${file}: no timestamp field for ${fmt.id}`, { field: 'timestamp' });
    await buildStg(conn, file, 'mapped_rows', cols, '__line', notes);
    notes.push(fmt.note);
    return { format: fmt.id, lineLabel: 'line', structural, notes, cleanup: ['mapped_rows', 'mapped_src', 'raw_rows'] };
  };
}
