import type { MeasuredOverheads } from '../../../engine/measured/measured.js';
import { DIMENSIONS, type Dimension, type GroupSummary, type SummaryOptions } from '../../../traces/metrics.js';
import type { PricingContext } from '../../../traces/pricing.js';
import { groupJson } from '../../../traces/json-output.js';
import type { RouteSummaryRow } from '../../../traces/store/types.js';
import type { GpuRouteSummary } from '../../../traces/gpu.js';
import type { LatencyFromHistogram, OtelMetricSummary } from '../../../traces/otel-metrics.js';
import { parsePairs } from '../../flags.js';
import { overheadsLine, workloadFileOverheads } from '../../measured.js';
import { WORKLOAD_FIELDS, field } from '../../../workload/fields.js';
import { count, percent, ratio, table, usd, usdPerRequest } from '../../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../../io.js';
import { openCatalog } from '../../pricing.js';
import { Opt, type OptionValues, defineCommand, opt } from '../../command.js';
import { type StoreChoice, clickhouseOpt, dbOpt, otelTableOpt, sourceOpt, storeChoice, windowOpt, withTraceStore } from '../../stores.js';
import type { SourceReport } from '../../../traces/store/types.js';

/** The overheads traces cannot see, one flag per registry field that names one (src/workload/fields.ts). */
type OverheadName = keyof MeasuredOverheads;
const overheadFlags = Object.fromEntries(
  WORKLOAD_FIELDS.filter((f) => f.flag).map((f) => [f.name, opt.number(`${f.flag} <${f.unit.startsWith('USD') ? 'usd' : f.unit.split('/')[0]}>`, `${f.description} (${f.unit}${f.unit.endsWith('/month') ? ', prorated to the window' : ''})`, f.bounds)]),
) as Record<OverheadName, ReturnType<typeof opt.number>>;
const options = {
  db: dbOpt(),
  clickhouse: clickhouseOpt(),
  source: sourceOpt(),
  otelTable: otelTableOpt(),
  by: opt.string('--by <dims>', `segment by: ${DIMENSIONS.join(', ')}`).default('workload,route'),
  from: windowOpt('--from', 'window start (inclusive, UTC)'),
  to: windowOpt('--to', 'window end (exclusive, UTC)'),
  sloTtftMs: opt.number('--slo-ttft-ms <ms>', 'TTFT SLO for goodput', { min: 0 }),
  sloTpotMs: opt.number('--slo-tpot-ms <ms>', 'TPOT SLO for goodput', { min: 0 }),
  window: new Opt<number>('--window <duration>', 'the window rates are per, e.g. 10s, 90m, 24h, 30d (default: first to last request)', (t) => parseDuration('--window', t)),
  ...overheadFlags,
  workload: opt.string('--workload <file>', 'read the overheads (repair, engineering, eval, human, ops) from this workload file instead of flags'),
  name: opt.string('--name <workload>', 'with --workload: the workload of the file whose overheads to use'),
  gpuHours: opt.repeatable('--gpu-hours <route=hours>', 'GPU-hours billed for a GPU route in the window, repeatable: gives it a cost, utilization and headroom'),
  gpuThroughput: opt.repeatable('--gpu-throughput <route=tok/s>', 'output tokens/s of one instance, when the catalog has no figure for the model served'),
  json: opt.json(),
  catalog: opt.catalog(),
};
type SummarizeOpts = OptionValues<typeof options>;

function parseDims(by: string): Dimension[] {
  const dims = by
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  for (const d of dims) if (!DIMENSIONS.includes(d as Dimension)) throw new CliUsageError(`--by ${d} is not a dimension; allowed: ${DIMENSIONS.join(', ')}`);
  return dims as Dimension[];
}

/** The one place overheads come from: the workload file when given, else the flags, else none (counted as $0, and said). */
function overheadsFrom(opts: SummarizeOpts, catalog: ReturnType<typeof openCatalog>, today: string): MeasuredOverheads {
  const flagged = (Object.keys(overheadFlags) as OverheadName[]).filter((k) => opts[k] !== undefined);
  if (opts.workload) {
    if (flagged.length) throw new CliUsageError(`--workload gives the overheads; drop ${flagged.map((k) => field(k)!.flag).join(', ')} or set them in ${opts.workload}`);
    return workloadFileOverheads(opts.workload, opts.name, catalog, today).overheads;
  }
  if (opts.name) throw new CliUsageError('--name picks a workload of a file: give --workload FILE too');
  const o: MeasuredOverheads = {};
  for (const k of Object.keys(overheadFlags) as OverheadName[]) {
    const n = opts[k];
    if (n !== undefined) o[k] = { value: n, evidence: 'assumed', source: `${field(k)!.flag} flag` };
  }
  return o;
}

