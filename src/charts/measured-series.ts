import { usdPerRequest } from './format.js';
import { MUTED, categoryAxisStyle, colorOf, frame, labelOf, valueAxisStyle } from './theme.js';
import type { ChartOptions, ChartSpec } from './types.js';

/** One measured LCPR: a day, a series (a route, or "workload / route"), and the engine's `measuredLcpr` (null when it cannot be computed). */
export interface MeasuredDayPoint {
  /** YYYY-MM-DD (UTC). */
  day: string;
  series: string;
  lcpr: number | null;
}

/** The shape of `traces summarize --by day,route` groups this chart reads (structural, so the chart does not import the trace store). */
export interface DayGroup {
  key: { day?: string | null; route?: string | null; workload?: string | null };
  lcpr: { lcpr: number | null };
}

/** Summaries grouped by day and route (and optionally workload) → points; series are "route" or "workload / route". */
export function measuredPoints(groups: readonly DayGroup[]): MeasuredDayPoint[] {
  return groups
    .filter((g) => g.key.day)
    .map((g) => ({
      day: g.key.day!,
      series: [g.key.workload, g.key.route ?? '(no route)'].filter((x) => x !== undefined && x !== null).join(' / '),
      lcpr: g.lcpr.lcpr,
    }));
}

export interface MeasuredSeriesOptions extends ChartOptions {
  /** The assumed LCPR by series, drawn as a dashed line beside the measured one. */
  assumed?: Record<string, number>;
}

/**
 * Measured LCPR by day per route (the Trace Kit's daily series). Days are categories — strings,
 * never parsed — so the axis reads the same in every time zone; a day without an honest LCPR is a gap.
 */
export function measuredSeries(points: readonly MeasuredDayPoint[], opts: MeasuredSeriesOptions = {}): ChartSpec {
  const days = [...new Set(points.map((p) => p.day))].sort();
  const ids = [...new Set(points.map((p) => p.series))].sort();
  const at = new Map(points.map((p) => [`${p.series}\u0000${p.day}`, p.lcpr]));
  return {
    ...frame(opts, ids.map((id) => labelOf(id, opts))),
    xAxis: { type: 'category', data: days, boundaryGap: false, ...categoryAxisStyle, axisLabel: { ...categoryAxisStyle.axisLabel, color: MUTED } },
    yAxis: { type: 'value', name: 'USD per accepted request', nameLocation: 'middle', nameGap: 52, scale: true, ...valueAxisStyle, axisLabel: { ...valueAxisStyle.axisLabel, formatter: '${value}' } },
    series: ids.map((id) => {
      const color = colorOf(id, opts, ids);
      const assumed = opts.assumed?.[id];
      return {
        name: labelOf(id, opts),
        type: 'line' as const,
        connectNulls: false,
        symbolSize: 4,
        lineStyle: { width: 2 },
        itemStyle: { color },
        data: days.map((d) => at.get(`${id}\u0000${d}`) ?? null),
        ...(assumed !== undefined
          ? { markLine: { silent: true, symbol: 'none', animation: false, lineStyle: { color, type: 'dashed' as const, width: 1 }, data: [{ yAxis: assumed, label: { formatter: `assumed ${usdPerRequest(assumed)}`, position: 'insideEndTop' as const, fontSize: 10, color } }] } }
          : {}),
      };
    }),
  };
}
