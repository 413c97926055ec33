import type { Catalog } from '../../catalog/types.js';
import { type Incident, type RouteUse, type Signal, detectRedFlags } from '../../engine/measured/red-flags.js';
import { reconcile } from '../../engine/measured/reconciliation.js';
import { type CheckOptions, canonical, checkWindow, redFlagInput } from '../checks.js';
import { chTraceSeries } from './checks.js';
import type { Row } from '../db.js';
import { pricingData } from '../pricing.js';
import { type ReconcileLine, type ReconcileOptions, toLedger } from '../reconcile.js';
import { type OtelMetricSummary, otelSummariesOf } from '../otel-metrics.js';
import { type ChStore, chLit } from './connection.js';
import { hasLedgerTables } from './ledger-schema.js';
import { chAttemptsSql, flagToMicros } from './metrics.js';
import { chPricedSql } from './pricing.js';

/**
 * The ledger reads of the ClickHouse store (reconcile, invoice periods, incidents, GPU routes, OTel
 * metrics), until the shared expression layer spells them for both stores. Each function mirrors one
 * DuckDB query, named beside it, over the same tables and columns (ledger-schema.ts), for the same
 * numbers; what is done with the rows afterwards is the DuckDB code itself (toLedger + reconcile,
 * gpuRoutes, otelSummariesOf). To fold one in: replace it with the shared query and delete it here.
 *
 * ClickHouse 18.16 joins on equality only, so the range joins of the DuckDB SQL (an attempt in an
 * invoice period) are an equality join on the provider with the range in WHERE; the invoice keys (a
 * few per provider and period) are a session table on the right of the join. Needs prepareChPricing
 * first (chPricedSql reads `day_prices`), and prepareRouteKeys before chReconcile and chGpuAggregate
 * (only they need price keys: summaries never pay for them).
 */

/** Whether the store holds ledger tables and at least one line of `table`. */
async function holds(ch: ChStore, table: string): Promise<boolean> {
  if (!(await hasLedgerTables(ch))) return false;
  return (await ch.query(`SELECT 1 AS x FROM ${ch.table(table)} LIMIT 1`)).length > 0;
}

