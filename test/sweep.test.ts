import { describe, expect, it } from 'vitest';
import { computeLcpr, type TokenRouteSpec, type WorkloadProfile } from '../src/engine/cost/lcpr.js';
import { tornado } from '../src/engine/uncertainty/sensitivity.js';
import { linearGrid, logGrid, sweep, sweepOutputTokens, sweepVolume } from '../src/engine/uncertainty/sweep.js';
import { example } from './helpers/claims.js';

const [saas] = example('saas-chat.yaml');
const profile = saas!.profile;
const byId = (id: string) => saas!.routes.find((r) => r.id === id)!;

describe('sweeps and crossovers', () => {
  it('output length: Together and Fireworks cross at exactly 300 output tokens on 800 input', () => {
    // 800 × 0.60 + o × 1.70 = 800 × 0.90 + o × 0.90 ⇔ o = 300; every other cost is the same on both routes.
    const s = sweepOutputTokens(profile, [byId('together/deepseek-v3'), byId('fireworks/llama-3.3-70b')], 100, 2000, 100);
    expect(s.crossovers).toHaveLength(1);
    const c = s.crossovers[0]!;
    // At exactly 300 they tie and compareRoutes breaks the tie by id, so Fireworks already ranks first there.
    expect(c).toMatchObject({ from: 'together/deepseek-v3', to: 'fireworks/llama-3.3-70b', between: [200, 300] });
    expect(c.at).toBeCloseTo(300, 6);
  });

  it('volume: dedicated H100 overtakes GPT-5.5 once its fixed GPU month is spread thin enough', () => {
    const gpt = byId('openai/gpt-5.5');
    const h100 = byId('lambda/h100-sxm');
    const s = sweepVolume(profile, [gpt, h100]);
    expect(s.points[0]!.value).toBe(1e4);
    expect(s.points.at(-1)!.value).toBe(1e8);
    expect(s.points[0]!.cheapest).toBe('openai/gpt-5.5');
    const first = s.crossovers[0]!;
    expect(first.from).toBe('openai/gpt-5.5');
    expect(first.to).toBe('lambda/h100-sxm');
    // At the crossover the two LCPRs meet (just below it GPT-5.5 is cheaper, just above the H100).
    const at = (v: number, r: typeof gpt) => computeLcpr({ ...profile, requestsPerMonth: v }, r).lcpr;
    expect(at(first.at * 0.999, gpt)).toBeLessThan(at(first.at * 0.999, h100));
    expect(at(first.at * 1.001, gpt)).toBeGreaterThan(at(first.at * 1.001, h100));
  });

  it('reports no crossover when one route is cheapest everywhere', () => {
    const s = sweep(profile, saas!.routes, 'retry_rate', linearGrid(0, 0.3, 0.05));
    expect(s.points.every((p) => p.cheapest === 'deepinfra/gpt-oss-120b')).toBe(true);
    expect(s.crossovers).toEqual([]);
  });

  it('finds both changes when a third route wins in between', () => {
    const price = (id: string, input: number, output: number): TokenRouteSpec => ({ id, mode: 'serverless', billing: 'tokens', price: { input: { value: input, evidence: 'public' }, output: { value: output, evidence: 'public' } } });
    // Token cost per request in $/M-token units at 1000 input: a = 1000 + 0.1·o, b = 100 + 2·o, c = 500 + o.
    const p: WorkloadProfile = { ...profile, inputTokens: 1000 };
    const s = sweep(p, [price('a', 1, 0.1), price('b', 0.1, 2), price('c', 0.5, 1)], 'output_tokens', [0, 2000]);
    // b wins at 0, c from 400 (b = c), a from 555.6 (c = a: 0.9·o = 500).
    expect(s.crossovers.map((c) => [c.from, c.to])).toEqual([
      ['b', 'c'],
      ['c', 'a'],
    ]);
    expect(s.crossovers[0]!.at).toBeCloseTo(400, 6);
    expect(s.crossovers[1]!.at).toBeCloseTo(500 / 0.9, 6);
  });

  it('grids include both ends and reject backwards or oversized ranges', () => {
    expect(linearGrid(0, 0.3, 0.05)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(linearGrid(100, 250, 100)).toEqual([100, 200, 250]);
    expect(logGrid(1e4, 1e8, 1)).toEqual([1e4, 1e5, 1e6, 1e7, 1e8]);
    expect(() => linearGrid(1, 0, 0.1)).toThrow(/runs backwards/);
    expect(() => linearGrid(0, 1, 0)).toThrow(/step is 0/);
    expect(() => linearGrid(0, 1e6, 1)).toThrow(/at most 10,001/);
    expect(() => sweep(profile, saas!.routes, 'retry_rate', [0, 1.5])).toThrow(/retry_rate is 1.5; allowed 0 ≤ value ≤ 1/);
    expect(() => sweep(profile, saas!.routes, 'retry_rte', [0])).toThrow(/unknown input "retry_rte"; allowed requests_per_month/);
  });
});

describe('tornado', () => {
  it('ranks levers by swing, largest first, and swings each between its range ends', () => {
    const [t] = tornado(profile, [byId('openai/gpt-5.5')]);
    const swings = t!.bars.map((b) => b.swing);
    expect([...swings].sort((a, b) => b - a)).toEqual(swings);
    const pass = t!.bars.find((b) => b.name === 'quality_pass_rate')!;
    expect(pass.lcprAtLow).toBeCloseTo(computeLcpr({ ...profile, qualityPassRate: pass.low }, byId('openai/gpt-5.5')).lcpr, 15);
    // Published list prices carry no spread: zero swing.
    expect(t!.bars.find((b) => b.name === 'price.output')!.swing).toBe(0);
  });

  it('uses a given range for its lever and the evidence spread (P10–P90) for the rest', () => {
    const [t] = tornado(profile, [byId('together/deepseek-v3')], { ranges: [{ lever: 'retry_rate', low: 0, high: 0.3 }] });
    const retry = t!.bars.find((b) => b.name === 'retry_rate')!;
    expect(retry).toMatchObject({ low: 0, high: 0.3, rangeFrom: 'given' });
    const out = t!.bars.find((b) => b.name === 'output_tokens')!;
    expect(out.rangeFrom).toBe('spread');
    // Assumed ±50% triangular around 400: P10 = 200 + √(0.1 · 400 · 200).
    expect(out.low).toBeCloseTo(200 + Math.sqrt(0.1 * 400 * 200), 9);
    expect(out.high).toBeCloseTo(600 - Math.sqrt(0.1 * 400 * 200), 9);
  });

  it("a route with its own engineering hours: the lever moves the route's own hours (issue 10), not a zero swing", () => {
    const own = { ...byId('together/deepseek-v3'), engineeringHoursPerMonth: 40 };
    const [t] = tornado(profile, [own]);
    const bar = t!.bars.find((b) => b.name === 'engineering_hours_per_month')!;
    expect(bar.base).toBe(40);
    expect(t!.skipped).toEqual([]);
    expect(bar.lcprAtHigh).toBeCloseTo(computeLcpr(profile, { ...own, engineeringHoursPerMonth: bar.high }).lcpr, 12);
    expect(bar.swing).toBeGreaterThan(0);
  });

  it('on a GPU route, utilization and the GPU price are levers; token prices are not', () => {
    const [t] = tornado(profile, [byId('lambda/h100-sxm')]);
    const names = t!.bars.map((b) => b.name);
    expect(names).toContain('utilization');
    expect(names).toContain('gpu_hourly');
    expect(names).not.toContain('price.input');
  });
});
