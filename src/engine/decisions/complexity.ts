import { RoutefitError, requireInRange } from '../errors.js';

/** Inference Field Guide, Part 1 "Assessing migration complexity": six factors, each Low (1), Medium (2) or High (3), in the seed's order. */
export const COMPLEXITY_FACTORS = [
  { id: 'workloadCount', label: 'Workload count', levels: ['1-2 models, single use case', '3-5 models, 2-3 use cases', '6+ models, mixed latency/throughput requirements'] },
  { id: 'promptPortability', label: 'Prompt portability', levels: ['Simple prompts, no structured output', 'Moderate prompt engineering, JSON mode', 'Complex chains, tool use, function calling, custom schemas'] },
  { id: 'qualityInfrastructure', label: 'Quality infrastructure', levels: ['No formal evals', 'Basic eval suite (<50 test cases)', 'Comprehensive evals (500+ cases), regression testing, human-in-loop'] },
  { id: 'latencySensitivity', label: 'Latency sensitivity', levels: ['Batch/async (>5s acceptable)', 'Interactive (<2s P95 required)', 'Real-time (<500ms P95, voice, streaming)'] },
  { id: 'teamInferenceMaturity', label: 'Team inference maturity', levels: ['No ML infra expertise', '1-2 engineers with vLLM/serving experience', 'Dedicated inference team (3+)'] },
  { id: 'integrationDepth', label: 'Integration depth', levels: ['Single API call, stateless', 'SDK integration, session state, caching logic', 'Multi-system (gateway, observability, billing, compliance)'] },
] as const;

export type ComplexityTier = 'Simple' | 'Standard' | 'Complex';

export interface TierSpec {
  tier: ComplexityTier;
  scoreRange: [number, number];
  timelineWeeks: [number, number];
  engineers: [number, number] | null;
  /** Engineer-weeks of migration work for this kind of migration (Inference Field Guide, Part 1, Gate 1 list). */
  engineerWeeks: [number, number];
  approach: string;
}

/** Inference Field Guide, Part 1: the three tiers with their timelines and team sizes; engineer-weeks from the Volume Gate's migration list. */
export const COMPLEXITY_TIERS: readonly TierSpec[] = [
  { tier: 'Simple', scoreRange: [6, 9], timelineWeeks: [4, 6], engineers: [1, 2], engineerWeeks: [2, 4], approach: 'serverless-first; self-service using the guide' },
  { tier: 'Standard', scoreRange: [10, 14], timelineWeeks: [8, 12], engineers: [2, 3], engineerWeeks: [6, 10], approach: 'evaluation framework required before cutover; consider managed dedicated for the primary workload' },
  { tier: 'Complex', scoreRange: [15, 18], timelineWeeks: [12, 20], engineers: null, engineerWeeks: [12, 20], approach: 'dedicated team or vendor-side customer-engineering partnership; phased, parallel-run validation mandatory' },
];

export interface ComplexityResult {
  factors: { id: string; label: string; score: number; level: string }[];
  score: number;
  tier: ComplexityTier;
  spec: TierSpec;
  cite: string;
}

/** Sum of the six factor scores → tier (Inference Field Guide, Part 1: 6-9 Simple, 10-14 Standard, 15-18 Complex). */
export function complexityScore(factors: readonly number[]): ComplexityResult {
  if (factors.length !== COMPLEXITY_FACTORS.length) {
    throw new RoutefitError('invalid_input', `complexity factors: expected ${COMPLEXITY_FACTORS.length} scores (${COMPLEXITY_FACTORS.map((f) => f.label).join(', ')}); got ${factors.length}`, {
      field: 'complexityFactors',
      allowed: 'six integers 1-3',
    });
  }
  const rows = factors.map((s, i) => {
    const f = COMPLEXITY_FACTORS[i]!;
    requireInRange(`complexityFactors.${f.id}`, s, { min: 1, max: 3 });
    if (!Number.isInteger(s)) throw new RoutefitError('invalid_input', `complexityFactors.${f.id} is ${s}; allowed 1, 2 or 3`, { field: `complexityFactors.${f.id}`, allowed: '1, 2 or 3' });
    return { id: f.id, label: f.label, score: s, level: f.levels[s - 1]! };
  });
  const score = rows.reduce((a, r) => a + r.score, 0);
  const spec = COMPLEXITY_TIERS.find((t) => score >= t.scoreRange[0] && score <= t.scoreRange[1])!;
  return { factors: rows, score, tier: spec.tier, spec, cite: 'Inference Field Guide, Part 1, Assessing migration complexity' };
}

/** One readiness gap: a factor level that blocks the approach its tier requires, and what closing it costs. */
export interface ReadinessGap {
  rule: 'evals-before-cutover' | 'parallel-run-validation' | 'team-or-partner';
  factor: (typeof COMPLEXITY_FACTORS)[number]['id'];
  /** The tier whose required approach the factor's level blocks. */
  blocks: ComplexityTier;
  reason: string;
  close: string;
  /** USD to close, low and high. */
  closeCost: [number, number];
  /** How the cost was reached, with its evidence. */
  costBasis: string;
  costEvidence: 'industry_estimate' | 'assumed';
  /** closeCost ÷ monthly savings, when the savings are given; null when the move saves nothing. */
  paybackMonths?: [number, number] | null;
  cite: string;
}

