import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../catalog/types.js';
import { RoutefitError } from '../engine/errors.js';
import { readPath } from './input-files.js';
import { type Row, type Store, lit, query, transaction } from './db.js';
import { importOtelMetrics } from './importers/otel-metrics.js';
import { type ImportOptions, type ImportSummary, MAX_REJECT_RATE, type Reject, columnsOf, dropRelation, inFileOrder, readCsvRaw, stageJsonLines } from './staging.js';

/**
 * Ledgers: what providers billed (invoices) and counted (usage exports), for reconciliation against
 * the traces (issue 5, "Importers" and "Reconciliation"). Staged and checked in SQL like traces.
 *
 * - FOCUS CSV (FinOps Open Cost and Usage Spec): BilledCost per ChargePeriod × Provider × SkuId.
 * - simple invoice CSV: period, provider, sku or model, quantity, unit, amount.
 * - OpenAI usage export (Usage API JSON pages or CSV): input_tokens INCLUDES input_cached_tokens.
 * - Anthropic usage report (Admin API JSON): input is split into uncached, cache reads and cache
 *   writes; they are summed so input_tokens includes cached tokens as everywhere else in the store.
 * - Anthropic cost report (Admin API cost_report JSON pages, or CSV with its field names): amounts
 *   are decimal strings in the currency's lowest unit (cents) and become USD invoice lines; token
 *   costs are usage, server-tool costs (web search, code execution) are kept apart like taxes.
 * - OTel GenAI metrics (OTLP JSON): aggregates, not ledgers, but imported the same way: see
 *   importers/otel-metrics.ts.
 * - Incidents CSV (date, provider, route, severity, minutes, description): for the operational
 *   reversion signals of Inference Economics Playbook, ch. 22.
 */
export const LEDGER_FORMATS = ['focus', 'invoice', 'openai-usage', 'anthropic-usage', 'anthropic-cost', 'route-summary', 'otel-metrics', 'incidents'] as const;
export type LedgerFormat = (typeof LEDGER_FORMATS)[number];

const INCIDENT_COLS = ['day', 'provider', 'route', 'severity', 'minutes', 'description'];
const INVOICE_COLS = ['period_start', 'period_end', 'provider', 'sku', 'model', 'quantity', 'unit', 'amount_usd', 'charge_category'];
export const SUMMARY_FIELDS = ['route', 'provider', 'model', 'workload', 'inputTokens', 'outputTokens', 'cacheHitRate', 'batchEligible', 'concurrency', 'ttftMs', 'latencyP50Ms', 'latencyP95Ms', 'outputTokensPerSecond', 'acceptedOutputRate', 'costUsd', 'reviewMinutes'];
const SUMMARY_TEXT = new Set(['route', 'provider', 'model', 'workload']);
const SUMMARY_FRACTIONS = new Set(['cacheHitRate', 'batchEligible', 'acceptedOutputRate']);
/** Anthropic cost report fields (Admin API cost_report: per bucket starting_at/ending_at, per result the rest). */
const COST_FIELDS = ['starting_at', 'ending_at', 'amount', 'currency', 'cost_type', 'description', 'model', 'token_type', 'service_tier', 'context_window', 'workspace_id'];
const USAGE_COLS = ['period_start', 'period_end', 'provider', 'model', 'service_tier', 'batch', 'requests', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'source'];

/** Detects a ledger from a CSV header or a JSON file's head; undefined when it is not one. */
export function detectLedger(head: string, lowerName: string): LedgerFormat | undefined {
  if (head.includes('outputTokensPerSecond') && head.includes('acceptedOutputRate')) return 'route-summary';
  if (lowerName.endsWith('.csv')) {
    const header = head.split(/\r?\n/, 1)[0]!.toLowerCase();
    const cols = header.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    if (cols.includes('billedcost')) return 'focus';
    if (cols.includes('severity') && cols.includes('minutes') && cols.includes('date')) return 'incidents';
    if (cols.includes('amount') && cols.includes('currency') && cols.includes('starting_at')) return 'anthropic-cost';
    if (cols.includes('input_cached_tokens') && cols.includes('num_model_requests')) return 'openai-usage';
    // A simple invoice names its provider `provider` or `vendor` (as many billing exports do).
    if (cols.includes('amount') && cols.includes('period') && (cols.includes('provider') || cols.includes('vendor'))) return 'invoice';
    return undefined;
  }
  // Before the usage report: a cost report names "uncached_input_tokens" too, as a token_type value.
  if (head.includes('"cost_type"') || (head.includes('"amount"') && head.includes('"currency"') && head.includes('"starting_at"'))) return 'anthropic-cost';
  if (head.includes('"uncached_input_tokens"')) return 'anthropic-usage';
  if (head.includes('"input_cached_tokens"') || head.includes('organization.usage.completions')) return 'openai-usage';
  return undefined;
}

