import { parseInstant } from '../time-window.js';
import { RoutefitError } from '../../engine/errors.js';
import type { Row } from '../db.js';
import { DIMENSIONS, type Dimension, REQUEST_DIMENSIONS, TPOT, type GroupSummary, type SummaryOptions, type WorkflowRow, groupKey, toSummary } from '../metrics.js';
import { type ChStore, chLit } from './connection.js';
import { chPricedSql } from './pricing.js';
import { type GroupRoute, traceKitFor } from '../trace-kit.js';
import { pricingData } from '../pricing.js';
import type { Catalog } from '../../catalog/types.js';

/**
 * `summarize` (../metrics.ts) on ClickHouse 18.16: the same metrics, the same column names and
 * shapes, turned into GroupSummary by the same `toSummary`. Needs `prepareChPricing` first.
 *
 * Dialect notes (18.16): no CTEs, no FILTER (→ countIf/sumIf/groupArrayIf), no window functions;
 * a request's first/last attempt comes from argMin/argMax per request_id joined back with
 * ANY LEFT JOIN … USING; AND/OR/NOT/if return NULL on a NULL argument, so every condition is made
 * non-NULL with ifNull; quantiles are exact: DuckDB's quantile_cont (linear interpolation between
 * the sorted values at floor and ceil of (n − 1)·q, lo·(1 − d) + hi·d) written out over
 * arraySort(groupArray(x)), so both backends give the same p50/p95/p99.
 */

const dimExpr: Record<Dimension, string> = {
  ...REQUEST_DIMENSIONS,
  day: `formatDateTime(toDateTime(intDiv(req_ts_us, 1000000), 'UTC'), '%Y-%m-%d', 'UTC')`,
  hour: `formatDateTime(toDateTime(intDiv(req_ts_us, 1000000), 'UTC'), '%Y-%m-%dT%H:00', 'UTC')`,
};

/** --from/--to → epoch microseconds, read as UTC when no offset is given (as the DuckDB store reads them). */
export function flagToMicros(flag: string, v: string): number {
  const iso = parseInstant(flag, v);
  return Date.parse(iso) * 1000 + (Number(iso.slice(23, 26)) || 0);
}

