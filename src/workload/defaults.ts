import type { Sourced } from '../engine/evidence.js';

const SOURCE = 'routefit default: seed 000 Part 0 assumption-confidence table';

/**
 * Defaults for inputs a workload file leaves out (seed 000 Part 0, "Every LCPR input is an assumption
 * until measured"): each labelled with the table's confidence.
 */
export const DEFAULTS = {
  retryRate: { value: 0.03, evidence: 'assumed', source: SOURCE },
  qualityPassRate: { value: 0.95, evidence: 'assumed', source: SOURCE },
  outputTokens: { value: 400, evidence: 'assumed', source: SOURCE },
  engineeringHoursPerMonth: { value: 8, evidence: 'estimated', source: SOURCE },
  utilization: { value: 0.4, evidence: 'industry_estimate', source: SOURCE },
  repairCostPerFailure: { value: 0.002, evidence: 'assumed', source: SOURCE },
  engineeringHourlyRate: { value: 100, evidence: 'assumed', source: 'routefit default: seed 000 Part 1 (the calculator defaults to $100/h)' },
} as const satisfies Record<string, Sourced>;

export function isDefault(s: Sourced): boolean {
  return s.source?.startsWith('routefit default') ?? false;
}
