import type { GroupSummary } from './metrics.js';
import type { ReconcileLine } from './reconcile.js';

/**
 * What `--json` prints for money that unpriced rows leave incomplete (issue 17, "Unpriced in JSON").
 * The text says "$0.00 + 300 unpriced"; a script reading `tokenCostUsd: 0` would sum a number that
 * is not a cost. So a total over any unpriced attempt is `null`, the unpriced count sits beside
 * it, and the sum over the priced attempts alone is kept under a name that says so.
 */

export type GroupJson = Omit<GroupSummary, 'cost' | 'lcpr'> & {
  cost: Omit<GroupSummary['cost'], 'tokenCostUsd'> & { tokenCostUsd: number | null; pricedTokenCostUsd: number };
  lcpr: Omit<GroupSummary['lcpr'], 'totalCostUsd' | 'breakdown'> & {
    totalCostUsd: number | null;
    breakdown: Omit<GroupSummary['lcpr']['breakdown'], 'tokens'> & { tokens: number | null };
  };
};

export function groupJson(g: GroupSummary): GroupJson {
  const unpriced = g.cost.unpricedAttempts > 0;
  return {
    ...g,
    cost: { ...g.cost, tokenCostUsd: unpriced ? null : g.cost.tokenCostUsd, pricedTokenCostUsd: g.cost.tokenCostUsd },
    lcpr: {
      ...g.lcpr,
      totalCostUsd: unpriced ? null : g.lcpr.totalCostUsd,
      breakdown: { ...g.lcpr.breakdown, tokens: unpriced ? null : g.lcpr.breakdown.tokens },
    },
  };
}

export type ReconcileLineJson = Omit<ReconcileLine, 'traceCostUsd'> & { traceCostUsd: number | null; pricedTraceCostUsd: number };

/** A reconcile line: the trace cost is null when unpriced attempts fell in the period (`unpricedAttempts` says how many). */
export function reconcileLineJson(l: ReconcileLine): ReconcileLineJson {
  return { ...l, traceCostUsd: l.unpricedAttempts > 0 ? null : l.traceCostUsd, pricedTraceCostUsd: l.traceCostUsd };
}
