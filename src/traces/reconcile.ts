import { RoutefitError } from '../engine/errors.js';
import { type PeriodLedger, type Reconciliation, reconcile } from '../engine/measured/reconciliation.js';
import type { TraceToMargin } from '../engine/measured/reconciliation.js';
import type { ProrationWindow } from '../engine/measured/proration.js';
import type { Row } from './db.js';
import type { Readable } from './metrics.js';
import { ledgerHasRows, ledgerKey, meteredRows, reconcileRows, sourceOf } from './sql/index.js';

/**
 * Trace cost vs invoice per provider × charge period (and per SKU/model where the invoice names
 * one), with the provider's usage export when imported. The reads are ./sql/ledgers.ts (any store
 * holding the ledger tables); needs the day prices.
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

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

const meterKey = ledgerKey;

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

/** Reconciles the store's invoices (needs the day prices); refuses a store without invoice lines. */
export async function reconcileStore(store: Readable, opts: ReconcileOptions = {}): Promise<{ providers: ReconcileLine[]; skus: ReconcileLine[] }> {
  const src = sourceOf(store);
  if (!(await ledgerHasRows(src, 'invoice_lines'))) throw new RoutefitError('invalid_input', 'the store holds no invoice lines: import a FOCUS CSV or an invoice CSV (period, provider, sku or model, quantity, unit, amount) first', { field: 'invoice' });
  const hasMetrics = await ledgerHasRows(src, 'metric_points');
  const build = async (bySku: boolean) => {
    const metered = new Map(hasMetrics ? (await meteredRows(src, bySku)).map((r) => [meterKey(r, bySku), { inputTokens: n(r.m_in), outputTokens: n(r.m_out) }]) : []);
    return (await reconcileRows(src, bySku)).map((r): ReconcileLine => {
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

