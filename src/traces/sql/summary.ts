import type { Row } from '../db.js';
import { FIRST_TRY_REQUEST_COLUMNS, attemptsSql } from './attempts.js';
import { type CostQuantities, attemptCost, rowQuantities } from './cost.js';
import { JOIN_KEYS, longContextThresholds, routePairs } from './pricing.js';
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

/**
 * One aggregate of the summary: `one` over the attempts in one step; in two steps (a dialect with
 * partial states) `parts` over the fine groups and `merge(their aliases)` over those, or, for what
 * the price decides, `priced`: an aggregate over the fine groups joined to `day_prices` (the columns
 * `pricedFineSql` adds).
 */
interface Aggregate {
  name: string;
  one: string;
  parts?: string[];
  merge?: (aliases: string[]) => string;
  priced?: string;
  /**
   * A count of final attempts where a predicate holds: the predicate over an attempt 0 row's own
   * columns, for the two steps' cheaper lookup (./attempts.ts `firstTries`), which counts every
   * attempt 0 row as final and gives back which of these held on a retried request's one.
   */
  firstTry?: string;
}

/** An aggregate whose fine-group values combine by another aggregate (counts and sums by sum, min by min), then `final`. */
const via = (name: string, inner: string, by: string, final: (x: string) => string = (x) => x): Aggregate => ({
  name,
  one: final(inner),
  parts: [inner],
  merge: ([a]) => final(`${by}(${a})`),
});

/** SELECT … GROUP BY dims over an inner aggregate and an outer one (the quantiles' second step); aliases never shadow a column. */
function grouped(d: Dialect, from: string, by: readonly Dimension[], aggregates: Aggregate[], quantiles: [string, string, string?][]): string {
  const names = by.map((x) => d.ident(x));
  const dims = by.map((x, i) => `${dimensionSql(d, x)} AS ${names[i]}`);
  const qs = quantiles.map(([name, x, c]) => [name, d.quantiles(x, SUMMARY_QUANTILES, c)] as const);
  // Inside, aggregates are a_<name>: a ClickHouse alias is visible to the whole SELECT, and
  // `sum(input_tokens) AS input_tokens` would capture the input_tokens the quantiles read.
  const inner = `
    SELECT ${[...dims, ...aggregates.map((a) => `${a.one} AS a_${a.name}`), ...qs.map(([name, q]) => `${q.inner} AS s_${name}`)].join(',\n      ')}
    FROM (${from}) AS a
    ${names.length ? `GROUP BY ${names.join(', ')}` : ''}`;
  return outerSql(d, names, aggregates, qs, inner);
}

/** The outer step: the groups' columns as `toSummary` reads them, the quantiles from their aggregate. */
function outerSql(d: Dialect, names: string[], aggregates: Aggregate[], qs: readonly (readonly [string, { outer: (alias: string) => string }])[], inner: string): string {
  return `
    SELECT ${[...names, ...aggregates.map((a) => `a_${a.name} AS ${d.ident(a.name)}`), ...qs.map(([name, q]) => `${q.outer(`s_${name}`)} AS ${d.ident(name)}`)].join(', ')}
    FROM (${inner}) AS g
    ${names.length ? `ORDER BY ${names.join(', ')}` : ''}`;
}

/** The token quantities of the cost formula (./cost.ts rowQuantities), summed per fine group over the rows it can price (input and output known). */
const QUANTITIES = ['uncached', 'cached', 'write5m', 'write1h', 'output'] as const;

/**
 * The same groups in two steps, where the dialect has partial states (ClickHouse): the attempts are
 * aggregated first by the groups' dimensions and everything their price depends on — the
 * `day_prices` join keys (route, provider, model, UTC day), the long-context band (how many of the
 * distinct thresholds the input is past: above threshold T iff more than its rank) and the batch
 * side — and only those fine groups (thousands, not millions) are joined to `day_prices` and priced:
 * the cost formula is linear in the token quantities once point, band and batch side are fixed
 * (./cost.ts), so a sum of quantities × the rates is the sum of the rows' costs. Then the fine groups
 * are merged into the groups (partial states for the quantiles and the distinct count).
 */
