import { requireInRange } from '../errors.js';
import { type CostPerAcceptedResult, type MeasuredOverheadTerms, measuredCostPerAccepted } from './cost-per-accepted.js';

/**
 * Trace-to-invoice reconciliation (issue 5, "Reconciliation"; Inference Field Guide, Part 5 red flag "invoice
 * variance > 10% from your LCPR model prediction"). Pure: the store aggregates, this judges.
 */

/** Variance thresholds: 5% is worth a look, 10% is Inference Field Guide, Part 5's red flag. */
export const VARIANCE_WATCH = 0.05;
export const VARIANCE_RED_FLAG = 0.1;

export interface PeriodLedger {
  provider: string;
  periodStart: string;
  periodEnd: string;
  /** Set for a per-SKU (model) line. */
  sku?: string;
  /** Usage charges on the invoice (USD). */
  invoiceUsd: number;
  /** Trace cost priced from the catalog (USD), priced attempts only. */
  traceCostUsd: number;
  tracedAttempts: number;
  retryAttempts: number;
  retryCostUsd: number;
  unpricedAttempts: number;
  unpricedTokens: number;
  tierMismatchAttempts: number;
  tierMismatchCostUsd: number;
  tracedInputTokens: number;
  tracedCachedTokens: number;
  tracedOutputTokens: number;
  /** Sum of cost_usd the client logged, when it logged any. */
  loggedCostUsd: number | null;
  /** What the provider's usage export counted in the period, when imported. */
  billed?: { requests: number | null; inputTokens: number; cachedInputTokens: number | null; outputTokens: number };
  /** Tokens the OTel GenAI metrics counted in the period (gen_ai.client.token.usage), when imported: a third source. */
  metered?: { inputTokens: number; outputTokens: number };
  /** The cache hit rate the LCPR model assumed, to test "cache hits below the assumed rate". */
  assumedCacheHitRate?: number;
}

export type CauseVerdict = 'explains_gap' | 'possible' | 'ruled_out';

export interface Cause {
  id: 'unpriced_rows' | 'uncounted_retries' | 'cache_below_assumed' | 'cache_billed_below_traced' | 'tier_mismatch' | 'token_drift' | 'logged_cost_differs' | 'traces_incomplete';
  verdict: CauseVerdict;
  finding: string;
  /** USD the cause accounts for, where the data can say. */
  impactUsd?: number;
}

