import type { Forecast } from '../engine/decisions/forecast.js';
import { usd } from './format.js';
import { INK, MUTED, PALETTE, frame, valueAxisStyle } from './theme.js';
import type { ChartOptions, ChartSpec } from './types.js';

export interface SpendForecastOptions extends ChartOptions {
  /** Monthly budget: a horizontal line. */
  monthlyBudget?: number;
}

/**
 * Monthly spend per growth scenario over the planning horizon (the playbook's red flag: one workload
 * growing 3× while the others stay flat), with each scenario's gate crossings as points and the month
 * its budget runs out as a marker line. One series per named forecast, in the order given.
 */
export function spendForecast(forecasts: readonly { name: string; forecast: Forecast }[], opts: SpendForecastOptions = {}): ChartSpec {
  const names = forecasts.map((f) => f.name);
  const months = forecasts[0]?.forecast.months.map((m) => m.month) ?? [];
  return {
    ...frame(opts, names, { right: 36 }),
    xAxis: { type: 'category', data: months.map(String), name: 'Month (0 = today)', nameLocation: 'middle', nameGap: 26, ...valueAxisStyle, splitLine: { show: false }, axisLine: { show: true, lineStyle: { color: MUTED } } },
    yAxis: { type: 'value', name: 'USD per month', nameLocation: 'middle', nameGap: 58, ...valueAxisStyle, axisLabel: { ...valueAxisStyle.axisLabel, formatter: '${value}' } },
    series: forecasts.map(({ name, forecast: f }, i) => {
      const color = PALETTE[i % PALETTE.length]!;
      const exhausted = f.budgetTotalExhaustedAt ?? f.budgetMonthlyExceededAt;
      const budgetLine = i === 0 && opts.monthlyBudget !== undefined ? [{ yAxis: opts.monthlyBudget, lineStyle: { color: INK, type: 'dashed' as const, width: 1 }, label: { formatter: `Monthly budget ${usd(opts.monthlyBudget)}`, position: 'insideEndTop' as const, fontSize: 10, color: INK } }] : [];
      const exhaustedLine = exhausted !== undefined && exhausted !== null ? [{ xAxis: String(exhausted), lineStyle: { color, type: 'dotted' as const, width: 1.5 }, label: { formatter: `${name}: budget out, month ${exhausted}`, position: 'insideEndTop' as const, fontSize: 10, color } }] : [];
      const gates = f.events.filter((e) => e.kind !== 'budget_monthly' && e.kind !== 'budget_total');
      return {
        name,
        type: 'line' as const,
        showSymbol: false,
        lineStyle: { width: 2 },
        itemStyle: { color },
        data: f.months.map((m) => m.spend),
        ...(budgetLine.length || exhaustedLine.length ? { markLine: { silent: true, symbol: 'none', animation: false, data: [...budgetLine, ...exhaustedLine] } } : {}),
        ...(gates.length ? { markPoint: { symbol: 'circle', symbolSize: 8, animation: false, label: { show: false }, data: gates.map((e) => ({ name: e.detail, coord: [String(e.month), f.months[e.month]?.spend ?? 0], value: e.kind })) } } : {}),
      };
    }),
  };
}