function groupedTwoStep(src: SqlSource, p: Params, opts: Window & { by: readonly Dimension[] }, aggregates: Aggregate[], quantiles: [string, string, string?][], thresholds: number[]): string {
  const d = src.dialect;
  const partial = d.partial!;
  const names = opts.by.map((x) => d.ident(x));
  const dims = opts.by.map((x, i) => `${dimensionSql(d, x)} AS ${names[i]}`);
  const flag = (c: string) => d.iff(c, '1', '0');
  const band = thresholds.length ? thresholds.map((t) => flag(d.cond(`input_tokens > ${p.bind('Float64', t)}`))).join(' + ') : '0';
  const row = rowQuantities(d, (col) => col);
  const ok = `${d.notNull('input_tokens')} AND ${d.notNull('output_tokens')}`;
  const undone = aggregates.filter((a) => a.firstTry !== undefined);
  const keys = [...names, ...JOIN_KEYS, 'lc_band', 'batch_row', 'first_try', 'first_undo'];
  const fine: string[] = [
    ...dims,
    'first_undo',
    `${band} AS lc_band`,
    `${flag(row.batchRow)} AS batch_row`,
    `${flag('attempt = 0')} AS first_try`,
    'count(*) AS q_n',
    `${d.countIf(ok)} AS q_ok`,
    `${d.countIf(d.cond('cached_input_tokens > 0'))} AS q_hit`,
    ...QUANTITIES.map((k) => `${d.sumIf(row[k], ok)} AS q_${k}`),
  ];
  const merged: string[] = [];
  for (const a of aggregates) {
    if (a.priced !== undefined) {
      merged.push(`${a.priced} AS a_${a.name}`);
      continue;
    }
    const aliases = a.parts!.map((x, i) => {
      fine.push(`${x} AS f_${a.name}_${i}`);
      return `f_${a.name}_${i}`;
    });
    // A count of final attempts, less the attempt 0 rows of retried requests it counted (their bit on the requests' final rows, each a fine group's q_n).
    const i = undone.indexOf(a);
    merged.push(`${i < 0 ? a.merge!(aliases) : `(${a.merge!(aliases)} - sum(${d.iff(d.bit('first_undo', i), 'q_n', '0')}))`} AS a_${a.name}`);
  }
  for (const [name, x, c] of quantiles) {
    const q = partial.quantiles(x, SUMMARY_QUANTILES, c);
    const aliases = q.parts.map((e, i) => {
      fine.push(`${e} AS f_${name}_${i}`);
      return `f_${name}_${i}`;
    });
    merged.push(`${q.merge(aliases)} AS s_${name}`);
  }
  const carried = fine.map((x) => (x.includes(' AS ') ? x.slice(x.lastIndexOf(' AS ') + 4) : x));
  fine.push(...JOIN_KEYS);
  // A fine group's cost and counts from its point (./pricing.ts pricedSql, per row there).
  const has = d.cond(d.isTrue('has_point'));
  const { cost, batchRow, batch } = attemptCost(d, (col) => col, {
    ...Object.fromEntries(QUANTITIES.map((k) => [k, `q_${k}`])),
    longContext: d.cond('lc_band > lc_rank'),
    batchRow: d.isTrue('batch_row'),
  } as CostQuantities);
  const joined = `
    SELECT ${carried.join(', ')}, route_pair,
      ${d.iff(has, cost, 'NULL')} AS cost_g,
      ${d.iff(`${has} AND ${d.isNull('p_cached')}`, 'q_hit', '0')} AS cached_at_input_rate_g,
      ${d.iff(`${has} AND ${batchRow} AND NOT ${batch}`, 'q_n', '0')} AS batch_at_standard_rate_g
    FROM (
      SELECT ${fine.join(',\n        ')}
      FROM (${attemptsSql(src, p, opts, { priced: false, firstTries: undone.map((a) => a.firstTry!) })}) AS a
      GROUP BY ${keys.join(', ')}) AS f
    ${d.leftJoinOne} day_prices USING (${JOIN_KEYS.join(', ')})`;
  const inner = `
    SELECT ${[...names, ...merged].join(',\n      ')}
    FROM (SELECT *, ${d.iff(d.notNull('cost_g'), 'q_ok', '0')} AS priced_g FROM (${joined}) AS j) AS j
    ${names.length ? `GROUP BY ${names.join(', ')}` : ''}`;
  return outerSql(d, names, aggregates, quantiles.map(([name, x, c]) => [name, d.quantiles(x, SUMMARY_QUANTILES, c)] as const), inner);
}

