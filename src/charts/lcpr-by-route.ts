import type { Comparison } from '../engine/cost/compare.js';
import { ratio, usdPerRequest } from './format.js';
import { MUTED, categoryAxisStyle, frame, valueAxisStyle } from './theme.js';
import type { ChartOptions, ChartSpec } from './types.js';

export const RAW_SERIES = 'Raw cost per request (pricing page)';
export const LCPR_SERIES = 'Loaded cost per accepted request (LCPR)';

/**
 * LCPR by route, raw vs loaded (Inference Field Guide, Part 0: the pricing page vs the cost per
 * accepted output): one row per priced route, cheapest LCPR on top, labelled with the overhead ratio.
 * Unpriced routes are named in the subtitle, never drawn as $0.
 */
export function lcprByRoute(c: Comparison, opts: ChartOptions = {}): ChartSpec {
  const routes = c.routes;
  const unpriced = c.unpriced.map((u) => u.route);
  const subtitle = opts.subtitle ?? (unpriced.length ? `Not priced: ${unpriced.join(', ')}` : undefined);
  const base = frame({ ...opts, ...(subtitle ? { subtitle } : {}) }, [RAW_SERIES, LCPR_SERIES], { right: 112 });
  return {
    ...base,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    xAxis: { type: 'value', name: 'USD per request', nameLocation: 'middle', nameGap: 26, ...valueAxisStyle, axisLabel: { ...valueAxisStyle.axisLabel, formatter: '${value}' } },
    yAxis: { type: 'category', inverse: true, data: routes.map((r) => r.label), ...categoryAxisStyle },
    series: [
      {
        name: RAW_SERIES,
        type: 'bar',
        barGap: '15%',
        itemStyle: { color: '#9ecae1' },
        data: routes.map((r) => ({ value: r.rawCostPerRequest, label: { show: true, position: 'right', fontSize: 10, color: MUTED, formatter: usdPerRequest(r.rawCostPerRequest) } })),
      },
      {
        name: LCPR_SERIES,
        type: 'bar',
        itemStyle: { color: '#0072B2' },
        data: routes.map((r) => ({
          value: r.lcpr,
          label: { show: true, position: 'right', fontSize: 10, fontWeight: 600, formatter: `${usdPerRequest(r.lcpr)}${r.overheadRatio !== null ? ` (${ratio(r.overheadRatio)} raw)` : ''}` },
        })),
      },
    ],
  };
}
