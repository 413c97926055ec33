import { type Command, Option } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import type { MeasuredOverheads } from '../../engine/measured/measured.js';
import { DEFAULT_DB, type Store, openStore } from '../../traces/db.js';
import { type ImportSummary, importFile } from '../../traces/import.js';
import { DIMENSIONS, type Dimension, type GroupSummary, type SummaryOptions, summarize } from '../../traces/metrics.js';
import { CLICKHOUSE_ENV, type ChStore } from '../../traces/clickhouse/connection.js';
import { type PricingContext, preparePricing } from '../../traces/pricing.js';
import { count, percent, ratio, table, usd, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../io.js';
import { openCatalog, parseDate } from './shared.js';
import { existsSync, rmSync } from 'node:fs';
import { InputFileError } from '../../io/yaml-file.js';
import { findRoute } from '../../catalog/lookup.js';
import { loadWorkloadFile } from '../../workload/load.js';
import { generateTraces, parseShift } from '../../traces/generate.js';
import { lit } from '../../traces/db.js';
import { extendCompare, whatifCommand } from './traces-measured.js';
import { checkStore } from '../../traces/checks.js';
import { routeSummaries } from '../../traces/route-summaries.js';
import { gpuRoutes } from '../../traces/gpu.js';
import type { Signal } from '../../engine/measured/red-flags.js';
import { type ReconcileLine, type ReconcileOptions, reconcileStore } from '../../traces/reconcile.js';
import { type LatencyFromHistogram, type OtelMetricSummary, hasMetricPoints, otelMetricSummaries } from '../../traces/otel-metrics.js';

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** A numeric flag, or a usage error naming the flag and its allowed range. */
export function numberFlag(flag: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min) throw new CliUsageError(`${flag} must be a number ≥ ${min}; got "${v}"`);
  return n;
}

const collect = (v: string, acc: string[]) => [...acc, v];

/** `route=number` pairs of a repeatable flag. */
function pairs(flag: string, values: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) {
    const i = v.lastIndexOf('=');
    const n = i > 0 ? Number(v.slice(i + 1)) : NaN;
    if (i <= 0 || !Number.isFinite(n) || n <= 0) throw new CliUsageError(`${flag} takes ROUTE=NUMBER with a number > 0; got "${v}"`);
    out.set(v.slice(0, i), n);
  }
  return out;
}

const dbOpt = () => new Option('--db <path>', 'trace store (DuckDB file)').default(DEFAULT_DB);
const clickhouseOpt = () =>
  new Option('--clickhouse <url>', 'use a ClickHouse server as the store instead of the DuckDB file: http://HOST:PORT[/DATABASE] (trace rows: import, summarize, check, whatif; invoices, reconcile and GPU-hours stay on --db)').env(CLICKHOUSE_ENV);

/** Which store a command uses: an explicit --db wins over ROUTEFIT_CLICKHOUSE_URL; --db and --clickhouse together are refused. */
function storeChoice(cmd: Command, opts: { db: string; clickhouse?: string }): { kind: 'duckdb'; db: string } | { kind: 'clickhouse'; url: string } {
  const dbGiven = cmd.getOptionValueSource('db') === 'cli';
  if (opts.clickhouse !== undefined && cmd.getOptionValueSource('clickhouse') === 'cli' && dbGiven) {
    throw new CliUsageError('--db and --clickhouse name two different stores; pass one');
  }
  if (opts.clickhouse !== undefined && !dbGiven) return { kind: 'clickhouse', url: opts.clickhouse };
  return { kind: 'duckdb', db: opts.db };
}

