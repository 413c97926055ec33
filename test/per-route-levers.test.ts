import { describe, expect, it } from 'vitest';
import { computeLcpr, type RouteSpec } from '../src/engine/cost/lcpr.js';
import { tornado } from '../src/engine/uncertainty/sensitivity.js';
import { monteCarlo } from '../src/engine/uncertainty/monte-carlo.js';
import { findLever, leverOn, readLever } from '../src/engine/uncertainty/levers.js';
import { example } from './helpers/claims.js';
import { cli, tempYaml } from './helpers/cli.js';

// Issue 10: a route's own quality_pass_rate, retry_rate … is varied by sensitivity and Monte Carlo, not held fixed.
const [saas] = example('saas-chat.yaml');
const profile = saas!.profile;
const byId = (id: string) => saas!.routes.find((r) => r.id === id)!;
const own = (r: RouteSpec, q: number): RouteSpec => ({ ...r, overrides: { ...r.overrides, qualityPassRate: { value: q, evidence: 'estimated', source: 'eval on 200 samples' } } });

describe('per-route values as levers', () => {
  it("readLever and leverOn read and move the route's own value; a route without one uses the workload's", () => {
    const lever = findLever('quality_pass_rate');
    const a = own(byId('together/deepseek-v3'), 0.8);
    const b = byId('fireworks/llama-3.3-70b');
    expect(readLever(lever, profile, a)).toMatchObject({ value: 0.8, evidence: 'estimated' });
    expect(readLever(lever, profile, b)!.value).toBe(0.95);
    const moved = leverOn(lever, 0.6, profile, a);
    expect(moved.profile).toBe(profile);
    expect(computeLcpr(moved.profile, moved.route).lcpr).toBeCloseTo(computeLcpr(profile, own(a, 0.6)).lcpr, 12);
  });
  it("tornado: the route's own pass rate is the bar's base and its swing moves that route's LCPR", () => {
    const a = own(byId('together/deepseek-v3'), 0.8);
    const [t] = tornado(profile, [a]);
    const bar = t!.bars.find((x) => x.name === 'quality_pass_rate')!;
    expect(bar.base).toBe(0.8);
    expect(bar.evidence).toBe('estimated');
    expect(bar.lcprAtLow).toBeCloseTo(computeLcpr(profile, own(a, bar.low)).lcpr, 12);
    expect(bar.lcprAtHigh).toBeCloseTo(computeLcpr(profile, own(a, bar.high)).lcpr, 12);
    // LCPR ÷ pass rate: a lower pass rate costs more per accepted output.
    expect(bar.lcprAtLow).toBeGreaterThan(bar.lcprAtHigh);
  });
  it("Monte Carlo samples the route's own pass rate as an input of that route", () => {
    const a = own(byId('together/deepseek-v3'), 0.8);
    const r = monteCarlo(profile, [a, byId('fireworks/llama-3.3-70b')], { samples: 2000, seed: 7 });
    const input = r.inputs.find((x) => x.route === 'together/deepseek-v3' && x.name === 'quality_pass_rate');
    expect(input).toMatchObject({ id: 'together/deepseek-v3:qualityPassRate', value: 0.8, evidence: 'estimated' });
    expect(r.inputs.find((x) => x.route === 'fireworks/llama-3.3-70b' && x.name === 'quality_pass_rate')).toBeUndefined();
    const band = r.routes.find((x) => x.route === 'together/deepseek-v3')!.lcpr;
    expect(band.p10).toBeLessThan(band.p90);
  });
  it('routefit sensitivity FILE: a per-route quality_pass_rate in the file is the bar that route moves on', async () => {
    const f = tempYaml('name: q\nas_of: 2026-05-15\nrequests_per_month: 1000000\ninput_tokens: 800\noutput_tokens: 400\nroutes:\n  - { route: together/deepseek-v3, quality_pass_rate: 0.7 }\n  - fireworks/llama-3.3-70b\n');
    const r = await cli('sensitivity', f, '--json');
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout).workloads[0].tornado as { route: string; bars: { name: string; base: number }[] }[];
    expect(t.find((x) => x.route === 'together/deepseek-v3')!.bars.find((b) => b.name === 'quality_pass_rate')!.base).toBe(0.7);
    expect(t.find((x) => x.route === 'fireworks/llama-3.3-70b')!.bars.find((b) => b.name === 'quality_pass_rate')!.base).toBe(0.95);
  });
});
