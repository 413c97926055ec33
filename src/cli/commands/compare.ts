import type { Sourced } from '../../engine/evidence.js';
import { type RouteResult, type WorkloadProfile } from '../../engine/cost/lcpr.js';
import { blendComparisons } from '../../engine/cost/compare.js';
import { isDefault } from '../../workload/defaults.js';
import { count, csv, outputWidth, percent, ratio, snake, table, usd, usdPerRequest, wrapProse } from '../format.js';
import { EXIT_BAD_INPUT, EXIT_OK, type Io } from '../io.js';
import { type Priced, openCatalog, priceFile, usedPriceConflicts } from '../pricing.js';
import { type PriceConflict, describeConflict } from '../../catalog/conflicts.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { DEFAULT_SAMPLES, DEFAULT_SEED } from '../../engine/uncertainty/monte-carlo.js';
import { STALE_AFTER_DAYS } from '../../engine/uncertainty/confidence.js';
import { loadWorkloadFile } from '../../workload/load.js';
import { fieldOptions } from '../field-flags.js';

const options = {
  routes: opt.string('--routes <ids>', 'only these routes, comma-separated'),
  asOf: opt.asOf('price as of this date (YYYY-MM-DD); overrides dates in the file'),
  blend: opt.flag('--blend', "add a volume-weighted LCPR across the file's workloads (read the warning)"),
  json: opt.json().conflicts('csv'),
  csv: opt.flag('--csv', 'one CSV row per workload × route'),
  wide: opt.flag('--wide', "never wrap text to the terminal's width"),
  width: opt.number('--width <columns>', "wrap notes and prices at this width (default: the terminal's, when output is a terminal)", { min: 40, max: 10_000, integer: true }),
  catalog: opt.catalog(),
  catalogOverlay: opt.catalogOverlay(),
  // --uncertainty (docs/uncertainty.md)
  uncertainty: opt.flag('--uncertainty', 'Monte Carlo: P10–P90 of LCPR and monthly cost, win probability, and which measurement would settle the pick'),
  samples: opt.number('--samples <n>', `Monte Carlo samples (default ${DEFAULT_SAMPLES.toLocaleString('en-US')})`, { min: 1, max: 1_000_000, integer: true }),
  seed: opt.number('--seed <n>', `Monte Carlo seed; the same seed gives the same answer (default ${DEFAULT_SEED})`, { min: 0, max: 2 ** 32 - 1, integer: true }),
  correlate: opt.repeatable('--correlate <a:b=rho>', 'two inputs that move together, e.g. retry_rate:quality_pass_rate=-0.5 (repeatable)'),
  staleAfter: opt.number('--stale-after <days>', `a measurement older than this counts as stale (default ${STALE_AFTER_DAYS})`, { min: 0, minExclusive: true }),
  current: opt.string('--current <route>', 'the route you run today: adds the probability that migrating pays back'),
  migrationWeeks: opt.number('--migration-weeks <n>', 'engineer-weeks the migration takes (with --current)', { min: 0 }),
  migrationRate: opt.number('--migration-rate <usd>', "USD per engineering hour for the migration (default: the workload's engineering_hourly_rate)", { min: 0 }),
  horizon: opt.number('--horizon <months>', 'planning horizon for the payback probability (default 12)', { min: 0, minExclusive: true }),
  // --traces (docs/traces.md)
  traces: opt.string('--traces <db>', 'replace assumed inputs with those measured in this trace store (matched by workload name): a DuckDB file or a ClickHouse URL http[s]://HOST:PORT[/DATABASE]; shows both'),
  from: opt.string('--from <date>', 'with --traces: window start (UTC)'),
  to: opt.string('--to <date>', 'with --traces: window end (UTC)'),
  source: opt.string('--source <name>', "with --traces URL: read attempts from an existing ClickHouse table instead of routefit's own: otel (the OpenTelemetry Collector exporter's otel_traces, read in place)"),
  otelTable: opt.string('--otel-table <table>', "with --source otel: the table, TABLE or DATABASE.TABLE (default otel_traces in the URL's database)"),
  ...fieldOptions(),
};
export type CompareOptions = OptionValues<typeof options>;

function compareAssumed(file: string, opts: CompareOptions, io: Io): number {
  const priced = priceFile(file, opts, io.today);
  const catalog = openCatalog(opts.catalog);
  const conflicts = priced.map((p) => usedPriceConflicts(catalog, p.comparison, p.prepared.asOf));
  const blend = opts.blend ? blendComparisons(priced.map((p) => p.comparison)) : undefined;
  if (opts.json) {
    io.out(
      JSON.stringify(
        {
          file,
          workloads: priced.map(({ prepared, comparison }, i) => ({
            ...comparison,
            asOf: prepared.asOf,
            assumptions: assumptions(prepared.profile),
            priceConflicts: conflicts[i],
          })),
          ...(blend ? { blend } : {}),
        },
        null,
        2,
      ) + '\n',
    );
  } else if (opts.csv) {
    io.out(toCsv(priced));
  } else {
    io.out(wrapProse(priced.map((p, i) => render(p, file, priced.length > 1, conflicts[i]!)).join('\n\n'), outputWidth(opts)) + '\n');
    if (blend) io.out('\n' + renderBlend(blend) + '\n');
  }
  const unpriced = priced.some((p) => p.comparison.unpriced.length > 0);
  if (unpriced && (opts.json || opts.csv)) io.err('routefit: some routes could not be priced (see "unpriced"); exit code 2\n');
  return unpriced ? EXIT_BAD_INPUT : EXIT_OK;
}