export function registerTracesCommands(program: Command, io: Io, setCode: (c: number) => void): void {
  extendCompare(program);
  const traces = program.command('traces').description('Trace Kit: import request logs and invoices, measure LCPR and the playbook metrics');

  traces
    .command('import')
    .description('import traces (CSV, JSONL, Parquet, OTLP GenAI spans, LiteLLM, Langfuse, Helicone), OTLP GenAI metrics, usage exports and invoices; all or nothing, idempotent')
    .argument('<files...>', 'trace files')
    .addOption(dbOpt())
    .addOption(clickhouseOpt())
    .option('--format <format>', 'override detection: csv, jsonl, parquet, otel, litellm, langfuse, helicone, focus, invoice, openai-usage, anthropic-usage, anthropic-cost, route-summary, otel-metrics, incidents')
    .option('--accept-rejects', 'import even when more than 1% of rows are rejected')
    .option('--show-rejects <n>', 'list this many rejected rows (all are counted)', '20')
    .option('--no-progress', 'no progress bar (it is shown only when stderr is a terminal)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples([
        'routefit traces import logs/may.csv',
        'routefit traces import may.parquet --db team.duckdb --json',
        'routefit traces import dirty.jsonl --accept-rejects',
        'routefit traces import anthropic-cost-report.json   # Admin API cost_report pages (amounts in cents)',
        'routefit traces import otel-metrics.jsonl   # OTLP JSON metrics: gen_ai.client.token.usage, durations',
        'routefit traces import big.parquet --clickhouse http://127.0.0.1:8123/traces',
      ]) +
        '\nRows are keyed on request_id + attempt: importing a file again adds nothing. Exit code 2 when a file is refused.\n' +
        'With --clickhouse (or ROUTEFIT_CLICKHOUSE_URL) trace rows go to a ClickHouse server after the same checks; invoices, usage exports, metrics, incidents and route summaries stay DuckDB-only.\n',
    )
    .action(async (files: string[], opts, cmd: Command) => setCode(await importCommand(files, opts, io, storeChoice(cmd, opts))));

  traces
    .command('summarize')
    .description('measured LCPR and the playbook metrics per workload × route (or any segment)')
    .addOption(dbOpt())
    .addOption(clickhouseOpt())
    .option('--by <dims>', `segment by: ${DIMENSIONS.join(', ')}`, 'workload,route')
    .option('--from <date>', 'window start (inclusive, UTC)')
    .option('--to <date>', 'window end (exclusive, UTC)')
    .option('--slo-ttft-ms <ms>', 'TTFT SLO for goodput')
    .option('--slo-tpot-ms <ms>', 'TPOT SLO for goodput')
    .option('--repair-cost-per-failure <usd>', 'repair cost of a failed request')
    .option('--engineering-hours-per-month <h>', 'engineering hours per month (prorated to the window)')
    .option('--engineering-hourly-rate <usd>', 'engineering hourly rate')
    .option('--eval-cost-per-month <usd>', 'eval cost per month (prorated)')
    .option('--human-cost-per-escalation <usd>', 'cost of one human escalation')
    .option('--ops-cost-per-month <usd>', 'ops cost per month (prorated)')
    .option('--gpu-hours <route=hours>', 'GPU-hours billed for a GPU route in the window, repeatable: gives it a cost, utilization and headroom', collect, [] as string[])
    .option('--gpu-throughput <route=tok/s>', 'output tokens/s of one instance, when the catalog has no figure for the model served', collect, [] as string[])
    .option('--json', 'machine-readable output')
    .addOption(new Option('--catalog <dir>', 'use this catalog directory instead of the bundled one'))
    .addHelpText(
      'after',
      examples([
        'routefit traces summarize',
        'routefit traces summarize --gpu-hours lambda/h100-sxm=720',
        'routefit traces summarize --by route,day --from 2026-05-01 --to 2026-06-01',
        'routefit traces summarize --slo-ttft-ms 800 --repair-cost-per-failure 0.002 --engineering-hours-per-month 8 --engineering-hourly-rate 100 --json',
        'routefit traces summarize --clickhouse http://127.0.0.1:8123/traces --by route,day',
      ]) +
        '\nCost is computed now from the catalog, not stored: a corrected price re-prices history. Unpriced rows are listed, never costed at $0.\n' +
        'With --clickhouse the same metrics run on a ClickHouse server (same numbers, same output); --gpu-hours and route summaries need the DuckDB store.\n' +
        'reconcile reads the DuckDB store only (invoices live there); whatif and compare --traces take either store.\n',
    )
    .action(async (opts, cmd: Command) => setCode(await summarizeCommand(opts, io, storeChoice(cmd, opts))));

  traces
    .command('reconcile')
    .description('trace cost vs invoice per provider × period (and per SKU): delta, flags above 5% and 10%, likely causes, trace-to-margin (DuckDB store only)')
    .addOption(dbOpt())
    .option('--assumed-cache-hit-rate <fraction>', 'the cache hit rate your LCPR model assumed, to test it')
    .option('--eval-cost-per-month <usd>', 'for trace-to-margin (prorated)')
    .option('--ops-cost-per-month <usd>', 'for trace-to-margin (prorated)')
    .option('--human-cost-per-escalation <usd>', 'for trace-to-margin')
    .option('--revenue-per-accepted <usd>', 'revenue per accepted output, for the margin')
    .option('--json', 'machine-readable output')
    .addOption(new Option('--catalog <dir>', 'use this catalog directory instead of the bundled one'))
    .addHelpText(
      'after',
      examples([
        'routefit traces import may-traces.csv invoice-focus.csv openai-usage.json',
        'routefit traces reconcile',
        'routefit traces reconcile --assumed-cache-hit-rate 0.3 --revenue-per-accepted 0.05 --json',
      ]) + '\nDelta = invoice − traces, as a share of the invoice. Exit code 1 when any provider × period is more than 10% off (seed 000 Part 5 red flag).\n',
    )
    .action(async (opts) => setCode(await reconcileCommand(opts, io)));

  traces
    .command('check')
    .description('red-flag triggers (seed 000 Part 5) and reversion signals (seed 001 ch. 22) over the traces; exit 1 when one fires')
    .addOption(dbOpt())
    .addOption(clickhouseOpt())
    .option('--from <date>', 'window start (UTC)')
    .option('--to <date>', 'window end (UTC)')
    .option('--slo-p99-ms <ms>', 'e2e p99 SLO: a breach sustained 4+ hours fires')
    .option('--slo-ttft-p99-ms <ms>', 'TTFT p99 SLO: over it in more than 1% of hourly windows fires')
    .option('--slo-tpot-p99-ms <ms>', 'TPOT p99 SLO: over it in more than 1% of hourly windows fires')
    .option('--quality-floor <fraction>', 'pass rate below it for two consecutive weeks fires')
    .option('--incident-slo-minutes <min>', 'mean time to resolve incidents above it fires (needs an incidents CSV imported)')
    .option('--json', 'machine-readable output')
    .addOption(new Option('--catalog <dir>', 'use this catalog directory instead of the bundled one'))
    .addHelpText(
      'after',
      examples(['routefit traces check', 'routefit traces check --slo-p99-ms 8000 --quality-floor 0.9 --json', 'routefit traces import incidents.csv --format incidents && routefit traces check --incident-slo-minutes 60', '0 6 * * *  routefit traces import /logs/yesterday.csv && routefit traces check || page-oncall', 'routefit traces check --clickhouse http://127.0.0.1:8123/traces --slo-p99-ms 8000']) +
        '\nExit code 0 when nothing fired, 1 when a signal fired (for cron or CI), 2 on bad input.\n' +
        'With --clickhouse the trace signals and the catalog price-change signal run on a ClickHouse server (same series, same detectors); invoice variance and the incident signals read invoices and incidents, which only a DuckDB store holds: they show as not checked.\n',
    )
    .action(async (opts, cmd: Command) => setCode(await checkCommand(opts, io, storeChoice(cmd, opts))));

  traces
    .command('whatif')
    .description("re-price a workload's measured token profile, retries and pass rate on another route")
    .requiredOption('--workload <name>', 'workload name as in the traces')
    .requiredOption('--route <id>', 'catalog route to price it on')
    .option('--serves <model>', 'GPU routes: the model it serves (looks up throughput)')
    .option('--utilization <fraction>', 'GPU routes: planned utilization (default 0.40)')
    .addOption(dbOpt())
    .addOption(clickhouseOpt())
    .option('--as-of <date>', 'price as of this date (default: today)')
    .option('--from <date>', 'window start (UTC)')
    .option('--to <date>', 'window end (UTC)')
    .option('--json', 'machine-readable output')
    .addOption(new Option('--catalog <dir>', 'use this catalog directory instead of the bundled one'))
    .addHelpText(
      'after',
      examples([
        'routefit traces whatif --workload saas-chat --route together/deepseek-v3',
        'routefit traces whatif --workload saas-chat --route lambda/h100-sxm --serves llama-3.3-70b --json',
        'routefit traces whatif --workload saas-chat --route together/deepseek-v3 --clickhouse http://127.0.0.1:8123/traces',
      ]),
    )
    .action(async (opts, cmd: Command) => {
      const where = storeChoice(cmd, opts);
      setCode(await whatifCommand({ ...opts, db: where.kind === 'clickhouse' ? where.url : where.db }, io));
    });

  traces
    .command('generate')
    .description('write synthetic traces for a workload file: diurnal arrivals, retries, cache hits, latency tails; deterministic per seed')
    .requiredOption('--workload <file>', 'workload or fleet YAML (its first route serves the traffic)')
    .requiredOption('--out <file>', 'output file: .csv, .jsonl or .parquet')
    .option('--days <n>', 'days of traffic', '30')
    .option('--rows <n>', 'about this many attempt rows', '10000')
    .option('--seed <n>', 'random seed', '1')
    .option('--start <date>', 'first day (UTC)', '2026-05-01')
    .option('--malformed <share>', 'share of rows written malformed, e.g. 0.001', '0')
    .option('--shift <spec>', 'planted shift KIND=DELTA@DAY[:WORKLOAD], repeatable (retry=+0.05@15, cache=-0.1@20, pass=-0.05@20, latency=3x@25, volume=3x@15:chat, fallback=+0.25@10)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'machine-readable output')
    .addOption(new Option('--catalog <dir>', 'use this catalog directory instead of the bundled one'))
    .addHelpText(
      'after',
      examples([
        'routefit traces generate --workload examples/saas-chat.yaml --days 30 --rows 100000 --seed 7 --out may.csv',
        'routefit traces generate --workload examples/stage1-split.yaml --rows 1000000 --out big.parquet --malformed 0.001',
        'routefit traces generate --workload examples/saas-chat.yaml --shift retry=+0.06@20 --out drift.csv',
      ]),
    )
    .action(async (opts) => setCode(await generateCommand(opts, io)));
}

