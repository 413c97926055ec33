import { requireInRange } from '../errors.js';
import { HOURS_PER_ENGINEER_WEEK } from '../units.js';

/** One-time migration cost: engineer-weeks × 40 h × hourly rate (Inference Field Guide, Part 1: 8 weeks at $150/h = $48,000). */
export function migrationCost(engineerWeeks: number, hourlyRate: number, hoursPerWeek = HOURS_PER_ENGINEER_WEEK): number {
  requireInRange('migrationEngineerWeeks', engineerWeeks, { min: 0 });
  requireInRange('migrationHourlyRate', hourlyRate, { min: 0 });
  return engineerWeeks * hoursPerWeek * hourlyRate;
}

export interface Payback {
  monthlySavings: number;
  yearlySavings: number;
  /** Months after cutover until savings repay the migration; null when the move saves nothing. */
  paybackMonths: number | null;
}

/** Payback after cutover = migration cost ÷ monthly savings (Inference Field Guide, Part 1 Volume Gate; Inference Economics Playbook, ch. 16). */
export function payback(currentMonthly: number, targetMonthly: number, oneTimeCost: number): Payback {
  requireInRange('migrationCost', oneTimeCost, { min: 0 });
  const monthlySavings = currentMonthly - targetMonthly;
  return {
    monthlySavings,
    yearlySavings: monthlySavings * 12,
    paybackMonths: monthlySavings > 0 ? oneTimeCost / monthlySavings : null,
  };
}
