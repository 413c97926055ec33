import type { EChartsOption } from 'echarts';

/**
 * A chart spec is one ECharts option object: the Studio passes it to `chart.setOption` in the
 * browser, the report renders it to SVG on the server (`renderSvg`). Specs hold data only — no
 * functions — so they survive JSON, URL state and byte-for-byte comparison.
 */
export type ChartSpec = EChartsOption;

/** Options every chart takes. */
export interface ChartOptions {
  /** Title drawn inside the chart; the report leaves it out and captions the figure in HTML instead. */
  title?: string;
  subtitle?: string;
  /** Display names by route id (sweeps and Monte Carlo results carry ids only). */
  labels?: Record<string, string>;
  /** Colours by route id; default `routeColors` over the route ids the chart shows. */
  colors?: Record<string, string>;
  /** Width the chart will be drawn at, in px: lays the legend out in enough rows (default 680). */
  width?: number;
}