async function summarizeCmd(opts: SummarizeOpts, io: Io, where: StoreChoice): Promise<number> {
  const by = parseDims(opts.by);
  const ttft = opts.sloTtftMs;
  const tpot = opts.sloTpotMs;
  const catalog = openCatalog(opts.catalog);
  const gpuHours = parsePairs('--gpu-hours', opts.gpuHours, 'ROUTE');
  const gpuThroughput = parsePairs('--gpu-throughput', opts.gpuThroughput, 'ROUTE');
  const summaryOpts: SummaryOptions = {
    by,
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(ttft !== undefined || tpot !== undefined ? { slo: { ...(ttft !== undefined ? { ttftMs: ttft } : {}), ...(tpot !== undefined ? { tpotMs: tpot } : {}) } } : {}),
    ...(opts.window !== undefined ? { windowSeconds: opts.window } : {}),
    overheads: { ...overheadsFrom(opts, catalog, io.today), prorateOver: { from: opts.from, to: opts.to, statedDays: opts.window !== undefined ? opts.window / 86_400 : undefined } },
  };
  const win = { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) };
  type Result = {
    groups: GroupSummary[];
    pricing: PricingContext;
    summaries: RouteSummaryRow[];
    gpu: GpuRouteSummary[];
    otel: OtelMetricSummary[];
    json: Readonly<Record<string, string>>;
    source?: SourceReport;
  };
  const result: Result = await withTraceStore(where, io.clickhouse ? { connector: io.clickhouse } : {}, async (store) => {
    // A flag the store cannot honour is refused first: it is wrong whatever the store holds.
    if ((gpuHours.size || gpuThroughput.size) && !store.capabilities.gpuHours) throw new CliUsageError(store.capabilities.why.gpuHours ?? '--gpu-hours is not available on this store');
    await store.requireTraces();
    await store.focus(win);
    // A read source (--source otel) says what it read and what it could not: never a silent drop.
    const source = await store.sourceReport(win);
    for (const w of source?.warnings ?? []) io.err(`warning: ${w}\n`);
    // The exact percentiles hold every value outside the store's memory limit: say what the command needs before it runs.
    const note = await store.memoryNote(win);
    if (note) io.err(`${note}\n`);
    const pricing = await store.preparePricing(catalog);
    const summaries = await store.routeSummaries(catalog, io.today);
    const gpu = await store.gpuRoutes(catalog, gpuHours, { asOf: io.today, throughput: gpuThroughput, ...win });
    // The window rule (proration.ts): --from/--to, else the invoice periods the store holds, else --window, else the traced span.
    const periods = await store.invoicePeriods();
    const overheads = { ...summaryOpts.overheads, prorateOver: { ...summaryOpts.overheads!.prorateOver, periods } };
    const groups = await store.summarize({ ...summaryOpts, overheads, traceKit: { catalog, gpu } });
    const otel = await store.otelMetrics(win);
    return { groups, pricing, summaries, gpu, otel, json: store.json, ...(source ? { source } : {}) };
  });
  const { groups, pricing, summaries, gpu, otel, source } = result;
  if (opts.json) {
    // The URL as shown carries no password.
    io.out(JSON.stringify({ ...result.json, ...(source ? { source } : {}), by, groups: groups.map(groupJson), unpriced: pricing.unresolved, routeSummaries: summaries, gpuRoutes: gpu, otelMetrics: otel }, null, 2) + '\n');
  } else {
    const parts = [groups.length || (!summaries.length && !otel.length) ? renderSummary(groups, by, pricing) : ''];
    if (otel.length) parts.push(renderOtel(otel));
    if (summaries.length) {
      parts.push(
        'Route summaries (Inference Trace Kit contract, aggregates as imported):\n' +
          table(
            ['Workload', 'Route', '$/accepted', 'p95 ms @ conc.', 'p95/p50', 'Input burden', 'Batch displaced', 'Headroom'],
            summaries.map((s) => [
              s.workload,
              s.route,
              s.metrics.costPerAcceptedOutput === null ? '—' : usdPerRequest(s.metrics.costPerAcceptedOutput),
              `${ms(s.metrics.p95LatencyAtConcurrency.p95Ms)} @ ${s.metrics.p95LatencyAtConcurrency.concurrency}`,
              s.metrics.p95LatencyAtConcurrency.p95OverP50 === null ? '—' : ratio(s.metrics.p95LatencyAtConcurrency.p95OverP50),
              count(s.metrics.cacheAdjustedInputBurden),
              s.metrics.batchDisplacementShare === null ? '—' : percent(s.metrics.batchDisplacementShare),
              s.metrics.throughputHeadroom === null ? '—' : percent(s.metrics.throughputHeadroom),
            ]),
            ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
          ),
      );
    }
    if (gpu.length) {
      parts.push(
        'GPU routes (cost from GPU-hours; utilization = tokens served ÷ (GPU-hours × 3,600 × throughput)):\n' +
          table(
            ['Route', 'Serves', 'GPU-hours', 'GPU cost', 'Utilization', 'Headroom', 'Spare tok/s', '$/accepted'],
            gpu.map((g) => [g.route, g.serves ?? '—', count(g.gpuHours), usd(g.result.costUsd, 2), percent(g.result.utilization), percent(g.result.headroom), count(g.result.spareTokensPerSecond), g.result.costPerAccepted === null ? '—' : usdPerRequest(g.result.costPerAccepted)]),
            ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
          ),
      );
    }
    io.out(parts.filter(Boolean).join('\n\n') + '\n');
  }
  return EXIT_OK;
}

