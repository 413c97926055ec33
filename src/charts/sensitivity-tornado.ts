import type { RouteTornado } from '../engine/uncertainty/sensitivity.js';
import { usdSig } from './format.js';
import { MUTED, categoryAxisStyle, frame, humanize, valueAxisStyle } from './theme.js';
import type { ChartOptions, ChartSpec } from './types.js';

export interface TornadoOptions extends ChartOptions {
  /** Bars shown, largest swing first (default 10). */
  top?: number;
}

export const LOW_SERIES = 'Input at low';
export const HIGH_SERIES = 'Input at high';

const num = (n: number) => Number(n.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });

/**
 * Sensitivity tornado of one route (Inference Field Guide, Part 0: "The numbers change when
 * reliability changes"): each input alone at its low and high, bars drawn as the change in LCPR
 * from the route's base, largest swing on top, each end labelled with the LCPR it gives.
 */
export function sensitivityTornado(t: RouteTornado, opts: TornadoOptions = {}): ChartSpec {
  const bars = t.bars.slice(0, opts.top ?? 10);
  const side = (name: string, color: string, at: 'lcprAtLow' | 'lcprAtHigh', end: 'low' | 'high') => ({
    name,
    type: 'bar' as const,
    barGap: '-100%',
    barMaxWidth: 22,
    itemStyle: { color },
    data: bars.map((b) => {
      const d = b[at] - t.baseLcpr;
      const other = (at === 'lcprAtLow' ? b.lcprAtHigh : b.lcprAtLow) - t.baseLcpr;
      // Both ends on one side (a non-monotone input): the shorter bar's label goes to the other side of zero.
      const flip = Math.sign(d) === Math.sign(other) && Math.abs(d) < Math.abs(other);
      const right = d >= 0 !== flip;
      return { value: d, label: { show: true, position: (right ? 'right' : 'left') as 'right' | 'left', fontSize: 10, color: MUTED, formatter: `${usdSig(b[at])} at ${num(b[end])}` } };
    }),
  });
  // Symmetric axis with room either side for the end labels, which name the LCPR each end gives.
  const reach = Math.max(...bars.flatMap((b) => [Math.abs(b.lcprAtLow - t.baseLcpr), Math.abs(b.lcprAtHigh - t.baseLcpr)]), 0) || t.baseLcpr * 0.01 || 1e-6;
  return {
    ...frame({ ...opts, subtitle: opts.subtitle ?? `Base LCPR ${usdSig(t.baseLcpr)} per accepted request; each input alone at its low and high` }, [LOW_SERIES, HIGH_SERIES], { right: 12 }),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    xAxis: {
      type: 'value',
      name: 'Change in LCPR from the base (USD per accepted request)',
      nameLocation: 'middle',
      nameGap: 26,
      min: -reach * 1.9,
      max: reach * 1.9,
      ...valueAxisStyle,
      axisLabel: { ...valueAxisStyle.axisLabel, formatter: '${value}', showMinLabel: false, showMaxLabel: false },
    },
    yAxis: { type: 'category', inverse: true, data: bars.map((b) => humanize(b.name)), ...categoryAxisStyle },
    series: [side(LOW_SERIES, '#56B4E9', 'lcprAtLow', 'low'), side(HIGH_SERIES, '#D55E00', 'lcprAtHigh', 'high')],
  };
}
