/**
 * Evidence labels: how much a number can be trusted. Workload inputs use the first six
 * (seed 000 Part 0, assumption-confidence table); catalog prices use public/reported/derived/assumed.
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
}

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
