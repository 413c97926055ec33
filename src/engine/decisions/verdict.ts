import { type Evidence, type Quantity, type Sourced, isAssumption, sourced } from '../evidence.js';

/**
 * The shape every decision rule returns, so each surface can show the rule, the numbers it
 * compared and how far those numbers can be trusted (issue 4: "a verdict resting on assumptions says so").
 */
export type GateStatus = 'pass' | 'conditional' | 'fail' | 'unknown';

/** A yes/no fact from a fleet file: a bare boolean is an assumption until someone says where it came from. */
export type Flag = boolean | { value: boolean; evidence: Evidence; source?: string };

export interface FlagFact {
  value: boolean;
  evidence: Evidence;
  source?: string;
}

export function flag(f: Flag): FlagFact {
  return typeof f === 'boolean' ? { value: f, evidence: 'assumed' } : f;
}

/** One number or fact a rule compared, with its evidence label and, when there is one, the threshold. */
export interface Compared {
  label: string;
  value: number | boolean | string;
  evidence?: Evidence;
  source?: string;
  threshold?: string;
}

export interface Verdict {
  /** Stable id of the rule, e.g. `volume-gate`. */
  rule: string;
  title: string;
  status: GateStatus;
  /** One sentence: why this status. */
  reason: string;
  /** Where the rule comes from. */
  cite: string;
  compared: Compared[];
  /** True when any compared number is assumed or estimated rather than measured. */
  restsOnAssumptions: boolean;
  /** What to measure to turn `unknown` (or an assumption) into evidence. */
  measureNext: string[];
}

export function numberFact(label: string, q: Quantity, threshold?: string): Compared {
  const s: Sourced = sourced(q);
  return { label, value: s.value, evidence: s.evidence, ...(s.source ? { source: s.source } : {}), ...(threshold ? { threshold } : {}) };
}

export function flagFact(label: string, f: Flag): Compared {
  const s = flag(f);
  return { label, value: s.value, evidence: s.evidence, ...(s.source ? { source: s.source } : {}) };
}

/** Builds a verdict and derives `restsOnAssumptions` from the evidence of what it compared. */
export function verdict(v: Omit<Verdict, 'restsOnAssumptions' | 'measureNext'> & { measureNext?: string[] }): Verdict {
  return {
    ...v,
    measureNext: v.measureNext ?? [],
    restsOnAssumptions: v.compared.some((c) => c.evidence !== undefined && isAssumption(c.evidence)),
  };
}

/** The weakest label among inputs: one assumption makes the whole conclusion an assumption. */
export function weakestEvidence(labels: readonly Evidence[]): 'measured' | 'modeled' | 'estimated' {
  if (labels.some((e) => isAssumption(e))) return 'estimated';
  if (labels.every((e) => e === 'measured' || e === 'invoice_reconciled' || e === 'contracted')) return 'measured';
  return 'modeled';
}

/** Months as a verdict prints them: one decimal, "under 0.1" rather than a misleading 0.0. */
export function fmtMonths(m: number | null): string {
  if (m === null) return 'never';
  return m < 0.1 ? 'under 0.1 months' : `${m.toFixed(1)} months`;
}
