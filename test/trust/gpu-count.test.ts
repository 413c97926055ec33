import { describe, expect, it } from 'vitest';
import { sizeGpus } from '../../src/engine/capacity/capacity.js';
import { gpuStepCount } from '../../src/engine/capacity/sizing.js';

describe('sizeGpus at an exact integer demand (issue 11 item 7)', () => {
  // 9,525,600 attempts × 400 output tokens against 700 tok/s × 0.7 × 2,592,000 s is exactly 3 GPUs,
  // but the float quotient is 3.0000000000000004.
  const demand = { attemptsPerMonth: 9_525_600, outputTokens: 400, inputTokens: 0, prefillEfficiency: 0 };
  const supply = { hourlyRate: 2, throughputTokensPerSecond: 700, utilization: 0.7 };
  it('sizes exactly N GPUs for a demand of exactly N, as gpuStepCount does', () => {
    expect(sizeGpus(demand, supply).count).toBe(3);
    expect(gpuStepCount((9_525_600 * 400) / 2_592_000, 700, 0.7)).toBe(3);
  });
  it('still rounds up a demand just over N', () => {
    expect(sizeGpus({ ...demand, attemptsPerMonth: 9_525_700 }, supply).count).toBe(4);
  });
});
