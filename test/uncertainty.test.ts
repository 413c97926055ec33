import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confidenceOf } from '../src/engine/uncertainty/confidence.js';
import { normalCdf, normalQuantile, quantile, resolveInput } from '../src/engine/uncertainty/distributions.js';
import type { DistributionKind, Sourced } from '../src/engine/evidence.js';
import { RoutefitError } from '../src/engine/errors.js';
import { computeLcpr, type RouteSpec, type TokenRouteSpec, type WorkloadProfile } from '../src/engine/cost/lcpr.js';
import { migrationCost } from '../src/engine/decisions/migration.js';
import { monteCarlo } from '../src/engine/uncertainty/monte-carlo.js';
import { example } from './helpers/claims.js';

const pub = (value: number): Sourced => ({ value, evidence: 'public' });
const tokenRoute = (id: string, input: number, output: number): TokenRouteSpec => ({
  id,
  mode: 'serverless',
  billing: 'tokens',
  price: { input: pub(input), output: pub(output) },
});
// Together ($0.60/$1.70) and Fireworks ($0.90/$0.90) tie at 300 output tokens on 800 input (seed 000 Part 0 prices).
const together = tokenRoute('together', 0.6, 1.7);
const fireworks = tokenRoute('fireworks', 0.9, 0.9);
const gpt = tokenRoute('gpt', 5, 30);

const fixed = (value: number): Sourced => ({ value, evidence: 'contracted' });
const base: WorkloadProfile = {
  requestsPerMonth: fixed(500_000),
  inputTokens: fixed(800),
  outputTokens: fixed(400),
  retryRate: fixed(0.03),
  qualityPassRate: fixed(0.95),
  repairCostPerFailure: fixed(0.002),
  engineeringHoursPerMonth: fixed(8),
  engineeringHourlyRate: fixed(100),
};
const spread = (value: number, range: [number, number], dist?: DistributionKind): Sourced => ({
  value,
  evidence: 'assumed',
  uncertainty: { range, ...(dist ? { dist } : {}) },
});

