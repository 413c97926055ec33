import type { Row } from '../db.js';
import { attemptsSql } from './attempts.js';
import { routePairs } from './pricing.js';
import type { Dialect } from './dialect.js';
import type { Params } from './params.js';
import type { SqlSource } from './source.js';
import type { Window } from './window.js';

/**
 * The `traces summarize` aggregates (issue 5, "Metrics"; Inference Economics Playbook overview "Cost levers"
 * and Inference Field Guide Part 5 reference cards) over the first/last-attempt join, one query
 * for every store. The column names are those `toSummary` (../metrics.ts) reads.
 */

export const DIMENSIONS = ['workload', 'route', 'model', 'provider', 'user_segment', 'deployment', 'day', 'hour'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The request-level columns a dimension groups by (first attempt's value). */
export const REQUEST_DIMENSIONS = {
  workload: 'req_workload',
  route: 'req_route',
  model: 'req_model',
  provider: 'req_provider',
  user_segment: 'req_user_segment',
  deployment: 'req_deployment',
} as const;

/** Day and hour buckets of a timestamp expression (UTC). */
export const dayBucket = (d: Dialect, t: string) => d.format(t, '%Y-%m-%d');
export const hourBucket = (d: Dialect, t: string) => d.format(t, '%Y-%m-%dT%H:00');

/** A dimension over the first/last-attempt join: the request's first attempt's value, or its day/hour. */
export function dimensionSql(d: Dialect, dim: Dimension): string {
  if (dim === 'day') return dayBucket(d, 'req_ts');
  if (dim === 'hour') return hourBucket(d, 'req_ts');
  return REQUEST_DIMENSIONS[dim];
}

/** Time per output token (issue 5 "Metrics": TPOT = (e2e − ttft) / (output − 1)). */
export const TPOT = '(e2e_ms - ttft_ms) / (output_tokens - 1)';

export interface Slo {
  ttftMs?: number;
  tpotMs?: number;
}

/** Final attempts within the latency SLO (a bound threshold each; TRUE without one). */
export function latencyOkSql(d: Dialect, p: Params, slo: Slo): string {
  return [
    slo.ttftMs !== undefined ? d.cond(`ttft_ms <= ${p.bind('Float64', slo.ttftMs)}`) : d.true,
    slo.tpotMs !== undefined ? `(output_tokens <= 1 OR ${d.cond(`${TPOT} <= ${p.bind('Float64', slo.tpotMs)}`)})` : d.true,
  ].join(' AND ');
}

/** The successful attempts' latency sets the quantiles read (NULL latencies skipped). */
export const okLatency = {
  ttft: "status = 'ok'",
  e2e: "status = 'ok'",
  tpot: (d: Dialect) => `status = 'ok' AND output_tokens > 1 AND ${d.notNull('e2e_ms')} AND ${d.notNull('ttft_ms')}`,
};

export const SUMMARY_QUANTILES = [0.5, 0.95, 0.99] as const;

/** SELECT … GROUP BY dims over an inner aggregate and an outer one (the quantiles' second step); aliases never shadow a column. */
function grouped(d: Dialect, from: string, by: readonly Dimension[], aggregates: [string, string][], quantiles: [string, string, string?][]): string {
  const names = by.map((x) => d.ident(x));
  const dims = by.map((x, i) => `${dimensionSql(d, x)} AS ${names[i]}`);
  const qs = quantiles.map(([name, x, c]) => [name, d.quantiles(x, SUMMARY_QUANTILES, c)] as const);
  // Inside, aggregates are a_<name>: a ClickHouse alias is visible to the whole SELECT, and
  // `sum(input_tokens) AS input_tokens` would capture the input_tokens the quantiles read.
  const inner = `
    SELECT ${[...dims, ...aggregates.map(([name, expr]) => `${expr} AS a_${name}`), ...qs.map(([name, q]) => `${q.inner} AS s_${name}`)].join(',\n      ')}
    FROM (${from}) AS a
    ${names.length ? `GROUP BY ${names.join(', ')}` : ''}`;
  return `
    SELECT ${[...names, ...aggregates.map(([name]) => `a_${name} AS ${d.ident(name)}`), ...qs.map(([name, q]) => `${q.outer(`s_${name}`)} AS ${d.ident(name)}`)].join(', ')}
    FROM (${inner}) AS g
    ${names.length ? `ORDER BY ${names.join(', ')}` : ''}`;
}

/** One row per group with the columns `toSummary` reads. */
export async function summaryRows(src: SqlSource, opts: Window & { by: readonly Dimension[]; slo?: Slo }): Promise<Row[]> {
  const d = src.dialect;
  const p = src.params();
  const latencyOk = latencyOkSql(d, p, opts.slo ?? {});
  const fin = d.isTrue('is_final');
  const isBatch = `(${d.cond(d.isTrue('batch'))} OR ${d.cond("service_tier_served = 'batch'")})`;
  const ts = d.ts;
  const aggregates: [string, string][] = [
    ['start', d.format(`min(${ts})`, '%Y-%m-%dT%H:%M:%SZ')],
    ['end', d.format(`max(${ts})`, '%Y-%m-%dT%H:%M:%SZ')],
    ['span_s', `${d.epochSeconds(`max(${ts})`)} - ${d.epochSeconds(`min(${ts})`)}`],
    ['requests', d.countIf(fin)],
    ['attempts', 'count(*)'],
    ['pass', d.countIf(`${fin} AND quality = 'pass'`)],
    ['fail', d.countIf(`${fin} AND quality = 'fail'`)],
    ['repaired', d.countIf(`${fin} AND quality = 'repaired'`)],
    ['unknown', d.countIf(`${fin} AND quality = 'unknown'`)],
    ['escalated', d.countIf(`${fin} AND ${d.isTrue('req_escalated')}`)],
    ['errors', d.countIf("status <> 'ok'")],
    ['input_tokens', 'sum(input_tokens)'],
    ['cached_tokens', 'sum(coalesce(cached_input_tokens, 0))'],
    ['write_tokens', 'sum(coalesce(cache_write_tokens, 0))'],
    ['output_tokens', 'sum(output_tokens)'],
    ['reasoning_tokens', 'sum(coalesce(reasoning_tokens, 0))'],
    ['cache_hit_attempts', d.countIf(d.cond('cached_input_tokens > 0'))],
    ['batch_attempts', d.countIf(isBatch)],
    ['fallback_attempts', d.countIf(d.cond(d.isTrue('fallback')))],
    ['token_cost', 'coalesce(sum(cost), 0)'],
    ['priced_attempts', 'count(cost)'],
    ['unpriced_attempts', 'count(*) - count(cost)'],
    ['naive_cost', d.avgIf('cost', 'attempt = 0')],
    ['logged_cost', 'sum(cost_usd)'],
    ['e2e_sum', 'coalesce(sum(e2e_ms), 0)'],
    ['cached_at_input_rate', d.countIf(d.cond(d.isTrue('cached_at_input_rate')))],
    ['batch_at_standard_rate', d.countIf(d.cond(d.isTrue('batch_at_standard_rate')))],
    ['good', d.countIf(`${fin} AND quality = 'pass' AND ${latencyOk}`)],
    ['latency_ok', d.countIf(`${fin} AND ${latencyOk}`)],
    ['workflows', d.distinct('req_workflow_id')],
    ['workflow_calls', d.countIf(`${fin} AND ${d.notNull('req_workflow_id')}`)],
    // The (route as written, price key) pairs the group's attempts ran on (a fallback retry can differ
    // from its request's first route): the Trace Kit needs one route for price ratios. In this pass,
    // not a second one over the join: their `day_prices` numbers, turned back into pairs below (every
    // attempt's route, provider, model and day has its row there, made from the store before the read).
    ['routes', d.distinctValues('route_pair')],
  ];
  const quantiles: [string, string, string?][] = [
    ['in_q', 'input_tokens'],
    ['out_q', 'output_tokens'],
    ['ttft_q', 'ttft_ms', okLatency.ttft],
    ['tpot_q', TPOT, okLatency.tpot(d)],
    ['e2e_q', 'e2e_ms', okLatency.e2e],
  ];
  const rows = await src.query(grouped(d, attemptsSql(src, p, opts), opts.by, aggregates, quantiles), p);
  const ids = (r: Row) => (Array.isArray(r.routes) ? (r.routes as unknown[]) : []);
  const pairs = rows.some((r) => ids(r).length) ? await routePairs(src) : new Map();
  for (const r of rows) r.routes = ids(r).map((id) => pairs.get(Number(id))).filter((x) => x !== undefined);
  return rows;
}

/** Agent workflows per group (Inference Field Guide, Part 5, "Agent workflows"): a task succeeds when every call's final attempt passed. */
export async function workflowRows(src: SqlSource, opts: Window & { by: readonly Dimension[] }): Promise<Row[]> {
  const d = src.dialect;
  const p = src.params();
  const names = opts.by.map((x) => d.ident(x));
  const dims = opts.by.map((x, i) => `${dimensionSql(d, x)} AS ${names[i]}`);
  const fin = d.isTrue('is_final');
  return src.query(
    `SELECT ${[...names, ''].join(', ')} count(*) AS tasks, ${d.countIf(d.cond(d.isTrue('ok')))} AS succeeded, sum(calls) AS calls, sum(w_cost) AS cost,
            sum(unpriced) AS unpriced, sum(tokens) AS tokens, sum(first_tokens) AS ${d.ident('firstTokens')}
     FROM (
       SELECT ${[...dims, 'req_workflow_id'].join(', ')},
         ${d.allIf("quality = 'pass'", fin)} AS ok,
         ${d.countIf(fin)} AS calls,
         coalesce(sum(cost), 0) AS w_cost, count(*) - count(cost) AS unpriced,
         sum(input_tokens + output_tokens) AS tokens,
         ${d.argMin('input_tokens + output_tokens', d.ts)} AS first_tokens
       FROM (${attemptsSql(src, p, opts)}) AS a WHERE ${d.notNull('req_workflow_id')}
       GROUP BY ${[...names, 'req_workflow_id'].join(', ')}) AS w
     ${names.length ? `GROUP BY ${names.join(', ')}` : ''}`,
    p,
  );
}
