import { RoutefitError, requireInRange } from '../errors.js';

/** Seed 000 Part 1 "Assessing migration complexity": six factors, each Low (1), Medium (2) or High (3), in the seed's order. */
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
  /** Engineer-weeks of migration work for this kind of migration (seed 000 Part 1, Gate 1 list). */
  engineerWeeks: [number, number];
  approach: string;
}

/** Seed 000 Part 1: the three tiers with their timelines and team sizes; engineer-weeks from the Volume Gate's migration list. */
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

/** Sum of the six factor scores → tier (seed 000 Part 1: 6-9 Simple, 10-14 Standard, 15-18 Complex). */
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
  return { factors: rows, score, tier: spec.tier, spec, cite: 'seed 000 Part 1, Assessing migration complexity' };
}
