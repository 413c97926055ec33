import { type Quantity, sourced, valueOf } from '../evidence.js';
import { RoutefitError, requireInRange } from '../errors.js';
import { type RouteResult, type RouteSpec, type WorkloadProfile, computeLcpr } from '../cost/lcpr.js';
import { type Verdict, verdict } from './verdict.js';

const PART2 = 'Inference Field Guide, Part 2, The complexity tax';
const CH21 = 'the playbook, ch. 21, Multi-Source And Background Agent Routing';

export interface MultiSourceOverhead {
  hours: [number, number];
  hourlyRate: number;
  monthlyCost: [number, number];
  cite: string;
}

/** Inference Field Guide, Part 2: two providers with two models each take 8-16 engineering hours a month; at $100/h that is $800-$1,600. */
export function multiSourceOverhead(hours: [number, number] = [8, 16], hourlyRate = 100): MultiSourceOverhead {
  requireInRange('hours.low', hours[0], { min: 0 });
  requireInRange('hours.high', hours[1], { min: hours[0] });
  requireInRange('hourlyRate', hourlyRate, { min: 0 });
  return { hours, hourlyRate, monthlyCost: [hours[0] * hourlyRate, hours[1] * hourlyRate], cite: PART2 };
}

export interface NetBenefit {
  grossSavings: number;
  overhead: number;
  netBenefit: number;
  /** overhead ÷ gross savings. */
  overheadShare: number | null;
  /** Inference Field Guide, Part 5 revert signal (Stage 1 → 0): overhead above 20% of savings. */
  revert: Verdict;
}

/** Net benefit = savings − multi-source overhead (Inference Field Guide, Part 2: $5,000 − $1,200 = $3,800), with the 20% revert rule of Part 5. */
export function multiSourceNetBenefit(grossSavings: Quantity, overhead: Quantity): NetBenefit {
  const g = requireInRange('grossSavings', valueOf(grossSavings), {});
  const o = requireInRange('overhead', valueOf(overhead), { min: 0 });
  const share = g > 0 ? o / g : null;
  const fires = share === null || share > 0.2;
  return {
    grossSavings: g,
    overhead: o,
    netBenefit: g - o,
    overheadShare: share,
    revert: verdict({
      rule: 'revert-multisource-overhead',
      title: 'Multi-source overhead vs savings (revert Stage 1 → 0)',
      status: fires ? 'fail' : 'pass',
      reason: fires
        ? `overhead is ${share === null ? 'spent with no savings' : `${(share * 100).toFixed(0)}% of the savings`} (> 20%): simplify back to a single provider`
        : `overhead is ${(share! * 100).toFixed(0)}% of the savings (≤ 20%)`,
      cite: 'Inference Field Guide, Part 5, The revert signals',
      compared: [
        { label: 'multi-source overhead (USD/month)', value: o, evidence: sourced(overhead).evidence },
        { label: 'inference savings (USD/month)', value: g, evidence: sourced(grossSavings).evidence },
        { label: 'overhead ÷ savings', value: share ?? 'n/a', threshold: '≤ 0.20' },
      ],
    }),
  };
}

export interface ProviderShare {
  route: RouteSpec;
  /** Share of the workload's requests sent to this provider. */
  share: number;
  /** Extra error (retry) rate on this provider relative to the workload's baseline. */
  errorRateDelta?: Quantity;
  /** Cache hit rate this provider sees once traffic is split (independent prefix caches). */
  cacheHitRate?: Quantity;
  qualityPassRate?: Quantity;
}

export interface SplitResult {
  providers: (RouteResult & { share: number })[];
  /** Σ monthly cost (routing overhead included) ÷ Σ accepted. */
  lcpr: number;
  monthlyCost: number;
  routingOverheadPerMonth: number;
  /** The same traffic on the first provider alone, with its unsplit cache. */
  singleSource: RouteResult;
  /** What the split costs beyond the per-token view: error retries, lost cache hits, routing. */
  hiddenCost: { errorRetries: number; cacheFragmentation: number; routing: number };
  /** What could not be counted, e.g. fragmentation on a route with no cached price to price the unsplit hit rate. */
  notes: string[];
  cite: string;
}

