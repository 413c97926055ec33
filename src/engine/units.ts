/** Billing month used throughout the seeds: 720 hours (30 days). Seed 000 Part 1 ($3.99/h → $2,873/month). */
export const HOURS_PER_MONTH = 720;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
export const DAYS_PER_MONTH = 30;
export const TOKENS_PER_MILLION = 1_000_000;
/** Engineer-week used for migration cost: 40 hours (seed 000 Part 1: 8 weeks × 40 h × $150 = $48,000). */
export const HOURS_PER_ENGINEER_WEEK = 40;
