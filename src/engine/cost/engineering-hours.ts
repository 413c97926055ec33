import type { DeploymentMode } from './lcpr.js';
import { requireInRange } from '../errors.js';

export interface HoursBand {
  setupHours: [number, number];
  monthlyHours: [number, number];
  source: string;
}

/** Inference Field Guide, Part 1 "The engineering hours reality": setup (one-time, per workload) and ongoing hours by deployment mode. Closed APIs are not in the table. */
export const ENGINEERING_HOURS: Partial<Record<DeploymentMode, HoursBand>> = {
  serverless: { setupHours: [2, 8], monthlyHours: [2, 5], source: 'from provider onboarding docs' },
  managed_dedicated: { setupHours: [8, 20], monthlyHours: [5, 10], source: 'from Decagon/Cursor case patterns' },
  self_managed: { setupHours: [40, 80], monthlyHours: [30, 60], source: 'from Lambda/CoreWeave community data' },
};

/** Inference Field Guide, Part 1: fully loaded engineer cost of $100-$200/h. */
export const LOADED_ENGINEER_RATE: [number, number] = [100, 200];

export interface EngineeringOverhead {
  mode: DeploymentMode;
  monthlyHours: [number, number];
  setupHours: [number, number];
  hourlyRate: [number, number];
  /** low hours × low rate … high hours × high rate. */
  monthlyCost: [number, number];
  setupCost: [number, number];
  cite: string;
}

/** Engineering overhead of a deployment mode in USD (Inference Field Guide, Part 1: self-managed 30-60 h at $100-$200/h = $3,000-$12,000/month). */
export function engineeringOverhead(mode: DeploymentMode, hourlyRate: [number, number] = LOADED_ENGINEER_RATE): EngineeringOverhead | null {
  const band = ENGINEERING_HOURS[mode];
  if (!band) return null;
  requireInRange('hourlyRate.low', hourlyRate[0], { min: 0 });
  requireInRange('hourlyRate.high', hourlyRate[1], { min: hourlyRate[0] });
  return {
    mode,
    monthlyHours: band.monthlyHours,
    setupHours: band.setupHours,
    hourlyRate,
    monthlyCost: [band.monthlyHours[0] * hourlyRate[0], band.monthlyHours[1] * hourlyRate[1]],
    setupCost: [band.setupHours[0] * hourlyRate[0], band.setupHours[1] * hourlyRate[1]],
    cite: 'Inference Field Guide, Part 1, The engineering hours reality',
  };
}
