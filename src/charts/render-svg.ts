import * as echarts from 'echarts';
import type { ChartSpec } from './types.js';

export interface SvgOptions {
  width: number;
  height: number;
  /**
   * Prefix for the SVG's class names. ECharts numbers them per process (zr0-cls-3 …); they are
   * renumbered from 0 under this prefix so the bytes depend on the spec alone, and distinct
   * prefixes keep several charts' styles apart in one HTML page.
   */
  id?: string;
}

// Server side there is no canvas: text is measured from zrender's built-in width table, the same on
// every machine (a DOM or node-canvas in the process would otherwise change layouts).
echarts.setPlatformAPI({ createCanvas: (() => null) as unknown as Parameters<typeof echarts.setPlatformAPI>[0]["createCanvas"] });

/**
 * Renders a chart spec to a standalone SVG string on the server (ECharts SSR, no DOM). Deterministic:
 * animation off, UTC, ids renumbered; the same spec and size give the same bytes in any process.
 * The only node-side piece of src/charts/.
 */
export function renderSvg(spec: ChartSpec, opts: SvgOptions): string {
  if (!(opts.width > 0 && opts.height > 0)) throw new RangeError(`chart size ${opts.width}×${opts.height}: width and height must be above 0`);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: opts.width, height: opts.height, locale: 'EN' });
  try {
    chart.setOption({ ...spec, animation: false, useUTC: true });
    const svg = chart.renderToSVGString();
    return normalize(svg, opts.id ?? 'chart');
  } finally {
    chart.dispose();
  }
}

function normalize(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/\bzr\d+-([a-z]+)-?(\d+)\b/g, (whole, kind: string) => {
    let v = ids.get(whole);
    if (!v) {
      v = `${prefix}-${kind}${ids.size}`;
      ids.set(whole, v);
    }
    return v;
  });
}
