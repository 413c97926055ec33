/**
 * Evidence labels: how much a number can be trusted. Workload inputs use the first six
 * (Inference Field Guide, Part 0, assumption-confidence table); catalog prices use public/reported/derived/assumed.
 */
export const WORKLOAD_EVIDENCE = [
  'assumed',
  'estimated',
  'industry_estimate',
  'measured',
  'contracted',
  'invoice_reconciled',
] as const;
export const PRICE_EVIDENCE = ['public', 'reported', 'derived', 'assumed'] as const;
export const EVIDENCE = [...new Set([...WORKLOAD_EVIDENCE, ...PRICE_EVIDENCE])] as const;

export type WorkloadEvidence = (typeof WORKLOAD_EVIDENCE)[number];
export type PriceEvidence = (typeof PRICE_EVIDENCE)[number];
export type Evidence = WorkloadEvidence | PriceEvidence;

/** A number with where it came from. */
export interface Sourced {
  value: number;
  evidence: Evidence;
  source?: string;
  /** How far the value may be off (see distributions.ts); absent: a default spread follows the evidence. */
  uncertainty?: UncertaintySpec;
  /** Assumption-confidence status (see confidence.ts); absent: derived from `evidence`. */
  status?: ConfidenceStatus;
  /** When the value was measured (YYYY-MM-DD); a measurement older than the stale age turns `stale`. */
  measuredAt?: string;
}

export const DISTRIBUTIONS = ['triangular', 'uniform', 'normal', 'lognormal'] as const;
export type DistributionKind = (typeof DISTRIBUTIONS)[number];

/** A declared spread for one input. */
export interface UncertaintySpec {
  /** Low and high plausible values; triangular/uniform: the support, normal/lognormal: P5 and P95. */
  range?: [number, number];
  /** Shape over the range; triangular (mode = value) when only a range is given. */
  dist?: DistributionKind;
  /** Sampling error of a measured value (e.g. from the Trace Kit): a normal around the value. */
  standardError?: number;
  /** Requests a measured rate was computed from: standard error √(p̃(1−p̃)/(n+4)), p̃ = (pn+2)/(n+4) (Agresti–Coull; ≈ √(p(1−p)/n) for large n). */
  sampleSize?: number;
}

/** Inference Field Guide, Part 0: "Replace each Assumed with Measured from logs"; Part 0 reconciliation; contracts. */
export const CONFIDENCE_STATUSES = ['assumed', 'measured_in_logs', 'load_tested', 'invoice_reconciled', 'contract_confirmed', 'stale'] as const;
export type ConfidenceStatus = (typeof CONFIDENCE_STATUSES)[number];

/** What engine functions accept: a bare number (labelled `assumed`) or a sourced one. */
export type Quantity = number | Sourced;

export function sourced(q: Quantity, fallbackSource?: string): Sourced {
  if (typeof q === 'number') return fallbackSource ? { value: q, evidence: 'assumed', source: fallbackSource } : { value: q, evidence: 'assumed' };
  return q;
}

export function valueOf(q: Quantity | undefined, fallback = 0): number {
  if (q === undefined) return fallback;
  return typeof q === 'number' ? q : q.value;
}

/** Labels that mean "nobody has measured this yet". */
export function isAssumption(e: Evidence): boolean {
  return e === 'assumed' || e === 'estimated' || e === 'industry_estimate';
}
