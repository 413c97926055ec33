import { RoutefitError, requireInRange } from '../errors.js';
import { normalCdf } from '../uncertainty/distributions.js';
import type { Step } from '../cost/lcpr.js';

/**
 * Goodput: requests per second that pass the quality gate AND meet the latency SLO (the playbook,
 * ch. 18: "accepted outputs … under SLO"). One definition for every surface: `routefit goodput`
 * computes it from rates, `traces summarize` from counted rows (`goodputFromCounts`).
 */
const CITE = 'the playbook, ch. 18 (goodput: accepted outputs under SLO)';

/** z of the 95th percentile of a standard normal. */
const Z95 = 1.6448536269514722;

export interface LatencySpread {
  p50Ms: number;
  p95Ms: number;
}

/**
 * Share of requests at or under an SLO for a latency with the given p50 and p95, read as a lognormal
 * through both: P(X ≤ slo) = Φ((ln slo − ln p50) ÷ σ), σ = (ln p95 − ln p50) ÷ z₀.₉₅.
 */
export function shareWithinSlo(spread: LatencySpread, sloMs: number, field = 'latency'): number {
  requireInRange(`${field}.p50Ms`, spread.p50Ms, { min: 0, minExclusive: true });
  requireInRange(`${field}.p95Ms`, spread.p95Ms, { min: spread.p50Ms });
  requireInRange(`${field}.sloMs`, sloMs, { min: 0, minExclusive: true });
  if (spread.p95Ms === spread.p50Ms) return sloMs >= spread.p50Ms ? 1 : 0;
  const sigma = (Math.log(spread.p95Ms) - Math.log(spread.p50Ms)) / Z95;
  return normalCdf((Math.log(sloMs) - Math.log(spread.p50Ms)) / sigma);
}

export interface GoodputInput {
  requestsPerSecond: number;
  qualityPassRate: number;
  /** Share of requests meeting the TTFT and TPOT SLOs, when known directly. */
  sloShare?: number;
  /** Or: each latency's p50/p95 and its SLO; the shares multiply (the two are read as independent). */
  ttft?: LatencySpread & { sloMs: number };
  tpot?: LatencySpread & { sloMs: number };
  /** Cost of serving, USD per request (all attempts included), for the cost per accepted output. */
  costPerRequest?: number;
}

export interface Goodput {
  requestsPerSecond: number;
  qualityPassRate: number;
  sloShare: number;
  /** Where the SLO share came from. */
  sloShareFrom: 'given' | 'latency distribution' | 'no SLO';
  ttftShare?: number;
  tpotShare?: number;
  acceptedPerSecond: number;
  /** Accepted and within SLO, per second: the goodput. */
  goodputPerSecond: number;
  goodputPerHour: number;
  /** Cost ÷ accepted (no SLO) and cost ÷ good (accepted within SLO). */
  costPerAccepted: number | null;
  costPerGoodAccepted: number | null;
  steps: Step[];
  notes: string[];
  cite: string;
}

/** Goodput from rates: requests/s × pass rate × share within SLO; cost per good accepted = cost per request ÷ (pass × SLO share). */
export function goodput(g: GoodputInput): Goodput {
  requireInRange('requestsPerSecond', g.requestsPerSecond, { min: 0 });
  requireInRange('qualityPassRate', g.qualityPassRate, { min: 0, max: 1 });
  if (g.sloShare !== undefined && (g.ttft || g.tpot)) {
    throw new RoutefitError('invalid_input', 'give the share within SLO or the latency distributions, not both', { field: 'sloShare', allowed: 'one of sloShare, ttft/tpot' });
  }
  const notes: string[] = [];
  let sloShare = 1;
  let from: Goodput['sloShareFrom'] = 'no SLO';
  let ttftShare: number | undefined;
  let tpotShare: number | undefined;
  if (g.sloShare !== undefined) {
    sloShare = requireInRange('sloShare', g.sloShare, { min: 0, max: 1 });
    from = 'given';
  } else if (g.ttft || g.tpot) {
    if (g.ttft) ttftShare = shareWithinSlo(g.ttft, g.ttft.sloMs, 'ttft');
    if (g.tpot) tpotShare = shareWithinSlo(g.tpot, g.tpot.sloMs, 'tpot');
    sloShare = (ttftShare ?? 1) * (tpotShare ?? 1);
    from = 'latency distribution';
    notes.push('SLO share from p50/p95 read as lognormal; TTFT and TPOT taken as independent (traces count the joint share directly)');
  } else {
    notes.push('no SLO given: goodput equals accepted requests per second');
  }
  // Quality and latency are taken as independent: a slow answer is as likely to pass as a fast one.
  const accepted = g.requestsPerSecond * g.qualityPassRate;
  const good = accepted * sloShare;
  let costPerAccepted: number | null = null;
  let costPerGood: number | null = null;
  if (g.costPerRequest !== undefined) {
    requireInRange('costPerRequest', g.costPerRequest, { min: 0 });
    costPerAccepted = g.qualityPassRate > 0 ? g.costPerRequest / g.qualityPassRate : null;
    costPerGood = g.qualityPassRate * sloShare > 0 ? g.costPerRequest / (g.qualityPassRate * sloShare) : null;
    if (costPerGood === null) notes.push('no request is accepted within SLO: the cost per good output is undefined, not $0');
  }
  const steps: Step[] = [
    { id: 'goodput', label: 'Goodput', formula: 'requests/s × quality pass rate × share within SLO', expression: `${g.requestsPerSecond} × ${g.qualityPassRate} × ${Number(sloShare.toPrecision(6))}`, value: good, unit: 'good requests/s', cite: CITE },
  ];
  if (costPerGood !== null) {
    steps.push({ id: 'cost', label: 'Cost per good accepted output', formula: 'cost per request ÷ (pass rate × share within SLO)', expression: `${g.costPerRequest} ÷ (${g.qualityPassRate} × ${Number(sloShare.toPrecision(6))})`, value: costPerGood, unit: 'per good output (USD)', cite: CITE });
  }
  return {
    requestsPerSecond: g.requestsPerSecond,
    qualityPassRate: g.qualityPassRate,
    sloShare,
    sloShareFrom: from,
    ...(ttftShare !== undefined ? { ttftShare } : {}),
    ...(tpotShare !== undefined ? { tpotShare } : {}),
    acceptedPerSecond: accepted,
    goodputPerSecond: good,
    goodputPerHour: good * 3600,
    costPerAccepted,
    costPerGoodAccepted: costPerGood,
    steps,
    notes,
    cite: CITE,
  };
}

/** The same definition from counted rows (traces): good = final attempts that passed within SLO. */
export function goodputFromCounts(good: number, windowSeconds: number, totalCostUsd: number | null): { perSecond: number; costPerGoodAccepted: number | null } {
  requireInRange('good', good, { min: 0 });
  requireInRange('windowSeconds', windowSeconds, { min: 0, minExclusive: true });
  return { perSecond: good / windowSeconds, costPerGoodAccepted: good > 0 && totalCostUsd !== null ? totalCostUsd / good : null };
}
