import type { Sweep } from '../engine/uncertainty/sweep.js';
import { compact } from './format.js';
import { INK, MUTED, colorOf, decades, frame, labelOf, valueAxisStyle } from './theme.js';
import type { ChartOptions, ChartSpec } from './types.js';

export interface CostVsVolumeOptions extends ChartOptions {
  /** The workload's volume today (requests/month): drawn as the "you are here" marker. */
  current?: number;
  /** 'lcpr' (default) plots USD per accepted request; 'monthlyCost' plots USD per month. */
  metric?: 'lcpr' | 'monthlyCost';
}

export const YOU_ARE_HERE = 'You are here';

/**
 * Cost vs volume per route on log axes with the sweep's crossovers (Inference Field Guide, Part 1:
 * "Dedicated wins at scale; the crossover is higher than most teams expect"). Takes `sweepVolume`'s
 * result; a route unpriced at a volume (e.g. over capacity) leaves a gap, never a $0 point.
 */
export function costVsVolume(s: Sweep, opts: CostVsVolumeOptions = {}): ChartSpec {
  const metric = opts.metric ?? 'lcpr';
  const ids = [...new Set(s.points.flatMap((p) => p.routes.map((r) => r.route)))].sort();
  const xs = s.points.map((p) => p.value);
  const crossLines = s.crossovers.map((x) => ({
    xAxis: x.at,
    lineStyle: { color: MUTED, type: 'dashed' as const, width: 1 },
    label: { formatter: `${labelOf(x.to, opts)} cheapest from ${compact(x.at)}/mo`, position: 'insideEndTop' as const, fontSize: 10, color: MUTED },
  }));
  const here = opts.current !== undefined
    ? [{ xAxis: opts.current, lineStyle: { color: INK, type: 'solid' as const, width: 1.5 }, label: { formatter: `${YOU_ARE_HERE}: ${compact(opts.current)}/mo`, position: 'insideEndTop' as const, fontSize: 10, fontWeight: 600 as const, color: INK } }]
    : [];
  const log = s.scale === 'log';
  const ys = s.points.flatMap((p) => p.routes.map((r) => r[metric]));
  return {
    ...frame(opts, ids.map((id) => labelOf(id, opts)), { right: 36 }),
    xAxis: {
      type: log ? 'log' : 'value',
      name: s.lever === 'requestsPerMonth' ? 'Requests per month' : s.name,
      nameLocation: 'middle',
      nameGap: 26,
      min: Math.min(...xs),
      max: Math.max(...xs),
      ...valueAxisStyle,
      splitLine: { show: false },
      axisLine: { show: true, lineStyle: { color: MUTED } },
    },
    yAxis: {
      type: 'log',
      ...decades(ys),
      name: metric === 'lcpr' ? 'USD per accepted request' : 'USD per month',
      nameLocation: 'middle',
      nameGap: 58,
      ...valueAxisStyle,
      axisLabel: { ...valueAxisStyle.axisLabel, formatter: '${value}' },
    },
    series: ids.map((id, i) => ({
      name: labelOf(id, opts),
      type: 'line' as const,
      showSymbol: false,
      connectNulls: false,
      lineStyle: { width: 2 },
      itemStyle: { color: colorOf(id, opts, ids) },
      data: s.points.map((p) => {
        const r = p.routes.find((q) => q.route === id);
        return [p.value, r ? r[metric] : null];
      }),
      // Marker lines ride on the first series so they are drawn once.
      ...(i === 0 && (crossLines.length || here.length) ? { markLine: { silent: true, symbol: 'none', animation: false, data: [...crossLines, ...here] } } : {}),
    })),
  };
}