interface ReconcileOpts {
  db: string;
  assumedCacheHitRate?: string;
  evalCostPerMonth?: string;
  opsCostPerMonth?: string;
  humanCostPerEscalation?: string;
  revenuePerAccepted?: string;
  json?: boolean;
  catalog?: string;
}

async function reconcileCommand(opts: ReconcileOpts, io: Io): Promise<number> {
  const assumed = numberFlag('--assumed-cache-hit-rate', opts.assumedCacheHitRate);
  if (assumed !== undefined && assumed > 1) throw new CliUsageError(`--assumed-cache-hit-rate must be a fraction 0 ≤ value ≤ 1; got "${opts.assumedCacheHitRate}"`);
  const ro: ReconcileOptions = {};
  if (assumed !== undefined) ro.assumedCacheHitRate = assumed;
  const set = (k: Exclude<keyof ReconcileOptions, 'assumedCacheHitRate'>, flag: string, v: string | undefined) => {
    const x = numberFlag(flag, v);
    if (x !== undefined) ro[k] = x;
  };
  set('evalCostPerMonth', '--eval-cost-per-month', opts.evalCostPerMonth);
  set('opsCostPerMonth', '--ops-cost-per-month', opts.opsCostPerMonth);
  set('humanCostPerEscalation', '--human-cost-per-escalation', opts.humanCostPerEscalation);
  set('revenuePerAccepted', '--revenue-per-accepted', opts.revenuePerAccepted);
  const catalog = openCatalog(opts.catalog);
  const result = await withStore(opts.db, false, async (store) => {
    const pricing = await preparePricing(store, catalog);
    return { ...(await reconcileStore(store, ro)), unpriced: pricing.unresolved };
  });
  const red = result.providers.some((l) => l.flag === 'over_10pct');
  if (opts.json) {
    io.out(JSON.stringify({ db: opts.db, ...result }, null, 2) + '\n');
    return red ? EXIT_FLAGGED : EXIT_OK;
  }
  const flagText = (l: ReconcileLine) => (l.flag === 'over_10pct' ? 'RED >10%' : l.flag === 'over_5pct' ? 'watch >5%' : 'ok');
  const row = (l: ReconcileLine) => [
    l.provider + (l.sku ? ` / ${l.sku}` : ''),
    `${l.periodStart.slice(0, 10)} – ${l.periodEnd.slice(0, 10)}`,
    usd(l.invoiceUsd, 2),
    usd(l.traceCostUsd, 2),
    usd(l.deltaUsd, 2),
    l.deltaPct === null ? '—' : percent(l.deltaPct),
    flagText(l),
  ];
  const head = ['Provider', 'Period', 'Invoice', 'Traces', 'Delta', 'Delta % of invoice', 'Flag'];
  const align: ('left' | 'right')[] = ['left', 'left', 'right', 'right', 'right', 'right', 'left'];
  const out = [table(head, result.providers.map(row), align)];
  if (result.skus.length) out.push('', 'Per SKU / model:', table(head, result.skus.map(row), align));
  const causes = result.providers.filter((l) => l.causes.length);
  if (causes.length) {
    out.push('', 'Causes the data can test:');
    for (const l of causes) {
      out.push(`  ${l.provider} ${l.periodStart.slice(0, 10)}:`);
      for (const c of l.causes) out.push(`    [${c.verdict.replace('_', ' ')}] ${c.id}: ${c.finding}${c.impactUsd !== undefined ? ` (≈ ${usd(c.impactUsd, 2)})` : ''}`);
    }
  }
  const others = result.providers.filter((l) => l.otherChargesUsd !== 0);
  for (const l of others) out.push(`note: ${l.provider} ${l.periodStart.slice(0, 10)} has ${usd(l.otherChargesUsd, 2)} of non-usage charges (tax, credits, purchases, server-tool fees) left out of the comparison`);
  const margins = result.providers.filter((l) => l.margin?.loadedCostPerAccepted !== null && l.margin?.loadedCostPerAccepted !== undefined);
  if (margins.length) {
    out.push('', 'Trace-to-margin: (traces + delta + eval + human + ops) ÷ accepted');
    for (const l of margins) {
      const m = l.margin!;
      out.push(`  ${l.provider} ${l.periodStart.slice(0, 10)}: ${usdPerRequest(m.loadedCostPerAccepted!)} per accepted (${count(m.accepted)} accepted)${m.marginPct !== null ? `, margin ${percent(m.marginPct)} of revenue` : ''}`);
    }
  }
  io.out(out.join('\n') + '\n');
  return red ? EXIT_FLAGGED : EXIT_OK;
}