describe('distributions', () => {
  it('normalQuantile inverts normalCdf to 1e-6 across the body and tails', () => {
    for (const p of [1e-6, 0.001, 0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98, 0.999]) {
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
    }
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536, 6);
  });
  it('a triangular quantile is monotone and hits its ends and mode', () => {
    const d = { kind: 'triangular' as const, lo: 1, mode: 2, hi: 5 };
    expect(quantile(d, 0)).toBe(1);
    expect(quantile(d, 0.25)).toBeCloseTo(2, 12); // F(mode) = (2−1)/(5−1)
    expect(quantile(d, 1 - 1e-16)).toBeCloseTo(5, 6);
    fc.assert(fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (a, b) => {
      const [x, y] = a < b ? [a, b] : [b, a];
      expect(quantile(d, x)).toBeLessThanOrEqual(quantile(d, y));
    }));
  });
  it('a declared range outside the allowed values or not around the value is an error naming the field', () => {
    expect(() => resolveInput('retry_rate', spread(0.03, [0.05, 0.2]), { min: 0, max: 1 })).toThrow(/retry_rate.range is \[0.05, 0.2\]; allowed low ≤ value \(0.03\) ≤ high/);
    expect(() => resolveInput('quality_pass_rate', spread(0.95, [0.9, 1.2]), { min: 0, max: 1 })).toThrow(/quality_pass_rate.range\[1\] is 1.2; allowed 0 ≤ value ≤ 1/);
    expect(() => resolveInput('output_tokens', spread(400, [0, 800], 'lognormal'), { min: 0 })).toThrow(/lognormal needs 0 < low/);
  });
  it('default spreads: assumed wide, estimated medium, measured narrow, contracted exact', () => {
    const width = (s: Sourced) => {
      const d = resolveInput('x', s, { min: 0 }).distribution;
      return d.kind === 'triangular' ? d.hi - d.lo : 0;
    };
    expect(width({ value: 100, evidence: 'assumed' })).toBeCloseTo(100, 9);
    expect(width({ value: 100, evidence: 'estimated' })).toBeCloseTo(50, 9);
    expect(width({ value: 100, evidence: 'measured' })).toBeCloseTo(10, 9);
    expect(width({ value: 100, evidence: 'contracted' })).toBe(0);
    expect(width({ value: 100, evidence: 'public' })).toBe(0);
  });
  it('a measured rate with a sample size becomes a normal in log-odds with the (Agresti–Coull) binomial standard error', () => {
    const d = resolveInput('retry_rate', { value: 0.04, evidence: 'measured', uncertainty: { sampleSize: 1000 } }, { min: 0, max: 1 }).distribution;
    expect(d.kind).toBe('logit');
    // p̃ = (40 + 2) / 1004; σ = √(p̃(1 − p̃)/1004) = 0.006318…, within 2% of the plain √(p(1−p)/n) = 0.006197;
    // in log-odds (delta method) σ ÷ (p(1 − p)).
    if (d.kind === 'logit' && d.of.kind === 'normal') {
      const se = Math.sqrt(((42 / 1004) * (962 / 1004)) / 1004);
      expect(d.of.sigma).toBeCloseTo(se / (0.04 * 0.96), 12);
      expect(se / Math.sqrt((0.04 * 0.96) / 1000)).toBeCloseTo(1.0196, 3);
      expect(quantile(d, 0.5)).toBeCloseTo(0.04, 12);
    } else expect.unreachable(`expected a normal in log-odds, got ${JSON.stringify(d)}`);
  });
  it('a rate measured as 0 over a small sample keeps a spread (0 of 4 is not "exactly 0")', () => {
    const d = resolveInput('human_escalation_rate', { value: 0, evidence: 'measured', uncertainty: { sampleSize: 4 } }, { min: 0, max: 1 }).distribution;
    expect(d.kind).toBe('normal');
    // p̃ = 2/8 = 0.25, σ = √(0.25 × 0.75 / 8) = 0.1531.
    if (d.kind === 'normal') expect(d.sigma).toBeCloseTo(Math.sqrt((0.25 * 0.75) / 8), 12);
  });
});

describe('assumption confidence', () => {
  it('maps evidence to statuses and turns a measurement older than the stale age stale', () => {
    expect(confidenceOf('x', { value: 1, evidence: 'assumed' }).status).toBe('assumed');
    expect(confidenceOf('x', { value: 1, evidence: 'measured' }).status).toBe('measured_in_logs');
    expect(confidenceOf('x', { value: 1, evidence: 'contracted' }).status).toBe('contract_confirmed');
    expect(confidenceOf('x', { value: 1, evidence: 'invoice_reconciled' }).status).toBe('invoice_reconciled');
    const m: Sourced = { value: 1, evidence: 'measured', status: 'load_tested', measuredAt: '2026-08-01' };
    expect(confidenceOf('x', m, { asOf: '2026-10-30' })).toMatchObject({ status: 'load_tested', ageDays: 90, unmeasured: false });
    expect(confidenceOf('x', m, { asOf: '2026-10-31' })).toMatchObject({ status: 'stale', declared: 'load_tested', ageDays: 91, unmeasured: true });
    expect(confidenceOf('x', m, { asOf: '2026-09-01', staleAfterDays: 30 }).status).toBe('stale');
  });
  it('a stale measurement gets a wider default spread than a fresh one', () => {
    const m: Sourced = { value: 100, evidence: 'measured', measuredAt: '2026-01-01' };
    const fresh = resolveInput('x', m, { min: 0 }, { asOf: '2026-02-01' }).distribution;
    const stale = resolveInput('x', m, { min: 0 }, { asOf: '2026-11-01' }).distribution;
    expect(fresh.kind === 'triangular' && stale.kind === 'triangular' && stale.hi - stale.lo > fresh.hi - fresh.lo).toBe(true);
  });
});

