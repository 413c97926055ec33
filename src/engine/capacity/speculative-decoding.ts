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

/** Inference Field Guide, Part 0: the gain vanishes from batch ~8 (measured 0.92x throughput at batch 12). */
export const SPECDEC_BATCH_CAVEAT = 8;

/**
 * Speculative decoding at draft acceptance α and draft length γ (Inference Field Guide, Part 0; Leviathan et al. 2023).
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
      `at batch ${batch} the single-request speedup does not carry over: sequences accept different numbers of draft tokens and the verification and KV-cache cost of two models eats the gain (Inference Field Guide, Part 0 measured 0.92x at batch 12)`,
    );
  }
  return { expectedTokensPerStep, costMultiplier, netSpeedup: expectedTokensPerStep / costMultiplier, notes };
}

export interface SpecThroughputInput {
  alpha: number;
  gamma: number;
  draftCostRatio: number;
  batch: number;
  /** Plain decode step at this batch, split by the roofline (sizeModel): memory time and compute time, ms. */
  memoryStepMs: number;
  computeStepMs: number;
}

export interface SpecThroughput extends SpecDecode {
  plainTokensPerSecond: number;
  specTokensPerSecond: number;
  /** specTokensPerSecond ÷ plainTokensPerSecond at this batch. */
  batchSpeedup: number;
  /** Verification step, ms: weights read once, γ + 1 positions computed per sequence. */
  verifyStepMs: number;
}

/**
 * Net throughput of speculative decoding at a batch size on the roofline: a plain step takes
 * max(memory, compute); verifying γ + 1 draft positions reads the weights once but computes γ + 1
 * positions per sequence, max(memory, compute × (γ + 1)), plus γ draft steps at the draft cost ratio.
 * Throughput = batch × E[tokens per step] ÷ that time. Compute-bound batches lose the gain; the seed's
 * measurement (Inference Field Guide, Part 0: 0.92× at batch 12) says it vanishes sooner, from ~8.
 */
export function speculativeThroughput(s: SpecThroughputInput): SpecThroughput {
  const base = speculativeDecoding(s.alpha, s.gamma, s.draftCostRatio, s.batch);
  requireInRange('memoryStepMs', s.memoryStepMs, { min: 0, minExclusive: true });
  requireInRange('computeStepMs', s.computeStepMs, { min: 0 });
  const plainStep = Math.max(s.memoryStepMs, s.computeStepMs);
  const verifyStepMs = Math.max(s.memoryStepMs, s.computeStepMs * (s.gamma + 1));
  const specStep = verifyStepMs + s.gamma * s.draftCostRatio * plainStep;
  const plain = (s.batch / plainStep) * 1000;
  const spec = ((s.batch * base.expectedTokensPerStep) / specStep) * 1000;
  const notes = [...base.notes];
  if (s.batch < SPECDEC_BATCH_CAVEAT && spec / plain > 1) notes.push(`roofline speedup at batch ${s.batch}: an upper bound; the seed measured the gain vanishing from batch ~${SPECDEC_BATCH_CAVEAT}`);
  return { ...base, notes, plainTokensPerSecond: plain, specTokensPerSecond: spec, batchSpeedup: spec / plain, verifyStepMs };
}