/** Exit code of a check that ran and found a red flag (distinct from 2, bad input). */
export const EXIT_FLAGGED = 1;

interface CheckOpts {
  db: string;
  clickhouse?: string;
  from?: string;
  to?: string;
  sloP99Ms?: string;
  sloTtftP99Ms?: string;
  sloTpotP99Ms?: string;
  qualityFloor?: string;
  incidentSloMinutes?: string;
  json?: boolean;
  catalog?: string;
}

async function checkCommand(opts: CheckOpts, io: Io, where: StoreChoice): Promise<number> {
  const e2e = numberFlag('--slo-p99-ms', opts.sloP99Ms);
  const ttft = numberFlag('--slo-ttft-p99-ms', opts.sloTtftP99Ms);
  const tpot = numberFlag('--slo-tpot-p99-ms', opts.sloTpotP99Ms);
  const floor = numberFlag('--quality-floor', opts.qualityFloor);
  const mttr = numberFlag('--incident-slo-minutes', opts.incidentSloMinutes);
  if (mttr === 0) throw new CliUsageError(`--incident-slo-minutes must be a number > 0; got "${opts.incidentSloMinutes}"`);
  if (floor !== undefined && floor > 1) throw new CliUsageError(`--quality-floor must be a fraction 0 ≤ value ≤ 1; got "${opts.qualityFloor}"`);
  const catalog = openCatalog(opts.catalog);
  const checkOpts = {
    slo: { ...(e2e !== undefined ? { e2eP99Ms: e2e } : {}), ...(ttft !== undefined ? { ttftP99Ms: ttft } : {}), ...(tpot !== undefined ? { tpotP99Ms: tpot } : {}) },
    ...(floor !== undefined ? { qualityFloor: floor } : {}),
    ...(mttr !== undefined ? { incidentSloMinutes: mttr } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    catalog,
  };
  let shown = where.kind === 'clickhouse' ? where.url : opts.db;
  const signals =
    where.kind === 'clickhouse'
      ? await withClickHouse(where.url, async (ch) => {
          const [{ prepareChPricing }, { checkClickHouse }] = await Promise.all([import('../../traces/clickhouse/pricing.js'), import('../../traces/clickhouse/checks.js')]);
          shown = ch.url;
          await requireChRequests(ch);
          await prepareChPricing(ch, catalog);
          return checkClickHouse(ch, checkOpts);
        })
      : await withStore(opts.db, false, async (store) => {
          await preparePricing(store, catalog);
          return checkStore(store, checkOpts);
        });
  const fired = signals.filter((s) => s.fired);
  if (opts.json) {
    // The URL as shown carries no password.
    io.out(JSON.stringify({ ...(where.kind === 'clickhouse' ? { clickhouse: shown } : { db: opts.db }), fired: fired.length, signals }, null, 2) + '\n');
  } else {
    const mark = (s: Signal) => (s.fired ? 'FIRED' : s.checked ? 'ok' : 'not checked');
    const rerun = `routefit compare FILE --traces ${where.kind === 'clickhouse' ? shown : opts.db}`;
    io.out(
      table(
        ['Signal', 'Kind', 'Workload', 'State', 'Detail'],
        signals.map((s) => [s.id, s.kind === 'red_flag' ? 'red flag' : 'reversion', s.workload ?? '', mark(s), s.detail]),
      ) + `\n\n${fired.length ? `${fired.length} signal${fired.length > 1 ? 's' : ''} fired: re-run the LCPR comparison on measured inputs (${rerun}).` : 'No signal fired.'}\n`,
    );
  }
  return fired.length ? EXIT_FLAGGED : EXIT_OK;
}

/** Refuses a ClickHouse database that was never imported into, as a missing DuckDB file is refused. */
async function requireChRequests(ch: ChStore): Promise<void> {
  const { hasRequests } = await import('../../traces/clickhouse/schema.js');
  if (!(await hasRequests(ch))) throw new CliUsageError(`no trace store at ${ch.url} (database ${ch.database} has no requests table); run \`routefit traces import FILE --clickhouse ${ch.url}\` first`);
}

interface GenerateOpts {
  workload: string;
  out: string;
  days: string;
  rows: string;
  seed: string;
  start: string;
  malformed: string;
  shift: string[];
  json?: boolean;
  catalog?: string;
}

async function generateCommand(opts: GenerateOpts, io: Io): Promise<number> {
  const days = numberFlag('--days', opts.days)!;
  const rows = numberFlag('--rows', opts.rows, 1)!;
  const seed = numberFlag('--seed', opts.seed)!;
  const malformed = numberFlag('--malformed', opts.malformed)!;
  const start = parseDate('--start', opts.start)!;
  if (!Number.isInteger(rows)) throw new CliUsageError(`--rows must be a whole number; got "${opts.rows}"`);
  const lower = opts.out.toLowerCase();
  const format = lower.endsWith('.csv') ? 'csv' : lower.endsWith('.jsonl') || lower.endsWith('.ndjson') ? 'jsonl' : lower.endsWith('.parquet') ? 'parquet' : undefined;
  if (!format) throw new CliUsageError(`--out must end in .csv, .jsonl or .parquet; got "${opts.out}"`);
  const loaded = loadWorkloadFile(opts.workload);
  const catalog = openCatalog(opts.catalog);
  const modes = new Map<string, string>();
  for (const w of loaded.workloads) {
    for (const { entry } of w.routes) {
      const id = typeof entry === 'string' ? entry : entry.route;
      try {
        modes.set(id, findRoute(catalog, id).mode);
      } catch {
        // A route the catalog does not know keeps an empty deployment column.
      }
    }
  }
  const target = format === 'parquet' ? `${opts.out}.tmp.csv` : opts.out;
  const result = generateTraces(target, {
    workloads: loaded.workloads,
    days,
    rows,
    seed,
    malformed,
    start,
    modes,
    shifts: opts.shift.map(parseShift),
    format: format === 'jsonl' ? 'jsonl' : 'csv',
  });
  if (format === 'parquet') {
    await withStore(':memory:', true, async (s) => {
      await s.conn.run(`COPY (SELECT * FROM read_csv(${lit(target)}, all_varchar = true, header = true)) TO ${lit(opts.out)} (FORMAT parquet)`);
    });
    rmSync(target);
  }
  if (opts.json) io.out(JSON.stringify({ out: opts.out, format, ...result }, null, 2) + '\n');
  else io.out(`${opts.out}: ${count(result.rows)} rows (${count(result.requests)} requests, ${count(result.malformed)} malformed) over ${days} days, seed ${seed}\n`);
  return EXIT_OK;
}

/** Connects to a ClickHouse store, runs `body`, closes the connection. */
export async function withClickHouse<T>(url: string, body: (ch: ChStore) => Promise<T>): Promise<T> {
  const { openClickHouse } = await import('../../traces/clickhouse/connection.js');
  const ch = await openClickHouse(url);
  try {
    return await body(ch);
  } finally {
    await ch.close();
  }
}

export async function withStore<T>(path: string, create: boolean, body: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore(path, { create });
  try {
    return await body(store);
  } finally {
    store.close();
  }
}

interface ImportOpts {
  db: string;
  clickhouse?: string;
  format?: string;
  acceptRejects?: boolean;
  showRejects: string;
  progress?: boolean;
  json?: boolean;
}

/** A progress bar on stderr while DuckDB works through a long file: it polls the running statement's progress. */
async function withProgress<T>(store: Store, label: string, enabled: boolean, body: () => Promise<T>): Promise<T> {
  if (!enabled) return body();
  const bar = new SingleBar({ format: `${label} |{bar}| {percentage}% · step {step}`, stream: process.stderr, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  bar.start(100, 0, { step: 1 });
  let step = 1;
  let last = 0;
  const timer = setInterval(() => {
    const p = store.conn.progress.percentage;
    if (p >= 0 && p < last - 1) step++;
    if (p >= 0) last = p;
    bar.update(Math.max(0, Math.min(100, Math.round(p))), { step });
  }, 200);
  try {
    return await body();
  } finally {
    clearInterval(timer);
    bar.stop();
  }
}

type StoreChoice = ReturnType<typeof storeChoice>;

async function importCommand(files: string[], opts: ImportOpts, io: Io, where: StoreChoice): Promise<number> {
  const show = numberFlag('--show-rejects', opts.showRejects) ?? 20;
  // Check the inputs before opening (and so creating) the store: a failed import leaves no trace.
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) throw new InputFileError(missing[0]!, missing.map(() => ({ message: 'file not found' })));
  if (where.kind === 'clickhouse') {
    let shown = where.url;
    const summaries = await withClickHouse(where.url, async (ch) => {
      shown = ch.url;
      const { importFileToClickHouse } = await import('../../traces/clickhouse/import.js');
      const out: ImportSummary[] = [];
      const bar = opts.progress !== false && process.stderr.isTTY === true;
      for (const f of files) {
        out.push(
          await importFileToClickHouse(ch, f, {
            today: io.today,
            showRejects: Math.floor(show),
            ...(opts.format ? { format: opts.format } : {}),
            ...(opts.acceptRejects ? { acceptRejects: true } : {}),
            whileChecking: (store, check) => withProgress(store, `${f} (checking)`, bar, check),
          }),
        );
      }
      return out;
    });
    return reportImports(summaries, { clickhouse: shown }, opts, io);
  }
  const summaries = await withStore(opts.db, true, async (store) => {
    const out: ImportSummary[] = [];
    const bar = opts.progress !== false && process.stderr.isTTY === true;
    for (const f of files) {
      const args = { today: io.today, showRejects: Math.floor(show), ...(opts.format ? { format: opts.format } : {}), ...(opts.acceptRejects ? { acceptRejects: true } : {}) };
      out.push(await withProgress(store, f, bar, () => importFile(store, f, args)));
    }
    return out;
  });
  return reportImports(summaries, { db: opts.db }, opts, io);
}

function reportImports(summaries: ImportSummary[], store: { db: string } | { clickhouse: string }, opts: ImportOpts, io: Io): number {
  if (opts.json) io.out(JSON.stringify({ ...store, imports: summaries }, null, 2) + '\n');
  else io.out(summaries.map(renderImport).join('\n\n') + '\n');
  const aborted = summaries.filter((s) => s.aborted);
  if (aborted.length && opts.json) io.err(`routefit: ${aborted.map((a) => `${a.file}: ${a.aborted}`).join('\n')}\n`);
  return aborted.length ? EXIT_BAD_INPUT : EXIT_OK;
}

export function renderImport(s: ImportSummary): string {
  const lines = [`${s.file} (${s.format}): ${count(s.rowsRead)} rows read, ${count(s.kept)} kept, ${count(s.rejected)} rejected (${percent(s.rejectRate, 2)}), ${count(s.alreadyStored)} already stored`];
  if (s.aborted) lines.push(`! ${s.aborted}`);
  const rules = Object.entries(s.rejectsByRule);
  if (rules.length) lines.push(`Rejected by reason: ${rules.map(([r, n]) => `${r} ${count(n)}`).join(', ')}`);
  for (const r of s.rejects) lines.push(`  ${s.file}:${s.lineLabel === 'row' ? 'row ' : ''}${r.line}: ${r.reason}`);
  if (s.rejected > s.rejects.length) lines.push(`  … and ${count(s.rejected - s.rejects.length)} more (--show-rejects N)`);
  for (const n of s.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

interface SummarizeOpts {
  db: string;
  clickhouse?: string;
  by: string;
  from?: string;
  to?: string;
  sloTtftMs?: string;
  sloTpotMs?: string;
  repairCostPerFailure?: string;
  engineeringHoursPerMonth?: string;
  engineeringHourlyRate?: string;
  evalCostPerMonth?: string;
  humanCostPerEscalation?: string;
  opsCostPerMonth?: string;
  gpuHours?: string[];
  gpuThroughput?: string[];
  json?: boolean;
  catalog?: string;
}

export function parseDims(by: string): Dimension[] {
  const dims = by
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  for (const d of dims) if (!DIMENSIONS.includes(d as Dimension)) throw new CliUsageError(`--by ${d} is not a dimension; allowed: ${DIMENSIONS.join(', ')}`);
  return dims as Dimension[];
}

export function overheadsFrom(opts: SummarizeOpts): MeasuredOverheads {
  const o: MeasuredOverheads = {};
  const set = (k: keyof MeasuredOverheads, flag: string, v: string | undefined) => {
    const n = numberFlag(flag, v);
    if (n !== undefined) o[k] = { value: n, evidence: 'assumed', source: `${flag} flag` };
  };
  set('repairCostPerFailure', '--repair-cost-per-failure', opts.repairCostPerFailure);
  set('engineeringHoursPerMonth', '--engineering-hours-per-month', opts.engineeringHoursPerMonth);
  set('engineeringHourlyRate', '--engineering-hourly-rate', opts.engineeringHourlyRate);
  set('evalCostPerMonth', '--eval-cost-per-month', opts.evalCostPerMonth);
  set('humanCostPerEscalation', '--human-cost-per-escalation', opts.humanCostPerEscalation);
  set('opsCostPerMonth', '--ops-cost-per-month', opts.opsCostPerMonth);
  return o;
}

async function summarizeCommand(opts: SummarizeOpts, io: Io, where: StoreChoice): Promise<number> {
  const by = parseDims(opts.by);
  const ttft = numberFlag('--slo-ttft-ms', opts.sloTtftMs);
  const tpot = numberFlag('--slo-tpot-ms', opts.sloTpotMs);
  const catalog = openCatalog(opts.catalog);
  const gpuHours = pairs('--gpu-hours', opts.gpuHours ?? []);
  const gpuThroughput = pairs('--gpu-throughput', opts.gpuThroughput ?? []);
  const summaryOpts: SummaryOptions = {
    by,
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(ttft !== undefined || tpot !== undefined ? { slo: { ...(ttft !== undefined ? { ttftMs: ttft } : {}), ...(tpot !== undefined ? { tpotMs: tpot } : {}) } } : {}),
    overheads: overheadsFrom(opts),
  };
  const win = { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) };
  type Result = {
    groups: GroupSummary[];
    pricing: PricingContext;
    summaries: Awaited<ReturnType<typeof routeSummaries>>;
    gpu: Awaited<ReturnType<typeof gpuRoutes>>;
    otel: Awaited<ReturnType<typeof otelMetricSummaries>>;
  };
  let result: Result;
  let shown = where.kind === 'clickhouse' ? where.url : opts.db;
  if (where.kind === 'clickhouse') {
    if (gpuHours.size || gpuThroughput.size) throw new CliUsageError('--gpu-hours and --gpu-throughput need the DuckDB store (--db); GPU routes are summarized from the DuckDB store only');
    result = await withClickHouse(where.url, async (ch) => {
      const [{ prepareChPricing }, { summarizeClickHouse }] = await Promise.all([import('../../traces/clickhouse/pricing.js'), import('../../traces/clickhouse/metrics.js')]);
      shown = ch.url;
      await requireChRequests(ch);
      const pricing = await prepareChPricing(ch, catalog);
      return { groups: await summarizeClickHouse(ch, { ...summaryOpts, traceKit: { catalog } }), pricing, summaries: [], gpu: [], otel: [] };
    });
  } else {
    result = await withStore(opts.db, false, async (store) => {
      const pricing = await preparePricing(store, catalog);
      const summaries = await routeSummaries(store, catalog, io.today);
      const gpu = await gpuRoutes(store, catalog, gpuHours, { asOf: io.today, throughput: gpuThroughput, ...win });
      const groups = await summarize(store, { ...summaryOpts, traceKit: { catalog, gpu } });
      const otel = (await hasMetricPoints(store)) ? await otelMetricSummaries(store, win) : [];
      return { groups, pricing, summaries, gpu, otel };
    });
  }
  const { groups, pricing, summaries, gpu, otel } = result;
  if (opts.json) {
    // The URL as shown carries no password.
    const store = where.kind === 'clickhouse' ? { clickhouse: shown } : { db: opts.db };
    io.out(JSON.stringify({ ...store, by, groups, unpriced: pricing.unresolved, routeSummaries: summaries, gpuRoutes: gpu, otelMetrics: otel }, null, 2) + '\n');
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

/** The Trace Kit's five derived metrics per group (seed 002), with why a metric is missing or a bound. */
function renderTraceKit(groups: GroupSummary[], by: Dimension[], name: (g: GroupSummary) => string): string {
  const lines = [
    'Trace Kit metrics (seed 002; $/accepted = measured LCPR, latency = e2e p95 at the mean concurrency, input burden = full-price-equivalent input tokens per attempt):',
    table(
      [...by.map((d) => d[0]!.toUpperCase() + d.slice(1).replace(/_/g, ' ')), '$/accepted', 'p95 e2e ms @ conc.', 'p95/p50', 'Input burden', 'Cached/input', 'Batch displaced', 'Headroom'],
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

export function renderSummary(groups: GroupSummary[], by: Dimension[], pricing: PricingContext): string {
  if (!groups.length) return 'No requests in the store for that window.';
  const out: string[] = [];
  out.push(
    table(
      [...by.map((d) => d[0]!.toUpperCase() + d.slice(1).replace(/_/g, ' ')), 'Requests', 'Retry', 'Pass', 'Cache hit', 'Naive $/req', 'LCPR', 'LCPR/naive', 'p95 TTFT ms', 'p95 e2e ms', 'p99/p50', 'Token cost'],
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
    if (g.goodput) extra.push(`  ${name(g)}: goodput ${count(g.goodput.acceptedWithinSlo)} accepted within SLO (${g.goodput.perSecond.toPrecision(3)}/s), ${g.goodput.costPerGoodAccepted === null ? 'cost per good accepted —' : `${usdPerRequest(g.goodput.costPerGoodAccepted)} per good accepted`}`);
    if (g.workflows) extra.push(`  ${name(g)}: ${count(g.workflows.count)} workflows, ${g.workflows.callsPerWorkflow.toFixed(2)} calls each, success ${percent(g.workflows.successRate)}, ${g.workflows.costPerAcceptedTask === null ? '' : `${usdPerRequest(g.workflows.costPerAcceptedTask)} per accepted task`}`);
    if (g.lcpr.missing) extra.push(`  ${name(g)}: no LCPR — ${g.lcpr.missing}`);
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