/** Maps a provider's display name or id to the catalog id (lower-case match on either). */
function providerSql(expr: string, catalog: Catalog): string {
  const pairs: [string, string][] = [];
  for (const p of catalog.providers.values()) {
    pairs.push([p.id.toLowerCase(), p.id], [p.name.toLowerCase(), p.id]);
  }
  pairs.push(['amazon web services', 'aws'], ['microsoft', 'azure'], ['google cloud', 'google'], ['anthropic, pbc', 'anthropic'], ['openai, inc.', 'openai']);
  return `CASE lower(trim(${expr})) ${pairs.map(([k, v]) => `WHEN ${lit(k)} THEN ${lit(v)}`).join(' ')} ELSE lower(trim(${expr})) END`;
}

const ts = (expr: string) =>
  `CASE WHEN regexp_full_match(${expr}, '[0-9]+(\\.[0-9]+)?') THEN timezone('UTC', to_timestamp(CAST(${expr} AS DOUBLE))) ELSE timezone('UTC', TRY_CAST(${expr} AS TIMESTAMPTZ)) END`;
/** "2026-05" or a date: the month it names, as [start, end). */
const month = (expr: string) => `TRY_CAST(CASE WHEN regexp_full_match(trim(${expr}), '[0-9]{4}-[0-9]{2}') THEN trim(${expr}) || '-01' ELSE trim(${expr}) END AS DATE)`;

