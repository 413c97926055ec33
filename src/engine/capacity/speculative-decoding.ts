import { requireInRange } from '../errors.js';

export interface SpecDecode {
  /** Expected tokens emitted per target-model step: (1 − α^(γ+1)) / (1 − α). */
  expectedTokensPerStep: number;
  /** Compute per step relative to plain decoding: 1 + γ × draft cost ratio. */
  costMultiplier: number;
  /** expectedTokensPerStep ÷ costMultiplier: the single-request speedup, before batch effects. */
  netSpeedup: number;
  /** Caveats that apply at the given batch size. */
  notes: string[];
}

/** Seed 000 Part 0: the gain vanishes from batch ~8 (measured 0.92x throughput at batch 12). */
export const SPECDEC_BATCH_CAVEAT = 8;

/**
 * Speculative decoding at draft acceptance α and draft length γ (seed 000 Part 0; Leviathan et al. 2023).
 * Single-request arithmetic only: at batch ≥ 8 the seed measured the gain vanishing (0.92× at batch 12).
 */
export function speculativeDecoding(alpha: number, gamma: number, draftCostRatio: number, batch = 1): SpecDecode {
  requireInRange('alpha', alpha, { min: 0, max: 1, maxExclusive: true });
  requireInRange('gamma', gamma, { min: 1, max: 64 });
  requireInRange('draftCostRatio', draftCostRatio, { min: 0, max: 1 });
  const expectedTokensPerStep = (1 - alpha ** (gamma + 1)) / (1 - alpha);
  requireInRange('batch', batch, { min: 1 });
  const costMultiplier = 1 + gamma * draftCostRatio;
  const notes: string[] = [];
  if (batch >= SPECDEC_BATCH_CAVEAT) {
    notes.push(
      `at batch ${batch} the single-request speedup does not carry over: sequences accept different numbers of draft tokens and the verification and KV-cache cost of two models eats the gain (seed 000 Part 0 measured 0.92x at batch 12)`,
    );
  }
  return { expectedTokensPerStep, costMultiplier, netSpeedup: expectedTokensPerStep / costMultiplier, notes };
}
