import { describe, expect, it } from 'vitest';
import { valueOf } from '../src/engine/evidence.js';
import { compareRoutes } from '../src/engine/cost/compare.js';
import { monteCarlo } from '../src/engine/uncertainty/monte-carlo.js';
import { tornado } from '../src/engine/uncertainty/sensitivity.js';
import { sweepVolume } from '../src/engine/uncertainty/sweep.js';
import {
  BAND_SERIES,
  BREAKDOWN_PARTS,
  HIGH_SERIES,
  LCPR_SERIES,
  LOW_SERIES,
  POINT_SERIES,
  RAW_SERIES,
  YOU_ARE_HERE,
  costBreakdown,
  costVsVolume,
  lcprByRoute,
  measuredPoints,
  measuredSeries,
  routeColors,
  humanize,
  sensitivityTornado,
  uncertaintyBands,
  type ChartSpec,
} from '../src/charts/index.js';
import { renderSvg } from '../src/charts/render-svg.js';
import { example } from './helpers/claims.js';

const [saas] = example('saas-chat.yaml');
const profile = saas!.profile;
const routes = saas!.routes;
const comparison = compareRoutes(profile, routes);
// GPT-5.5 vs a dedicated H100: the GPU month spreads thin enough to win at volume (a real crossover).
const raceRoutes = routes.filter((r) => r.id === 'openai/gpt-5.5' || r.id === 'lambda/h100-sxm');

type Series = { name: string; type: string; data: unknown[]; markLine?: { data: { xAxis?: number; yAxis?: number; label: { formatter: string } }[] } };
const seriesOf = (spec: ChartSpec) => spec.series as unknown as Series[];
const named = (spec: ChartSpec, name: string) => seriesOf(spec).find((s) => s.name === name)!;
const values = (s: Series) => s.data.map((d) => (typeof d === 'object' && d !== null && 'value' in d ? (d as { value: number }).value : d));
const categories = (spec: ChartSpec, axis: 'xAxis' | 'yAxis') => (spec[axis] as { data: string[] }).data;

