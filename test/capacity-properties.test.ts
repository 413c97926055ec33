import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateShape, utilizationGate } from '../src/engine/capacity/utilization-gate.js';
import { HOURS_PER_WEEK, patternPreset } from '../src/engine/capacity/traffic.js';
import { kvCacheBytes, gpuStepCount } from '../src/engine/capacity/sizing.js';
import { dedicatedBreakeven } from '../src/engine/capacity/breakeven.js';
import { selfHostingTco } from '../src/engine/capacity/tco.js';
import { RoutefitError } from '../src/engine/errors.js';

const money = fc.double({ min: 0.01, max: 50, noNaN: true });
const gateArb = fc.record({
  gpuHourly: money,
  opsPerHour: fc.double({ min: 0, max: 5, noNaN: true }),
  minReplicas: fc.integer({ min: 0, max: 3 }),
  goodputPerHour: fc.double({ min: 1, max: 10_000, noNaN: true }),
  serverlessCostPerAccepted: fc.double({ min: 0.0001, max: 0.5, noNaN: true }),
});

describe('utilization gate properties', () => {
  it('u_required falls as goodput rises', () => {
    fc.assert(
      fc.property(gateArb, fc.double({ min: 1.01, max: 100, noNaN: true }), (g, factor) => {
        const lo = utilizationGate(g).uRequired;
        const hi = utilizationGate({ ...g, goodputPerHour: g.goodputPerHour * factor }).uRequired;
        expect(hi).toBeLessThan(lo);
      }),
    );
  });

  it('the hybrid split never costs more than the better of all-dedicated and all-serverless', () => {
    fc.assert(
      fc.property(
        gateArb,
        fc.array(fc.double({ min: 0, max: 6, noNaN: true }), { minLength: HOURS_PER_WEEK, maxLength: HOURS_PER_WEEK }),
        fc.double({ min: 0.3, max: 1, noNaN: true }),
        (g, load, maxU) => {
          const r = evaluateShape(g, { label: 'random', replicaLoad: load }, { maxUtilization: maxU, coldStartMinutes: 3, minBillingMinutes: 5 });
          const cost = (id: string) => r.options.find((o) => o.id === id)!.monthlyCost;
          expect(cost('hybrid')).toBeLessThanOrEqual(Math.min(cost('dedicated'), cost('serverless')) + 1e-6);
          expect(r.cheapest.monthlyCost).toBeLessThanOrEqual(cost('hybrid') + 1e-6);
          for (const o of r.options) expect(Number.isFinite(o.monthlyCost)).toBe(true);
        },
      ),
    );
  });

  it('serverless cost scales with volume; the fixed fleet does not', () => {
    const g = { gpuHourly: 3.2, opsPerHour: 0.5, minReplicas: 1, goodputPerHour: 800, serverlessCostPerAccepted: 0.012 };
    const a = evaluateShape(g, patternPreset('stable:20%'));
    const b = evaluateShape(g, patternPreset('stable:40%'));
    expect(b.options[0]!.monthlyCost).toBeCloseTo(2 * a.options[0]!.monthlyCost, 6);
    expect(b.options[1]!.monthlyCost).toBe(a.options[1]!.monthlyCost);
  });

  it('cold start and billing windows add cost only when replicas start', () => {
    const g = { gpuHourly: 4, opsPerHour: 0, minReplicas: 0, goodputPerHour: 800, serverlessCostPerAccepted: 0.012 };
    const flat = evaluateShape(g, patternPreset('stable:50%'), { coldStartMinutes: 10, minBillingMinutes: 15 });
    expect(flat.options.find((o) => o.id === 'autoscaled')!.parts.warmup).toBe(0);
    const diurnal = evaluateShape(g, patternPreset('diurnal:10h@70%'), { coldStartMinutes: 2, minBillingMinutes: 5 });
    // One start a day, 30 days, billed a 5-minute window at $4/h.
    expect(diurnal.options.find((o) => o.id === 'autoscaled')!.parts.warmup).toBeCloseTo(30 * 4 * (5 / 60), 6);
  });

  it('bursty presets keep the stated average', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 23 }), (peak, avg, hours) => {
        const p = patternPreset(`bursty:${peak}x@${avg}%,${hours}h`);
        const mean = p.replicaLoad.reduce((a, b) => a + b, 0) / p.replicaLoad.length;
        expect(mean).toBeCloseTo(avg / 100, 9);
        expect(Math.max(...p.replicaLoad) / Math.min(...p.replicaLoad)).toBeCloseTo(peak, 9);
      }),
    );
  });

  it('rejects patterns it does not understand, naming the allowed forms', () => {
    expect(() => patternPreset('diurnal:10@70')).toThrow(RoutefitError);
    expect(() => patternPreset('stable:abc%')).toThrow(/allowed/);
  });
});

describe('sizing properties', () => {
  const pos = fc.integer({ min: 1, max: 200 });
  it('KV bytes scale linearly in each factor', () => {
    fc.assert(
      fc.property(pos, pos, pos, pos, fc.constantFrom(0.5, 1, 2), pos, fc.integer({ min: 2, max: 4 }), fc.integer({ min: 0, max: 5 }), (layers, kvHeads, headDim, seq, bytes, batch, k, which) => {
        const base = kvCacheBytes({ layers, kvHeads, headDim }, seq, bytes, batch);
        const args = [layers, kvHeads, headDim, seq, bytes, batch];
        args[which] = args[which]! * k;
        const [l, h, d, s, b, n] = args as [number, number, number, number, number, number];
        expect(kvCacheBytes({ layers: l, kvHeads: h, headDim: d }, s, b, n)).toBeCloseTo(base * k, 0);
      }),
    );
  });
  it('GPU count is a step function: never fractional, never below the continuous need', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 1, max: 1e5, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true }), (demand, per, u) => {
        const n = gpuStepCount(demand, per, u);
        expect(Number.isInteger(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(Math.max(1, demand / (per * u) - 1e-6));
        expect(n - 1).toBeLessThan(Math.max(1, demand / (per * u)) + 1e-6);
      }),
    );
  });
});

describe('break-even and TCO properties', () => {
  it('required utilization × capacity is exactly the break-even volume, and costs match there', () => {
    fc.assert(
      fc.property(money, fc.double({ min: 10, max: 50_000, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true }), (h, t, rate) => {
        const b = dedicatedBreakeven({ gpuHourly: h, throughputTokensPerSecond: t, serverlessOutputPerMillion: rate });
        expect(b.requiredUtilization * b.fullUtilizationTokensPerDay).toBeCloseTo(b.breakevenTokensPerDay, 3);
        expect((b.breakevenTokensPerDay / 1e6) * rate).toBeCloseTo(b.dailyGpuCost, 6);
      }),
    );
  });
  it('the TCO verdict names the cheaper side on every row', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 20, noNaN: true }), money, fc.double({ min: 1e6, max: 1e9, noNaN: true }), fc.array(fc.double({ min: 1e5, max: 1e10, noNaN: true }), { minLength: 1, maxLength: 8 }), (rate, hourly, cap, volumes) => {
        const t = selfHostingTco({ serverlessPerMillion: rate, onDemandHourly: hourly, instanceTokensPerDay: cap, overheadPerDay: 100, dailyOutputTokens: volumes });
        for (const r of t.rows) {
          expect(r.winner === 'serverless').toBe(r.serverless <= r.selfHosted.total);
          expect(r.factor).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });
});