/** An epoch-µs instant as DuckDB's strftime(ts, '%Y-%m-%dT%H:%M:%SZ') prints it (whole seconds). */
const isoOf = (us: unknown) => new Date(Math.floor(Number(us) / 1_000_000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
/** Binary order, as DuckDB's ORDER BY on text. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The store holds invoice lines (DuckDB adapter: `SELECT count(*) FROM invoice_lines`). */
export const chHasInvoices = (ch: ChStore) => holds(ch, 'invoice_lines');

/** As ../trace-to-margin.ts invoicePeriods. */
export async function chInvoicePeriods(ch: ChStore): Promise<{ start: string; end: string }[]> {
  if (!(await hasLedgerTables(ch))) return [];
  const rows = await ch.query(`SELECT DISTINCT period_start_us, period_end_us FROM ${ch.table('invoice_lines')}`);
  return rows.map((r) => ({ start: isoOf(r.period_start_us), end: isoOf(r.period_end_us) })).sort((a, b) => cmp(a.start, b.start) || cmp(a.end, b.end));
}

/**
 * The session table `ledger_route_keys`: each (route, provider, model) the store holds with its
 * catalog price key, as the DuckDB store's `route_map` (../pricing.ts), keyed like `day_prices`.
 */
export async function prepareRouteKeys(ch: ChStore, catalog: Catalog): Promise<void> {
  const combos = await ch.query(`SELECT DISTINCT route, provider, model FROM ${ch.attempts()}`);
  const keys = combos.map((c) => ({ route: (c.route as string | null) ?? null, provider: (c.provider as string | null) ?? null, model: (c.model as string | null) ?? null }));
  const { routeMap } = pricingData(catalog, keys);
  await ch.command('DROP TEMPORARY TABLE IF EXISTS ledger_route_keys');
  await ch.command('CREATE TEMPORARY TABLE ledger_route_keys (k_route String, n_route UInt8, k_provider String, n_provider UInt8, k_model String, n_model UInt8, price_key Nullable(String))');
  const rows = routeMap.map((m) => ({
    k_route: m.route ?? '', n_route: m.route === null ? 1 : 0,
    k_provider: m.provider ?? '', n_provider: m.provider === null ? 1 : 0,
    k_model: m.model ?? '', n_model: m.model === null ? 1 : 0,
    price_key: m.priceKey,
  }));
  if (rows.length) await ch.client.insert({ table: 'ledger_route_keys', values: rows, format: 'JSONEachRow' });
}

/** Rows of `relation` with their price key (the DuckDB `priced` view's price_key), by the (route, provider, model) columns named. */
function withPriceKey(relation: string, columns: string[], route: string, provider: string, model: string): string {
  const keys = [[route, 'route'], [provider, 'provider'], [model, 'model']].flatMap(([c, k]) => [`ifNull(${c}, '') AS k_${k}`, `isNull(${c}) AS n_${k}`]);
  // Columns named (18.16's * after a join is the left side's only).
  return `SELECT ${columns.join(', ')}, price_key FROM (SELECT ${columns.join(', ')}, ${keys.join(', ')} FROM ${relation} AS r) AS keyed
    ANY LEFT JOIN ledger_route_keys USING (k_route, n_route, k_provider, n_provider, k_model, n_model)`;
}

interface InvKey {
  k: number;
  provider: string;
  ps_us: number;
  pe_us: number;
  model: string | null;
  invoice: number;
  other: number;
}

/** The invoice keys (provider × period, × model by SKU) as the session table `ledger_inv_keys`, in the DuckDB query's order. */
async function invoiceKeys(ch: ChStore, bySku: boolean): Promise<InvKey[]> {
  const usage = `ifNull(charge_category, 'usage') = 'usage'`;
  const rows = await ch.query(
    `SELECT provider, period_start_us, period_end_us ${bySku ? ', model' : ''},
       ifNull(sumIf(amount_usd, ${usage}), 0) AS invoice, ifNull(sumIf(amount_usd, NOT ${usage}), 0) AS other
     FROM ${ch.table('invoice_lines')} ${bySku ? 'WHERE isNotNull(model)' : ''}
     GROUP BY provider, period_start_us, period_end_us ${bySku ? ', model' : ''}`,
  );
  const keys = rows
    .map((r) => ({ provider: String(r.provider), ps_us: Number(r.period_start_us), pe_us: Number(r.period_end_us), model: bySku ? String(r.model) : null, invoice: n(r.invoice), other: n(r.other) }))
    .sort((a, b) => cmp(a.provider, b.provider) || a.ps_us - b.ps_us || cmp(a.model ?? '', b.model ?? ''))
    .map((r, k) => ({ ...r, k }));
  await ch.command('DROP TEMPORARY TABLE IF EXISTS ledger_inv_keys');
  await ch.command('CREATE TEMPORARY TABLE ledger_inv_keys (k UInt32, j_provider String, i_ps_us Int64, i_pe_us Int64, i_model String)');
  if (keys.length) {
    await ch.client.insert({ table: 'ledger_inv_keys', values: keys.map((r) => ({ k: r.k, j_provider: r.provider, i_ps_us: r.ps_us, i_pe_us: r.pe_us, i_model: r.model ?? '' })), format: 'JSONEachRow' });
  }
  return keys;
}

const PRICED_COLUMNS = ['request_id', 'attempt', 'ts_us', 'provider', 'model', 'route', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'service_tier_served', 'service_tier_requested', 'cost_usd'];

/** `{k → row}` of a query whose rows carry the invoice key `k`. */
const byKey = (rows: Row[]) => new Map(rows.map((r) => [Number(r.k), r]));

/**
 * As ../reconcile.ts reconcileStore: ledgerSql (invoice, traces, usage per provider × period [× model])
 * and meteredTokens, the rows turned into lines by the same toLedger and reconcile.
 */
export async function chReconcile(ch: ChStore, opts: ReconcileOptions = {}): Promise<{ providers: ReconcileLine[]; skus: ReconcileLine[] }> {
  const build = async (bySku: boolean): Promise<ReconcileLine[]> => {
    const keys = await invoiceKeys(ch, bySku);
    if (!keys.length) return [];
    const join = `ALL INNER JOIN ledger_inv_keys USING (j_provider)`;
    const sku = (...cols: string[]) => (bySku ? `AND (${cols.map((c) => `lowerUTF8(ifNull(${c}, '')) = lowerUTF8(i_model)`).join(' OR ')})` : '');
    const mismatch = `ifNull(service_tier_served <> service_tier_requested, 0)`;
    const traced = byKey(
      await ch.query(
        `SELECT k, sum(ifNull(cost, 0)) AS c_cost, count() AS attempts,
           countIf(attempt > 0) AS retries, sumIf(ifNull(cost, 0), attempt > 0) AS retry_cost,
           countIf(isNull(cost)) AS unpriced, sumIf(input_tokens + output_tokens, isNull(cost)) AS unpriced_tokens,
           countIf(${mismatch}) AS tier_mm, sumIf(ifNull(cost, 0), ${mismatch}) AS tier_cost,
           sum(input_tokens) AS t_in, sum(ifNull(cached_input_tokens, 0)) AS t_cached, sum(output_tokens) AS t_out,
           count(cost_usd) AS logged_n, sum(ifNull(cost_usd, 0)) AS logged
         FROM (SELECT ${[...PRICED_COLUMNS, 'cost', 'price_key'].join(', ')}, ifNull(provider, '') AS j_provider FROM (${withPriceKey(`(${chPricedSql(ch, PRICED_COLUMNS, '')})`, [...PRICED_COLUMNS, 'cost'], 'route', 'provider', 'model')}) AS pk) AS p
         ${join}
         WHERE ts_us >= i_ps_us AND ts_us < i_pe_us ${sku('model', 'route', 'price_key')}
         GROUP BY k`,
      ),
    );
    const usage = byKey(
      await ch.query(
        `SELECT k, count() AS usage_lines, sum(ifNull(requests, 0)) AS b_req, count(requests) AS b_req_n,
           sum(ifNull(input_tokens, 0)) AS b_in, count(cached_input_tokens) AS b_cached_n, sum(ifNull(cached_input_tokens, 0)) AS b_cached, sum(ifNull(output_tokens, 0)) AS b_out
         FROM (SELECT requests, input_tokens, cached_input_tokens, output_tokens, period_start_us, model, ifNull(provider, '') AS j_provider FROM ${ch.table('usage_lines')}) AS u
         ${join}
         WHERE period_start_us >= i_ps_us AND period_start_us < i_pe_us ${sku('model')}
         GROUP BY k`,
      ),
    );
    // meteredTokens: a point counts in the period its end time falls in.
    const metered = byKey(
      await ch.query(
        `SELECT k, sumIf(m_sum, token_type = 'input') AS m_in, sumIf(m_sum, token_type = 'output') AS m_out
         FROM (SELECT sum AS m_sum, token_type, end_ts_us, model, ifNull(provider, '') AS j_provider FROM ${ch.table('metric_points')} WHERE metric = 'gen_ai.client.token.usage') AS m
         ${join}
         WHERE end_ts_us > i_ps_us AND end_ts_us <= i_pe_us ${sku('model')}
         GROUP BY k`,
      ),
    );
    return keys.map((key) => {
      const t = traced.get(key.k) ?? {};
      const u = usage.get(key.k);
      const m = metered.get(key.k);
      const r: Row = {
        provider: key.provider,
        ps: isoOf(key.ps_us),
        pe: isoOf(key.pe_us),
        ...(bySku ? { model: key.model } : {}),
        invoice: key.invoice,
        ...t,
        cost: t.c_cost,
        logged: n(t.logged_n) > 0 ? t.logged : null,
        usage_lines: n(u?.usage_lines),
        ...(u ? { b_req: u.b_req, b_req_n: u.b_req_n, b_in: u.b_in, b_cached: n(u.b_cached_n) > 0 ? u.b_cached : null, b_out: u.b_out } : {}),
      };
      const metric = m ? { metered: { inputTokens: n(m.m_in), outputTokens: n(m.m_out) } } : {};
      return { ...reconcile({ ...toLedger(r, opts, bySku), ...metric }), otherChargesUsd: key.other, unpricedAttempts: n(t.unpriced) };
    });
  };
  return { providers: await build(false), skus: await build(true) };
}

/** As ../checks.ts incidentsIn: stored incidents within the traced days; undefined when the store holds none. */
export async function chIncidentsIn(ch: ChStore, uses: RouteUse[], catalog: Catalog | undefined): Promise<Incident[] | undefined> {
  if (!(await holds(ch, 'incidents'))) return undefined;
  if (!uses.length) return [];
  const from = uses.map((u) => u.firstDay).sort()[0]!;
  const to = uses.map((u) => u.lastDay).sort().at(-1)!;
  const rows = await ch.query(
    `SELECT toString(day) AS date, provider, route, severity, minutes, description FROM ${ch.table('incidents')}
     WHERE day >= toDate(${chLit(from)}) AND day <= toDate(${chLit(to)}) ORDER BY day, import_id, source_line`,
  );
  return rows.map((r) => ({
    date: String(r.date),
    provider: (r.provider as string | null) ?? null,
    route: r.route === null || r.route === undefined ? null : canonical(catalog, String(r.route)),
    severity: (r.severity as string | null) ?? null,
    minutes: r.minutes === null || r.minutes === undefined ? null : Number(r.minutes),
    description: (r.description as string | null) ?? null,
  }));
}

/**
 * As the query of ../gpu.ts gpuRoutes: one GPU route's attempts in the window (by the attempt's own
 * route or its price key), for the same gpuRoutes code to turn into cost, utilization and headroom.
 */
const GPU_COLUMNS = ['a_route', 'a_provider', 'a_model', 'is_final', 'quality', 'input_tokens', 'output_tokens', 'ts_us'];

export function chGpuAggregate(ch: ChStore, window: { from?: string; to?: string }): (route: string, priceKey: string) => Promise<Row | undefined> {
  return async (route, priceKey) => {
    const a = `(${withPriceKey(`(${chAttemptsSql(ch, window)})`, GPU_COLUMNS, 'a_route', 'a_provider', 'a_model')}) AS a WHERE a_route = ${chLit(route)} OR ifNull(price_key = ${chLit(priceKey)}, 0)`;
    const [agg] = await ch.query(
      `SELECT count() AS attempts, countIf(is_final = 1 AND quality = 'pass') AS accepted,
         sum(output_tokens) AS out_tokens, sum(input_tokens) AS in_tokens, (max(ts_us) - min(ts_us)) / 1e6 AS span_s
       FROM ${a}`,
    );
    // DuckDB's mode(model): the most frequent model (ties: the first in name order here).
    const [mode] = await ch.query(`SELECT a_model AS serves, count() AS c FROM ${a} AND isNotNull(a_model) GROUP BY a_model ORDER BY c DESC, a_model LIMIT 1`);
    return agg ? { ...agg, serves: mode ? mode.serves : null } : undefined;
  };
}

/** Route summaries: the DuckDB SQL runs as is (../route-summaries.ts); [] on a store without ledger tables. */
export function chRows(ch: ChStore): (sql: string) => Promise<Row[]> {
  return async (sql) => ((await hasLedgerTables(ch)) ? ch.query(sql.replace(/\bFROM route_summaries\b/, `FROM ${ch.table('route_summaries')}`)) : []);
}

/** As ../otel-metrics.ts otelMetricSummaries (a point in the window its end time falls in); [] without points. */
export async function chOtelMetrics(ch: ChStore, window: { from?: string; to?: string }): Promise<OtelMetricSummary[]> {
  if (!(await holds(ch, 'metric_points'))) return [];
  const where: string[] = [];
  if (window.from !== undefined) where.push(`end_ts_us >= ${chLit(flagToMicros('--from', window.from))}`);
  if (window.to !== undefined) where.push(`end_ts_us < ${chLit(flagToMicros('--to', window.to))}`);
  const rows = await ch.query(
    `SELECT metric, provider, model, token_type, count, sum, min, max, bounds, bucket_counts, end_ts_us, ifNull(start_ts_us, end_ts_us) AS start_us
     FROM ${ch.table('metric_points')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY provider, model, end_ts_us`,
  );
  // Empty lists are how ClickHouse keeps a NULL list (ledger-schema.ts): read as DuckDB's NULL.
  return otelSummariesOf(rows.map((r) => ({ ...r, end_at: isoOf(r.end_ts_us), start_at: isoOf(r.start_us) })));
}

/** As ../checks.ts checkStore: the trace series, invoice variance and incidents, into the same detectors. */
export async function chCheck(ch: ChStore, opts: CheckOptions, routeKeys = async () => (opts.catalog ? prepareRouteKeys(ch, opts.catalog) : undefined)): Promise<Signal[]> {
  const series = await chTraceSeries(ch, checkWindow(opts), opts.catalog);
  const invoiceVariance = (await chHasInvoices(ch))
    ? (await routeKeys(), await chReconcile(ch)).providers.map((l) => ({ provider: l.provider, period: `${l.periodStart.slice(0, 10)}–${l.periodEnd.slice(0, 10)}`, deltaPct: l.deltaPct }))
    : undefined;
  const incidents = await chIncidentsIn(ch, series.routeUse, opts.catalog);
  return detectRedFlags(redFlagInput(series, { ...(invoiceVariance ? { invoiceVariance } : {}), ...(incidents ? { incidents } : {}) }, opts));
}
