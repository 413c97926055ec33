/** Billing month used throughout the seeds: 720 hours (30 days). Inference Field Guide, Part 1 ($3.99/h → $2,873/month). */
export const HOURS_PER_MONTH = 720;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
export const DAYS_PER_MONTH = 30;
export const TOKENS_PER_MILLION = 1_000_000;
/** Engineer-week used for migration cost: 40 hours (Inference Field Guide, Part 1: 8 weeks × 40 h × $150 = $48,000). */
export const HOURS_PER_ENGINEER_WEEK = 40;

/** Significant digits of rates, ratios and unit prices wherever they are printed (issue 11 item 9). */
export const RATE_SIGNIFICANT_DIGITS = 6;

/**
 * A rate, ratio or unit price to 6 significant digits, for working and CSV: 0.0014462063633660423 →
 * 0.00144621, 50.00000000000004 → 50; the integer part of a large number stays whole (12451.45631067961 → 12451.5).
 */
export function sig6(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const intDigits = Math.floor(Math.log10(Math.abs(x))) + 1;
  return Number(x.toPrecision(Math.min(21, Math.max(RATE_SIGNIFICANT_DIGITS, intDigits)))) || 0;
}
