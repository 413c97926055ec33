import type { MeasuredOverheads } from '../engine/measured/measured.js';
import type { MeasuredOverheadTerms } from '../engine/measured/cost-per-accepted.js';
import { traceToMargin } from '../engine/measured/reconciliation.js';
import { type Readable, summarize } from './metrics.js';
import { invoicePeriodRows, ledgerHasRows, sourceOf } from './sql/index.js';
import type { PeriodMargin, ReconcileLine } from './reconcile.js';
export type { PeriodMargin } from './reconcile.js';

/**
 * Trace-to-margin per invoice period (issue 11, item 3): the period's trace cost, accepted outputs and
 * overheads are `summarize`'s own aggregates over the invoice period (by provider), so reconcile counts
 * accepted outputs and prorates monthly overheads exactly as summarize and whatif do; the invoice delta is
 * the one term only reconcile adds.
 */

export async function addPeriodMargins(store: Readable, lines: ReconcileLine[], opts: { overheads: MeasuredOverheads; revenuePerAccepted?: number | undefined }): Promise<void> {
  const byPeriod = new Map<string, Awaited<ReturnType<typeof summarize>>>();
  for (const l of lines) {
    const k = `${l.periodStart}|${l.periodEnd}`;
    if (!byPeriod.has(k)) {
      const window = { from: l.periodStart, to: l.periodEnd };
      byPeriod.set(k, await summarize(store, { by: ['provider'], ...window, overheads: { ...opts.overheads, prorateOver: { periods: [{ start: l.periodStart, end: l.periodEnd }] } } }));
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
export async function invoicePeriods(store: Readable): Promise<{ start: string; end: string }[]> {
  const src = sourceOf(store);
  return (await ledgerHasRows(src, 'invoice_lines')) ? invoicePeriodRows(src) : [];
}