/** `WHERE ts_us >= from AND ts_us < to` on `requests` columns, or '' without a window (as ../metrics.ts `timeFilter`). */
export function chTimeFilter(opts: { from?: string; to?: string }): string {
  const parts: string[] = [];
  if (opts.from !== undefined) parts.push(`ts_us >= ${chLit(flagToMicros('--from', opts.from))}`);
  if (opts.to !== undefined) parts.push(`ts_us < ${chLit(flagToMicros('--to', opts.to))}`);
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/** Request columns the metrics read. */
const CARRY = [
  'request_id', 'attempt', 'ts_us', 'workload', 'route', 'model', 'provider', 'user_segment', 'deployment', 'workflow_id',
  'status', 'quality', 'escalated_to_human', 'batch', 'fallback', 'service_tier_served',
  'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'output_tokens', 'reasoning_tokens', 'ttft_ms', 'e2e_ms', 'cost_usd',
];
const REQ_DIMS = ['workload', 'route', 'model', 'provider', 'user_segment', 'deployment', 'workflow_id', 'ts_us'];

/** Attempts with their request's dimensions (first attempt, `req_*`) and outcome (`is_final`, last attempt), as `attemptsSql`. */
export function chAttemptsSql(ch: ChStore, opts: { from?: string; to?: string }): string {
  const where = chTimeFilter(opts);
  const requests = ch.attempts();
  const and = where ? `${where} AND` : 'WHERE';
  // Only requests with retries need a lookup: aggregate those few and join them back.
  const multi = `
      SELECT request_id, ${REQ_DIMS.map((c) => `argMin(${c}, attempt) AS m_${c}`).join(', ')},
        max(attempt) AS m_last_attempt, max(escalated_to_human) AS m_escalated, toUInt8(1) AS m_multi
      FROM ${requests} ${and} request_id IN (SELECT request_id FROM ${requests} ${and} attempt > 0)
      GROUP BY request_id`;
  const own = CARRY.filter((c) => !['workload', 'route', 'model', 'provider', 'user_segment', 'deployment', 'workflow_id'].includes(c));
  return `
    SELECT ${own.join(', ')}, route AS a_route, provider AS a_provider, model AS a_model, cost, cached_at_input_rate, batch_at_standard_rate,
      ${REQ_DIMS.map((c) => `if(m_multi = 1, m_${c}, ${c}) AS req_${c}`).join(',\n      ')},
      if(m_multi = 1, attempt = m_last_attempt, 1) AS is_final,
      if(m_multi = 1, m_escalated, escalated_to_human) AS req_escalated
    FROM (${chPricedSql(ch, CARRY, where)})
    ANY LEFT JOIN (${multi}) USING (request_id)`;
}

const QS = [0.5, 0.95, 0.99];

/**
 * DuckDB's quantile_cont at each of `qs` over a sorted array `s`: n = length, rn = (n − 1)·q, lo·(1 − d) + hi·d with
 * d = rn − floor(rn). Empty → []. (The `length(s)` outside the lambda also keeps `s` alive: 18.16
 * prunes a subquery column that only a lambda reads.)
 */
export function interpolated(s: string, qs: readonly number[] = QS): string {
  const rn = `((length(${s}) - 1) * q)`;
  const d = `(${rn} - floor(${rn}))`;
  const lo = `${s}[toUInt64(floor(${rn})) + 1]`;
  const hi = `${s}[toUInt64(ceil(${rn})) + 1]`;
  return `if(length(${s}) = 0, emptyArrayFloat64(), arrayMap(q -> toFloat64(${lo}) * (1 - ${d}) + toFloat64(${hi}) * ${d}, [${qs.join(', ')}]))`;
}


export async function summarizeClickHouse(ch: ChStore, opts: SummaryOptions): Promise<GroupSummary[]> {
  for (const d of opts.by) if (!DIMENSIONS.includes(d)) throw new RoutefitError('invalid_input', `--by ${d} is not a dimension; allowed: ${DIMENSIONS.join(', ')}`, { field: 'by' });
  const dimNames = opts.by.map((d) => `\`${d}\``);
  const dims = opts.by.map((d, i) => `${dimExpr[d]} AS ${dimNames[i]}`);
  const slo = opts.slo ?? {};
  const latencyOk = [
    slo.ttftMs !== undefined ? `ifNull(ttft_ms <= ${chLit(slo.ttftMs)}, 0)` : '1',
    slo.tpotMs !== undefined ? `(output_tokens <= 1 OR ifNull(${TPOT} <= ${chLit(slo.tpotMs)}, 0))` : '1',
  ].join(' AND ');
  const within = `is_final = 1 AND quality = 'pass' AND ${latencyOk}`;
  const isBatch = "(batch OR ifNull(service_tier_served = 'batch', 0))";
  // Plain aggregates, named as the DuckDB query names them (toSummary reads these names). Inside,
  // they are a_<name>: ClickHouse aliases are visible to the whole SELECT, and `sum(input_tokens) AS
  // input_tokens` would capture the input_tokens that groupArray reads.
  const aggregates: [string, string][] = [
    ['start', `formatDateTime(toDateTime(intDiv(min(ts_us), 1000000), 'UTC'), '%Y-%m-%dT%H:%M:%SZ', 'UTC')`],
    ['end', `formatDateTime(toDateTime(intDiv(max(ts_us), 1000000), 'UTC'), '%Y-%m-%dT%H:%M:%SZ', 'UTC')`],
    ['span_s', 'max(ts_us) / 1000000 - min(ts_us) / 1000000'],
    ['requests', 'countIf(is_final = 1)'],
    ['attempts', 'count()'],
    ['pass', "countIf(is_final = 1 AND quality = 'pass')"],
    ['fail', "countIf(is_final = 1 AND quality = 'fail')"],
    ['repaired', "countIf(is_final = 1 AND quality = 'repaired')"],
    ['unknown', "countIf(is_final = 1 AND quality = 'unknown')"],
    ['escalated', 'countIf(is_final = 1 AND req_escalated = 1)'],
    ['errors', "countIf(status != 'ok')"],
    ['input_tokens', 'sum(input_tokens)'],
    ['cached_tokens', 'sum(ifNull(cached_input_tokens, 0))'],
    ['write_tokens', 'sum(ifNull(cache_write_tokens, 0))'],
    ['output_tokens', 'sum(output_tokens)'],
    ['reasoning_tokens', 'sum(ifNull(reasoning_tokens, 0))'],
    ['cache_hit_attempts', 'countIf(ifNull(cached_input_tokens, 0) > 0)'],
    ['batch_attempts', `countIf(${isBatch})`],
    ['fallback_attempts', 'countIf(fallback = 1)'],
    ['token_cost', 'ifNull(sum(cost), 0)'],
    ['priced_attempts', 'count(cost)'],
    ['unpriced_attempts', 'count() - count(cost)'],
    // avg over no row is NaN in ClickHouse, NULL in DuckDB: NULL here too.
    ['naive_cost', 'if(countIf(isNotNull(cost) AND attempt = 0) = 0, NULL, sumIf(cost, attempt = 0) / countIf(isNotNull(cost) AND attempt = 0))'],
    ['logged_cost', 'sum(cost_usd)'],
    ['e2e_sum', 'ifNull(sum(e2e_ms), 0)'],
    ['cached_at_input_rate', 'countIf(cached_at_input_rate = 1)'],
    ['batch_at_standard_rate', 'countIf(batch_at_standard_rate = 1)'],
    ['good', `countIf(${within})`],
    ['latency_ok', `countIf(is_final = 1 AND ${latencyOk})`],
    ['workflows', 'uniqExact(req_workflow_id)'],
    ['workflow_calls', 'countIf(is_final = 1 AND isNotNull(req_workflow_id))'],
  ];
  // Sorted value arrays for the quantiles, interpolated in the outer query.
  const sorted: [string, string][] = [
    ['in_q', 'arraySort(groupArray(input_tokens))'],
    ['out_q', 'arraySort(groupArray(output_tokens))'],
    ['ttft_q', "arraySort(groupArrayIf(ttft_ms, status = 'ok'))"],
    ['tpot_q', `arraySort(groupArrayIf(${TPOT}, status = 'ok' AND output_tokens > 1 AND isNotNull(e2e_ms) AND isNotNull(ttft_ms)))`],
    ['e2e_q', "arraySort(groupArrayIf(e2e_ms, status = 'ok'))"],
  ];
  const inner = `
    SELECT ${dims.length ? dims.join(', ') + ',' : ''}
      ${aggregates.map(([name, expr]) => `${expr} AS a_${name}`).join(',\n      ')},
      ${sorted.map(([name, expr]) => `${expr} AS s_${name}`).join(',\n      ')}
    FROM (${chAttemptsSql(ch, opts)})
    ${dims.length ? `GROUP BY ${dimNames.join(', ')}` : ''}`;
  const sql = `
    SELECT ${[...dimNames, ...aggregates.map(([name]) => `a_${name} AS \`${name}\``), ...sorted.map(([name]) => `${interpolated(`s_${name}`)} AS ${name}`)].join(', ')}
    FROM (${inner})
    ${dims.length ? `ORDER BY ${dimNames.join(', ')}` : ''}`;
  const rows = (await ch.query(sql)).map(nullCounts);
  const anyWorkflow = (await ch.query(`SELECT 1 AS x FROM ${ch.attempts()} WHERE isNotNull(workflow_id) LIMIT 1`)).length > 0;
  const wf = anyWorkflow ? await workflowStats(ch, opts) : new Map<string, WorkflowRow>();
  const groups = rows.filter((r) => Number(r.attempts) > 0).map((r) => toSummary(r, opts, wf));
  if (opts.traceKit) {
    const routes = await groupRoutes(ch, opts, opts.traceKit.catalog);
    for (const g of groups) g.traceKit = traceKitFor(g, routes.get(JSON.stringify(opts.by.map((d) => g.key[d] ?? null))) ?? [], opts.traceKit);
  }
  return groups;
}

/**
 * The routes each group's attempts ran on, as ../metrics.ts `groupRoutes`, for the Trace Kit's price
 * ratios; each (route, provider, model) gets its price key from the same catalog resolution as the
 * pricing (`pricingData`), as the DuckDB store's `route_map` does.
 */
async function groupRoutes(ch: ChStore, opts: SummaryOptions, catalog: Catalog): Promise<Map<string, GroupRoute[]>> {
  const dimNames = opts.by.map((d) => `\`${d}\``);
  const dims = opts.by.map((d, i) => `${dimExpr[d]} AS ${dimNames[i]}`);
  const rows = await ch.query(
    `SELECT ${[...dims, ''].join(', ')} a_route, a_provider, a_model, count() AS attempts FROM (${chAttemptsSql(ch, opts)})
     GROUP BY ${[...dimNames, 'a_route', 'a_provider', 'a_model'].join(', ')}`,
  );
  const keyOf = (route: unknown, provider: unknown, model: unknown) => JSON.stringify([route ?? null, provider ?? null, model ?? null]);
  const keys = new Map(rows.map((r) => [keyOf(r.a_route, r.a_provider, r.a_model), { route: (r.a_route as string | null) ?? null, provider: (r.a_provider as string | null) ?? null, model: (r.a_model as string | null) ?? null }]));
  const priceKey = new Map(pricingData(catalog, [...keys.values()]).routeMap.map((m) => [keyOf(m.route, m.provider, m.model), m.priceKey]));
  const out = new Map<string, GroupRoute[]>();
  for (const r of rows) {
    const k = groupKey(r, opts.by);
    const route = (r.a_route as string | null) ?? null;
    const list = out.get(k) ?? [];
    // Several (provider, model) spellings of one route are one route to the Trace Kit: merge them.
    const pk = priceKey.get(keyOf(r.a_route, r.a_provider, r.a_model)) ?? null;
    const same = list.find((x) => x.route === route && x.priceKey === pk);
    if (same) same.attempts += Number(r.attempts);
    else list.push({ route, priceKey: pk, attempts: Number(r.attempts) });
    out.set(k, list);
  }
  return out;
}

