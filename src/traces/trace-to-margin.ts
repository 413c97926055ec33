import type { MeasuredOverheads } from '../engine/measured/measured.js';
import type { MeasuredOverheadTerms } from '../engine/measured/cost-per-accepted.js';
import { traceToMargin } from '../engine/measured/reconciliation.js';
import { type Store, query } from './db.js';
import { type GroupSummary, type SummaryOptions, summarize } from './metrics.js';
import type { PeriodMargin, ReconcileLine } from './reconcile.js';
export type { PeriodMargin } from './reconcile.js';

/**
 * Trace-to-margin per invoice period (issue 11, item 3): the period's trace cost, accepted outputs and
 * overheads are `summarize`'s own aggregates over the invoice period (by provider), so reconcile counts
 * accepted outputs and prorates monthly overheads exactly as summarize and whatif do; the invoice delta is
 * the one term only reconcile adds.
 */

export async function addPeriodMargins(
  store: Store | ((opts: SummaryOptions) => Promise<GroupSummary[]>),
  lines: ReconcileLine[],
  opts: { overheads: MeasuredOverheads; revenuePerAccepted?: number | undefined },
): Promise<void> {
  // Any store's summarize (the ClickHouse store passes its own): the margin is summarize's aggregates whatever the store.
  const summarizeOf = typeof store === 'function' ? store : (o: SummaryOptions) => summarize(store, o);
  const byPeriod = new Map<string, GroupSummary[]>();
  for (const l of lines) {
    const k = `${l.periodStart}|${l.periodEnd}`;
    if (!byPeriod.has(k)) {
      const window = { from: l.periodStart, to: l.periodEnd };
      byPeriod.set(k, await summarizeOf({ by: ['provider'], ...window, overheads: { ...opts.overheads, prorateOver: { periods: [{ start: l.periodStart, end: l.periodEnd }] } } }));
    }
    // A request counts with the provider of its first attempt, as in summarize --by provider.
    const g = byPeriod.get(k)!.find((x) => x.key.provider === l.provider);
    if (!g) continue;
    const terms: MeasuredOverheadTerms = Object.fromEntries(g.lcpr.overheadsIncluded.map((t) => [t.name, { usd: t.usd, source: t.source }]));
    const accepted = g.lcpr.accepted ?? 0;
    // No honest figure (unpriced attempts, no label): the margin says why instead of dividing.
    const m = traceToMargin({ traceCostUsd: g.cost.tokenCostUsd, accepted: g.lcpr.missing ? 0 : accepted, overheads: terms, deltaUsd: l.deltaUsd, ...(opts.revenuePerAccepted !== undefined ? { revenuePerAccepted: opts.revenuePerAccepted } : {}) });
    l.margin = { ...m, accepted, prorated: g.lcpr.prorated, ...(g.lcpr.missing ? { missing: g.lcpr.missing } : {}) };
  }
}

/** The invoice periods the store holds (ISO, UTC): summarize prorates over them when they cover the traced span. */
export async function invoicePeriods(store: Store): Promise<{ start: string; end: string }[]> {
  const rows = await query(store.conn, `SELECT DISTINCT strftime(period_start, '%Y-%m-%dT%H:%M:%SZ') AS s, strftime(period_end, '%Y-%m-%dT%H:%M:%SZ') AS e FROM invoice_lines ORDER BY 1`);
  return rows.map((r) => ({ start: String(r.s), end: String(r.e) }));
}
