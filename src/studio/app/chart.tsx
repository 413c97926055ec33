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
        chart.current.setOption(fitted(spec, el.current.clientWidth), { notMerge: true });
        el.current.dataset.drawn = '1';
      });
    // While the user types, the tables follow each keystroke; a chart redraws once the edits pause.
    const t = chart.current ? setTimeout(draw, 120) : (draw(), undefined);
    return () => {
      live = false;
      if (t) clearTimeout(t);
    };
  }, [spec]);
  const latest = useRef(spec);
  latest.current = spec;
  useEffect(() => {
    // The page may be narrower than the width the spec was laid out for: follow the element's width.
    // One observer for the chart's life, acting on a width change only: an observer made per spec
    // delivers its first observation at once, which redrew the chart on every keystroke and undid
    // the pause above (the cost of an edit was mostly this redraw).
    let width = el.current?.clientWidth ?? 0;
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
      if (!el.current || el.current.clientWidth === width) return;
      width = el.current.clientWidth;
      if (!chart.current) return;
      chart.current.setOption(fitted(latest.current, width), { notMerge: true });
      chart.current.resize();
    });
    if (ro && el.current) ro.observe(el.current);
    return () => ro?.disconnect();
  }, []);
  useEffect(() => () => chart.current?.dispose(), []);
  return <div class="chart" ref={el} data-chart={id} style={{ height: `${height}px` }} />;
}

/** The spec with its title truncated at the width it is drawn at (the spec assumes the report's width). */
function fitted(given: ChartSpec | (() => ChartSpec), width: number): ChartSpec {
  const spec = typeof given === 'function' ? given() : given;
  const t = spec.title;
  if (!width || !t || Array.isArray(t)) return { ...spec, animation: false };
  const w = Math.max(40, width - 8);
  return { ...spec, animation: false, title: { ...t, textStyle: { ...t.textStyle, width: w, overflow: 'truncate' }, subtextStyle: { ...t.subtextStyle, width: w, overflow: 'truncate' } } };
}
