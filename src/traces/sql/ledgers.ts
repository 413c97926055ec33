import type { Row } from '../db.js';
import { attemptsSql } from './attempts.js';
import { pricedSql } from './pricing.js';
import type { SqlSource } from './source.js';
import { type Window } from './window.js';

/**
 * Reads of the ledgers a store holds beside its traces (invoices, usage exports, OTel metric
 * points, incidents), written once for every store: the ClickHouse ledger tables have the DuckDB
 * tables' names, columns and meanings (timestamps also as `<name>_us` epoch µs, dialect `ledgerTs`).
 * Range matches (a trace in an invoice period) are an equality join on the provider and a WHERE on
 * the range: ClickHouse 18.16 joins on equality only, and invoice periods are few.
 */

const ISO_SECOND = '%Y-%m-%dT%H:%M:%SZ';

/** True when the store holds `table` with at least one row. */
export async function ledgerHasRows(src: SqlSource, table: string): Promise<boolean> {
  if (!(await src.hasTable(table))) return false;
  // count(), not LIMIT 1: on a ClickHouse 18.16 cluster a LIMIT stops the read early and a shard may
  // then run the view without the GLOBAL IN sets it was being sent ("Table _data2 doesn't exist"). Ledgers are small.
  const [r] = await src.query(`SELECT count() AS n FROM ${src.table(table)}`);
  return Number(r?.n ?? 0) > 0;
}

/** The invoice periods the store holds (ISO, UTC). */
export async function invoicePeriodRows(src: SqlSource): Promise<{ start: string; end: string }[]> {
  const d = src.dialect;
  const rows = await src.query(
    `SELECT DISTINCT ${d.format(d.ledgerTs('period_start'), ISO_SECOND)} AS s, ${d.format(d.ledgerTs('period_end'), ISO_SECOND)} AS e FROM ${src.table('invoice_lines')} ORDER BY s, e`,
  );
  return rows.map((r) => ({ start: String(r.s), end: String(r.e) }));
}

/** Incidents on days from..to (inclusive, YYYY-MM-DD), in day order. */
export async function incidentRows(src: SqlSource, from: string, to: string): Promise<Row[]> {
  const d = src.dialect;
  const p = src.params();
  return src.query(
    `SELECT ${d.dateText('day')} AS i_date, provider, route, severity, minutes, description FROM ${src.table('incidents')}
     WHERE day >= ${p.bind('Date', from)} AND day <= ${p.bind('Date', to)} ORDER BY day, i_date`,
    p,
  );
}

/** The key of one reconcile line: provider × period (× model). */
export const ledgerKey = (r: Row, bySku: boolean): string => JSON.stringify([r.provider, r.ps, r.pe, bySku ? r.model : null]);

/**
 * Trace cost vs invoice per provider × charge period (× SKU/model where the invoice names one):
 * the invoice lines, the traced attempts of each period, and the usage export's lines of each
 * period, as one row per line with the column names reconcile.ts reads (`invoice`, `other`,
 * `cost`, `attempts` …; zeros where a period has no trace or no usage line).
 */
