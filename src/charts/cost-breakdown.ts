import type { Comparison } from '../engine/cost/compare.js';
import type { Breakdown, RouteResult } from '../engine/cost/lcpr.js';
import { usd, usdPerRequest } from './format.js';
import { PART_COLORS, categoryAxisStyle, frame, valueAxisStyle } from './theme.js';
import type { ChartOptions, ChartSpec } from './types.js';

/** The parts of a route's monthly cost, in stacking order (Inference Field Guide, Part 0, full decomposition). */
export const BREAKDOWN_PARTS = [
  { key: 'tokens', name: 'Tokens (first attempts)' },
  { key: 'retries', name: 'Retries' },
  { key: 'repair', name: 'Repair' },
  { key: 'engineering', name: 'Engineering' },
  { key: 'gpu', name: 'GPU' },
  { key: 'eval', name: 'Eval' },
  { key: 'human', name: 'Human escalation' },
  { key: 'ops', name: 'Ops' },
  { key: 'invoiceDelta', name: 'Invoice delta' },
] as const;
export type BreakdownPart = (typeof BREAKDOWN_PARTS)[number]['key'];

/**
 * One part's monthly USD. `breakdown.tokens` includes what retries burn, so the stack shows first
 * attempts and retries apart; the parts then sum to the route's monthly cost.
 */
export function partValue(b: Breakdown, part: BreakdownPart): number {
  return part === 'tokens' ? b.tokens - b.retries : b[part];
}

export interface BreakdownOptions extends ChartOptions {
  /** 'month' stacks USD per month (sums to monthly cost); 'accepted' divides by accepted requests (sums to LCPR). */
  per?: 'month' | 'accepted';
}

/** Cost breakdown by route, stacked: tokens, retries, repair, engineering, GPU, eval/human/ops. Parts zero on every route are left out. */
export function costBreakdown(c: Comparison, opts: BreakdownOptions = {}): ChartSpec {
  const per = opts.per ?? 'month';
  const scale = (r: RouteResult) => (per === 'month' ? 1 : 1 / r.acceptedRequestsPerMonth);
  const parts = BREAKDOWN_PARTS.filter((p) => c.routes.some((r) => partValue(r.breakdown, p.key) !== 0));
  const total = (r: RouteResult) => (per === 'month' ? r.monthlyCost : r.lcpr);
  const fmt = per === 'month' ? (n: number) => usd(n) : usdPerRequest;
  return {
    ...frame(opts, parts.map((p) => p.name), { right: 64 }),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    xAxis: {
      type: 'value',
      name: per === 'month' ? 'USD per month' : 'USD per accepted request',
      nameLocation: 'middle',
      nameGap: 26,
      ...valueAxisStyle,
      axisLabel: { ...valueAxisStyle.axisLabel, formatter: '${value}' },
    },
    yAxis: { type: 'category', inverse: true, data: c.routes.map((r) => r.label), ...categoryAxisStyle },
    series: parts.map((p, i) => ({
      name: p.name,
      type: 'bar' as const,
      stack: 'cost',
      barMaxWidth: 28,
      itemStyle: { color: PART_COLORS[p.key]! },
      data: c.routes.map((r) => ({
        value: partValue(r.breakdown, p.key) * scale(r),
        // The total sits at the end of the last stacked part.
        ...(i === parts.length - 1 ? { label: { show: true, position: 'right' as const, fontSize: 10, fontWeight: 600, formatter: fmt(total(r)) } } : {}),
      })),
    })),
  };
}
