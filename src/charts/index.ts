// Chart specs shared by the Studio (browser) and the buyer report (server-side SVG via ./render-svg.js).
// Pure and browser-safe: engine results in, one ECharts option object out. One line per module.
export { type ChartOptions, type ChartSpec } from './types.js';
export { CHART_FONT, DEFAULT_WIDTH, PALETTE, PART_COLORS, humanize, routeColors } from './theme.js';
export { compact, percent, ratio, usd, usdPerRequest, usdSig } from './format.js';
export { LCPR_SERIES, RAW_SERIES, lcprByRoute } from './lcpr-by-route.js';
export { BREAKDOWN_PARTS, costBreakdown, partValue, type BreakdownOptions, type BreakdownPart } from './cost-breakdown.js';
export { YOU_ARE_HERE, costVsVolume, type CostVsVolumeOptions } from './cost-vs-volume.js';
export { HIGH_SERIES, LOW_SERIES, sensitivityTornado, type TornadoOptions } from './sensitivity-tornado.js';
export { BAND_SERIES, P50_SERIES, POINT_SERIES, uncertaintyBands, type BandsOptions } from './uncertainty-bands.js';
export { ASSUMED_SUFFIX, measuredPoints, measuredSeries, type DayGroup, type MeasuredDayPoint, type MeasuredSeriesOptions } from './measured-series.js';
export { spendForecast, type SpendForecastOptions } from './spend-forecast.js';
