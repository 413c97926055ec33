import { useEffect, useRef } from 'preact/hooks';
import type { ChartSpec } from '../../charts/index.js';

type Echarts = typeof import('echarts');
let lib: Promise<Echarts> | undefined;

/**
 * Draws a chart spec from src/charts (the same option object the buyer report renders to SVG).
 * ECharts loads on first use, after the first view is interactive.
 */
export function Chart({ spec, height = 320, id }: { spec: ChartSpec | (() => ChartSpec); height?: number; id: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<Echarts['init']> | null>(null);
  useEffect(() => {
    let live = true;
    lib ??= import('echarts');
    const draw = () =>
      void lib!.then((echarts) => {
        if (!live || !el.current) return;
        chart.current ??= echarts.init(el.current, null, { renderer: 'svg' });
        // A spec given as a function is built here, when the chart draws, not on every keystroke.
        chart.current.setOption({ ...(typeof spec === 'function' ? spec() : spec), animation: false }, { notMerge: true });
        el.current.dataset.drawn = '1';
      });
    // While the user types, the tables follow each keystroke; a chart redraws once the edits pause.
    const t = chart.current ? setTimeout(draw, 120) : (draw(), undefined);
    return () => {
      live = false;
      if (t) clearTimeout(t);
    };
  }, [spec]);
  useEffect(() => () => chart.current?.dispose(), []);
  return <div class="chart" ref={el} data-chart={id} style={{ height: `${height}px` }} />;
}