describe('computeLcpr explain: false (the Monte Carlo path)', () => {
  it('gives the same numbers as the explained path, without steps or notes', () => {
    const [saas] = example('saas-chat.yaml');
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0.5, max: 1, noNaN: true }), fc.integer({ min: 1000, max: 50_000_000 }), (retry, pass, requests) => {
        const p = { ...saas!.profile, retryRate: retry, qualityPassRate: pass, requestsPerMonth: requests };
        for (const route of saas!.routes) {
          const full = computeLcpr(p, route);
          const lean = computeLcpr(p, route, { explain: false });
          expect(lean.steps).toEqual([]);
          expect(lean.notes).toEqual([]);
          expect({ ...lean, steps: full.steps, notes: full.notes }).toEqual(full);
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe('monteCarlo', () => {
  const race = { ...base, outputTokens: spread(300, [100, 500], 'uniform'), engineeringHoursPerMonth: spread(8, [4, 24]) };

  it('is deterministic for a seed and differs across seeds', () => {
    const a = monteCarlo(race, [together, fireworks, gpt], { samples: 2000, seed: 7 });
    const b = monteCarlo(race, [together, fireworks, gpt], { samples: 2000, seed: 7 });
    const c = monteCarlo(race, [together, fireworks, gpt], { samples: 2000, seed: 8 });
    expect(b).toEqual(a);
    expect(c.routes[0]!.lcpr.p50).not.toBe(a.routes[0]!.lcpr.p50);
  });

  it('zero-width ranges reproduce the point estimate exactly', () => {
    const point: WorkloadProfile = Object.fromEntries(
      Object.entries(base).map(([k, v]) => [k, { value: (v as Sourced).value, evidence: 'assumed', uncertainty: { range: [(v as Sourced).value, (v as Sourced).value] } }]),
    ) as unknown as WorkloadProfile;
    const r = monteCarlo(point, [together, fireworks, gpt], { samples: 500, seed: 3 });
    for (const route of [together, fireworks, gpt]) {
      const exact = computeLcpr(base, route);
      const u = r.routes.find((x) => x.route === route.id)!;
      expect([u.lcpr.p10, u.lcpr.p50, u.lcpr.p90]).toEqual([exact.lcpr, exact.lcpr, exact.lcpr]);
      expect(u.monthlyCost.p50).toBe(exact.monthlyCost);
    }
    expect(r.routes[0]!.winProbability).toBe(1);
    expect(r.wrongPickProbability).toBe(0);
  });

  it('converges on the exact P10/P50/P90 as samples grow (uniform retry rate, LCPR linear in it)', () => {
    const p = { ...base, retryRate: spread(0.1, [0, 0.2], 'uniform') };
    const exact = (r: number) => computeLcpr({ ...base, retryRate: r }, gpt).lcpr;
    // LCPR is linear in the retry rate here, so its quantiles are LCPR at the uniform's quantiles.
    const slope = (exact(0.2) - exact(0)) / 0.2;
    for (const n of [1_000, 10_000, 50_000]) {
      const u = monteCarlo(p, [gpt], { samples: n, seed: 11 }).routes[0]!;
      // Standard error of a sample quantile q of U(0, 0.2): √(q(1−q)/n) ÷ density 5.
      const se = (q: number) => (Math.sqrt((q * (1 - q)) / n) / 5) * slope;
      expect(Math.abs(u.lcpr.p50 - exact(0.1))).toBeLessThan(4 * se(0.5));
      expect(Math.abs(u.lcpr.p10 - exact(0.02))).toBeLessThan(4 * se(0.1));
      expect(Math.abs(u.lcpr.p90 - exact(0.18))).toBeLessThan(4 * se(0.9));
    }
  });

  it('win probabilities sum to 1 and the recommended route is the most frequent winner', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.double({ min: 150, max: 450, noNaN: true }), (seed, out) => {
        const r = monteCarlo({ ...race, outputTokens: spread(out, [100, 500]) }, [together, fireworks, gpt], { samples: 300, seed });
        const sum = r.routes.reduce((s, x) => s + x.winProbability, 0);
        expect(sum).toBeCloseTo(1, 12);
        expect(r.recommended).toBe(r.routes[0]!.route);
        expect(r.wrongPickProbability).toBeCloseTo(1 - r.routes[0]!.winProbability, 12);
      }),
      { numRuns: 25 },
    );
  });

  it('a wider range never narrows the P10–P90 band (range scaled about the value, same seed)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 3, noNaN: true }),
        fc.constantFrom<DistributionKind>('triangular', 'uniform', 'normal', 'lognormal'),
        fc.integer({ min: 0, max: 1000 }),
        (v, frac, k, dist, seed) => {
          // Half-width a ≤ v/3 keeps the widest range [v − 3a, v + 3a] inside 0 ≤ retry ≤ 1 (and above 0 for lognormal).
          const a = (v / 3.01) * frac;
          const narrow = monteCarlo({ ...base, retryRate: spread(v, [v - a, v + a], dist) }, [gpt, together], { samples: 400, seed });
          const wide = monteCarlo({ ...base, retryRate: spread(v, [v - k * a, v + k * a], dist) }, [gpt, together], { samples: 400, seed });
          for (const n of narrow.routes) {
            const w = wide.routes.find((x) => x.route === n.route)!;
            expect(w.lcpr.p10).toBeLessThanOrEqual(n.lcpr.p10 + 1e-15);
            expect(w.lcpr.p90).toBeGreaterThanOrEqual(n.lcpr.p90 - 1e-15);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('value of information ranks the input that decides the race first', () => {
    const r = monteCarlo(race, [together, fireworks], { samples: 10_000, seed: 5 });
    // Output tokens uniform 100–500 around the 300-token tie: each route wins about half the time.
    expect(r.routes[0]!.winProbability).toBeGreaterThan(0.45);
    expect(r.routes[0]!.winProbability).toBeLessThan(0.55);
    const [top, ...rest] = r.valueOfInformation;
    expect(top!.name).toBe('output_tokens');
    expect(top!.reduction).toBeGreaterThan(0.4);
    expect(top!.regretAvoidedPerMonth).toBeGreaterThan(0);
    // Engineering hours cost every route the same: measuring them cannot change the pick.
    const eng = rest.find((v) => v.name === 'engineering_hours_per_month')!;
    expect(eng.reduction).toBeLessThan(0.03);
    expect(top!.unmeasured).toBe(true);
  });

  it('payback probability rises with the planning horizon and is 0/1 without uncertainty', () => {
    const cost = migrationCost(8, 150);
    const fixedRun = (h: number) => monteCarlo(base, [gpt, together], { samples: 100, migration: { from: 'gpt', oneTimeCost: cost, horizonMonths: h } });
    // Part 0 profile: GPT-5.5 → Together saves $7,643/month; $48,000 pays back in 6.3 months (p1-volume-gate-low).
    expect(fixedRun(6).routes.find((r) => r.route === 'together')!.paybackProbability).toBe(0);
    expect(fixedRun(7).routes.find((r) => r.route === 'together')!.paybackProbability).toBe(1);
    expect(fixedRun(7).routes.find((r) => r.route === 'gpt')!.paybackProbability).toBeUndefined();
    const unsure = { ...base, requestsPerMonth: spread(500_000, [200_000, 900_000]) };
    const ps = [4, 6, 8, 12].map(
      (h) => monteCarlo(unsure, [gpt, together], { samples: 2000, seed: 2, migration: { from: 'gpt', oneTimeCost: cost, horizonMonths: h } }).routes.find((r) => r.route === 'together')!.paybackProbability!,
    );
    for (let i = 1; i < ps.length; i++) expect(ps[i]!).toBeGreaterThanOrEqual(ps[i - 1]!);
    expect(ps[0]!).toBeLessThan(ps[3]!);
  });

  it('declared correlations move inputs together: offsetting inputs narrow the band, reinforcing ones widen it', () => {
    const p = { ...base, retryRate: spread(0.1, [0, 0.2], 'uniform'), qualityPassRate: spread(0.85, [0.7, 0.99], 'uniform') };
    const width = (rho: number) => {
      const u = monteCarlo(p, [gpt], { samples: 4000, seed: 9, correlations: [{ inputs: ['retry_rate', 'quality_pass_rate'], rho }] }).routes[0]!.lcpr;
      return u.p90 - u.p10;
    };
    // LCPR rises with retries and falls with pass rate: moving together (ρ > 0) offsets, opposite (ρ < 0) compounds.
    expect(width(-0.9)).toBeGreaterThan(width(0));
    expect(width(0)).toBeGreaterThan(width(0.9));
  });

  it('a route with no price is left out and noted, never sampled at $0', () => {
    const noPrice: TokenRouteSpec = { id: 'nopriced', mode: 'serverless', billing: 'tokens', price: { output: pub(1) } };
    const r = monteCarlo(race, [together, noPrice], { samples: 200 });
    expect(r.routes.map((x) => x.route)).toEqual(['together']);
    expect(r.notes.join(' ')).toContain('unpriced at the point estimate: nopriced');
    expect(() => monteCarlo(race, [noPrice], { samples: 10 })).toThrow(/no route can be priced: nopriced has no input price/);
  });

  it('rejects bad options with the field and allowed range', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(RoutefitError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(err(() => monteCarlo(base, [gpt], { samples: 0 }))).toMatch(/samples is 0; allowed 1 ≤ value ≤ 1000000/);
    expect(err(() => monteCarlo(base, [gpt], { seed: -1 }))).toMatch(/seed is -1/);
    expect(err(() => monteCarlo(base, [gpt], { correlations: [{ inputs: ['retry_rate', 'cache_hit_rate'], rho: 0.5 }] }))).toMatch(/cache_hit_rate, which this workload does not set/);
    expect(err(() => monteCarlo(base, [gpt], { correlations: [{ inputs: ['retry_rate', 'quality_pass_rate'], rho: 1.5 }] }))).toMatch(/allowed -1 ≤ value ≤ 1/);
    const three = [
      { inputs: ['retry_rate', 'quality_pass_rate'] as [string, string], rho: 0.9 },
      { inputs: ['retry_rate', 'output_tokens'] as [string, string], rho: 0.9 },
      { inputs: ['quality_pass_rate', 'output_tokens'] as [string, string], rho: -0.9 },
    ];
    expect(err(() => monteCarlo(base, [gpt], { correlations: three }))).toMatch(/inconsistent/);
    expect(err(() => monteCarlo(base, [gpt], { migration: { from: 'nope', oneTimeCost: 1, horizonMonths: 12 } }))).toMatch(/migration.from "nope"/);
  });

  it('on the Part 0 example every assumed input gets an evidence-based spread and published prices stay fixed', () => {
    const [saas] = example('saas-chat.yaml');
    const r = monteCarlo(saas!.profile, saas!.routes as RouteSpec[], { samples: 500, asOf: saas!.asOf });
    const retry = r.inputs.find((i) => i.id === 'retryRate')!;
    // ±50% on the odds of a rate: 0.03 → odds ×/÷ 1.5, triangular in log-odds with its mode at the value.
    const m = Math.log(0.03 / 0.97);
    expect(retry).toMatchObject({ status: 'assumed', unmeasured: true, distribution: { kind: 'logit', of: { kind: 'triangular', mode: m } } });
    expect(retry.distribution).toEqual({ kind: 'logit', of: { kind: 'triangular', lo: m - Math.log(1.5), mode: m, hi: m + Math.log(1.5) } });
    expect(r.inputs.find((i) => i.id === 'openai/gpt-5.5:price.output')!.distribution).toEqual({ kind: 'point', value: 30 });
    // A cached-input price the route never uses (no cache hits) is not an input of this run.
    expect(r.inputs.some((i) => i.id.endsWith('price.cachedInput'))).toBe(false);
    expect(r.recommended).toBe('deepinfra/gpt-oss-120b');
  });
});
