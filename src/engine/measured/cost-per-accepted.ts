import { RoutefitError, requireInRange } from '../errors.js';

/**
 * The one measured cost per accepted output (issue 11, item 3): `traces summarize`, `traces whatif`
 * and reconcile's trace-to-margin all divide through this function, so the same inputs give the same
 * figure on every surface and each says which overheads it counted and where each came from.
 * Inference Field Guide, Part 0: (inference + repair + engineering + eval + human + ops [+ reconciliation delta]) ÷ accepted.
 */
export const OVERHEAD_NAMES = ['repair', 'engineering', 'eval', 'human', 'ops', 'invoiceDelta'] as const;
export type OverheadName = (typeof OVERHEAD_NAMES)[number];

/** One overhead for the period, in USD, with where the figure came from (workload file, flag, invoice …). */
export interface OverheadTerm {
  usd: number;
  source: string;
}

export type MeasuredOverheadTerms = Partial<Record<OverheadName, OverheadTerm>>;

export interface CostPerAcceptedInput {
  /** Measured trace (token) cost of the period, retries included, USD. */
  traceCostUsd: number;
  /** Accepted outputs in the period. */
  accepted: number;
  /** Overheads for the same period; an absent one is not included (and is listed as such). */
  overheads: MeasuredOverheadTerms;
}

export interface CostPerAcceptedResult {
  /** (trace cost + included overheads) ÷ accepted; null with no accepted output. */
  costPerAccepted: number | null;
  /** Trace cost ÷ accepted: token spend alone. */
  naiveCostPerAccepted: number | null;
  totalUsd: number;
  /** The overheads counted, in a fixed order, each with its USD and source. */
  included: { name: OverheadName; usd: number; source: string }[];
  /** The overheads not given: not counted, so the figure is a lower bound for them. */
  notIncluded: OverheadName[];
  /** The formula as one line, for text output. */
  formula: string;
}

export function measuredCostPerAccepted(x: CostPerAcceptedInput): CostPerAcceptedResult {
  requireInRange('traceCostUsd', x.traceCostUsd, { min: 0 });
  requireInRange('accepted', x.accepted, { min: 0 });
  const included: CostPerAcceptedResult['included'] = [];
  const notIncluded: OverheadName[] = [];
  for (const name of OVERHEAD_NAMES) {
    const t = x.overheads[name];
    if (t === undefined) {
      notIncluded.push(name);
      continue;
    }
    // The invoice delta may be negative (traces above the invoice); every other overhead is a cost ≥ 0.
    requireInRange(`${name} overhead`, t.usd, name === 'invoiceDelta' ? {} : { min: 0 });
    if (!t.source) throw new RoutefitError('invalid_input', `the ${name} overhead has no source: say where the figure came from`, { field: name });
    included.push({ name, usd: t.usd, source: t.source });
  }
  const totalUsd = x.traceCostUsd + included.reduce((s, t) => s + t.usd, 0);
  return {
    costPerAccepted: x.accepted > 0 ? totalUsd / x.accepted : null,
    naiveCostPerAccepted: x.accepted > 0 ? x.traceCostUsd / x.accepted : null,
    totalUsd,
    included,
    notIncluded,
    formula: `(traces${included.map((t) => ` + ${t.name}`).join('')}) ÷ accepted`,
  };
}