export async function importLedger(store: Store, file: string, format: LedgerFormat, catalog: Catalog, opts: ImportOptions): Promise<ImportSummary> {
  if (format === 'otel-metrics') return importOtelMetrics(store, file, opts);
  const { conn } = store;
  const notes: string[] = [];
  let structural: Reject[] = [];
  let target: 'invoice_lines' | 'usage_lines' | 'route_summaries' | 'incidents';
  // Each branch creates `ledger_stg`: line, the target's columns, and `reason` (NULL for a good row).
  if (format === 'route-summary') {
    target = 'route_summaries';
    let from: string;
    let field: (k: string) => string;
    if (file.toLowerCase().endsWith('.csv')) {
      structural = await readCsvRaw(conn, file);
      const cols = new Map((await columnsOf(conn, 'raw_rows')).map((c) => [c.toLowerCase(), c]));
      const missing = SUMMARY_FIELDS.filter((f) => !cols.has(f.toLowerCase()));
      if (missing.length) throw new RoutefitError('invalid_input', `${file}: the route-summary contract has 16 fields; missing ${missing.join(', ')}`, { field: missing[0]! });
      field = (k) => `NULLIF(raw_rows."${cols.get(k.toLowerCase())}", '')`;
      from = 'raw_rows';
    } else {
      await stageJsonLines(conn, file);
      structural = (await query(conn, 'SELECT line FROM json_lines WHERE NOT ok')).map((r) => ({ line: Number(r.line), reason: 'malformed JSON: not a JSON object' }));
      await conn.run('CREATE OR REPLACE TEMP TABLE summary_src AS SELECT line AS __line, doc FROM json_lines WHERE ok');
      await conn.run('DROP TABLE json_lines');
      field = (k) => `json_extract_string(doc, '$.${k}')`;
      from = 'summary_src';
    }
    const typed = SUMMARY_FIELDS.map((k) => (SUMMARY_TEXT.has(k) ? `${field(k)} AS "${k}"` : `TRY_CAST(${field(k)} AS DOUBLE) AS "${k}"`));
    const raw = SUMMARY_FIELDS.map((k) => `${field(k)} AS "raw_${k}"`);
    const bad = SUMMARY_FIELDS.filter((k) => !SUMMARY_TEXT.has(k)).map(
      (k) =>
        `WHEN "${k}" IS NULL OR NOT isfinite("${k}") OR "${k}" < 0 ${SUMMARY_FRACTIONS.has(k) ? `OR "${k}" > 1` : ''} THEN '${k} is "' || coalesce("raw_${k}", '') || '"; allowed ${SUMMARY_FRACTIONS.has(k) ? 'a fraction 0 ≤ value ≤ 1' : 'a number ≥ 0'}'`,
    );
    await conn.run(`CREATE OR REPLACE TEMP TABLE ledger_checked AS SELECT *, CASE WHEN route IS NULL THEN 'route is missing' ${bad.join(' ')} END AS reason
      FROM (SELECT __line AS line, ${[...typed, ...raw].join(', ')} FROM ${from})`);
    await dropRelation(conn, from);
  } else if (format === 'focus' || format === 'invoice' || (format === 'openai-usage' && file.toLowerCase().endsWith('.csv'))) {
    structural = await readCsvRaw(conn, file);
    const cols = new Map((await columnsOf(conn, 'raw_rows')).map((c) => [c.toLowerCase(), c]));
    // `vendor` is read as `provider` when the file has no provider column.
    if (format === 'invoice' && !cols.has('provider') && cols.has('vendor')) cols.set('provider', cols.get('vendor')!);
    const col = (name: string) => (cols.has(name.toLowerCase()) ? `raw_rows."${cols.get(name.toLowerCase())}"` : 'NULL::VARCHAR');
    const need = (names: string[]) => {
      const missing = names.filter((n) => !cols.has(n.toLowerCase()));
      if (missing.length) throw new RoutefitError('invalid_input', `${file}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} for a ${format} file`, { field: missing[0]! });
    };
    if (format === 'focus') {
      need(['BilledCost', 'ChargePeriodStart', 'ChargePeriodEnd']);
      target = 'invoice_lines';
      notes.push('FOCUS: BilledCost is the invoiced amount compared with the traces (EffectiveCost would spread commitments)');
      const tagModel = cols.has('tags') ? `CASE WHEN json_valid(${col('Tags')}) THEN coalesce(${col('Tags')}->>'$.model', ${col('Tags')}->>'$.Model') END` : 'NULL';
      await conn.run(`CREATE OR REPLACE TEMP TABLE ledger_stg AS SELECT __line AS line,
          ${ts(col('ChargePeriodStart'))} AS period_start, ${ts(col('ChargePeriodEnd'))} AS period_end,
          ${providerSql(`coalesce(${col('ProviderName')}, ${col('PublisherName')})`, catalog)} AS provider,
          ${col('SkuId')} AS sku, ${tagModel} AS model,
          TRY_CAST(${col('ConsumedQuantity')} AS DOUBLE) AS quantity, ${col('ConsumedUnit')} AS unit,
          TRY_CAST(${col('BilledCost')} AS DOUBLE) AS amount_usd, lower(${col('ChargeCategory')}) AS charge_category,
          ${col('BilledCost')} AS raw_amount, ${col('ChargePeriodStart')} AS raw_start, ${col('ChargePeriodEnd')} AS raw_end,
          coalesce(${col('ProviderName')}, ${col('PublisherName')}) AS raw_provider, ${col('ConsumedQuantity')} AS raw_quantity, NULL::VARCHAR AS pre_reason
        FROM raw_rows`);
    } else if (format === 'invoice') {
      need(['period', 'provider', 'amount']);
      target = 'invoice_lines';
      await conn.run(`CREATE OR REPLACE TEMP TABLE ledger_stg AS SELECT __line AS line,
          CAST(${month(col('period'))} AS TIMESTAMP) AS period_start,
          CAST(CASE WHEN regexp_full_match(trim(${col('period')}), '[0-9]{4}-[0-9]{2}') THEN ${month(col('period'))} + INTERVAL 1 MONTH ELSE ${month(col('period'))} + INTERVAL 1 DAY END AS TIMESTAMP) AS period_end,
          ${providerSql(col('provider'), catalog)} AS provider, ${col('sku')} AS sku, ${col('model')} AS model,
          TRY_CAST(${col('quantity')} AS DOUBLE) AS quantity, ${col('unit')} AS unit,
          TRY_CAST(${col('amount')} AS DOUBLE) AS amount_usd, 'usage' AS charge_category,
          ${col('amount')} AS raw_amount, ${col('period')} AS raw_start, ${col('period')} AS raw_end, ${col('provider')} AS raw_provider, ${col('quantity')} AS raw_quantity,
          NULL::VARCHAR AS pre_reason
        FROM raw_rows`);
    } else {
      need(['start_time', 'model', 'input_tokens', 'output_tokens']);
      target = 'usage_lines';
      await conn.run(`CREATE OR REPLACE TEMP TABLE ledger_stg AS SELECT __line AS line,
          ${ts(col('start_time'))} AS period_start, ${ts(col('end_time'))} AS period_end, 'openai' AS provider, ${col('model')} AS model,
          ${col('service_tier')} AS service_tier, lower(${col('batch')}) IN ('true', '1') AS batch,
          TRY_CAST(${col('num_model_requests')} AS BIGINT) AS requests, TRY_CAST(${col('input_tokens')} AS BIGINT) AS input_tokens,
          TRY_CAST(${col('input_cached_tokens')} AS BIGINT) AS cached_input_tokens, NULL::BIGINT AS cache_write_tokens,
          TRY_CAST(${col('output_tokens')} AS BIGINT) AS output_tokens, 'openai-usage' AS source,
          CASE WHEN ${col('batch')} IS NOT NULL AND trim(${col('batch')}) <> '' AND lower(trim(${col('batch')})) NOT IN ('true', 'false', '1', '0') THEN 'batch is "' || ${col('batch')} || '"; allowed true or false' END AS pre_reason,
          ${col('start_time')} AS raw_start, ${col('input_tokens')} AS raw_in, ${col('output_tokens')} AS raw_out
        FROM raw_rows`);
    }
    await dropRelation(conn, 'raw_rows');
  } else if (format === 'incidents') {
    target = 'incidents';
    if (!file.toLowerCase().endsWith('.csv')) throw new RoutefitError('invalid_input', `${file}: incidents are a CSV (date, provider, route, severity, minutes, description)`, { field: 'format' });
    structural = await readCsvRaw(conn, file);
    const cols = new Map((await columnsOf(conn, 'raw_rows')).map((c) => [c.toLowerCase(), c]));
    const missing = ['date'].filter((c) => !cols.has(c));
    if (!cols.has('provider') && !cols.has('route')) missing.push('provider or route');
    if (missing.length) throw new RoutefitError('invalid_input', `${file}: missing column ${missing.join(', ')} for an incidents CSV (date, provider, route, severity, minutes, description)`, { field: missing[0]! });
    const col = (k: string) => (cols.has(k) ? `NULLIF(trim(raw_rows."${cols.get(k)}"), '')` : 'NULL::VARCHAR');
    await conn.run(`CREATE OR REPLACE TEMP TABLE ledger_checked AS SELECT *,
        CASE WHEN day IS NULL THEN 'date "' || coalesce(raw_date, '') || '" is not a date (YYYY-MM-DD)'
             WHEN provider IS NULL AND route IS NULL THEN 'provider and route are both missing; one names what failed'
             WHEN raw_minutes IS NOT NULL AND (minutes IS NULL OR NOT isfinite(minutes) OR minutes < 0) THEN 'minutes is "' || raw_minutes || '"; allowed a number ≥ 0 (time to resolve)' END AS reason
      FROM (SELECT __line AS line, TRY_CAST(${col('date')} AS DATE) AS day, ${col('date')} AS raw_date,
          CASE WHEN ${col('provider')} IS NOT NULL THEN ${providerSql(col('provider'), catalog)} WHEN contains(${col('route')}, '/') THEN split_part(${col('route')}, '/', 1) END AS provider,
          ${col('route')} AS route, lower(${col('severity')}) AS severity,
          TRY_CAST(${col('minutes')} AS DOUBLE) AS minutes, ${col('minutes')} AS raw_minutes, ${col('description')} AS description
        FROM raw_rows)`);
    await dropRelation(conn, 'raw_rows');
  } else if (format === 'anthropic-cost') {
    target = 'invoice_lines';
    if (file.toLowerCase().endsWith('.csv')) {
      structural = await readCsvRaw(conn, file);
      const cols = new Map((await columnsOf(conn, 'raw_rows')).map((c) => [c.toLowerCase(), c]));
      const missing = ['starting_at', 'amount', 'currency'].filter((c) => !cols.has(c));
      if (missing.length) throw new RoutefitError('invalid_input', `${file}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} for an Anthropic cost report (Admin API cost_report field names)`, { field: missing[0]! });
      const f = (k: string) => (cols.has(k) ? `NULLIF(trim(raw_rows."${cols.get(k)}"), '')` : 'NULL::VARCHAR');
      await conn.run(`CREATE OR REPLACE TEMP TABLE cost_src AS SELECT __line AS line, ${COST_FIELDS.map((k) => `${f(k)} AS ${k}`).join(', ')}, NULL::VARCHAR AS path FROM raw_rows`);
      await dropRelation(conn, 'raw_rows');
    } else {
      // Cost API pages: {data: [{starting_at, ending_at, results: [...]}], has_more, next_page}, one or one per line.
      try {
        await inFileOrder(conn, `CREATE OR REPLACE TEMP TABLE cost_src AS
          WITH docs AS (SELECT json AS doc, row_number() OVER () AS d FROM read_json_objects(${lit(readPath(file))}, format = 'auto')),
          b AS (SELECT d, unnest(CAST(doc->'$.data' AS JSON[])) AS bucket, generate_subscripts(CAST(doc->'$.data' AS JSON[]), 1) AS bi FROM docs),
          r AS (SELECT d, bi, bucket, unnest(CAST(bucket->'$.results' AS JSON[])) AS res, generate_subscripts(CAST(bucket->'$.results' AS JSON[]), 1) AS ri FROM b)
          SELECT row_number() OVER (ORDER BY d, bi, ri) AS line, bucket->>'$.starting_at' AS starting_at, bucket->>'$.ending_at' AS ending_at,
            ${COST_FIELDS.filter((k) => k !== 'starting_at' && k !== 'ending_at').map((k) => `res->>'$.${k}' AS ${k}`).join(', ')},
            (CASE WHEN d > 1 THEN 'page ' || d || ' ' ELSE '' END) || 'data[' || (bi - 1) || '].results[' || (ri - 1) || ']' AS path
          FROM r`);
      } catch (err) {
        throw new RoutefitError('invalid_input', `${file}: not an Anthropic cost report (JSON with data[].results[]): ${(err as Error).message.split('\n')[0]}`, { field: 'file' });
      }
    }
    const [{ untyped }] = (await query(conn, 'SELECT count(*) FILTER (WHERE cost_type IS NULL) AS untyped FROM cost_src')) as [{ untyped: number }];
    if (Number(untyped)) notes.push(`${untyped} lines have no cost_type (the report was not grouped by description): their whole amount is compared with the traces' token cost`);
    notes.push('Anthropic cost report: amounts are in cents (lowest currency unit) and were divided by 100; server-tool costs (web search, code execution) are kept out of the token comparison; the report excludes Priority Tier costs');
    // Inference Field Guide, Part 5 "invoice variance": the cost report is what Anthropic billed, in cents → USD.
    await conn.run(`CREATE OR REPLACE TEMP TABLE ledger_stg AS SELECT line,
        ${ts('starting_at')} AS period_start,
        coalesce(${ts('ending_at')}, ${ts('starting_at')} + INTERVAL 1 DAY) AS period_end,
        'anthropic' AS provider,
        concat_ws(' · ', coalesce(description, concat_ws(' ', model, token_type, service_tier, context_window)), workspace_id) AS sku,
        model, NULL::DOUBLE AS quantity, NULL::VARCHAR AS unit,
        CAST(TRY_CAST(amount AS DECIMAL(38, 9)) / 100 AS DOUBLE) AS amount_usd,
        CASE WHEN cost_type IS NULL OR lower(cost_type) = 'tokens' THEN 'usage' ELSE lower(cost_type) END AS charge_category,
        amount AS raw_amount, starting_at AS raw_start, coalesce(ending_at, starting_at) AS raw_end, 'anthropic' AS raw_provider, NULL::VARCHAR AS raw_quantity,
        CASE WHEN currency IS NULL THEN 'currency is missing; allowed USD'
             WHEN upper(currency) <> 'USD' THEN 'currency is "' || currency || '"; allowed USD (amounts are compared with USD catalog prices)'
             WHEN TRY_CAST(amount AS DECIMAL(38, 9)) IS NULL THEN 'amount "' || coalesce(amount, '') || '" is not a decimal number of cents' END AS pre_reason,
        path
      FROM cost_src`);
    await conn.run('DROP TABLE cost_src');
  } else {
    target = 'usage_lines';
    // Usage API pages: {data: [{start_time|starting_at, end_time|ending_at, results: [...]}]}; one result per row.
    await checkPages(conn, file);
    await inFileOrder(conn, `CREATE OR REPLACE TEMP TABLE ledger_json AS
      WITH docs AS (SELECT json AS doc FROM read_json_objects(${lit(readPath(file))}, format = 'auto')),
      b AS (SELECT unnest(CAST(doc->'$.data' AS JSON[])) AS bucket FROM docs),
      r AS (SELECT bucket, unnest(CAST(bucket->'$.results' AS JSON[])) AS res FROM b)
      SELECT row_number() OVER () AS line, bucket, res FROM r`);
    if (format === 'openai-usage') {
      await conn.run(`CREATE OR REPLACE TEMP TABLE ledger_stg AS SELECT line,
          ${ts("bucket->>'$.start_time'")} AS period_start, ${ts("bucket->>'$.end_time'")} AS period_end, 'openai' AS provider, res->>'$.model' AS model,
          res->>'$.service_tier' AS service_tier,
          CASE WHEN json_type(res->'$.batch') IS NULL OR json_type(res->'$.batch') = 'NULL' THEN FALSE WHEN json_type(res->'$.batch') = 'BOOLEAN' THEN CAST(res->>'$.batch' AS BOOLEAN) END AS batch,
          CASE WHEN json_type(res->'$.batch') NOT IN ('BOOLEAN', 'NULL') THEN 'batch is ' || CAST(res->'$.batch' AS VARCHAR) || '; allowed true or false' END AS pre_reason,
          TRY_CAST(res->>'$.num_model_requests' AS BIGINT) AS requests,
          TRY_CAST(res->>'$.input_tokens' AS BIGINT) AS input_tokens,
          TRY_CAST(res->>'$.input_cached_tokens' AS BIGINT) AS cached_input_tokens, NULL::BIGINT AS cache_write_tokens,
          TRY_CAST(res->>'$.output_tokens' AS BIGINT) AS output_tokens, 'openai-usage' AS source,
          bucket->>'$.start_time' AS raw_start, res->>'$.input_tokens' AS raw_in, res->>'$.output_tokens' AS raw_out
        FROM ledger_json`);
    } else {
      // Anthropic: input_tokens = uncached + cache reads + 5-minute and 1-hour cache writes.
      const n = (path: string) => `TRY_CAST(res->>'${path}' AS BIGINT)`;
      await conn.run(`CREATE OR REPLACE TEMP TABLE ledger_stg AS SELECT line,
          ${ts("bucket->>'$.starting_at'")} AS period_start, ${ts("bucket->>'$.ending_at'")} AS period_end, 'anthropic' AS provider, res->>'$.model' AS model,
          res->>'$.service_tier' AS service_tier, res->>'$.service_tier' = 'batch' AS batch, NULL::BIGINT AS requests,
          ${n('$.uncached_input_tokens')} + coalesce(${n('$.cache_read_input_tokens')}, 0) + coalesce(${n('$.cache_creation.ephemeral_5m_input_tokens')}, 0) + coalesce(${n('$.cache_creation.ephemeral_1h_input_tokens')}, 0) AS input_tokens,
          ${n('$.cache_read_input_tokens')} AS cached_input_tokens,
          coalesce(${n('$.cache_creation.ephemeral_5m_input_tokens')}, 0) + coalesce(${n('$.cache_creation.ephemeral_1h_input_tokens')}, 0) AS cache_write_tokens,
          ${n('$.output_tokens')} AS output_tokens, 'anthropic-usage' AS source, NULL::VARCHAR AS pre_reason,
          bucket->>'$.starting_at' AS raw_start, res->>'$.uncached_input_tokens' AS raw_in, res->>'$.output_tokens' AS raw_out
        FROM ledger_json`);
      notes.push('Anthropic input_tokens excludes cache reads and writes: they were added so input includes cached tokens, as in the traces');
    }
    await conn.run('DROP TABLE ledger_json');
  }
  const checks =
    target === 'route_summaries' || target === 'incidents'
      ? 'reason'
      : target === 'invoice_lines'
      ? `CASE WHEN pre_reason IS NOT NULL THEN pre_reason
              WHEN period_start IS NULL THEN 'period start "' || coalesce(raw_start, '') || '" is not a date'
              WHEN period_end IS NULL OR period_end <= period_start THEN 'period end "' || coalesce(raw_end, '') || '" is not a date after the start'
              WHEN raw_provider IS NULL THEN 'provider is missing'
              WHEN amount_usd IS NULL OR NOT isfinite(amount_usd) THEN 'amount "' || coalesce(raw_amount, '') || '" is not a number (USD)'
              WHEN raw_quantity IS NOT NULL AND quantity IS NULL THEN 'quantity "' || raw_quantity || '" is not a number' END`
      : `CASE WHEN pre_reason IS NOT NULL THEN pre_reason
              WHEN period_start IS NULL THEN 'start time "' || coalesce(raw_start, '') || '" is not a timestamp'
              WHEN model IS NULL THEN 'model is missing'
              WHEN input_tokens IS NULL OR input_tokens < 0 THEN 'input tokens "' || coalesce(raw_in, '') || '" are not an integer ≥ 0'
              WHEN output_tokens IS NULL OR output_tokens < 0 THEN 'output tokens "' || coalesce(raw_out, '') || '" are not an integer ≥ 0'
              WHEN coalesce(cached_input_tokens, 0) + coalesce(cache_write_tokens, 0) > input_tokens THEN 'cached tokens exceed input tokens' END`;
  if (target !== 'route_summaries' && target !== 'incidents') await conn.run(`CREATE OR REPLACE TEMP TABLE ledger_checked AS SELECT *, ${checks} AS reason FROM ledger_stg`);
  // JSON cost reports: a reject also names where the result sits in the document.
  if (format === 'anthropic-cost') await conn.run(`UPDATE ledger_checked SET reason = reason || ' (' || path || ')' WHERE reason IS NOT NULL AND path IS NOT NULL`);
  const cols = target === 'invoice_lines' ? INVOICE_COLS : target === 'usage_lines' ? USAGE_COLS : target === 'incidents' ? INCIDENT_COLS : SUMMARY_FIELDS.map((f) => `"${f}"`);
  const [c] = await query(conn, `SELECT count(*) AS n, count(*) FILTER (WHERE reason IS NULL) AS ok FROM ledger_checked`);
  const rows = Number(c!.n) + structural.length;
  const rejected = rows - Number(c!.ok);
  const sample = await query(conn, `SELECT line, reason FROM ledger_checked WHERE reason IS NOT NULL ORDER BY line LIMIT ${opts.showRejects ?? 20}`);
  const rejects = [...structural, ...sample.map((r) => ({ line: Number(r.line), reason: String(r.reason) }))].sort((a, b) => a.line - b.line).slice(0, opts.showRejects ?? 20);
  const base: ImportSummary = {
    file,
    format,
    importId: null,
    lineLabel: file.toLowerCase().endsWith('.csv') ? 'line' : 'row',
    rowsRead: rows,
    kept: 0,
    rejected,
    alreadyStored: 0,
    rejectRate: rows ? rejected / rows : 0,
    rejectsByRule: rejected ? { [`bad_${target === 'invoice_lines' ? 'invoice' : target === 'usage_lines' ? 'usage' : target === 'incidents' ? 'incident' : 'summary'}_line`]: rejected - structural.length, ...(structural.length ? { malformed: structural.length } : {}) } : {},
    rejects,
    notes,
  };
  if (!rows) return { ...base, aborted: 'the file holds no lines' };
  if (base.rejectRate > MAX_REJECT_RATE && !opts.acceptRejects) {
    return { ...base, aborted: `${rejected} of ${rows} lines (${(base.rejectRate * 100).toFixed(2)}%) would be rejected, over the ${MAX_REJECT_RATE * 100}% limit; nothing was imported. Fix the file or pass --accept-rejects` };
  }
  const keyCols = LEDGER_KEYS[target];
  return transaction(conn, async () => {
    const [{ id }] = (await query(conn, 'SELECT coalesce(max(import_id), 0) + 1 AS id FROM imports')) as [{ id: number }];
    // Idempotent: a line identical to a stored one (all its columns) is skipped.
    const same = cols.map((k) => `t.${k} IS NOT DISTINCT FROM s.${k}`).join(' AND ');
    await conn.run(`CREATE OR REPLACE TEMP TABLE ledger_fresh AS SELECT s.* FROM ledger_checked s WHERE s.reason IS NULL AND NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${same})`);
    // A correction: a new line whose key (period, provider, SKU …) is stored with other values.
    let conflicts = 0;
    let replaced = 0;
    if (keyCols) {
      const sameKey = keyCols.map((k) => `t.${k} IS NOT DISTINCT FROM s.${k}`).join(' AND ');
      await conn.run(`CREATE OR REPLACE TEMP TABLE ledger_conflicts AS SELECT s.* FROM ledger_fresh s WHERE EXISTS (SELECT 1 FROM ${target} t WHERE ${sameKey})`);
      conflicts = Number((await query(conn, 'SELECT count(*) AS n FROM ledger_conflicts'))[0]!.n);
      if (conflicts) {
        const sample = await query(
          conn,
          `SELECT s.line, ${keyCols.map((k) => `CAST(s.${k} AS VARCHAR) AS ${k}`).join(', ')}, ${LEDGER_VALUES[target]!.map((k) => `CAST(s.${k} AS VARCHAR) AS new_${k}, (SELECT string_agg(CAST(t.${k} AS VARCHAR), ' + ') FROM ${target} t WHERE ${sameKey}) AS old_${k}`).join(', ')}
           FROM ledger_conflicts s ORDER BY s.line LIMIT ${opts.showRejects ?? 20}`,
        );
        base.conflicts = conflicts;
        base.conflictLines = sample.map((r) => ({
          line: Number(r.line),
          reason: `${keyCols.filter((k) => r[k] !== null && r[k] !== undefined).map((k) => `${k} ${String(r[k])}`).join(', ')} is stored with other values: ${LEDGER_VALUES[target]!.filter((k) => r[`old_${k}`] !== r[`new_${k}`]).map((k) => `${k} ${r[`old_${k}`] ?? 'empty'} → ${r[`new_${k}`] ?? 'empty'}`).join('; ')}`,
        }));
        if (!opts.replace) {
          const first = base.conflictLines[0]!;
          return {
            ...base,
            aborted: `${conflicts} line${conflicts > 1 ? 's conflict' : ' conflicts'} with stored lines (same ${keyCols.join(', ')}, other values; first at ${base.lineLabel} ${first.line}: ${first.reason}); nothing was imported. Pass --replace to make this file win (the stored lines are replaced in the same transaction), or fix the file`,
          };
        }
        // --replace: for each corrected key the file's lines (all of them, unchanged ones too) replace the stored ones.
        // NULL-safe key matches (a line without a SKU has a NULL sku): EXISTS with IS NOT DISTINCT FROM, not IN.
        const corrected = (t: string) => `EXISTS (SELECT 1 FROM ledger_conflicts x WHERE ${keyCols.map((k) => `x.${k} IS NOT DISTINCT FROM ${t}.${k}`).join(' AND ')})`;
        replaced = Number((await query(conn, `SELECT count(*) AS n FROM ${target} t WHERE ${corrected('t')}`))[0]!.n);
        await conn.run(`DELETE FROM ${target} WHERE ${corrected(target)}`);
        await conn.run(
          `CREATE OR REPLACE TEMP TABLE ledger_fresh AS SELECT s.* FROM ledger_checked s WHERE s.reason IS NULL
             AND (NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${same}) OR ${corrected('s')})`,
        );
        notes.push(`${replaced} stored line${replaced > 1 ? 's were' : ' was'} replaced by this file's ${conflicts > 1 ? 'corrections' : 'correction'} (--replace)`);
      }
      await conn.run('DROP TABLE ledger_conflicts');
    }
    const [{ kept }] = (await query(conn, 'SELECT count(*) AS kept FROM ledger_fresh')) as [{ kept: number }];
    await conn.run(`INSERT INTO ${target} (${cols.join(', ')}, import_id, source_line) SELECT ${cols.join(', ')}, ${id}, line FROM ledger_fresh`);
    const already = Number(c!.ok) - Number(kept);
    await conn.run(`INSERT INTO imports VALUES (${id}, ${lit(file)}, ${lit(format)}, ${lit(opts.today)}, ${rows}, ${kept}, ${rejected}, ${already})`);
    if (already) notes.push(`${already} lines were already in the store: skipped, not double counted`);
    return { ...base, importId: id, kept: Number(kept), alreadyStored: already, conflicts, replaced };
  });
}

