import { describe, expect, it } from 'vitest';
import { RoutefitError } from '../src/engine/errors.js';
import { devolutionSignals, managedVsSelfManaged, operationalTax } from '../src/engine/capacity/self-managed.js';
import { sizeModel } from '../src/engine/capacity/sizing.js';
import { estimatedGoodputPerHour, evaluateShape } from '../src/engine/capacity/utilization-gate.js';
import { patternFromHourly, patternPreset } from '../src/engine/capacity/traffic.js';
import { dedicatedBreakeven, managedCrossover } from '../src/engine/capacity/breakeven.js';

const llama70 = { parameters: 70.6e9, layers: 80, attentionHeads: 64, kvHeads: 8, headDim: 128 };
const h100 = { hbmGb: 80, bandwidthTbPerS: 3.35, denseTflops: 989 };

describe('managed vs self-managed (seed 001 ch. 20)', () => {
  it('self-managed wins only once the fleet amortizes the 2-3 FTE floor', () => {
    const at = (gpus: number) => managedVsSelfManaged({ gpus, managedHourly: 7, selfManagedHourly: 3.99, selfManagedOverhead: { fte: 2 } });
    const small = at(10);
    expect(small.managedMonthly).toBeCloseTo(10 * 7 * 720, 6);
    expect(small.selfManagedMonthly).toBeCloseTo(10 * 3.99 * 720 + 60_000, 6);
    expect(small.winner).toBe('managed_dedicated');
    expect(small.notes.join(' ')).toContain('~50-GPU');
    // Break-even fleet: 60,000 ÷ ((7 − 3.99) × 720) = 27.7 GPUs.
    expect(at(27).winner).toBe('managed_dedicated');
    expect(at(28).winner).toBe('self_managed');
  });
  it('flags an overhead below the on-call floor', () => {
    const r = managedVsSelfManaged({ gpus: 60, managedHourly: 7, selfManagedHourly: 3.99, selfManagedOverhead: { fte: 1 } });
    expect(r.notes.join(' ')).toContain('below the on-call floor');
  });
  it('accepts hours × rate and reports the fleet for a target tax', () => {
    const t = operationalTax(20, 4, { hoursPerMonth: 160, hourlyRate: 150 }, 0.1);
    expect(t.tax).toBeCloseTo(24_000 / (20 * 4 * 720), 9);
    expect(t.gpusForTargetTax).toBeCloseTo(24_000 / (0.1 * 4 * 720), 9);
  });
  it('recommends the gate when two or more devolution signals fire', () => {
    const one = devolutionSignals({ fleetGpusByQuarter: [60, 40, 45], onCallEngineers: 3, servingEngineMajorsBehind: 1 });
    expect(one.fired).toBe(1);
    expect(one.recommendGate).toBe(false);
    const two = devolutionSignals({ fleetGpusByQuarter: [40, 45], onCallEngineers: 1, qualityReviewCadenceDays: 1 });
    expect(two.signals.filter((s) => s.fired).map((s) => s.id)).toEqual(['small-fleet', 'on-call']);
    expect(two.recommendGate).toBe(true);
    expect(() => devolutionSignals({})).toThrow(RoutefitError);
  });
});

describe('sizing', () => {
  it('memory-bound at small batch, compute-bound at a huge batch', () => {
    const small = sizeModel({ model: llama70, gpu: h100, gpus: 2, weightBytes: 1, kvBytes: 1, context: 1024, batch: 1 });
    expect(small.decode.bound).toBe('memory');
    // One sequence: 70.6 GB of FP8 weights (+ KV) over 6.7 TB/s ≈ 95 tokens/s.
    expect(small.decode.tokensPerSecond).toBeGreaterThan(90);
    expect(small.decode.tokensPerSecond).toBeLessThan(95);
    const big = sizeModel({ model: llama70, gpu: { ...h100, denseTflops: 50 }, gpus: 8, weightBytes: 1, kvBytes: 1, context: 128, batch: 4096 });
    expect(big.decode.bound).toBe('compute');
    expect(big.prefill.tokensPerSecond).toBeCloseTo((50e12 * 8) / (2 * 70.6e9), 3);
  });
  it('MoE reads only active parameters per token but stores all of them', () => {
    const moe = { ...llama70, activeParameters: 10e9 };
    const dense = sizeModel({ model: llama70, gpu: h100, gpus: 2, weightBytes: 1, kvBytes: 1, context: 1024, batch: 1 });
    const sparse = sizeModel({ model: moe, gpu: h100, gpus: 2, weightBytes: 1, kvBytes: 1, context: 1024, batch: 1 });
    expect(sparse.weightsGb).toBe(dense.weightsGb);
    expect(sparse.decode.tokensPerSecond).toBeGreaterThan(5 * dense.decode.tokensPerSecond);
  });
  it('says when the weights do not fit', () => {
    const s = sizeModel({ model: llama70, gpu: h100, gpus: 1, weightBytes: 2, kvBytes: 2, context: 4096, batch: 1 });
    expect(s.fits).toBe(false);
    expect(s.maxConcurrentSequences).toBe(0);
    expect(s.notes.join(' ')).toContain('do not fit');
  });
});

describe('shape evaluation details', () => {
  const g = { gpuHourly: 3.2, opsPerHour: 0.5, minReplicas: 1, goodputPerHour: 800, serverlessCostPerAccepted: 0.012 };
  it('a day-long CSV repeats to a week and keeps its volume', () => {
    const day = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 560 : 0));
    const r = evaluateShape(g, patternFromHourly('day', day, 800));
    expect(r.volumePerMonth).toBeCloseTo(168_000, 6);
  });
  it('headroom adds replicas', () => {
    const r = evaluateShape(g, patternPreset('stable:60%'), { maxUtilization: 0.5 });
    expect(r.options.find((o) => o.id === 'dedicated')!.replicas).toBe(2);
  });
  it('estimates goodput from throughput and the workload shape', () => {
    expect(estimatedGoodputPerHour({ throughputTokensPerSecond: 1500, outputTokens: 400, inputTokens: 800, prefillEfficiency: 0, retryRate: 0.03, qualityPassRate: 0.95 })).toBeCloseTo((1500 * 3600 * 0.95) / (400 * 1.03), 6);
  });
  it('rejects a profile of the wrong length', () => {
    expect(() => patternFromHourly('x', [1, 2, 3], 800)).toThrow(/allowed 168/);
  });
});

describe('break-even edge cases', () => {
  it('notes when one instance can never break even', () => {
    const b = dedicatedBreakeven({ gpuHourly: 10, throughputTokensPerSecond: 100, serverlessOutputPerMillion: 0.5 });
    expect(b.requiredUtilization).toBeGreaterThan(1);
    expect(b.notes.join(' ')).toContain('cannot break even');
  });
  it('rejects a zero serverless price instead of dividing by it', () => {
    expect(() => dedicatedBreakeven({ gpuHourly: 3.99, throughputTokensPerSecond: 1500, serverlessOutputPerMillion: 0 })).toThrow(/serverlessOutputPerMillion is 0/);
    expect(() => managedCrossover(3.99, 0)).toThrow(RoutefitError);
  });
});
