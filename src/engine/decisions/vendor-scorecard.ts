import type { Evidence } from '../evidence.js';
import { requireInRange } from '../errors.js';
import { type Compared, type GateStatus, type Verdict, verdict } from './verdict.js';

const PART4 = 'Inference Field Guide, Part 4, Vendor Evaluation';

/** Inference Field Guide, Part 4: the seven gates, in order, with what verifies each. */
export const VENDOR_GATES = [
  { id: 'model_availability', title: 'Model availability', verify: 'the model at your precision via the API, not the catalog page' },
  { id: 'latency_under_load', title: 'Latency under load', verify: 'P50/P95/P99 TTFT and inter-token latency at your concurrency for at least 7 days' },
  { id: 'throughput_economics', title: 'Throughput economics', verify: 'LCPR with your workload profile (routefit compare)' },
  { id: 'reliability', title: 'Reliability and failover', verify: '6-12 months of status-page history; assume 99.5% or lower without it' },
  { id: 'compliance', title: 'Compliance and data handling', verify: 'the ToS/DPA in writing: is a prompt stored, how long, where' },
  { id: 'integration', title: 'Integration complexity', verify: 'a proof-of-concept: hours from API key to first production-format request' },
  { id: 'pricing_trajectory', title: 'Pricing trajectory', verify: 'pricing-page history and margin signals' },
] as const;
export type VendorGateId = (typeof VENDOR_GATES)[number]['id'];

export interface GateAnswer {
  status: 'pass' | 'conditional' | 'fail';
  evidence?: Evidence;
  note?: string;
  /** A compensating control that lets a Fail stand as a Conditional Pass. */
  compensatingControl?: string;
}

/** Facts the scorecard can judge by itself; an explicit `gates` answer wins over a derived one. */
export interface VendorFacts {
  name: string;
  gates?: Partial<Record<VendorGateId, GateAnswer>>;
  servesModel?: boolean;
  /** Days of load testing at your concurrency behind the latency numbers. */
  latencyTestDays?: number;
  p99Ms?: number;
  /** Uptime over the last 6-12 months (fraction). */
  uptime?: number;
  uptimeEvidence?: Evidence;
  /** Traffic can fail over to another vendor serving the same model. */
  failover?: boolean;
  certifications?: string[];
  zeroRetentionDefault?: boolean;
  regions?: string[];
  openaiCompatible?: boolean;
  hoursToFirstRequest?: number;
  raisedPricesLast12Months?: boolean;
  lcpr?: number;
}

export interface VendorRequirements {
  p99SloMs?: number;
  uptimeRequired?: number;
  certifications?: string[];
  zeroRetention?: boolean;
  residency?: string;
  /** Regulated workload: a compliance Fail cannot be compensated. */
  regulated?: boolean;
  /** The cheapest LCPR among the vendors, for the throughput gate. */
  bestLcpr?: number;
}

export interface VendorScorecard {
  vendor: string;
  gates: Verdict[];
  outcome: 'eliminated' | 'deeper_evaluation' | 'shortlist' | 'incomplete';
  reason: string;
  cite: string;
}

/**
 * Inference Field Guide, Part 4 "Using the scorecard": each gate Pass / Conditional / Fail. A Fail eliminates unless a
 * compensating control exists: reliability can be mitigated by multi-vendor failover, compliance on a
 * regulated workload cannot. Two or more Conditionals trigger deeper evaluation.
 */
export function scoreVendor(v: VendorFacts, req: VendorRequirements = {}): VendorScorecard {
  const gates = VENDOR_GATES.map((g) => gateVerdict(g.id, g.title, g.verify, v, req));
  const fails = gates.filter((g) => g.status === 'fail');
  const conditionals = gates.filter((g) => g.status === 'conditional');
  const unknown = gates.filter((g) => g.status === 'unknown');
  let outcome: VendorScorecard['outcome'];
  let reason: string;
  if (fails.length) {
    outcome = 'eliminated';
    reason = `fails ${fails.map((g) => g.title).join(', ')} with no compensating control`;
  } else if (conditionals.length >= 2) {
    outcome = 'deeper_evaluation';
    reason = `${conditionals.length} conditional passes (${conditionals.map((g) => g.title).join(', ')}): evaluate deeper before committing`;
  } else if (unknown.length) {
    outcome = 'incomplete';
    reason = `no gate fails, but ${unknown.length} ${unknown.length === 1 ? 'is' : 'are'} unknown: ${unknown.map((g) => g.title).join(', ')}`;
  } else {
    outcome = 'shortlist';
    reason = conditionals.length ? `passes with one conditional (${conditionals[0]!.title})` : 'passes all seven gates';
  }
  return { vendor: v.name, gates, outcome, reason, cite: `${PART4}, Using the scorecard` };
}