/** uniqExact over only NULLs is NULL in 18.16; DuckDB's count(DISTINCT) is 0. */
function nullCounts(r: Row): Row {
  return r.workflows === null ? { ...r, workflows: 0 } : r;
}

/** Agent workflows, as `workflowStats` in ../metrics.ts: a task succeeds when every call's final attempt passed. */
async function workflowStats(ch: ChStore, opts: SummaryOptions): Promise<Map<string, WorkflowRow>> {
  const dimNames = opts.by.map((d) => `\`${d}\``);
  const dims = opts.by.map((d, i) => `${dimExpr[d]} AS ${dimNames[i]}`);
  const rows = await ch.query(
    `SELECT ${[...dimNames, ''].join(', ')} count() AS tasks, countIf(ok = 1) AS succeeded, sum(calls) AS calls, sum(w_cost) AS cost,
            sum(unpriced) AS unpriced, sum(tokens) AS tokens, sum(first_tokens) AS firstTokens
     FROM (
       SELECT ${[...dims, 'req_workflow_id'].join(', ')},
         minIf(quality = 'pass', is_final = 1) AS ok,
         countIf(is_final = 1) AS calls,
         ifNull(sum(cost), 0) AS w_cost, count() - count(cost) AS unpriced,
         sum(input_tokens + output_tokens) AS tokens,
         argMin(input_tokens + output_tokens, ts_us) AS first_tokens
       FROM (${chAttemptsSql(ch, opts)}) WHERE isNotNull(req_workflow_id)
       GROUP BY ${[...dimNames, 'req_workflow_id'].join(', ')})
     ${dimNames.length ? `GROUP BY ${dimNames.join(', ')}` : ''}`,
  );
  return new Map(rows.map((r) => [groupKey(r, opts.by), r as unknown as WorkflowRow]));
}
