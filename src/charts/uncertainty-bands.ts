import type { MonteCarloResult } from '../engine/uncertainty/monte-carlo.js';
import { percent, usd, usdPerRequest } from './format.js';
import { INK, MUTED, categoryAxisStyle, frame, labelOf, valueAxisStyle } from './theme.js';
import type { ChartOptions, ChartSpec } from './types.js';

export interface BandsOptions extends ChartOptions {
  /** 'lcpr' (default) or 'monthlyCost'. */
  metric?: 'lcpr' | 'monthlyCost';
}

export const BAND_SERIES = 'P10–P90';
export const P50_SERIES = 'Median (P50)';
export const POINT_SERIES = 'Point estimate';

/**
 * Uncertainty bands per route from `monteCarlo` (Inference Field Guide, Part 0 inputs with their
 * spreads): the P10–P90 range as a bar, the median and the point estimate as markers, the route's
 * win probability in its label.
 */
export function uncertaintyBands(mc: MonteCarloResult, opts: BandsOptions = {}): ChartSpec {
  const metric = opts.metric ?? 'lcpr';
  const routes = [...mc.routes].sort((a, b) => a.pointLcpr - b.pointLcpr || a.route.localeCompare(b.route));
  const point = (r: (typeof routes)[number]) => (metric === 'lcpr' ? r.pointLcpr : r.pointMonthlyCost);
  const fmt = metric === 'lcpr' ? usdPerRequest : (n: number) => usd(n);
  const band = (r: (typeof routes)[number]) => r[metric];
  return {
    ...frame({ ...opts, subtitle: opts.subtitle ?? `${mc.samples.toLocaleString('en-US')} samples, seed ${mc.seed}` }, [BAND_SERIES, P50_SERIES, POINT_SERIES], { right: 120 }),
    tooltip: { trigger: 'item', confine: true },
    xAxis: {
      type: 'value',
      name: metric === 'lcpr' ? 'USD per accepted request' : 'USD per month',
      nameLocation: 'middle',
      nameGap: 26,
      ...valueAxisStyle,
      axisLabel: { ...valueAxisStyle.axisLabel, formatter: '${value}' },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: routes.map((r) => `${labelOf(r.route, opts)}\nwins ${percent(r.winProbability)}`),
      ...categoryAxisStyle,
    },
    series: [
      // An invisible bar up to P10 lifts the visible P10–P90 bar off zero.
      { name: 'below P10', type: 'bar', stack: 'band', silent: true, barMaxWidth: 18, itemStyle: { color: 'transparent' }, tooltip: { show: false }, data: routes.map((r) => band(r).p10) },
      {
        name: BAND_SERIES,
        type: 'bar',
        stack: 'band',
        barMaxWidth: 18,
        itemStyle: { color: '#9ecae1' },
        data: routes.map((r) => ({ value: band(r).p90 - band(r).p10, label: { show: true, position: 'right', fontSize: 10, color: MUTED, formatter: `${fmt(band(r).p10)} – ${fmt(band(r).p90)}` } })),
      },
      { name: P50_SERIES, type: 'scatter', symbol: 'rect', symbolSize: [3, 22], itemStyle: { color: '#0072B2' }, data: routes.map((r, i) => [band(r).p50, i]) },
      { name: POINT_SERIES, type: 'scatter', symbol: 'diamond', symbolSize: 11, itemStyle: { color: INK }, data: routes.map((r, i) => [point(r), i]) },
    ],
  };
}