function gateVerdict(id: VendorGateId, title: string, verify: string, v: VendorFacts, req: VendorRequirements): Verdict {
  const cite = `${PART4}, Gate ${VENDOR_GATES.findIndex((g) => g.id === id) + 1}: ${title}`;
  const explicit = v.gates?.[id];
  let status: GateStatus;
  let reason: string;
  let compared: Compared[] = [];
  let control = explicit?.compensatingControl;
  if (explicit) {
    status = explicit.status;
    reason = explicit.note ?? `scored ${explicit.status}`;
    compared = [{ label: title, value: explicit.status, ...(explicit.evidence ? { evidence: explicit.evidence } : {}) }];
  } else {
    [status, reason, compared] = derive(id, v, req);
  }
  // Compensating controls (Inference Field Guide, Part 4): reliability by failover; compliance never on a regulated workload.
  if (status === 'fail') {
    if (id === 'reliability' && v.failover && !control) control = 'multi-vendor failover on the same model';
    if (id === 'compliance' && req.regulated) {
      if (control) reason += `; "${control}" cannot compensate a compliance failure on a regulated workload`;
      control = undefined;
    }
    if (control) {
      status = 'conditional';
      reason += `; mitigated by ${control}`;
    }
  }
  return verdict({ rule: `vendor-${id}`, title, status, reason, cite, compared, measureNext: status === 'unknown' ? [verify] : [] });
}

