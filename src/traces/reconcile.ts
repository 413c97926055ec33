import { RoutefitError } from '../engine/errors.js';
import { type PeriodLedger, type Reconciliation, reconcile } from '../engine/measured/reconciliation.js';
import type { TraceToMargin } from '../engine/measured/reconciliation.js';
import type { ProrationWindow } from '../engine/measured/proration.js';
import { type Row, type Store, query } from './db.js';

/**
 * Trace cost vs invoice per provider × charge period (and per SKU/model where the invoice names
 * one), with the provider's usage export when imported. Needs the `priced` view.
 */
export interface ReconcileOptions {
  assumedCacheHitRate?: number;
}

export interface ReconcileLine extends Reconciliation {
  otherChargesUsd: number;
  /** Traced attempts in the period the catalog cannot price: `traceCostUsd` leaves them out (JSON prints it as null then). */
  unpricedAttempts: number;
  /** Trace-to-margin of the period (trace-to-margin.ts: the summarize aggregates of the invoice period, one measured cost per accepted output). */
  margin?: PeriodMargin;
}

function ledgerSql(bySku: boolean): string {
  const key = bySku ? 'provider, period_start, period_end, model' : 'provider, period_start, period_end';
  const skuMatch = bySku ? `AND (lower(p.model) = lower(i.model) OR lower(p.route) = lower(i.model) OR lower(p.price_key) = lower(i.model))` : '';
  const usageMatch = bySku ? `AND (lower(u.model) = lower(i.model))` : '';
  const mismatch = `p.service_tier_served IS NOT NULL AND p.service_tier_requested IS NOT NULL AND p.service_tier_served <> p.service_tier_requested`;
  return `
    WITH inv AS (
      SELECT ${key},
        coalesce(sum(amount_usd) FILTER (WHERE coalesce(charge_category, 'usage') = 'usage'), 0) AS invoice,
        coalesce(sum(amount_usd) FILTER (WHERE coalesce(charge_category, 'usage') <> 'usage'), 0) AS other
      FROM invoice_lines ${bySku ? 'WHERE model IS NOT NULL' : ''} GROUP BY ALL),
    tr AS (
      SELECT i.provider, i.period_start, i.period_end ${bySku ? ', i.model' : ''},
        coalesce(sum(p.cost), 0) AS cost, count(p.request_id) AS attempts,
        count(*) FILTER (WHERE p.attempt > 0) AS retries, coalesce(sum(p.cost) FILTER (WHERE p.attempt > 0), 0) AS retry_cost,
        count(p.request_id) - count(p.cost) AS unpriced,
        coalesce(sum(p.input_tokens + p.output_tokens) FILTER (WHERE p.request_id IS NOT NULL AND p.cost IS NULL), 0) AS unpriced_tokens,
        count(*) FILTER (WHERE ${mismatch}) AS tier_mm, coalesce(sum(p.cost) FILTER (WHERE ${mismatch}), 0) AS tier_cost,
        coalesce(sum(p.input_tokens), 0) AS t_in, coalesce(sum(p.cached_input_tokens), 0) AS t_cached, coalesce(sum(p.output_tokens), 0) AS t_out,
        sum(p.cost_usd) AS logged,
        count(*) FILTER (WHERE p.quality = 'pass') AS passed_attempts,
        count(*) FILTER (WHERE p.escalated_to_human) AS escalated,
        count(DISTINCT p.request_id) AS requests
      FROM inv i LEFT JOIN priced p ON p.provider = i.provider AND p.ts >= i.period_start AND p.ts < i.period_end ${skuMatch}
      GROUP BY ALL),
    us AS (
      SELECT i.provider, i.period_start, i.period_end ${bySku ? ', i.model' : ''},
        count(u.provider) AS usage_lines, sum(u.requests) AS b_req, count(u.requests) AS b_req_n,
        coalesce(sum(u.input_tokens), 0) AS b_in, sum(u.cached_input_tokens) AS b_cached, coalesce(sum(u.output_tokens), 0) AS b_out
      FROM inv i LEFT JOIN usage_lines u ON u.provider = i.provider AND u.period_start >= i.period_start AND u.period_start < i.period_end ${usageMatch}
      GROUP BY ALL)
    SELECT i.*, strftime(i.period_start, '%Y-%m-%dT%H:%M:%SZ') AS ps, strftime(i.period_end, '%Y-%m-%dT%H:%M:%SZ') AS pe,
      epoch(i.period_end) - epoch(i.period_start) AS span_s, tr.*, us.*
    FROM inv i
    JOIN tr USING (${key})
    JOIN us USING (${key})
    ORDER BY i.provider, i.period_start ${bySku ? ', i.model' : ''}`;
}

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** Tokens the OTel GenAI metrics counted per invoice provider × period (× model): a point counts in the period its end time falls in. */
async function meteredTokens(store: Store, bySku: boolean): Promise<Map<string, { inputTokens: number; outputTokens: number }>> {
  const rows = await query(
    store.conn,
    `WITH inv AS (SELECT DISTINCT provider, period_start, period_end ${bySku ? ', model' : ''} FROM invoice_lines ${bySku ? 'WHERE model IS NOT NULL' : ''})
     SELECT i.provider, strftime(i.period_start, '%Y-%m-%dT%H:%M:%SZ') AS ps, strftime(i.period_end, '%Y-%m-%dT%H:%M:%SZ') AS pe ${bySku ? ', i.model' : ''},
       coalesce(sum(m.sum) FILTER (WHERE m.token_type = 'input'), 0) AS m_in, coalesce(sum(m.sum) FILTER (WHERE m.token_type = 'output'), 0) AS m_out
     FROM inv i JOIN metric_points m ON m.provider = i.provider AND m.end_ts > i.period_start AND m.end_ts <= i.period_end ${bySku ? 'AND lower(m.model) = lower(i.model)' : ''}
     WHERE m.metric = 'gen_ai.client.token.usage' GROUP BY ALL`,
  );
  return new Map(rows.map((r) => [meterKey(r, bySku), { inputTokens: n(r.m_in), outputTokens: n(r.m_out) }]));
}