/** A window's length as people say it: 10 s, 45 min, 12 h, 30 days. */
function seconds(s: number): string {
  const n = (x: number) => Number(x.toPrecision(3)).toLocaleString('en-US');
  if (s < 120) return `${n(s)} s`;
  if (s < 7200) return `${n(s / 60)} min`;
  if (s < 172_800) return `${n(s / 3600)} h`;
  return `${n(s / 86_400)} days`;
}

/** `10s`, `90m`, `24h`, `30d` or a number of seconds → seconds. */
function parseDuration(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$/.exec(text);
  const v = m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'] : NaN;
  if (!(v > 0) || !Number.isFinite(v)) throw new CliUsageError(`${flag} must be a duration > 0 such as 10s, 90m, 24h or 30d; got "${text}"`);
  return v;
}

const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v).toLocaleString('en-US')}`);
const rate = (v: number | null) => (v === null ? '—' : percent(v));

/** OTel GenAI metrics per provider × model: exact means, bucket-interpolated (approximate) percentiles. */
function renderOtel(rows: OtelMetricSummary[]): string {
  const lat = (l: LatencyFromHistogram | undefined) => (l ? `${ms(l.meanMs)} / ${ms(l.p50Ms)} / ${ms(l.p95Ms)}${l.atLeast ? ' ≥' : ''}` : '—');
  const lines = [
    'OTel GenAI metrics (aggregates from the instrumentation; mean exact, p50/p95 interpolated inside histogram buckets: approximate):',
    table(
      ['Provider', 'Model', 'From', 'To', 'Input tokens', 'Output tokens', 'Operations', 'Duration ms mean/p50/p95', 'TTFT ms mean/p50/p95', 'TPOT ms mean/p50/p95'],
      rows.map((r) => [
        r.provider,
        r.model,
        r.window.start.slice(0, 16),
        r.window.end.slice(0, 16),
        r.tokens.input === null ? '—' : count(r.tokens.input),
        r.tokens.output === null ? '—' : count(r.tokens.output),
        r.duration ? count(r.duration.count) : '—',
        lat(r.duration),
        lat(r.ttft),
        lat(r.tpot),
      ]),
      ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  ];
  for (const r of rows) {
    for (const [k, l] of [['duration', r.duration], ['TTFT', r.ttft], ['TPOT', r.tpot]] as const) if (l?.reason) lines.push(`  ${r.provider}/${r.model} ${k}: ${l.reason}`);
  }
  if (rows.some((r) => [r.duration, r.ttft, r.tpot].some((l) => l?.atLeast))) lines.push('  ≥: a percentile fell in the open last bucket (no max recorded): at least the value shown');
  return lines.join('\n');
}

/** The Trace Kit's five derived metrics per group (Inference Economics Playbook overview), with why a metric is missing or a bound. */
function renderTraceKit(groups: GroupSummary[], by: Dimension[], name: (g: GroupSummary) => string): string {
  const lines = [
    'Trace Kit metrics (Inference Economics Playbook overview; $/accepted = measured LCPR, latency = e2e p95 at the mean concurrency, input burden = full-price-equivalent input tokens per attempt):',
    table(
      [...by.map((d) => d[0]!.toUpperCase() + d.slice(1).replace(/_/g, ' ')), '$/accepted', 'p95 e2e ms @ conc.', 'p95/p50', 'Input burden', 'Cached price/input price', 'Batch displaced', 'Headroom'],
      groups.map((g) => {
        const t = g.traceKit!;
        return [
          ...by.map((d) => g.key[d] ?? '∅'),
          t.costPerAcceptedOutput === null ? '—' : usdPerRequest(t.costPerAcceptedOutput),
          `${ms(t.p95LatencyAtConcurrency.p95Ms)} @ ${t.p95LatencyAtConcurrency.concurrency.toPrecision(3)}`,
          t.p95LatencyAtConcurrency.p95OverP50 === null ? '—' : ratio(t.p95LatencyAtConcurrency.p95OverP50),
          count(t.cacheAdjustedInputBurden) + (t.reasons.cacheAdjustedInputBurden ? ' ≥' : ''),
          t.prices.cachedOverInput === null ? '—' : ratio(t.prices.cachedOverInput),
          t.batchDisplacementShare === null ? '—' : percent(t.batchDisplacementShare),
          t.throughputHeadroom === null ? '—' : percent(t.throughputHeadroom),
        ];
      }),
      [...by.map(() => 'left' as const), 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  ];
  // Each distinct reason once per group, so a table of 50 routes does not repeat "no GPU-hours" 50 times.
  const why = new Map<string, string[]>();
  for (const g of groups) {
    for (const [metric, reason] of Object.entries(g.traceKit!.reasons)) {
      const k = `${metric}: ${reason}`;
      why.set(k, [...(why.get(k) ?? []), name(g)]);
    }
  }
  if (why.size) {
    lines.push('Why a Trace Kit metric is — or a lower bound (≥):');
    for (const [k, who] of why) lines.push(`  ${k} (${who.length > 3 ? `${who.slice(0, 3).join(', ')} and ${who.length - 3} more` : who.join(', ')})`);
  }
  return lines.join('\n');
}

function renderSummary(groups: GroupSummary[], by: Dimension[], pricing: PricingContext): string {
  if (!groups.length) return 'No requests in the store for that window.';
  const out: string[] = [];
  out.push(
    table(
      [...by.map((d) => d[0]!.toUpperCase() + d.slice(1).replace(/_/g, ' ')), 'Requests', 'Retry', 'Pass', 'Cache hit (tokens)', 'Naive $/req', 'LCPR', 'LCPR/naive', 'p95 TTFT ms', 'p95 e2e ms', 'p99/p50', 'Token cost'],
      groups.map((g) => [
        ...by.map((d) => g.key[d] ?? '∅'),
        count(g.requests),
        percent(g.rates.retry),
        rate(g.rates.pass),
        percent(g.rates.cacheHitTokens),
        g.lcpr.naiveCostPerRequest === null ? 'unpriced' : usdPerRequest(g.lcpr.naiveCostPerRequest),
        g.lcpr.lcpr === null ? (g.cost.unpricedAttempts ? 'unpriced' : '—') : usdPerRequest(g.lcpr.lcpr),
        ratio(g.lcpr.overheadRatio),
        ms(g.latency.ttftMs.p95),
        ms(g.latency.e2eMs.p95),
        g.latency.e2eP99OverP50 === null ? '—' : ratio(g.latency.e2eP99OverP50),
        usd(g.cost.tokenCostUsd, 2) + (g.cost.unpricedAttempts ? ` + ${count(g.cost.unpricedAttempts)} unpriced` : ''),
      ]),
      [...by.map(() => 'left' as const), 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  const name = (g: GroupSummary) => by.map((d) => g.key[d] ?? '∅').join(' × ') || 'all';
  const kit = groups.filter((g) => g.traceKit);
  if (kit.length) out.push('', renderTraceKit(kit, by, name));
  const extra: string[] = [];
  for (const g of groups) {
    if (g.goodput) {
      const gp = g.goodput;
      const slo = [gp.slo.ttftMs !== undefined ? `TTFT ≤ ${count(gp.slo.ttftMs)} ms` : '', gp.slo.tpotMs !== undefined ? `TPOT ≤ ${gp.slo.tpotMs} ms` : ''].filter(Boolean).join(' and ');
      extra.push(
        `  ${name(g)}: goodput ${count(gp.acceptedWithinSlo)} accepted within SLO over ${seconds(gp.windowSeconds)} (${Number(gp.perSecond.toPrecision(3))}/s), ${gp.costPerGoodAccepted === null ? 'cost per good accepted —' : `${usdPerRequest(gp.costPerGoodAccepted)} per good accepted`}`,
        `  ${name(g)}: latency pass ${rate(gp.latencyPassRate)} of requests meet ${slo}, beside quality pass ${rate(g.rates.pass)}`,
      );
    }
    if (g.workflows) extra.push(`  ${name(g)}: ${count(g.workflows.count)} workflows, ${g.workflows.callsPerWorkflow.toFixed(2)} calls each, success ${percent(g.workflows.successRate)}, ${g.workflows.costPerAcceptedTask === null ? '' : `${usdPerRequest(g.workflows.costPerAcceptedTask)} per accepted task`}`);
    if (g.lcpr.missing) extra.push(`  ${name(g)}: no LCPR — ${g.lcpr.missing}`);
    else extra.push(`  ${name(g)}: LCPR ${overheadsLine(g.lcpr.overheadsIncluded, g.lcpr.overheadsNotIncluded, g.lcpr.prorated)}`);
    for (const n of g.lcpr.notes) extra.push(`  ${name(g)}: ${n}`);
    if (g.cost.cachedAtInputRate) extra.push(`  ${name(g)}: ${count(g.cost.cachedAtInputRate)} attempts have cached tokens but the route has no cached price: billed at the input rate`);
    if (g.cost.batchAtStandardRate) extra.push(`  ${name(g)}: ${count(g.cost.batchAtStandardRate)} batch attempts priced at standard rates: the route has no batch tier in the catalog`);
  }
  if (extra.length) out.push('', 'Details:', ...extra);
  if (pricing.unresolved.length) {
    out.push('', 'Unpriced — counted, never costed at $0:');
    for (const u of pricing.unresolved) out.push(`  ${u.route ?? `${u.provider ?? '?'}/${u.model ?? '?'}`}: ${u.reason}`);
  }
  const fixed = groups[0]!.lcpr.inputs;
  const notGiven = Object.entries(fixed).filter(([, s]) => s.source?.startsWith('not given')).map(([k]) => k);
  if (notGiven.length) out.push('', `LCPR counts these as $0 because no flag gave them (a lower bound): ${notGiven.join(', ')}`);
  return out.join('\n');
}

export default defineCommand({
  options,
  examples: [
    'routefit traces summarize',
    'routefit traces summarize --gpu-hours lambda/h100-sxm=720',
    'routefit traces summarize --by route,day --from 2026-05-01 --to 2026-06-01',
    'routefit traces summarize --slo-ttft-ms 800 --repair-cost-per-failure 0.002 --engineering-hours-per-month 8 --engineering-hourly-rate 100 --json',
    'routefit traces summarize --clickhouse http://127.0.0.1:8123/traces --by route,day',
    'routefit traces summarize --clickhouse http://127.0.0.1:8123/otel --source otel --by workload,route',
    'routefit traces summarize --by workload --workload examples/saas-chat.yaml --json',
  ],
  notes:
    'Cost is computed now from the catalog, not stored: a corrected price re-prices history. Unpriced rows are listed, never costed at $0.\n' +
    'With --clickhouse the same metrics run on a ClickHouse server (same numbers, same output), --gpu-hours and route summaries included.\n' +
    'reconcile, whatif and compare --traces take either store (invoices live beside the traces).',
  run: (opts, { io, cmd }) => summarizeCmd(opts, io, storeChoice(cmd, opts)),
});
