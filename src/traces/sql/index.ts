/**
 * The read queries of every trace store, written once (issue 14, "One store interface"): a small
 * expression layer spelled by a dialect object for DuckDB, current ClickHouse and ClickHouse 18.16.
 *
 * - dialect.ts   how each SQL spells conditional counts, quantiles, buckets, booleans, joins
 * - params.ts    values as bound parameters (or checked literals on 18.16)
 * - source.ts    what a query runs on: a DuckDB or a ClickHouse store, as one interface
 * - window.ts    --from/--to predicates
 * - cost.ts      the per-attempt cost formula
 * - pricing.ts   price lookup by (route, provider, model, day) and the priced attempts
 * - attempts.ts  the first/last-attempt join
 * - summary.ts   the summarize aggregates, workflows, routes per group
 * - series.ts    the check series and route use
 * - ledgers.ts   reads of invoices, usage, metric points, incidents (reconcile, check, --gpu-hours)
 */
export { CLICKHOUSE_18, CLICKHOUSE_CURRENT, DUCKDB, type Dialect, type ParamType, dialectFor } from './dialect.js';
export { type Params, checked, params } from './params.js';
export { type SqlSource, chSource, duckSource, sourceOf } from './source.js';
export { type Window, flagToMicros, where, windowMicros, windowPredicates } from './window.js';
export { type AttemptCost, attemptCost } from './cost.js';
export { PRICE_COLUMNS, attemptColumns, dayCombos, prepareDayPrices, pricedSql, routePairs } from './pricing.js';
export { REQUEST_DIMENSION_COLUMNS, attemptsSql } from './attempts.js';
export {
  DIMENSIONS,
  type Dimension,
  REQUEST_DIMENSIONS,
  type Slo,
  SUMMARY_QUANTILES,
  TPOT,
  dayBucket,
  dimensionSql,
  hourBucket,
  latencyOkSql,
  summaryRows,
  workflowRows,
} from './summary.js';
export { dailyRows, firstQuantile, hourlyRows, routeUseRows, weeklyRows } from './series.js';
export * from './ledgers.js';