const meterKey = (r: Row, bySku: boolean) => JSON.stringify([r.provider, r.ps, r.pe, bySku ? r.model : null]);

export function toLedger(r: Row, opts: ReconcileOptions, bySku: boolean): PeriodLedger {
  return {
    provider: String(r.provider),
    periodStart: String(r.ps),
    periodEnd: String(r.pe),
    ...(bySku ? { sku: String(r.model) } : {}),
    invoiceUsd: n(r.invoice),
    traceCostUsd: n(r.cost),
    tracedAttempts: n(r.attempts),
    retryAttempts: n(r.retries),
    retryCostUsd: n(r.retry_cost),
    unpricedAttempts: n(r.unpriced),
    unpricedTokens: n(r.unpriced_tokens),
    tierMismatchAttempts: n(r.tier_mm),
    tierMismatchCostUsd: n(r.tier_cost),
    tracedInputTokens: n(r.t_in),
    tracedCachedTokens: n(r.t_cached),
    tracedOutputTokens: n(r.t_out),
    loggedCostUsd: r.logged === null || r.logged === undefined ? null : n(r.logged),
    ...(n(r.usage_lines) > 0
      ? { billed: { requests: n(r.b_req_n) > 0 ? n(r.b_req) : null, inputTokens: n(r.b_in), cachedInputTokens: r.b_cached === null ? null : n(r.b_cached), outputTokens: n(r.b_out) } }
      : {}),
    ...(opts.assumedCacheHitRate !== undefined ? { assumedCacheHitRate: opts.assumedCacheHitRate } : {}),
  };
}

export async function reconcileStore(store: Store, opts: ReconcileOptions = {}): Promise<{ providers: ReconcileLine[]; skus: ReconcileLine[] }> {
  const [{ lines }] = (await query(store.conn, 'SELECT count(*) AS lines FROM invoice_lines')) as [{ lines: number }];
  if (!lines) throw new RoutefitError('invalid_input', 'the store holds no invoice lines: import a FOCUS CSV or an invoice CSV (period, provider, sku or model, quantity, unit, amount) first', { field: 'invoice' });
  const build = async (bySku: boolean) => {
    const metered = await meteredTokens(store, bySku);
    return (await query(store.conn, ledgerSql(bySku))).map((r): ReconcileLine => {
      const m = metered.get(meterKey(r, bySku));
      return { ...reconcile({ ...toLedger(r, opts, bySku), ...(m ? { metered: m } : {}) }), otherChargesUsd: n(r.other), unpricedAttempts: n(r.unpriced) };
    });
  };
  return { providers: await build(false), skus: await build(true) };
}

/** A provider line's trace-to-margin over its invoice period (computed in trace-to-margin.ts). */
export type PeriodMargin = TraceToMargin & {
  accepted: number;
  /** The window monthly overheads were prorated over: the invoice period. */
  prorated: ProrationWindow;
  /** Why there is no loaded cost (unpriced attempts, no quality label), when there is none. */
  missing?: string;
};