/** Every workload-level input with its value, evidence and source. */
export function assumptions(p: WorkloadProfile): Record<string, Sourced> {
  const out: Record<string, Sourced> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || k === 'name' || typeof v === 'string') continue;
    out[snake(k)] = typeof v === 'number' ? { value: v, evidence: 'assumed' } : v;
  }
  return out;
}

function render({ prepared, comparison }: Priced, file: string, many: boolean, conflicts: PriceConflict[]): string {
  const p = prepared.profile;
  const val = (q: WorkloadProfile['requestsPerMonth']) => (typeof q === 'number' ? q : q.value);
  const lines: string[] = [];
  lines.push(
    `${prepared.name} — ${count(val(p.requestsPerMonth))} requests/month · ${count(val(p.inputTokens))} in / ${count(val(p.outputTokens))} out tokens · priced as of ${prepared.asOf}`,
  );
  lines.push('');
  if (comparison.routes.length) {
    lines.push(
      table(
        ['Route', 'Mode', 'Raw $/req', 'LCPR', 'Monthly', 'Overhead', 'Accepted/mo', 'GPUs'],
        comparison.routes.map((r) => [
          r.label === r.route ? r.route : `${r.route} (${r.label})`,
          r.mode,
          usdPerRequest(r.rawCostPerRequest),
          usdPerRequest(r.lcpr),
          usd(r.monthlyCost),
          ratio(r.overheadRatio),
          count(r.acceptedRequestsPerMonth),
          r.gpu ? `${r.gpu.count} @ ${percent(r.gpu.realizedUtilization, 0)}` : '',
        ]),
        ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
    lines.push('');
    const byLcpr = comparison.routes[0]!;
    const byRaw = comparison.routes.find((r) => r.route === comparison.cheapestByRaw)!;
    if (comparison.rankingsDisagree) {
      lines.push(
        `! Cheapest by raw price is ${byRaw.route} (${usdPerRequest(byRaw.rawCostPerRequest)}/request), but cheapest by LCPR is ${byLcpr.route} (${usdPerRequest(byLcpr.lcpr)}/accepted): retries, repair, engineering and idle capacity change the ranking.`,
      );
    } else {
      lines.push(`Cheapest by raw price and by LCPR: ${byLcpr.route} (${usdPerRequest(byLcpr.lcpr)} per accepted request, ${usd(byLcpr.monthlyCost)}/month).`);
    }
  }
  if (comparison.unpriced.length) {
    lines.push('');
    lines.push('Unpriced — not ranked, never counted as $0:');
    for (const u of comparison.unpriced) lines.push(`  ${u.route}: ${u.message}`);
  }
  const notes = comparison.routes.flatMap((r) => r.notes.map((n) => `  ${r.route}: ${n}`));
  if (notes.length) {
    lines.push('');
    lines.push('Notes:');
    lines.push(...notes);
  }
  lines.push('');
  lines.push('Assumptions (value · evidence · source):');
  const a = assumptions(p);
  const width = Math.max(...Object.keys(a).map((k) => k.length));
  for (const [k, s] of Object.entries(a)) {
    lines.push(`  ${k.padEnd(width)}  ${String(s.value).padStart(9)}  ${s.evidence.padEnd(17)}  ${isDefault(s) ? 'default — ' : ''}${s.source ?? ''}`);
  }
  lines.push('');
  lines.push('Prices:');
  for (const r of comparison.routes) lines.push(`  ${r.route}: ${priceLine(r)}`);
  if (conflicts.length) {
    lines.push('', 'Sources disagree on a price used here (the catalog entry wins; check it against the provider):');
    for (const c of conflicts) lines.push(`  ! ${describeConflict(c)}`);
  }
  lines.push('');
  const first = comparison.routes[0]?.route ?? '<id>';
  lines.push(`Line-by-line working: routefit explain ${file} --route ${first}${many ? ` --workload ${prepared.name}` : ''}`);
  return lines.join('\n');
}

function priceLine(r: RouteResult): string {
  const prov = r.provenance;
  const when = prov ? ` [${prov.origin}${prov.effective ? `, effective ${prov.effective}` : ''}${prov.asOf ? `, as of ${prov.asOf}` : ''}]` : '';
  if (r.gpu) {
    const e = r.inputs.gpuHourly!;
    const t = r.inputs.throughputTokensPerSecond!;
    return `${usd(r.gpu.hourlyRate, 2)}/h (${e.evidence}); ${count(r.gpu.throughputTokensPerSecond)} tok/s (${t.evidence}: ${t.source ?? 'workload file'})${when} — ${prov?.source ?? ''}`;
  }
  const inP = r.inputs['price.input']!;
  const outP = r.inputs['price.output']!;
  return `${usd(inP.value, 3)}/${usd(outP.value, 3)} per M in/out (${inP.evidence})${when} — ${prov?.source ?? inP.source ?? ''}`;
}

function renderBlend(blend: ReturnType<typeof blendComparisons>): string {
  return [
    'Blended across workloads (volume-weighted: Σ monthly ÷ Σ accepted):',
    table(
      ['Route', 'Blended LCPR', 'Monthly', 'Accepted/mo', 'Workloads'],
      blend.routes.map((b) => [b.route, usdPerRequest(b.lcpr), usd(b.monthlyCost), count(b.acceptedRequestsPerMonth), b.workloads.join(', ')]),
      ['left', 'right', 'right', 'right', 'left'],
    ),
    `! ${blend.warning}`,
  ].join('\n');
}

function toCsv(priced: Priced[]): string {
  // Monthly USD totals to cents; per-request costs, ratios and counts to 6 significant digits (io/csv.ts).
  const money = new Set(['monthly_cost', 'tokens', 'retries', 'repair', 'engineering', 'gpu', 'eval', 'human', 'ops', 'invoice_delta']);
  const text = new Set(['workload', 'as_of', 'route', 'mode', 'status']);
  const head = [
    'workload', 'as_of', 'route', 'mode', 'raw_cost_per_request', 'lcpr', 'monthly_cost', 'overhead_ratio', 'accepted_requests_per_month',
    'gpus', 'tokens', 'retries', 'repair', 'engineering', 'gpu', 'eval', 'human', 'ops', 'invoice_delta', 'status',
  ].map((name) => ({ name, kind: money.has(name) ? ('money' as const) : text.has(name) ? ('text' as const) : ('number' as const) }));
  const rows: (string | number | null)[][] = [];
  for (const { prepared, comparison } of priced) {
    for (const r of comparison.routes) {
      const b = r.breakdown;
      rows.push([
        prepared.name, prepared.asOf, r.route, r.mode, r.rawCostPerRequest, r.lcpr, r.monthlyCost, r.overheadRatio, r.acceptedRequestsPerMonth,
        r.gpu?.count ?? null, b.tokens, b.retries, b.repair, b.engineering, b.gpu, b.eval, b.human, b.ops, b.invoiceDelta, 'priced',
      ]);
    }
    for (const u of comparison.unpriced) {
      rows.push([prepared.name, prepared.asOf, u.route, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, `unpriced: ${u.message}`]);
    }
  }
  return csv(head, rows);
}

/**
 * One action, three paths: --uncertainty (Monte Carlo), --traces or `measured_from:` (measured inputs
 * replace assumed ones), or the plain comparison. The other two are loaded only when asked for: the
 * trace store pulls in DuckDB's native binding.
 */
async function compare(file: string, opts: CompareOptions, io: Io): Promise<number> {
  // `measured_from:` in the file does what --traces does; the flag wins. CSV and blend stay on assumptions.
  const traces = opts.traces ?? (opts.csv || opts.blend ? undefined : loadWorkloadFile(file).measuredFrom);
  if (opts.uncertainty) {
    const { uncertaintyCommand } = await import('../compare/uncertainty.js');
    // Measured inputs replace assumed ones, each with the spread of its own sample (engine withMeasuredInputs).
    const measured = traces ? await (await import('../measured.js')).measuredSwap((await import('../stores.js')).tracesChoice(traces, opts), opts) : undefined;
    return uncertaintyCommand(file, opts, io, measured);
  }
  if (traces) return (await import('../compare/traces.js')).compareWithTraces(file, { ...opts, traces }, io);
  return compareAssumed(file, opts, io);
}

export default defineCommand({
  args: [{ name: '<file>', description: 'workload or fleet YAML' }],
  options,
  examples: [
    'routefit compare examples/saas-chat.yaml',
    'routefit compare examples/saas-chat.yaml --routes openai/gpt-5.5,together/deepseek-v3 --json',
    'routefit compare examples/stage1-split.yaml --blend --as-of 2026-05-15',
    'routefit compare examples/uncertain-race.yaml --uncertainty',
    'routefit compare examples/saas-chat.yaml --uncertainty --samples 20000 --seed 7 --json',
    'routefit compare examples/saas-chat.yaml --uncertainty --current openai/gpt-5.5 --migration-weeks 8 --horizon 12',
    'routefit compare examples/saas-chat.yaml --traces routefit.duckdb',
  ],
  notes: 'Exit code 2 when the file is invalid or a route cannot be priced (it is listed as unpriced, never as $0).\nWith --uncertainty, see docs/uncertainty.md; with --traces, measured inputs replace assumed ones and both are shown.',
  run: (opts, { args, io }) => compare(args[0]!, opts, io),
});