/** One row per group with the columns `toSummary` reads. */
export async function summaryRows(src: SqlSource, opts: Window & { by: readonly Dimension[]; slo?: Slo }): Promise<Row[]> {
  const d = src.dialect;
  const p = src.params();
  const latencyOk = latencyOkSql(d, p, opts.slo ?? {});
  const fin = d.isTrue('is_final');
  const isBatch = `(${d.cond(d.isTrue('batch'))} OR ${d.cond("service_tier_served = 'batch'")})`;
  const ts = d.ts;
  const count = (name: string, c: string) => via(name, d.countIf(c), 'sum');
  // Final attempts where x holds (x of the request's columns: the join's, or an attempt 0 row's own for `firstTry`).
  type RequestColumns = Record<'req_escalated' | 'req_workflow_id', string>;
  const joined: RequestColumns = { req_escalated: 'req_escalated', req_workflow_id: 'req_workflow_id' };
  const firstTry = FIRST_TRY_REQUEST_COLUMNS(src);
  const finals = (name: string, x?: (r: RequestColumns) => string): Aggregate => ({
    ...count(name, x ? `${fin} AND ${x(joined)}` : fin),
    firstTry: x ? x(firstTry) : d.true,
  });
  const total = (name: string, x: string) => via(name, x, 'sum');
  const fmt = (x: string) => d.format(x, '%Y-%m-%dT%H:%M:%SZ');
  const first = d.isTrue('first_try');
  const aggregates: Aggregate[] = [
    via('start', `min(${ts})`, 'min', fmt),
    via('end', `max(${ts})`, 'max', fmt),
    {
      name: 'span_s',
      one: `${d.epochSeconds(`max(${ts})`)} - ${d.epochSeconds(`min(${ts})`)}`,
      parts: [`min(${ts})`, `max(${ts})`],
      merge: ([lo, hi]) => `${d.epochSeconds(`max(${hi})`)} - ${d.epochSeconds(`min(${lo})`)}`,
    },
    finals('requests'),
    total('attempts', 'count(*)'),
    finals('pass', () => "quality = 'pass'"),
    finals('fail', () => "quality = 'fail'"),
    finals('repaired', () => "quality = 'repaired'"),
    finals('unknown', () => "quality = 'unknown'"),
    finals('escalated', (r) => d.isTrue(r.req_escalated)),
    count('errors', "status <> 'ok'"),
    total('input_tokens', 'sum(input_tokens)'),
    total('cached_tokens', 'sum(coalesce(cached_input_tokens, 0))'),
    total('write_tokens', 'sum(coalesce(cache_write_tokens, 0))'),
    total('output_tokens', 'sum(output_tokens)'),
    total('reasoning_tokens', 'sum(coalesce(reasoning_tokens, 0))'),
    count('cache_hit_attempts', d.cond('cached_input_tokens > 0')),
    count('batch_attempts', isBatch),
    count('fallback_attempts', d.cond(d.isTrue('fallback'))),
    { name: 'token_cost', one: 'coalesce(sum(cost), 0)', priced: 'coalesce(sum(cost_g), 0)' },
    { name: 'priced_attempts', one: 'count(cost)', priced: 'sum(priced_g)' },
    { name: 'unpriced_attempts', one: 'count(*) - count(cost)', priced: 'sum(q_n) - sum(priced_g)' },
    { name: 'naive_cost', one: d.avgIf('cost', 'attempt = 0'), priced: d.iff(`${d.sumIf('priced_g', first)} = 0`, 'NULL', `${d.sumIf('cost_g', first)} / ${d.sumIf('priced_g', first)}`) },
    total('logged_cost', 'sum(cost_usd)'),
    via('e2e_sum', 'sum(e2e_ms)', 'sum', (x) => `coalesce(${x}, 0)`),
    { name: 'cached_at_input_rate', one: d.countIf(d.cond(d.isTrue('cached_at_input_rate'))), priced: 'sum(cached_at_input_rate_g)' },
    { name: 'batch_at_standard_rate', one: d.countIf(d.cond(d.isTrue('batch_at_standard_rate'))), priced: 'sum(batch_at_standard_rate_g)' },
    finals('good', () => `quality = 'pass' AND ${latencyOk}`),
    finals('latency_ok', () => latencyOk),
    finals('workflow_calls', (r) => d.notNull(r.req_workflow_id)),
    // The (route as written, price key) pairs the group's attempts ran on (a fallback retry can differ
    // from its request's first route): the Trace Kit needs one route for price ratios. In this pass,
    // not a second one over the join: their `day_prices` numbers, turned back into pairs below (every
    // attempt's route, provider, model and day has its row there, made from the store before the read).
    { name: 'routes', one: d.distinctValues('route_pair'), priced: d.distinctValues('route_pair') },
  ];
  const quantiles: [string, string, string?][] = [
    ['in_q', 'input_tokens'],
    ['out_q', 'output_tokens'],
    ['ttft_q', 'ttft_ms', okLatency.ttft],
    ['tpot_q', TPOT, okLatency.tpot(d)],
    ['e2e_q', 'e2e_ms', okLatency.e2e],
  ];
  const sql = d.partial
    ? groupedTwoStep(src, p, opts, aggregates, quantiles, await longContextThresholds(src))
    : grouped(d, attemptsSql(src, p, opts), opts.by, aggregates, quantiles);
  const rows = await src.query(sql, p);
  const ids = (r: Row) => (Array.isArray(r.routes) ? (r.routes as unknown[]) : []);
  const pairs = rows.some((r) => ids(r).length) ? await routePairs(src) : new Map();
  for (const r of rows) r.routes = ids(r).map((id) => pairs.get(Number(id))).filter((x) => x !== undefined);
  return rows;
}

