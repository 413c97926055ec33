import { RoutefitError } from '../engine/errors.js';
import { goodputFromCounts } from '../engine/measured/goodput.js';
import { type MeasuredInputs, type MeasuredLcpr, type MeasuredOverheads, type MeasuredWindow, measuredLcpr } from '../engine/measured/measured.js';
import type { MeasuredTraceKitMetrics } from '../engine/measured/trace-kit.js';
import type { ChStore } from './clickhouse/connection.js';
import { type Row, type Store, lit } from './db.js';
import { parseInstant } from './time-window.js';
import { DIMENSIONS, type Dimension, type Slo, type SqlSource, sourceOf, summaryRows, workflowRows } from './sql/index.js';
import { type GroupRoute, type TraceKitContext, traceKitFor } from './trace-kit.js';

/**
 * `traces summarize`: the playbook's metrics per group (issue 5, "Metrics"; Inference Economics Playbook overview "Cost levers" and Inference Field Guide
 * Part 5 reference cards). Rows are attempts; a request is its attempts sharing a request_id, with
 * the dimensions of its first attempt and the outcome of its last. The SQL is written once in
 * ./sql/ (summary.ts) and spelled by each store's dialect; aggregates come back, never rows.
 * Needs the day prices (`preparePricing`).
 */
export { DIMENSIONS, type Dimension, REQUEST_DIMENSIONS, type Slo, TPOT } from './sql/index.js';

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

/**
 * `WHERE column >= from AND column < to` (UTC) on a DuckDB TIMESTAMP column, or '' without a
 * window, for the DuckDB-only reads outside ./sql/ (OTel metric points, the memory estimate). The
 * flag is parsed to one canonical UTC instant first (time-window.ts parseInstant: a bad date names
 * the flag), so only that checked ISO text reaches the SQL.
 */
export function timeFilter(opts: { from?: string; to?: string }, column = 'ts'): string {
  const parts: string[] = [];
  for (const [flag, v, op] of [['--from', opts.from, '>='], ['--to', opts.to, '<']] as const) {
    if (v === undefined) continue;
    parts.push(`${column} ${op} CAST(${lit(parseInstant(flag, v))} AS TIMESTAMP)`);
  }
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/** A store, or the SQL source of one (./sql/source.ts): every read below runs on either. */
export type Readable = Store | ChStore | SqlSource;

export async function summarize(store: Readable, opts: SummaryOptions): Promise<GroupSummary[]> {
  for (const d of opts.by) if (!DIMENSIONS.includes(d)) throw new RoutefitError('invalid_input', `--by ${d} is not a dimension; allowed: ${DIMENSIONS.join(', ')}`, { field: 'by' });
  const src = sourceOf(store);
  const rows = await summaryRows(src, opts);
  // The workflow pass runs only when a group has a call in a workflow (the summary's `workflow_calls`: every request's final
  // attempt carries its request's workflow), not after a scan of its own; the workflows are counted there (`tasks`), once.
  const wf = rows.some((r) => Number(r.workflow_calls) > 0) ? await workflowStats(src, opts) : new Map<string, WorkflowRow>();
  const groups = rows.filter((r) => Number(r.attempts) > 0).map((r) => toSummary(r, opts, wf));
  if (opts.traceKit) {
    const routes = new Map(rows.map((r) => [groupKey(r, opts.by), routesOf(r)]));
    for (const g of groups) g.traceKit = traceKitFor(g, routes.get(JSON.stringify(opts.by.map((d) => g.key[d] ?? null))) ?? [], opts.traceKit);
  }
  return groups;
}

/** A summary row's (route, price key) pairs, in a stable order. */
function routesOf(r: Row): GroupRoute[] {
  const pairs = Array.isArray(r.routes) ? (r.routes as [string | null, string | null][]) : [];
  return pairs.map(([route, priceKey]) => ({ route: route ?? null, priceKey: priceKey ?? null })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/**
 * The routes each group's attempts ran on (a fallback retry can differ from its request's first
 * route), with their catalog price key, as summarize reads them (the summary query's `routes`).
 */
export async function groupRoutes(store: Readable, opts: SummaryOptions): Promise<Map<string, GroupRoute[]>> {
  const rows = await summaryRows(sourceOf(store), opts);
  return new Map(rows.filter((r) => Number(r.attempts) > 0).map((r) => [groupKey(r, opts.by), routesOf(r)]));
}

export type WorkflowRow = { tasks: number; succeeded: number; calls: number; cost: number; unpriced: number; tokens: number; firstTokens: number };

export const groupKey = (r: Row, by: Dimension[]) => JSON.stringify(by.map((d) => r[d] ?? null));

/** Agent workflows (Inference Field Guide, Part 5, "Agent workflows"): a task succeeds when every call's final attempt passed. */
async function workflowStats(src: SqlSource, opts: SummaryOptions): Promise<Map<string, WorkflowRow>> {
  const rows = await workflowRows(src, opts);
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