export interface Reconciliation {
  provider: string;
  periodStart: string;
  periodEnd: string;
  sku?: string;
  invoiceUsd: number;
  traceCostUsd: number;
  /** invoice − traces: positive when the invoice is higher. */
  deltaUsd: number;
  /** delta ÷ invoice (the base is the invoice: the number finance holds); null on a $0 invoice. */
  deltaPct: number | null;
  deltaBase: 'invoice';
  flag: 'ok' | 'over_5pct' | 'over_10pct';
  causes: Cause[];
  /** Tokens the OTel metrics counted, beside the traces' and the invoice's, when imported. */
  metered?: { inputTokens: number; outputTokens: number; tracedInputTokens: number; tracedOutputTokens: number };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const usd = (v: number) => `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function reconcile(p: PeriodLedger): Reconciliation {
  requireInRange('invoiceUsd', p.invoiceUsd, {});
  requireInRange('traceCostUsd', p.traceCostUsd, { min: 0 });
  const delta = p.invoiceUsd - p.traceCostUsd;
  const deltaPct = p.invoiceUsd !== 0 ? delta / p.invoiceUsd : null;
  const size = deltaPct === null ? (delta === 0 ? 0 : Infinity) : Math.abs(deltaPct);
  const flag = size > VARIANCE_RED_FLAG ? 'over_10pct' : size > VARIANCE_WATCH ? 'over_5pct' : 'ok';
  const causes: Cause[] = [];
  const under = delta > 0; // invoice above traces: something billed is missing from the trace cost
  const perAttempt = p.tracedAttempts > p.unpricedAttempts ? p.traceCostUsd / (p.tracedAttempts - p.unpricedAttempts) : 0;

  if (p.unpricedAttempts > 0) {
    causes.push({
      id: 'unpriced_rows',
      verdict: under ? 'explains_gap' : 'possible',
      finding: `${p.unpricedAttempts} traced attempts (${p.unpricedTokens.toLocaleString('en-US')} tokens) have no catalog price, so the trace cost leaves them out`,
      impactUsd: p.unpricedAttempts * perAttempt,
    });
  }
  if (p.billed?.requests !== null && p.billed?.requests !== undefined) {
    const extra = p.billed.requests - p.tracedAttempts;
    causes.push(
      extra > 0
        ? {
            id: 'uncounted_retries',
            verdict: under ? 'explains_gap' : 'possible',
            finding: `the provider counted ${extra.toLocaleString('en-US')} more requests than the traces hold (${p.billed.requests.toLocaleString('en-US')} vs ${p.tracedAttempts.toLocaleString('en-US')}): retries or callers that are not traced`,
            impactUsd: extra * perAttempt,
          }
        : { id: 'uncounted_retries', verdict: 'ruled_out', finding: `the traces hold every request the provider counted (${p.tracedAttempts.toLocaleString('en-US')} ≥ ${p.billed.requests.toLocaleString('en-US')})` },
    );
  } else if (p.retryAttempts === 0 && p.tracedAttempts > 0) {
    causes.push({ id: 'uncounted_retries', verdict: under ? 'possible' : 'ruled_out', finding: 'the traces hold no retry attempts (attempt ≥ 1): if clients retry, the provider bills attempts the traces do not have' });
  }
  const tracedCache = p.tracedInputTokens > 0 ? p.tracedCachedTokens / p.tracedInputTokens : 0;
  if (p.assumedCacheHitRate !== undefined) {
    const gap = p.assumedCacheHitRate - tracedCache;
    causes.push(
      gap > 0.01
        ? { id: 'cache_below_assumed', verdict: 'possible', finding: `cache hits are ${pct(tracedCache)} of input tokens, below the assumed ${pct(p.assumedCacheHitRate)}: a model built on the assumption underestimates the bill` }
        : { id: 'cache_below_assumed', verdict: 'ruled_out', finding: `cache hits (${pct(tracedCache)}) are at or above the assumed ${pct(p.assumedCacheHitRate)}` },
    );
  }
  if (p.billed && p.billed.cachedInputTokens !== null && p.billed.inputTokens > 0) {
    const billedCache = p.billed.cachedInputTokens / p.billed.inputTokens;
    if (tracedCache - billedCache > 0.01) {
      causes.push({ id: 'cache_billed_below_traced', verdict: under ? 'explains_gap' : 'possible', finding: `the provider billed ${pct(billedCache)} of input as cache reads; the traces logged ${pct(tracedCache)}` });
    }
  }
  if (p.tierMismatchAttempts > 0) {
    causes.push({
      id: 'tier_mismatch',
      verdict: 'possible',
      finding: `${p.tierMismatchAttempts.toLocaleString('en-US')} attempts were served on a different tier than requested (${usd(p.tierMismatchCostUsd)} of trace cost, priced at the tier served)`,
    });
  }
  if (p.billed && p.billed.inputTokens + p.billed.outputTokens > 0) {
    const driftIn = p.billed.inputTokens > 0 ? (p.billed.inputTokens - p.tracedInputTokens) / p.billed.inputTokens : 0;
    const driftOut = p.billed.outputTokens > 0 ? (p.billed.outputTokens - p.tracedOutputTokens) / p.billed.outputTokens : 0;
    const drifting = Math.abs(driftIn) > 0.02 || Math.abs(driftOut) > 0.02;
    causes.push({
      id: 'token_drift',
      verdict: !drifting ? 'ruled_out' : (driftIn + driftOut > 0) === under ? 'explains_gap' : 'possible',
      finding: `billed tokens exceed logged ones by ${pct(driftIn)} (input) and ${pct(driftOut)} (output)${drifting ? '' : ': within 2%'}`,
    });
  }
  if (p.metered && p.metered.inputTokens + p.metered.outputTokens > 0) {
    // Inference Field Guide, Part 5 invoice variance ("metering"): metrics count every call; traces can be sampled or dropped.
    const metered = p.metered.inputTokens + p.metered.outputTokens;
    const traced = p.tracedInputTokens + p.tracedOutputTokens;
    const missing = (metered - traced) / metered;
    causes.push(
      missing > 0.02
        ? {
            id: 'traces_incomplete',
            verdict: under ? 'explains_gap' : 'possible',
            finding: `the OTel metrics counted ${metered.toLocaleString('en-US')} tokens, the traces hold ${traced.toLocaleString('en-US')} (${pct(missing)} missing): calls absent from the traces (sampling, dropped logs)`,
            ...(traced > 0 ? { impactUsd: p.traceCostUsd * (metered / traced - 1) } : {}),
          }
        : missing < -0.02
          ? { id: 'traces_incomplete', verdict: 'possible', finding: `the traces hold ${pct(-missing)} more tokens than the OTel metrics counted: duplicated rows, or metrics from part of the fleet only` }
          : { id: 'traces_incomplete', verdict: 'ruled_out', finding: `the traces hold the tokens the OTel metrics counted (within 2%)` },
    );
  }
  if (p.loggedCostUsd !== null && p.traceCostUsd > 0 && Math.abs(p.loggedCostUsd - p.traceCostUsd) / p.traceCostUsd > 0.02) {
    causes.push({ id: 'logged_cost_differs', verdict: 'possible', finding: `costs the client logged sum to ${usd(p.loggedCostUsd)}; catalog pricing of the same tokens gives ${usd(p.traceCostUsd)}: a stale price in the client or in the catalog` });
  }
  return {
    provider: p.provider,
    periodStart: p.periodStart,
    periodEnd: p.periodEnd,
    ...(p.sku ? { sku: p.sku } : {}),
    invoiceUsd: p.invoiceUsd,
    traceCostUsd: p.traceCostUsd,
    deltaUsd: delta,
    deltaPct,
    deltaBase: 'invoice',
    flag,
    causes,
    ...(p.metered ? { metered: { ...p.metered, tracedInputTokens: p.tracedInputTokens, tracedOutputTokens: p.tracedOutputTokens } } : {}),
  };
}

export interface MarginInputs {
  /** Trace cost of the period (USD) and accepted outputs: the summarize aggregates over the invoice period. */
  traceCostUsd: number;
  accepted: number;
  /** The overheads of the same period, as `measuredLcpr` computed them (repair, engineering, eval, human, ops). */
  overheads: MeasuredOverheadTerms;
  /** invoice − traces for the period: the reconciliation delta term. */
  deltaUsd: number;
  revenuePerAccepted?: number;
}

export interface TraceToMargin {
  /** (trace + overheads + delta) ÷ accepted; null with no accepted unit. */
  loadedCostPerAccepted: number | null;
  /** Trace cost ÷ accepted: what a dashboard of token spend alone shows. */
  naiveCostPerAccepted: number | null;
  /** loaded ÷ naive: how much the token view understates the cost of an accepted unit. */
  loadedOverNaive: number | null;
  marginPerAccepted: number | null;
  marginPct: number | null;
  /** Each term of the numerator, USD for the period. */
  parts: { traceCostUsd: number; deltaUsd: number; evalUsd: number; humanUsd: number; opsUsd: number; engineeringUsd: number; repairUsd: number; totalUsd: number };
  /** The overheads counted, with USD and source (the one definition: cost-per-accepted.ts). */
  overheadsIncluded: CostPerAcceptedResult['included'];
  overheadsNotIncluded: CostPerAcceptedResult['notIncluded'];
}

/**
 * Trace-to-margin (Inference Field Guide, Part 0: "splitting engineering_cost into eval grader cost,
 * human escalation, operational overhead, and a reconciliation delta term"): the measured cost per accepted
 * output of the period plus the invoice delta, through the one function (cost-per-accepted.ts);
 * naive = trace ÷ accepted; margin = revenue per unit − loaded.
 */
export function traceToMargin(m: MarginInputs): TraceToMargin {
  for (const k of ['traceCostUsd', 'accepted'] as const) requireInRange(k, m[k], { min: 0 });
  requireInRange('deltaUsd', m.deltaUsd, {});
  const overheads: MeasuredOverheadTerms = { ...m.overheads, invoiceDelta: { usd: m.deltaUsd, source: 'invoice − traces' } };
  const unified = measuredCostPerAccepted({ traceCostUsd: m.traceCostUsd, accepted: m.accepted, overheads });
  const usd = (n: keyof MeasuredOverheadTerms) => overheads[n]?.usd ?? 0;
  const parts = { traceCostUsd: m.traceCostUsd, deltaUsd: m.deltaUsd, evalUsd: usd('eval'), humanUsd: usd('human'), opsUsd: usd('ops'), engineeringUsd: usd('engineering'), repairUsd: usd('repair'), totalUsd: unified.totalUsd };
  const loaded = unified.costPerAccepted;
  const naive = unified.naiveCostPerAccepted;
  const ratio = loaded !== null && naive !== null && naive > 0 ? loaded / naive : null;
  const listed = { overheadsIncluded: unified.included, overheadsNotIncluded: unified.notIncluded };
  if (loaded === null || m.revenuePerAccepted === undefined) return { loadedCostPerAccepted: loaded, naiveCostPerAccepted: naive, loadedOverNaive: ratio, marginPerAccepted: null, marginPct: null, parts, ...listed };
  requireInRange('revenuePerAccepted', m.revenuePerAccepted, { min: 0, minExclusive: true });
  return { loadedCostPerAccepted: loaded, naiveCostPerAccepted: naive, loadedOverNaive: ratio, marginPerAccepted: m.revenuePerAccepted - loaded, marginPct: (m.revenuePerAccepted - loaded) / m.revenuePerAccepted, parts, ...listed };
}