/**
 * Agent workflows per group (Inference Field Guide, Part 5, "Agent workflows"): a task succeeds when
 * every call's final attempt passed. Two queries: only a task's success and its first call's tokens
 * need the workflow's calls together (millions of (group, workflow) groups), and those read the
 * attempts unpriced; calls, tokens and cost are sums over the workflows' rows, so they are summed
 * per group in a pass of their own, which alone pays the per-row price join (measured at 1M spans:
 * the join inside the per-workflow grouping cost more than the grouping, docs/performance.md).
 */
export async function workflowRows(src: SqlSource, opts: Window & { by: readonly Dimension[] }): Promise<Row[]> {
  const d = src.dialect;
  const names = opts.by.map((x) => d.ident(x));
  const dims = opts.by.map((x, i) => `${dimensionSql(d, x)} AS ${names[i]}`);
  const fin = d.isTrue('is_final');
  const groupBy = names.length ? `GROUP BY ${names.join(', ')}` : '';
  const inWorkflow = d.notNull('req_workflow_id');
  const p1 = src.params();
  const tasks = await src.query(
    `SELECT ${[...names, ''].join(', ')} count(*) AS tasks, ${d.countIf(d.cond(d.isTrue('ok')))} AS succeeded, sum(first_tokens) AS ${d.ident('firstTokens')}
     FROM (
       SELECT ${[...dims, 'req_workflow_id'].join(', ')},
         ${d.allIf("quality = 'pass'", fin)} AS ok,
         ${d.argMin('input_tokens + output_tokens', d.ts)} AS first_tokens
       FROM (${attemptsSql(src, p1, opts, { priced: false })}) AS a WHERE ${inWorkflow}
       GROUP BY ${[...names, 'req_workflow_id'].join(', ')}) AS w
     ${groupBy}`,
    p1,
  );
  const p2 = src.params();
  const sums = await src.query(
    `SELECT ${[...dims, ''].join(', ')} ${d.countIf(fin)} AS calls, coalesce(sum(cost), 0) AS w_cost, count(*) - count(cost) AS unpriced,
            sum(input_tokens + output_tokens) AS tokens
     FROM (${attemptsSql(src, p2, opts)}) AS a WHERE ${inWorkflow}
     ${groupBy}`,
    p2,
  );
  // w_cost: a ClickHouse alias `cost` would capture the column its sum reads.
  const key = (r: Row) => JSON.stringify(opts.by.map((x) => r[x] ?? null));
  const byGroup = new Map(sums.map((r) => [key(r), r]));
  // Every group with a workflow row is in both (the same rows, the same dimensions): a group missing
  // from the sums is a defect, never a $0 cost.
  return tasks.map((r) => {
    const s = byGroup.get(key(r));
    if (!s) throw new Error(`workflow sums: no row for group ${key(r)} (the two workflow queries disagree)`);
    return { ...r, calls: s.calls, cost: s.w_cost, unpriced: s.unpriced, tokens: s.tokens };
  });
}