function derive(id: VendorGateId, v: VendorFacts, req: VendorRequirements): [GateStatus, string, Compared[]] {
  switch (id) {
    case 'model_availability':
      if (v.servesModel === undefined) return ['unknown', 'unknown — verify the model and precision via the API', []];
      return [v.servesModel ? 'pass' : 'fail', v.servesModel ? 'serves the model at the needed precision' : 'does not serve the model', [{ label: 'serves the model', value: v.servesModel }]];
    case 'latency_under_load': {
      if (v.p99Ms === undefined) return ['unknown', 'unknown — load-test at your concurrency for 7+ days', []];
      const days = v.latencyTestDays ?? 0;
      const c: Compared[] = [{ label: 'P99 latency (ms)', value: v.p99Ms, threshold: req.p99SloMs !== undefined ? `≤ ${req.p99SloMs} ms` : 'your SLO' }, { label: 'days of load testing', value: days, threshold: '≥ 7' }];
      if (req.p99SloMs !== undefined && v.p99Ms > req.p99SloMs) return ['fail', `P99 ${v.p99Ms} ms breaks the ${req.p99SloMs} ms SLO`, c];
      if (days < 7) return ['conditional', `${days} days of load testing is not enough for a P99 SLO (need 7+)`, c];
      return ['pass', `P99 ${v.p99Ms} ms over ${days} days under load`, c];
    }
    case 'throughput_economics': {
      if (v.lcpr === undefined) return ['unknown', 'unknown — compute LCPR with your workload profile', []];
      requireInRange(`${v.name}.lcpr`, v.lcpr, { min: 0 });
      const c: Compared[] = [{ label: 'LCPR (USD)', value: v.lcpr }, ...(req.bestLcpr !== undefined ? [{ label: 'best LCPR among vendors (USD)', value: req.bestLcpr }] : [])];
      if (req.bestLcpr !== undefined && v.lcpr > req.bestLcpr * 1.25) return ['conditional', `LCPR ${((v.lcpr / req.bestLcpr - 1) * 100).toFixed(0)}% above the cheapest vendor`, c];
      return ['pass', 'LCPR competitive at your volume', c];
    }
    case 'reliability': {
      const uptime = v.uptime ?? 0.995;
      const ev: Evidence = v.uptime === undefined ? 'assumed' : v.uptimeEvidence ?? 'reported';
      const required = req.uptimeRequired ?? 0.999;
      const c: Compared[] = [{ label: 'uptime', value: uptime, evidence: ev, threshold: `≥ ${required}` }];
      if (uptime < required) return ['fail', `uptime ${(uptime * 100).toFixed(2)}%${v.uptime === undefined ? ' (no history given: assume 99.5% or lower)' : ''} is below ${(required * 100).toFixed(2)}%`, c];
      return ['pass', `uptime ${(uptime * 100).toFixed(2)}%`, c];
    }
    case 'compliance': {
      const needs: string[] = [];
      const c: Compared[] = [];
      if (req.certifications?.length) {
        if (!v.certifications) return ['unknown', 'unknown — get the certifications and DPA in writing', []];
        const missing = req.certifications.filter((x) => !v.certifications!.includes(x));
        c.push({ label: 'certifications', value: v.certifications.join(', ') || 'none', threshold: req.certifications.join(', ') });
        if (missing.length) needs.push(`lacks ${missing.join(', ')}`);
      }
      if (req.zeroRetention) {
        if (v.zeroRetentionDefault === undefined) return ['unknown', 'unknown — ask in writing whether prompts are stored by default', c];
        c.push({ label: 'zero retention by default', value: v.zeroRetentionDefault });
        if (!v.zeroRetentionDefault) needs.push('stores data by default');
      }
      if (req.residency) {
        if (!v.regions) return ['unknown', `unknown — confirm ${req.residency} residency in the contract`, c];
        c.push({ label: 'regions', value: v.regions.join(', '), threshold: req.residency });
        if (!v.regions.includes(req.residency)) needs.push(`no ${req.residency} residency`);
      }
      if (!c.length) return ['pass', 'no compliance requirement stated for this workload', c];
      return needs.length ? ['fail', needs.join('; '), c] : ['pass', 'default data handling matches the requirements', c];
    }
    case 'integration': {
      if (v.openaiCompatible === undefined && v.hoursToFirstRequest === undefined) return ['unknown', 'unknown — build a proof of concept and time it', []];
      const c: Compared[] = [];
      if (v.openaiCompatible !== undefined) c.push({ label: 'OpenAI-compatible API', value: v.openaiCompatible });
      if (v.hoursToFirstRequest !== undefined) c.push({ label: 'hours to first production-format request', value: v.hoursToFirstRequest, threshold: '≤ 8 (a day)' });
      if ((v.hoursToFirstRequest ?? 0) > 8) return ['conditional', 'more than a day to integrate: add it to the migration cost', c];
      return [v.openaiCompatible === false ? 'conditional' : 'pass', v.openaiCompatible === false ? 'custom API: more integration work' : 'works with a URL change', c];
    }
    case 'pricing_trajectory':
      if (v.raisedPricesLast12Months === undefined) return ['unknown', 'unknown — check pricing-page history', []];
      return [v.raisedPricesLast12Months ? 'conditional' : 'pass', v.raisedPricesLast12Months ? 'raised prices in the last 12 months: negotiate price protection' : 'no price rise in 12 months', [{ label: 'raised prices in the last 12 months', value: v.raisedPricesLast12Months }]];
  }
}

export interface NegotiationTier {
  tier: 'public_pricing' | 'committed_use' | 'custom_pricing' | 'capacity_commitment';
  advice: string;
  cite: string;
}

/** Inference Field Guide, Part 4 "Negotiating pricing tiers" by monthly spend: < $25K, $25K-$100K, $100K-$500K, $500K+. */
export function negotiationTier(monthlySpend: number): NegotiationTier {
  requireInRange('monthlySpend', monthlySpend, { min: 0 });
  const cite = `${PART4}, Negotiating pricing tiers`;
  if (monthlySpend < 25_000) return { tier: 'public_pricing', advice: "don't negotiate: use public pricing (a discount, if any, won't exceed 5-10%)", cite };
  if (monthlySpend < 100_000) return { tier: 'committed_use', advice: 'request a committed-use discount: 15-30% off for 3-6 month commitments, in writing', cite };
  if (monthlySpend < 500_000) return { tier: 'custom_pricing', advice: 'negotiate custom pricing with a named account manager: volume step-downs, price protection, 30-day out on deprecation', cite };
  return { tier: 'capacity_commitment', advice: 'negotiate capacity commitments with SLAs: dedicated capacity, custom hosting, priority support, co-developed optimizations', cite };
}