describe('chart specs carry the engine numbers', () => {
  it('LCPR by route: bars are the engine LCPR and raw cost, cheapest LCPR first', () => {
    const spec = lcprByRoute(comparison);
    expect(comparison.routes.length).toBeGreaterThan(2);
    expect(categories(spec, 'yAxis')).toEqual(comparison.routes.map((r) => r.label));
    expect(values(named(spec, LCPR_SERIES))).toEqual(comparison.routes.map((r) => r.lcpr));
    expect(values(named(spec, RAW_SERIES))).toEqual(comparison.routes.map((r) => r.rawCostPerRequest));
    // LCPR is never below the pricing-page cost on these routes (overhead ratio ≥ 1).
    for (const r of comparison.routes) expect(r.lcpr).toBeGreaterThanOrEqual(r.rawCostPerRequest);
  });

  it('LCPR by route names unpriced routes instead of drawing them at $0', () => {
    const c = { ...comparison, unpriced: [{ route: 'acme/unknown', code: 'missing_price' as const, message: 'no price' }] };
    const spec = lcprByRoute(c);
    expect(JSON.stringify(spec.title)).toContain('Not priced: acme/unknown');
    expect(categories(spec, 'yAxis')).not.toContain('acme/unknown');
  });

  it('cost breakdown: the stacked parts sum to each route\'s monthly cost, and per accepted request to its LCPR', () => {
    for (const per of ['month', 'accepted'] as const) {
      const spec = costBreakdown(comparison, { per });
      const series = seriesOf(spec);
      comparison.routes.forEach((r, i) => {
        const sum = series.reduce((acc, s) => acc + (values(s)[i] as number), 0);
        const want = per === 'month' ? r.monthlyCost : r.lcpr;
        expect(Math.abs(sum - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, want));
      });
    }
  });

  it('cost breakdown: retries are split out of token spend, and parts zero on every route are left out', () => {
    const spec = costBreakdown(comparison);
    const names = seriesOf(spec).map((s) => s.name);
    const tokenRoute = comparison.routes.findIndex((r) => r.billing === 'tokens' && r.breakdown.retries > 0);
    expect(tokenRoute).toBeGreaterThanOrEqual(0);
    const r = comparison.routes[tokenRoute]!;
    expect(values(named(spec, 'Retries'))[tokenRoute]).toBe(r.breakdown.retries);
    expect(values(named(spec, 'Tokens (first attempts)'))[tokenRoute]).toBeCloseTo(r.breakdown.tokens - r.breakdown.retries, 9);
    for (const p of BREAKDOWN_PARTS) {
      const anyNonZero = comparison.routes.some((q) => (p.key === 'tokens' ? q.breakdown.tokens - q.breakdown.retries : q.breakdown[p.key]) !== 0);
      expect(names.includes(p.name)).toBe(anyNonZero);
    }
  });

  it('cost vs volume: crossover lines sit at the sweep\'s crossovers, "you are here" at the workload\'s volume', () => {
    const s = sweepVolume(profile, raceRoutes);
    expect(s.crossovers.length).toBeGreaterThan(0);
    const current = valueOf(profile.requestsPerMonth);
    const spec = costVsVolume(s, { current });
    const lines = seriesOf(spec)[0]!.markLine!.data;
    expect(lines.slice(0, s.crossovers.length).map((l) => l.xAxis)).toEqual(s.crossovers.map((x) => x.at));
    const here = lines.find((l) => l.label.formatter.startsWith(YOU_ARE_HERE))!;
    expect(here.xAxis).toBe(current);
    expect(current).toBe(500_000);
    expect((spec.xAxis as { type: string }).type).toBe('log');
    expect((spec.yAxis as { type: string }).type).toBe('log');
    // Each line's points are the sweep's LCPR of that route at each volume.
    const first = s.points[0]!.routes[0]!;
    const line = seriesOf(spec).find((x) => x.name === first.route)!;
    expect(line.data[0]).toEqual([s.points[0]!.value, first.lcpr]);
  });

  it('cost vs volume: a route unpriced at a volume is a gap (null), not $0', () => {
    const s = sweepVolume(profile, routes);
    const holed = { ...s, points: s.points.map((p, i) => (i === 2 ? { ...p, routes: p.routes.slice(1) } : p)) };
    const dropped = s.points[2]!.routes[0]!.route;
    const line = seriesOf(costVsVolume(holed)).find((x) => x.name === dropped)!;
    expect(line.data[2]).toEqual([s.points[2]!.value, null]);
  });

  it('tornado: bars are the engine\'s LCPR at low and high minus the base, largest swing on top', () => {
    const [t] = tornado(profile, routes, { routes: [comparison.routes[0]!.route] });
    const spec = sensitivityTornado(t!, { top: 5 });
    const bars = t!.bars.slice(0, 5);
    expect(categories(spec, 'yAxis')).toEqual(bars.map((b) => humanize(b.name)));
    expect(values(named(spec, LOW_SERIES))).toEqual(bars.map((b) => b.lcprAtLow - t!.baseLcpr));
    expect(values(named(spec, HIGH_SERIES))).toEqual(bars.map((b) => b.lcprAtHigh - t!.baseLcpr));
    for (let i = 1; i < bars.length; i++) expect(bars[i - 1]!.swing).toBeGreaterThanOrEqual(bars[i]!.swing);
  });

  it('uncertainty bands: P10 base, P10–P90 width and the point estimate are the Monte Carlo\'s', () => {
    const mc = monteCarlo(profile, routes, { samples: 400, seed: 3 });
    const spec = uncertaintyBands(mc);
    const order = [...mc.routes].sort((a, b) => a.pointLcpr - b.pointLcpr || a.route.localeCompare(b.route));
    const [base] = seriesOf(spec);
    expect(values(base!)).toEqual(order.map((r) => r.lcpr.p10));
    expect(values(named(spec, BAND_SERIES))).toEqual(order.map((r) => r.lcpr.p90 - r.lcpr.p10));
    expect(named(spec, POINT_SERIES).data).toEqual(order.map((r, i) => [r.pointLcpr, i]));
    expect(categories(spec, 'yAxis')[0]).toContain(`wins ${Math.round(order[0]!.winProbability * 100)}%`);
  });

  it('measured series: days sorted as strings, a missing LCPR is a gap, the assumed LCPR a dashed line', () => {
    const groups = [
      { key: { day: '2026-11-02', route: 'a' }, lcpr: { lcpr: 0.02 } },
      { key: { day: '2026-11-01', route: 'a' }, lcpr: { lcpr: 0.01 } },
      { key: { day: '2026-11-01', route: 'b' }, lcpr: { lcpr: null } },
      { key: { day: '2026-11-03', route: 'b' }, lcpr: { lcpr: 0.05 } },
    ];
    const spec = measuredSeries(measuredPoints(groups), { assumed: { a: 0.015 } });
    expect(categories(spec, 'xAxis')).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(named(spec, 'a').data).toEqual([0.01, 0.02, null]);
    expect(named(spec, 'b').data).toEqual([null, null, 0.05]);
    expect(named(spec, 'a').markLine!.data[0]!.yAxis).toBe(0.015);
    expect(named(spec, 'b').markLine).toBeUndefined();
  });

  it('route colours are stable: the same route gets the same colour whatever order it arrives in', () => {
    expect(routeColors(['b', 'a', 'c'])).toEqual(routeColors(['c', 'b', 'a']));
    const c = routeColors(['x', 'y']);
    expect(c.x).not.toBe(c.y);
  });

  it('specs are plain data: a JSON round trip changes nothing (the Studio keeps them in URL state)', () => {
    const s = sweepVolume(profile, routes);
    for (const spec of [lcprByRoute(comparison), costBreakdown(comparison), costVsVolume(s, { current: 1e6 })]) {
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    }
  });
});

describe('renderSvg', () => {
  const s = sweepVolume(profile, raceRoutes);
  const spec = costVsVolume(s, { current: 1e6, title: 'Cost vs volume' });

  it('gives the same bytes twice, even after other charts advanced ECharts\' counters and the time zone changed', () => {
    const a = renderSvg(spec, { width: 720, height: 360, id: 'cv' });
    renderSvg(lcprByRoute(comparison), { width: 500, height: 300 });
    const tz = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      const b = renderSvg(spec, { width: 720, height: 360, id: 'cv' });
      expect(b).toBe(a);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    expect(a.startsWith('<svg')).toBe(true);
    expect(a).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(a).toContain('width="720"');
    expect(a).not.toMatch(/zr\d+-/);
    expect(a).toContain('cv-cls0');
  });

  it('draws the crossover and "you are here" labels and the fixed font', () => {
    const svg = renderSvg(spec, { width: 720, height: 360 });
    expect(svg).toContain(`${YOU_ARE_HERE}: 1M/mo`);
    expect(svg).toContain('cheapest from');
    expect(svg).toContain('font-family:Inter');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('refuses a size that is not above zero', () => {
    expect(() => renderSvg(spec, { width: 0, height: 100 })).toThrow(/width and height/);
  });
});