/**
 * Per-provider LCPR for a split workload (Inference Economics Playbook, ch. 21): each slice priced by computeLcpr with its
 * own error-rate delta and its own (fragmented) cache hit rate, plus the routing layer's cost.
 */
export function splitWorkload(profile: WorkloadProfile, providers: readonly ProviderShare[], routingOverheadPerMonth = 0): SplitResult {
  if (providers.length < 2) throw new RoutefitError('invalid_input', 'a split needs at least two providers', { field: 'providers', allowed: '2 or more' });
  const total = providers.reduce((a, p) => a + requireInRange(`providers.${p.route.id}.share`, p.share, { min: 0, max: 1 }), 0);
  if (Math.abs(total - 1) > 1e-9) throw new RoutefitError('invalid_input', `provider shares sum to ${Number(total.toPrecision(6))}; allowed exactly 1`, { field: 'providers.share', allowed: 'shares summing to 1' });
  requireInRange('routingOverheadPerMonth', routingOverheadPerMonth, { min: 0 });
  const requests = valueOf(profile.requestsPerMonth);
  const baseRetry = valueOf(profile.retryRate);
  const baseHit = valueOf(profile.cacheHitRate);
  let errorRetries = 0;
  let cacheFragmentation = 0;
  const notes: string[] = [];
  const results = providers.map((p) => {
    const delta = valueOf(p.errorRateDelta);
    requireInRange(`providers.${p.route.id}.errorRateDelta`, delta, { min: -baseRetry, max: 1 - baseRetry });
    const slice: WorkloadProfile = {
      ...profile,
      requestsPerMonth: { value: requests * p.share, evidence: sourced(profile.requestsPerMonth).evidence, source: `${(p.share * 100).toFixed(0)}% split` },
      retryRate: delta ? { value: baseRetry + delta, evidence: sourced(p.errorRateDelta!).evidence, source: 'baseline retry + provider error delta' } : profile.retryRate,
      ...(p.cacheHitRate !== undefined ? { cacheHitRate: p.cacheHitRate } : {}),
      ...(p.qualityPassRate !== undefined ? { qualityPassRate: p.qualityPassRate } : {}),
    };
    const r = computeLcpr(slice, p.route);
    if (delta) errorRetries += r.breakdown.tokens - computeLcpr({ ...slice, retryRate: profile.retryRate }, p.route).breakdown.tokens;
    if (p.cacheHitRate !== undefined && valueOf(p.cacheHitRate) !== baseHit) {
      try {
        cacheFragmentation += r.breakdown.tokens - computeLcpr({ ...slice, ...(profile.cacheHitRate !== undefined ? { cacheHitRate: profile.cacheHitRate } : { cacheHitRate: 0 }) }, p.route).breakdown.tokens;
      } catch (e) {
        if (!(e instanceof RoutefitError && e.code === 'missing_price')) throw e;
        notes.push(`${p.route.id} has no cached-input price: its cache fragmentation (at the unsplit ${baseHit} hit rate) cannot be priced and is left out of the hidden cost`);
      }
    }
    return { ...r, share: p.share };
  });
  // Fixed monthly costs (engineering, eval, ops) are charged once per slice: each provider is a stack to maintain (Inference Field Guide, Part 2).
  const monthlyCost = results.reduce((a, r) => a + r.monthlyCost, 0) + routingOverheadPerMonth;
  const accepted = results.reduce((a, r) => a + r.acceptedRequestsPerMonth, 0);
  return {
    providers: results,
    lcpr: monthlyCost / accepted,
    monthlyCost,
    routingOverheadPerMonth,
    singleSource: computeLcpr(profile, providers[0]!.route),
    hiddenCost: { errorRetries, cacheFragmentation, routing: routingOverheadPerMonth },
    notes,
    cite: CH21,
  };
}