export interface ReadinessGaps {
  gaps: ReadinessGap[];
  /** Migration (the tier's engineer-weeks × 40 h × rate) plus every gap closed, low and high. */
  totalCost: [number, number];
  /** totalCost ÷ monthly savings. */
  totalPaybackMonths?: [number, number] | null;
  hourlyRate: number;
  monthlySavings?: number;
}

const WEEKS_PER_MONTH = 52 / 12;

/**
 * The three gap rules of the readiness score (Inference Field Guide, Part 1, "Assessing migration
 * complexity"): each tier names an approach, and a factor level can rule it out.
 *   1. Standard or Complex with no formal evals: "evaluation framework required before cutover";
 *      closing it is 2-4 engineer-weeks ("Budget 2-4 weeks of eval development before the migration clock starts").
 *   2. Complex without comprehensive evals and regression testing: "parallel-run validation mandatory"
 *      needs them; closing it is priced at the same 2-4 engineer-weeks again (assumed: the Guide gives no figure).
 *   3. Complex without a dedicated inference team (3+): "dedicated team or vendor-side customer-engineering
 *      partnership"; priced as the missing engineers for the tier's timeline at the loaded FTE-month
 *      (the playbook, ch. 20: $30,000).
 * Payback of closing each = its cost ÷ the migration's monthly savings.
 */
export function readinessGaps(r: ComplexityResult, opts: { hourlyRate?: number; monthlySavings?: number; loadedFteMonthly?: number } = {}): ReadinessGaps {
  const rate = requireInRange('hourlyRate', opts.hourlyRate ?? 150, { min: 0 });
  const fteMonth = requireInRange('loadedFteMonthly', opts.loadedFteMonthly ?? 30_000, { min: 0 });
  if (opts.monthlySavings !== undefined) requireInRange('monthlySavings', opts.monthlySavings, {});
  const score = (id: string) => r.factors.find((f) => f.id === id)!.score;
  const weeks = (lo: number, hi: number): [number, number] => [lo * 40 * rate, hi * 40 * rate];
  const cite = 'Inference Field Guide, Part 1, Assessing migration complexity';
  const gaps: ReadinessGap[] = [];
  const evals = score('qualityInfrastructure');
  if (r.tier !== 'Simple' && evals === 1) {
    gaps.push({ rule: 'evals-before-cutover', factor: 'qualityInfrastructure', blocks: 'Standard', reason: `a ${r.tier} migration needs an evaluation framework before cutover; quality infrastructure is "No formal evals"`, close: 'build a basic eval suite on production traffic before the migration clock starts', closeCost: weeks(2, 4), costBasis: `2-4 engineer-weeks × 40 h × $${rate}/h (Part 1: "Budget 2-4 weeks of eval development")`, costEvidence: 'industry_estimate', cite });
  }
  if (r.tier === 'Complex' && evals < 3) {
    gaps.push({ rule: 'parallel-run-validation', factor: 'qualityInfrastructure', blocks: 'Complex', reason: 'a Complex migration makes parallel-run validation mandatory, which needs comprehensive evals with regression testing', close: 'grow the eval suite to regression-grade (500+ cases) and run it on both routes in parallel', closeCost: weeks(2, 4), costBasis: `2-4 engineer-weeks × 40 h × $${rate}/h (assumed: the Guide prices only the first eval build)`, costEvidence: 'assumed', cite });
  }
  const team = score('teamInferenceMaturity');
  if (r.tier === 'Complex' && team < 3) {
    const missing = team === 1 ? 3 : 1;
    const [lo, hi] = r.spec.timelineWeeks;
    gaps.push({
      rule: 'team-or-partner',
      factor: 'teamInferenceMaturity',
      blocks: 'Complex',
      reason: `a Complex migration needs a dedicated inference team or a vendor-side customer-engineering partnership; the team has ${team === 1 ? 'no ML infra expertise' : '1-2 engineers with serving experience, not a dedicated team'}`,
      close: 'staff a dedicated inference team (3+) for the migration, or contract the provider\'s customer engineering',
      closeCost: [missing * (lo / WEEKS_PER_MONTH) * fteMonth, missing * (hi / WEEKS_PER_MONTH) * fteMonth],
      costBasis: `${missing} engineer(s) for ${lo}-${hi} weeks at $${fteMonth.toLocaleString('en-US')} per loaded FTE-month (the playbook, ch. 20)`,
      costEvidence: 'industry_estimate',
      cite,
    });
  }
  const pb = (c: [number, number]): [number, number] | null | undefined =>
    opts.monthlySavings === undefined ? undefined : opts.monthlySavings > 0 ? [c[0] / opts.monthlySavings, c[1] / opts.monthlySavings] : null;
  for (const g of gaps) g.paybackMonths = pb(g.closeCost);
  if (opts.monthlySavings === undefined) for (const g of gaps) delete g.paybackMonths;
  const mig = weeks(r.spec.engineerWeeks[0], r.spec.engineerWeeks[1]);
  const totalCost: [number, number] = [mig[0] + gaps.reduce((a, g) => a + g.closeCost[0], 0), mig[1] + gaps.reduce((a, g) => a + g.closeCost[1], 0)];
  const total = pb(totalCost);
  return { gaps, totalCost, ...(total !== undefined ? { totalPaybackMonths: total } : {}), hourlyRate: rate, ...(opts.monthlySavings !== undefined ? { monthlySavings: opts.monthlySavings } : {}) };
}