export async function reconcileRows(src: SqlSource, bySku: boolean): Promise<Row[]> {
  const d = src.dialect;
  const lt = d.ledgerTs;
  const keyOut = ['provider', `${d.format('i_ps', ISO_SECOND)} AS ps`, `${d.format('i_pe', ISO_SECOND)} AS pe`, ...(bySku ? ['i_model AS model'] : [])];
  const keyGroup = ['provider', 'i_ps', 'i_pe', ...(bySku ? ['i_model'] : [])];
  const usage = "coalesce(charge_category, 'usage') = 'usage'";
  const inv = await src.query(
    `SELECT ${keyOut.join(', ')},
       coalesce(${d.sumIf('amount_usd', usage)}, 0) AS invoice, coalesce(${d.sumIf('amount_usd', `NOT (${usage})`)}, 0) AS other
     FROM (SELECT provider, ${lt('period_start')} AS i_ps, ${lt('period_end')} AS i_pe, model AS i_model, amount_usd, charge_category
           FROM ${src.table('invoice_lines')} ${bySku ? `WHERE ${d.notNull('model')}` : ''}) AS l
     GROUP BY ${keyGroup.join(', ')} ORDER BY ${keyGroup.join(', ')}`,
  );
  const periods = `(SELECT DISTINCT provider, ${lt('period_start')} AS i_ps, ${lt('period_end')} AS i_pe${bySku ? ', model AS i_model' : ''}
       FROM ${src.table('invoice_lines')} ${bySku ? `WHERE ${d.notNull('model')}` : ''}) AS i`;
  const mismatch = d.cond(`${d.notNull('service_tier_served')} AND ${d.notNull('service_tier_requested')} AND service_tier_served <> service_tier_requested`);
  const skuMatch = bySku ? [d.cond('(lower(model) = lower(i_model) OR lower(route) = lower(i_model) OR lower(price_key) = lower(i_model))')] : [];
  const cols = ['request_id', 'attempt', 'provider', 'model', 'route', d.ts, 'service_tier_served', 'service_tier_requested', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'cost_usd', 'quality', 'escalated_to_human'];
  // Aliases are x_<name>: a ClickHouse alias is visible to the whole SELECT (`sum(cost) AS cost` would capture cost).
  const traced = await src.query(
    `SELECT ${keyOut.join(', ')},
       coalesce(sum(cost), 0) AS x_cost, count(*) AS x_attempts,
       ${d.countIf('attempt > 0')} AS x_retries, coalesce(${d.sumIf('cost', 'attempt > 0')}, 0) AS x_retry_cost,
       count(*) - count(cost) AS x_unpriced,
       coalesce(${d.sumIf('input_tokens + output_tokens', d.isNull('cost'))}, 0) AS x_unpriced_tokens,
       ${d.countIf(mismatch)} AS x_tier_mm, coalesce(${d.sumIf('cost', mismatch)}, 0) AS x_tier_cost,
       coalesce(sum(input_tokens), 0) AS x_t_in, coalesce(sum(cached_input_tokens), 0) AS x_t_cached, coalesce(sum(output_tokens), 0) AS x_t_out,
       sum(cost_usd) AS x_logged,
       ${d.countIf("quality = 'pass'")} AS x_passed_attempts,
       ${d.countIf(d.cond(d.isTrue('escalated_to_human')))} AS x_escalated,
       ${d.distinct('request_id')} AS x_requests
     FROM (${pricedSql(src, cols, [])}) AS p
     ${d.innerJoinAll} ${periods} USING (provider)
     WHERE ${[`${d.ts} >= i_ps`, `${d.ts} < i_pe`, ...skuMatch].join(' AND ')}
     GROUP BY ${keyGroup.join(', ')}`,
  );
  const used = !(await src.hasTable('usage_lines')) ? [] : await src.query(
    `SELECT ${keyOut.join(', ')},
       count(*) AS x_usage_lines, sum(requests) AS x_b_req, count(requests) AS x_b_req_n,
       coalesce(sum(input_tokens), 0) AS x_b_in, sum(cached_input_tokens) AS x_b_cached, coalesce(sum(output_tokens), 0) AS x_b_out
     FROM (SELECT provider, ${lt('period_start')} AS u_ps, model AS u_model, requests, input_tokens, cached_input_tokens, output_tokens FROM ${src.table('usage_lines')}) AS u
     ${d.innerJoinAll} ${periods} USING (provider)
     WHERE ${['u_ps >= i_ps', 'u_ps < i_pe', ...(bySku ? [d.cond('lower(u_model) = lower(i_model)')] : [])].join(' AND ')}
     GROUP BY ${keyGroup.join(', ')}`,
  );
  const strip = (r: Row): Row => Object.fromEntries(Object.entries(r).filter(([k]) => k.startsWith('x_')).map(([k, v]) => [k.slice(2), v]));
  const byKey = (rows: Row[]) => new Map(rows.map((r) => [ledgerKey(r, bySku), strip(r)]));
  const [t, u] = [byKey(traced), byKey(used)];
  const none = { cost: 0, attempts: 0, retries: 0, retry_cost: 0, unpriced: 0, unpriced_tokens: 0, tier_mm: 0, tier_cost: 0, t_in: 0, t_cached: 0, t_out: 0, logged: null, passed_attempts: 0, escalated: 0, requests: 0 };
  const noUsage = { usage_lines: 0, b_req: null, b_req_n: 0, b_in: 0, b_cached: null, b_out: 0 };
  return inv.map((r) => ({ ...r, ...none, ...t.get(ledgerKey(r, bySku)), ...noUsage, ...u.get(ledgerKey(r, bySku)) }));
}

/** Tokens the OTel GenAI metrics counted per invoice provider × period (× model): a point counts in the period its end time falls in. */
export async function meteredRows(src: SqlSource, bySku: boolean): Promise<Row[]> {
  const d = src.dialect;
  const lt = d.ledgerTs;
  const keyOut = ['provider', `${d.format('i_ps', ISO_SECOND)} AS ps`, `${d.format('i_pe', ISO_SECOND)} AS pe`, ...(bySku ? ['i_model AS model'] : [])];
  const keyGroup = ['provider', 'i_ps', 'i_pe', ...(bySku ? ['i_model'] : [])];
  return src.query(
    `SELECT ${keyOut.join(', ')},
       coalesce(${d.sumIf('m_sum', "token_type = 'input'")}, 0) AS m_in, coalesce(${d.sumIf('m_sum', "token_type = 'output'")}, 0) AS m_out
     FROM (SELECT provider, model AS m_model, token_type, ${lt('end_ts')} AS m_end, ${d.ident('sum')} AS m_sum FROM ${src.table('metric_points')}
           WHERE metric = 'gen_ai.client.token.usage') AS m
     ${d.innerJoinAll} (SELECT DISTINCT provider, ${lt('period_start')} AS i_ps, ${lt('period_end')} AS i_pe${bySku ? ', model AS i_model' : ''}
       FROM ${src.table('invoice_lines')} ${bySku ? `WHERE ${d.notNull('model')}` : ''}) AS i USING (provider)
     WHERE ${['m_end > i_ps', 'm_end <= i_pe', ...(bySku ? [d.cond('lower(m_model) = lower(i_model)')] : [])].join(' AND ')}
     GROUP BY ${keyGroup.join(', ')}`,
  );
}

/** A GPU route's traced attempts in the window (its own route or price key): the inputs of `measuredGpu`. */
export async function gpuRouteRow(src: SqlSource, window: Window, route: string, priceKey: string): Promise<Row | undefined> {
  const d = src.dialect;
  const p = src.params();
  const [r] = await src.query(
    `SELECT ${d.mode('a_model')} AS serves, count(*) AS attempts, ${d.countIf(`${d.isTrue('is_final')} AND quality = 'pass'`)} AS accepted,
       coalesce(sum(output_tokens), 0) AS out_tokens, coalesce(sum(input_tokens), 0) AS in_tokens,
       ${d.epochSeconds(`max(${d.ts})`)} - ${d.epochSeconds(`min(${d.ts})`)} AS span_s
     FROM (${attemptsSql(src, p, window)}) AS a
     WHERE ${d.cond(`a_route = ${p.bind('String', route)}`)} OR ${d.cond(`a_price_key = ${p.bind('String', priceKey)}`)}`,
    p,
  );
  return r;
}
