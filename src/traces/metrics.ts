import { parseInstant } from './time-window.js';
import { RoutefitError } from '../engine/errors.js';
import { goodputFromCounts } from '../engine/measured/goodput.js';
import { type MeasuredInputs, type MeasuredLcpr, type MeasuredOverheads, type MeasuredWindow, measuredLcpr } from '../engine/measured/measured.js';
import type { MeasuredTraceKitMetrics } from '../engine/measured/trace-kit.js';
import { type Row, type Store, ident, lit, query } from './db.js';
import { type GroupRoute, type TraceKitContext, traceKitFor } from './trace-kit.js';

/**
 * The playbook's metrics in DuckDB SQL (issue 5, "Metrics"; Inference Economics Playbook overview "Cost levers" and Inference Field Guide
 * Part 5 reference cards). Rows are attempts; a request is its attempts sharing a request_id, with
 * the dimensions of its first attempt and the outcome of its last. Aggregates come back, never rows.
 * Needs the `priced` view from `preparePricing`.
 */
export const DIMENSIONS = ['workload', 'route', 'model', 'provider', 'user_segment', 'deployment', 'day', 'hour'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface Slo {
  ttftMs?: number;
  tpotMs?: number;
}

export interface SummaryOptions {
  by: Dimension[];
  /** Inclusive start, exclusive end (ISO dates or timestamps, UTC). */
  from?: string;
  to?: string;
  slo?: Slo;
  /** The window in seconds, stated by the caller (`--window`); default the span from first to last request. */
  windowSeconds?: number;
  overheads?: MeasuredOverheads;
  /** Adds the Trace Kit's five derived metrics (Inference Economics Playbook overview) to each group, priced from this catalog. */
  traceKit?: TraceKitContext;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface GroupSummary {
  key: Partial<Record<Dimension, string | null>>;
  window: { start: string; end: string; days: number };
  requests: number;
  attempts: number;
  rates: {
    retry: number;
    pass: number | null;
    repair: number | null;
    escalation: number;
    /** Cached input tokens ÷ input tokens. */
    cacheHitTokens: number;
    /** Attempts with any cached input ÷ attempts. */
    cacheHitRequests: number;
    cacheWriteTokens: number;
    batchShare: number;
    fallbackShare: number;
    errorRate: number;
  };
  quality: { pass: number; fail: number; repaired: number; unknown: number };
  tokens: { input: Percentiles & { mean: number }; output: Percentiles & { mean: number }; reasoningShare: number };
  latency: {
    ttftMs: Percentiles;
    tpotMs: Percentiles;
    e2eMs: Percentiles;
    e2eP99OverP50: number | null;
    /** Little's law: Σ e2e time ÷ window time = requests in flight on average (the concurrency the percentiles were seen at). */
    meanConcurrency: number;
  };
  cost: {
    tokenCostUsd: number;
    pricedAttempts: number;
    unpricedAttempts: number;
    loggedCostUsd: number | null;
    cachedAtInputRate: number;
    batchAtStandardRate: number;
  };
  /** Inference Field Guide, Part 0 decomposition over the window (engine `measuredLcpr`). */
  lcpr: MeasuredLcpr;
  goodput?: {
    acceptedWithinSlo: number;
    /** Accepted within SLO ÷ the window's seconds (`windowSeconds`). */
    perSecond: number;
    /** The real window (stated, or first to last request); one instant counts as the hour it was logged in. */
    windowSeconds: number;
    costPerGoodAccepted: number | null;
    /** Requests (final attempts) that met the TTFT and TPOT SLOs, whatever their quality. */
    latencyPass: number;
    /** latencyPass ÷ requests: the latency-pass rate, beside the quality pass rate. */
    latencyPassRate: number | null;
    slo: Slo;
  };
  workflows?: { count: number; callsPerWorkflow: number; successRate: number; callsPerAcceptedTask: number | null; costPerAcceptedTask: number | null; tokenFanout: number | null };
  measured: MeasuredInputs;
  /** The Trace Kit's five derived metrics (Inference Economics Playbook overview), when `SummaryOptions.traceKit` is given. */
  traceKit?: MeasuredTraceKitMetrics;
}

/** The request-level columns a dimension groups by (first attempt's value); day and hour are dialect-specific. */
export const REQUEST_DIMENSIONS = {
  workload: 'req_workload',
  route: 'req_route',
  model: 'req_model',
  provider: 'req_provider',
  user_segment: 'req_user_segment',
  deployment: 'req_deployment',
} as const;

const dimExpr: Record<Dimension, string> = {
  ...REQUEST_DIMENSIONS,
  day: "strftime(req_ts, '%Y-%m-%d')",
  hour: "strftime(req_ts, '%Y-%m-%dT%H:00')",
};

/** `WHERE column >= from AND column < to` (UTC), or '' without a window; bad dates name the flag. */
export function timeFilter(opts: { from?: string; to?: string }, column = 'ts'): string {
  const parts: string[] = [];
  for (const [flag, v, op] of [['--from', opts.from, '>='], ['--to', opts.to, '<']] as const) {
    if (v === undefined) continue;
    // Parsed to one UTC instant before any SQL (offsets applied): time-window.ts parseInstant.
    parts.push(`${column} ${op} CAST(${lit(parseInstant(flag, v))} AS TIMESTAMP)`);
  }
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/** Attempts with their request's dimensions (first attempt) and outcome (last attempt). */
export function attemptsSql(opts: { from?: string; to?: string }): string {
  // Only requests with retries need their first and last attempt looked up: aggregate those few from
  // the bare rows and join them back; a single-attempt request is its own first and last attempt.
  // `priced` (a join per row) is read once, streamed, never materialized.
  const dims = ['workload', 'route', 'model', 'provider', 'user_segment', 'deployment', 'workflow_id', 'ts'];
  const where = timeFilter(opts);
  return `
    WITH multi AS (SELECT DISTINCT request_id FROM requests ${where ? `${where} AND` : 'WHERE'} attempt > 0),
    req AS (
      SELECT request_id,
        ${dims.map((c) => `arg_min(${c}, attempt) AS m_${c}`).join(',\n        ')},
        max(attempt) AS m_last_attempt,
        bool_or(escalated_to_human) AS m_escalated
      FROM (SELECT * FROM requests ${where}) SEMI JOIN multi USING (request_id) GROUP BY request_id)
    SELECT p.*,
      ${dims.map((c) => `CASE WHEN req.request_id IS NULL THEN p.${c} ELSE req.m_${c} END AS req_${c}`).join(',\n      ')},
      CASE WHEN req.request_id IS NULL THEN TRUE ELSE p.attempt = req.m_last_attempt END AS is_final,
      CASE WHEN req.request_id IS NULL THEN coalesce(p.escalated_to_human, FALSE) ELSE req.m_escalated END AS req_escalated
    FROM (SELECT * FROM priced ${where}) p LEFT JOIN req ON req.request_id = p.request_id`;
}

const q3 = (expr: string, filter = 'TRUE') => `quantile_cont(${expr}, [0.5, 0.95, 0.99]) FILTER (WHERE ${filter})`;
/** Time per output token (issue 5 "Metrics": TPOT = (e2e − ttft) / (output − 1)), the same SQL in DuckDB and ClickHouse. */
export const TPOT = '(e2e_ms - ttft_ms) / (output_tokens - 1)';

export async function summarize(store: Store, opts: SummaryOptions): Promise<GroupSummary[]> {
  for (const d of opts.by) if (!DIMENSIONS.includes(d)) throw new RoutefitError('invalid_input', `--by ${d} is not a dimension; allowed: ${DIMENSIONS.join(', ')}`, { field: 'by' });
  const dims = opts.by.map((d) => `${dimExpr[d]} AS ${ident(d)}`);
  const slo = opts.slo ?? {};
  const latencyOk = [
    slo.ttftMs !== undefined ? `coalesce(ttft_ms <= ${lit(slo.ttftMs)}, FALSE)` : 'TRUE',
    slo.tpotMs !== undefined ? `(output_tokens <= 1 OR coalesce(${TPOT} <= ${lit(slo.tpotMs)}, FALSE))` : 'TRUE',
  ].join(' AND ');
  const within = `is_final AND quality = 'pass' AND ${latencyOk}`;
  const sql = `
    WITH a AS (${attemptsSql(opts)})
    SELECT ${dims.length ? dims.join(', ') + ',' : ''}
      strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ') AS start, strftime(max(ts), '%Y-%m-%dT%H:%M:%SZ') AS "end",
      epoch(max(ts)) - epoch(min(ts)) AS span_s,
      count(*) FILTER (WHERE is_final) AS requests, count(*) AS attempts,
      count(*) FILTER (WHERE is_final AND quality = 'pass') AS pass,
      count(*) FILTER (WHERE is_final AND quality = 'fail') AS fail,
      count(*) FILTER (WHERE is_final AND quality = 'repaired') AS repaired,
      count(*) FILTER (WHERE is_final AND quality = 'unknown') AS unknown,
      count(*) FILTER (WHERE is_final AND req_escalated) AS escalated,
      count(*) FILTER (WHERE status <> 'ok') AS errors,
      sum(input_tokens) AS input_tokens, sum(coalesce(cached_input_tokens, 0)) AS cached_tokens,
      sum(coalesce(cache_write_tokens, 0)) AS write_tokens, sum(output_tokens) AS output_tokens,
      sum(coalesce(reasoning_tokens, 0)) AS reasoning_tokens,
      count(*) FILTER (WHERE cached_input_tokens > 0) AS cache_hit_attempts,
      count(*) FILTER (WHERE batch OR service_tier_served = 'batch') AS batch_attempts,
      count(*) FILTER (WHERE fallback) AS fallback_attempts,
      coalesce(sum(cost), 0) AS token_cost, count(cost) AS priced_attempts, count(*) - count(cost) AS unpriced_attempts,
      avg(cost) FILTER (WHERE attempt = 0) AS naive_cost,
      sum(cost_usd) AS logged_cost, coalesce(sum(e2e_ms), 0) AS e2e_sum,
      count(*) FILTER (WHERE cached_at_input_rate) AS cached_at_input_rate,
      count(*) FILTER (WHERE batch_at_standard_rate) AS batch_at_standard_rate,
      ${q3('input_tokens')} AS in_q, ${q3('output_tokens')} AS out_q,
      ${q3('ttft_ms', "status = 'ok'")} AS ttft_q,
      ${q3(TPOT, "status = 'ok' AND output_tokens > 1 AND e2e_ms IS NOT NULL AND ttft_ms IS NOT NULL")} AS tpot_q,
      ${q3('e2e_ms', "status = 'ok'")} AS e2e_q,
      count(*) FILTER (WHERE ${within}) AS good,
      count(*) FILTER (WHERE is_final AND ${latencyOk}) AS latency_ok,
      count(DISTINCT req_workflow_id) AS workflows,
      count(*) FILTER (WHERE is_final AND req_workflow_id IS NOT NULL) AS workflow_calls
    FROM a
    ${dims.length ? `GROUP BY ${opts.by.map((_, i) => i + 1).join(', ')} ORDER BY ${opts.by.map((_, i) => i + 1).join(', ')}` : ''}`;
  const rows = await query(store.conn, sql);
  const anyWorkflow = (await query(store.conn, 'SELECT 1 FROM requests WHERE workflow_id IS NOT NULL LIMIT 1')).length > 0;
  const wf = anyWorkflow ? await workflowStats(store, opts) : new Map<string, WorkflowRow>();
  const groups = rows.filter((r) => Number(r.attempts) > 0).map((r) => toSummary(r, opts, wf));
  if (opts.traceKit) {
    const routes = await groupRoutes(store, opts);
    for (const g of groups) g.traceKit = traceKitFor(g, routes.get(JSON.stringify(opts.by.map((d) => g.key[d] ?? null))) ?? [], opts.traceKit);
  }
  return groups;
}

/**
 * The routes each group's attempts ran on (a fallback retry can differ from its request's first
 * route), with their catalog price key: the Trace Kit metrics need one route for price ratios.
 * Same grouping as `attemptsSql` (a request takes its first attempt's dimensions) without joining
 * every row: first attempts group by their own dimensions, and only the retries are joined to
 * their request's first attempt. About a quarter of the time of a pass over `attemptsSql`.
 */
export async function groupRoutes(store: Store, opts: SummaryOptions): Promise<Map<string, GroupRoute[]>> {
  const own = opts.by.map((d) => `${dimExpr[d].replace(/req_/g, '')} AS ${ident(d)}`);
  const first = opts.by.map((d) => `${dimExpr[d].replace(/req_/g, 'f.m_')} AS ${ident(d)}`);
  const cols = ['workload', 'route', 'model', 'provider', 'user_segment', 'deployment', 'ts'];
  const rows = await query(
    store.conn,
    `WITH p AS (SELECT request_id, attempt, price_key, ${cols.join(', ')} FROM priced ${timeFilter(opts)}),
     multi AS (SELECT DISTINCT request_id FROM p WHERE attempt > 0),
     f AS (SELECT request_id, ${cols.map((c) => `arg_min(${c}, attempt) AS m_${c}`).join(', ')} FROM p SEMI JOIN multi USING (request_id) GROUP BY request_id)
     SELECT ${[...own, ''].join(', ')} route AS a_route, price_key AS a_price_key, count(*) AS attempts FROM p WHERE attempt = 0 GROUP BY ALL
     UNION ALL
     SELECT ${[...first, ''].join(', ')} p.route, p.price_key, count(*) FROM p JOIN f USING (request_id) WHERE p.attempt > 0 GROUP BY ALL`,
  );
  const out = new Map<string, GroupRoute[]>();
  for (const r of rows) {
    const k = groupKey(r, opts.by);
    const list = out.get(k) ?? [];
    list.push({ route: (r.a_route as string | null) ?? null, priceKey: (r.a_price_key as string | null) ?? null, attempts: Number(r.attempts) });
    out.set(k, list);
  }
  return out;
}

export type WorkflowRow = { tasks: number; succeeded: number; calls: number; cost: number; unpriced: number; tokens: number; firstTokens: number };

export const groupKey = (r: Row, by: Dimension[]) => JSON.stringify(by.map((d) => r[d] ?? null));

/** Agent workflows (Inference Field Guide, Part 5, "Agent workflows"): a task succeeds when every call's final attempt passed. */
async function workflowStats(store: Store, opts: SummaryOptions): Promise<Map<string, WorkflowRow>> {
  const dims = opts.by.map((d) => `${dimExpr[d]} AS ${ident(d)}`);
  const cols = opts.by.map((d) => ident(d));
  const rows = await query(
    store.conn,
    `WITH a AS (${attemptsSql(opts)}),
     w AS (
       SELECT ${[...dims, 'req_workflow_id'].join(', ')},
         bool_and(quality = 'pass') FILTER (WHERE is_final) AS ok,
         count(*) FILTER (WHERE is_final) AS calls,
         coalesce(sum(cost), 0) AS cost, count(*) - count(cost) AS unpriced,
         sum(input_tokens + output_tokens) AS tokens,
         arg_min(input_tokens + output_tokens, ts) AS first_tokens
       FROM a WHERE req_workflow_id IS NOT NULL GROUP BY ALL)
     SELECT ${[...cols, ''].join(', ')} count(*) AS tasks, count(*) FILTER (WHERE ok) AS succeeded, sum(calls) AS calls, sum(cost) AS cost,
            sum(unpriced) AS unpriced, sum(tokens) AS tokens, sum(first_tokens) AS "firstTokens"
     FROM w ${cols.length ? 'GROUP BY ALL' : ''}`,
  );
  return new Map(rows.map((r) => [groupKey(r, opts.by), r as unknown as WorkflowRow]));
}

/** The window a group's rates are per: the caller's stated window, else first to last request. */
export function windowSeconds(spanS: number, stated?: number): number {
  if (stated === undefined) return spanS;
  if (!(Number.isFinite(stated) && stated > 0)) throw new RoutefitError('invalid_input', `--window is ${stated} s; allowed a duration > 0 (e.g. 10s, 2h, 30d)`, { field: 'window', allowed: '> 0' });
  return stated;
}

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const pct = (v: unknown): Percentiles => {
  const a = Array.isArray(v) ? (v as (number | null)[]) : [];
  return { p50: a[0] ?? null, p95: a[1] ?? null, p99: a[2] ?? null };
};

/**
 * One group's aggregate row (the column names `summarize` selects) → its GroupSummary. Shared by
 * the DuckDB and ClickHouse backends, which return the same columns, so both give the same numbers.
 */
export function toSummary(r: Row, opts: SummaryOptions, wf: Map<string, WorkflowRow>): GroupSummary {
  const key: GroupSummary['key'] = {};
  for (const d of opts.by) key[d] = (r[d] as string | null) ?? null;
  const requests = n(r.requests);
  const attempts = n(r.attempts);
  const labelled = n(r.pass) + n(r.fail) + n(r.repaired);
  const windowS = windowSeconds(n(r.span_s), opts.windowSeconds);
  // A window of one instant has no rate: monthly extrapolations take the hour it was logged in
  // (goodput says null). Any real window, however short, is used as it is.
  const windowDays = (windowS > 0 ? windowS : 3600) / 86_400;
  const input = n(r.input_tokens);
  const window: MeasuredWindow = {
    windowDays,
    // The traced span: the proration rule of the one measured cost per accepted output reads it (issue 11, item 3).
    ...(r.start !== null && r.end !== null ? { start: String(r.start), end: String(r.end) } : {}),
    requests,
    attempts,
    labelled,
    passed: n(r.pass),
    escalated: n(r.escalated),
    tokenCostUsd: n(r.token_cost),
    unpricedAttempts: n(r.unpriced_attempts),
    naiveCostPerRequest: r.naive_cost === null ? null : n(r.naive_cost),
  };
  const lcpr = measuredLcpr(window, opts.overheads ?? {});
  const e2e = pct(r.e2e_q);
  const passRate = labelled ? n(r.pass) / labelled : null;
  const summary: GroupSummary = {
    key,
    window: { start: String(r.start), end: String(r.end), days: windowDays },
    requests,
    attempts,
    rates: {
      retry: requests ? attempts / requests - 1 : 0,
      pass: passRate,
      repair: labelled ? n(r.repaired) / labelled : null,
      escalation: requests ? n(r.escalated) / requests : 0,
      cacheHitTokens: input ? n(r.cached_tokens) / input : 0,
      cacheHitRequests: attempts ? n(r.cache_hit_attempts) / attempts : 0,
      cacheWriteTokens: input ? n(r.write_tokens) / input : 0,
      batchShare: attempts ? n(r.batch_attempts) / attempts : 0,
      fallbackShare: attempts ? n(r.fallback_attempts) / attempts : 0,
      errorRate: attempts ? n(r.errors) / attempts : 0,
    },
    quality: { pass: n(r.pass), fail: n(r.fail), repaired: n(r.repaired), unknown: n(r.unknown) },
    tokens: {
      input: { mean: attempts ? input / attempts : 0, ...pct(r.in_q) },
      output: { mean: attempts ? n(r.output_tokens) / attempts : 0, ...pct(r.out_q) },
      reasoningShare: n(r.output_tokens) ? n(r.reasoning_tokens) / n(r.output_tokens) : 0,
    },
    latency: {
      ttftMs: pct(r.ttft_q),
      tpotMs: pct(r.tpot_q),
      e2eMs: e2e,
      e2eP99OverP50: e2e.p50 && e2e.p99 !== null ? e2e.p99 / e2e.p50 : null,
      meanConcurrency: n(r.e2e_sum) / (windowDays * 86_400_000),
    },
    cost: {
      tokenCostUsd: n(r.token_cost),
      pricedAttempts: n(r.priced_attempts),
      unpricedAttempts: n(r.unpriced_attempts),
      loggedCostUsd: r.logged_cost === null ? null : n(r.logged_cost),
      cachedAtInputRate: n(r.cached_at_input_rate),
      batchAtStandardRate: n(r.batch_at_standard_rate),
    },
    lcpr,
    measured: {
      windowDays,
      requests,
      attempts,
      meanInputTokens: attempts ? input / attempts : 0,
      meanOutputTokens: attempts ? n(r.output_tokens) / attempts : 0,
      cacheHitRate: input ? n(r.cached_tokens) / input : 0,
      cacheWriteRate: input ? n(r.write_tokens) / input : 0,
      batchShare: attempts ? n(r.batch_attempts) / attempts : 0,
      passRate,
      escalationRate: requests ? n(r.escalated) / requests : 0,
      labelled,
      measuredAt: String(r.end).slice(0, 10),
    },
  };
  if (opts.slo && (opts.slo.ttftMs !== undefined || opts.slo.tpotMs !== undefined)) {
    const good = n(r.good);
    // Issue 5 "Metrics": goodput = accepted requests inside the SLO per second of the window; one
    // definition for traces and `routefit goodput` (engine/measured/goodput.ts).
    const windowSeconds = windowDays * 86_400;
    summary.goodput = {
      acceptedWithinSlo: good,
      ...goodputFromCounts(good, windowSeconds, lcpr.lcpr !== null ? lcpr.totalCostUsd : null),
      windowSeconds,
      latencyPass: n(r.latency_ok),
      latencyPassRate: requests ? n(r.latency_ok) / requests : null,
      slo: opts.slo,
    };
  }
  const w = wf.get(groupKey(r, opts.by));
  if (w && n(w.tasks) > 0) {
    const tasks = n(w.tasks);
    const ok = n(w.succeeded);
    summary.workflows = {
      count: tasks,
      callsPerWorkflow: n(w.calls) / tasks,
      successRate: ok / tasks,
      callsPerAcceptedTask: ok ? n(w.calls) / ok : null,
      costPerAcceptedTask: ok && n(w.unpriced) === 0 ? n(w.cost) / ok : null,
      tokenFanout: n(w.firstTokens) ? n(w.tokens) / n(w.firstTokens) : null,
    };
  }
  return summary;
}
