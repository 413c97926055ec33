import { requireInRange } from '../errors.js';

/** Cost a metering error leaves unaccounted per year: monthly spend × error × 12 (Inference Field Guide, Part 3, "The metering gap"). */
export function unaccountedCostPerYear(monthlySpend: number, meteringError: number): number {
  requireInRange('monthlySpend', monthlySpend, { min: 0 });
  requireInRange('meteringError', meteringError, { min: 0, max: 1 });
  return monthlySpend * meteringError * 12;
}
