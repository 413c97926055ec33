import { type RouteResult, type RouteSpec, type WorkloadProfile, computeLcpr } from './lcpr.js';

export interface VariableCost {
  /** USD per accepted output that scales with volume: tokens, retries, repair, human escalation. */
  perAccepted: number;
  /** The fixed monthly costs left out (USD/month), so a caller can say so or load the other side alike. */
  excludedMonthly: { engineering: number; eval: number; ops: number; invoiceDelta: number };
  lcpr: RouteResult;
}

/**
 * A route's cost per accepted output without the fixed monthly overheads (engineering, eval, ops,
 * invoice delta): the per-output rate to set against a GPU's hourly price (Inference Economics Playbook, ch. 18's
 * C_serverless). The full LCPR spreads a fixed $800/month of engineering over the volume, which a
 * bare-GPU side does not carry: comparing the two is not the same basis (issue 11 item 5).
 */
export function variableCostPerAccepted(profile: WorkloadProfile, route: RouteSpec): VariableCost {
  const full = computeLcpr(profile, route, { explain: false });
  const b = full.breakdown;
  const excludedMonthly = { engineering: b.engineering, eval: b.eval, ops: b.ops, invoiceDelta: b.invoiceDelta };
  const fixed = b.engineering + b.eval + b.ops + b.invoiceDelta;
  return { perAccepted: (full.monthlyCost - fixed) / full.acceptedRequestsPerMonth, excludedMonthly, lcpr: full };
}
