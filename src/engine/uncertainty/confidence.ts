import { type ConfidenceStatus, type Sourced, isAssumption } from '../evidence.js';
import { RoutefitError } from '../errors.js';

/**
 * A measurement older than this turns `stale`. Inference Economics Playbook, ch. 15 "Update the routefit matrix quarterly",
 * ch. 16 "Review the decision quarterly"; Inference Field Guide, Part 0 "Review pricing monthly". The quarter is the
 * default; surfaces may pass another age.
 */
export const STALE_AFTER_DAYS = 90;

/** Catalog prices are neither an assumption about your workload nor a measurement of it. */
export type InputStatus = ConfidenceStatus | 'published';

export interface Confidence {
  status: InputStatus;
  /** The status before the age check (what the file said, or what its evidence label implies). */
  declared: InputStatus;
  /** Days between measuredAt and the as-of date, when both are known. */
  ageDays?: number;
  /** Nobody has measured it (assumed or stale): a candidate for the value-of-information ranking. */
  unmeasured: boolean;
  reason: string;
}

export interface ConfidenceOptions {
  /** The date the decision is made (YYYY-MM-DD); without it nothing can turn stale. */
  asOf?: string;
  staleAfterDays?: number;
}

const DAY_MS = 86_400_000;

function days(from: string, to: string, field: string): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(a)) throw new RoutefitError('invalid_input', `${field}.measuredAt is "${from}"; allowed a date YYYY-MM-DD`, { field, allowed: 'YYYY-MM-DD' });
  if (Number.isNaN(b)) throw new RoutefitError('invalid_input', `as-of date is "${to}"; allowed a date YYYY-MM-DD`, { field: 'asOf', allowed: 'YYYY-MM-DD' });
  return Math.round((b - a) / DAY_MS);
}

/** The status an evidence label implies when the input does not declare one (Inference Field Guide, Part 0 confidence table). */
export function statusFromEvidence(s: Sourced): InputStatus {
  if (isAssumption(s.evidence)) return 'assumed';
  switch (s.evidence) {
    case 'measured':
      return 'measured_in_logs';
    case 'contracted':
      return 'contract_confirmed';
    case 'invoice_reconciled':
      return 'invoice_reconciled';
    default:
      // public, reported, derived: catalog prices.
      return 'published';
  }
}

/** Assumption confidence of one input: its declared or implied status, turned `stale` past the age. */
export function confidenceOf(field: string, s: Sourced, opts: ConfidenceOptions = {}): Confidence {
  const declared: InputStatus = s.status ?? statusFromEvidence(s);
  const maxAge = opts.staleAfterDays ?? STALE_AFTER_DAYS;
  if (!(maxAge > 0) || !Number.isFinite(maxAge)) {
    throw new RoutefitError('invalid_input', `staleAfterDays is ${maxAge}; allowed 0 < value`, { field: 'staleAfterDays', allowed: '0 < value' });
  }
  const measurement = declared !== 'assumed' && declared !== 'stale' && declared !== 'published';
  if (s.measuredAt !== undefined && opts.asOf !== undefined) {
    const ageDays = days(s.measuredAt, opts.asOf, field);
    if (measurement && ageDays > maxAge) {
      return { status: 'stale', declared, ageDays, unmeasured: true, reason: `${declared} on ${s.measuredAt}, ${ageDays} days before ${opts.asOf} (stale after ${maxAge})` };
    }
    return { status: declared, declared, ageDays, unmeasured: declared === 'assumed' || declared === 'stale', reason: `${declared} on ${s.measuredAt}` };
  }
  const reason = s.status ? `declared ${s.status}` : `from evidence "${s.evidence}"`;
  return { status: declared, declared, unmeasured: declared === 'assumed' || declared === 'stale', reason };
}

/**
 * Default relative half-width of an input's spread when it declares none (issue 6: assumed wide,
 * estimated medium, measured narrow). Widths are ours, not the seeds': the seed's table only says which
 * inputs are assumed ("Varies 70-99%", "often 2-3x initial estimate"), so ±50% is a deliberately wide guess.
 */
export function defaultHalfWidth(s: Sourced, status: InputStatus): { halfWidth: number; basis: string } {
  switch (status) {
    case 'assumed':
      if (s.evidence === 'estimated') return { halfWidth: 0.25, basis: 'estimated: ±25%' };
      if (s.evidence === 'industry_estimate') return { halfWidth: 0.4, basis: 'industry estimate: ±40%' };
      return { halfWidth: 0.5, basis: 'assumed: ±50%' };
    case 'stale':
      return { halfWidth: 0.25, basis: 'stale measurement: ±25%' };
    case 'measured_in_logs':
      return { halfWidth: 0.05, basis: 'measured in logs: ±5%' };
    case 'load_tested':
      return { halfWidth: 0.1, basis: 'load tested: ±10% (a load test is not production traffic)' };
    case 'invoice_reconciled':
      return { halfWidth: 0.02, basis: 'invoice reconciled: ±2%' };
    case 'contract_confirmed':
      return { halfWidth: 0, basis: 'contract confirmed: exact' };
    case 'published':
      if (s.evidence === 'reported') return { halfWidth: 0.1, basis: 'reported: ±10%' };
      if (s.evidence === 'derived') return { halfWidth: 0.15, basis: 'derived: ±15%' };
      return { halfWidth: 0, basis: 'published: exact' };
  }
}