/**
 * What names one ledger line (issue 17, "Corrections"): a line with the same key and other values
 * is a corrected line, not another charge. Route summaries and incidents have no such key.
 */
const LEDGER_KEYS: Record<string, string[] | undefined> = {
  invoice_lines: ['period_start', 'period_end', 'provider', 'sku', 'model', 'unit', 'charge_category'],
  usage_lines: ['period_start', 'period_end', 'provider', 'model', 'service_tier', 'batch', 'source'],
};
const LEDGER_VALUES: Record<string, string[] | undefined> = {
  invoice_lines: ['amount_usd', 'quantity'],
  usage_lines: ['requests', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens'],
};

/**
 * Refuses a usage page whose `data` (or a bucket's `results`) is not an array, naming the page and
 * bucket: DuckDB's cast of a non-array to JSON[] would fail with an unlocated conversion error.
 */
async function checkPages(conn: DuckDBConnection, file: string): Promise<void> {
  const docs = `(SELECT json AS doc, row_number() OVER () AS d FROM read_json_objects(${lit(readPath(file))}, format = 'auto'))`;
  let bad: Row[];
  try {
    bad = await query(
      conn,
      `SELECT d, NULL AS b, coalesce(json_type(doc->'$.data'), 'missing') AS t FROM ${docs} WHERE coalesce(json_type(doc->'$.data'), '') <> 'ARRAY'
       UNION ALL
       SELECT d, b, coalesce(json_type(bucket->'$.results'), 'missing') AS t FROM (
         SELECT d, unnest(CAST(doc->'$.data' AS JSON[])) AS bucket, generate_subscripts(CAST(doc->'$.data' AS JSON[]), 1) - 1 AS b FROM ${docs} WHERE json_type(doc->'$.data') = 'ARRAY')
       WHERE coalesce(json_type(bucket->'$.results'), '') <> 'ARRAY'
       ORDER BY 1, 2 NULLS FIRST LIMIT 1`,
    );
  } catch (err) {
    throw new RoutefitError('invalid_input', `${file}: not usage API pages (JSON objects with data[].results[]): ${(err as Error).message.split('\n')[0]}`, { field: 'file' });
  }
  if (bad.length) {
    const x = bad[0]!;
    const where = `page ${x.d}${x.b === null || x.b === undefined ? '' : `, data[${x.b}]`}`;
    const what = x.b === null || x.b === undefined ? '"data"' : '"results"';
    throw new RoutefitError('invalid_input', `${file}: ${where}: ${what} is ${String(x.t).toLowerCase()}, not an array; nothing was imported (usage pages hold data[].results[])`, { field: 'file' });
  }
}

export type { DuckDBConnection };
