import type { ChartOptions, ChartSpec } from './types.js';

/** One font for every chart (the report embeds Inter; the fallbacks keep the Studio readable without it). */
export const CHART_FONT = 'Inter, DejaVu Sans, Arial, sans-serif';

/** Colour-blind-safe palette (Okabe–Ito order, darkened for print). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#6B6B6B', '#8C564B', '#F0E442', '#000000'];

/** Colours of a breakdown's parts, fixed so "GPU" is the same colour in every chart. */
export const PART_COLORS: Record<string, string> = {
  tokens: '#0072B2',
  retries: '#56B4E9',
  repair: '#D55E00',
  engineering: '#E69F00',
  gpu: '#009E73',
  eval: '#CC79A7',
  human: '#8C564B',
  ops: '#6B6B6B',
  invoiceDelta: '#000000',
};

export const INK = '#1f2328';
export const MUTED = '#57606a';
export const GRID_LINE = '#d8dee4';

/** A colour per route id, assigned in sorted id order so the same routes get the same colours in every chart. */
export function routeColors(routeIds: readonly string[]): Record<string, string> {
  const ids = [...new Set(routeIds)].sort();
  return Object.fromEntries(ids.map((id, i) => [id, PALETTE[i % PALETTE.length]!]));
}

export function labelOf(id: string, opts: ChartOptions): string {
  return opts.labels?.[id] ?? id;
}

export function colorOf(id: string, opts: ChartOptions, all: readonly string[]): string {
  return opts.colors?.[id] ?? routeColors(all)[id]!;
}

/**
 * Width of a text in em, from a small per-character table sized for Inter (a little generous, so a
 * label measured with it never overflows when drawn in Inter). Server-side renderSvg measures with
 * it; the legend layout below estimates with it in the browser too.
 */
export function textWidthEm(text: string): number {
  let w = 0;
  for (const ch of text) {
    if ("iljtf.,:;|!'`".includes(ch)) w += 0.3;
    else if ('rI ()[]{}-/'.includes(ch)) w += 0.4;
    else if ('mwMW@%'.includes(ch)) w += 0.92;
    else if (ch >= '0' && ch <= '9') w += 0.62;
    else if (ch >= 'A' && ch <= 'Z') w += 0.72;
    else if (ch >= 'a' && ch <= 'z') w += 0.58;
    else w += 0.7;
  }
  return w;
}

/** Legend rows the names take at the chart's width (11 px text, 14 px symbol, 10 px gaps). */
export function legendRows(names: readonly string[], width: number): number {
  let rows = 1;
  let x = 0;
  for (const n of names) {
    const w = 14 + 5 + textWidthEm(n) * 11 + 10;
    if (x > 0 && x + w > width) {
      rows++;
      x = 0;
    }
    x += w;
  }
  return rows;
}

/**
 * What every spec shares: animation off (a static first frame, and SSR needs it), UTC time, one font,
 * the title above a legend that never overlaps it (its rows are estimated at `opts.width`), and a grid
 * that keeps axis labels inside the canvas with room on the right for end-of-bar labels.
 */
export function frame(opts: ChartOptions, legend: readonly string[] | false, room: { right?: number } = {}): ChartSpec {
  const head = (opts.title ? 24 : 0) + (opts.subtitle ? 18 : 0);
  const rows = legend ? legendRows(legend, opts.width ?? DEFAULT_WIDTH) : 0;
  const top = head + rows * 20;
  return {
    animation: false,
    useUTC: true,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: CHART_FONT, color: INK, fontSize: 12 },
    aria: { enabled: true },
    ...(head
      ? {
          title: {
            text: opts.title ?? '',
            ...(opts.subtitle ? { subtext: opts.subtitle } : {}),
            left: 0,
            top: 0,
            padding: 0,
            itemGap: 6,
            // A title longer than the chart ends in an ellipsis instead of running off the canvas.
            textStyle: { fontSize: 14, fontWeight: 600, color: INK, width: (opts.width ?? DEFAULT_WIDTH) - 8, overflow: 'truncate' },
            subtextStyle: { fontSize: 11, color: MUTED, width: (opts.width ?? DEFAULT_WIDTH) - 8, overflow: 'truncate' },
          },
        }
      : {}),
    ...(legend ? { legend: { data: [...legend], top: head, left: 0, padding: [2, 0], itemGap: 10, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 11, color: INK } } } : {}),
    // Axis labels AND axis names inside the canvas ('all'): containLabel left rotated axis names
    // (nameGap past the labels) cut off at the edge.
    grid: { left: 4, right: room.right ?? 28, top: top + 14, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: { trigger: 'axis', confine: true },
  };
}

/** The width charts are laid out for when the caller does not say (the report's figure width). */
export const DEFAULT_WIDTH = 680;

/** Bounds of a log axis at whole powers of ten (ECharts prints 10^-4 as 0.0000999… otherwise). */
export function decades(values: readonly number[]): { min: number; max: number } | Record<string, never> {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!pos.length) return {};
  const lo = Math.floor(Math.log10(Math.min(...pos)));
  const hi = Math.ceil(Math.log10(Math.max(...pos)));
  return { min: Number(`1e${lo}`), max: Number(`1e${hi === lo ? hi + 1 : hi}`) };
}

/** "quality_pass_rate" → "Quality pass rate"; "price.input" → "Price input". */
export function humanize(key: string): string {
  const s = key.replace(/[._]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const valueAxisStyle = {
  axisLine: { show: false },
  axisTick: { show: false },
  splitLine: { lineStyle: { color: GRID_LINE } },
  axisLabel: { color: MUTED, fontSize: 11 },
  nameTextStyle: { color: MUTED, fontSize: 11 },
} as const;

/** Widest a category axis label is drawn, in px. */
export const CATEGORY_LABEL_PX = 220;

export const categoryAxisStyle = {
  axisLine: { lineStyle: { color: GRID_LINE } },
  axisTick: { show: false },
  // A long route name is cut to CATEGORY_LABEL_PX with an ellipsis (the tooltip names it in full)
  // rather than squeezing the plot or leaving the canvas.
  axisLabel: { color: INK, fontSize: 11, width: CATEGORY_LABEL_PX, overflow: 'truncate', ellipsis: '…' },
  tooltip: { show: true },
  triggerEvent: true,
} as const;
