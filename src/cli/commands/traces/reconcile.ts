import type { ReconcileLine, ReconcileOptions } from '../../../traces/reconcile.js';
import { reconcileLineJson } from '../../../traces/json-output.js';
import type { MeasuredOverheads } from '../../../engine/measured/measured.js';
import { count, percent, table, usd, usdPerRequest } from '../../format.js';
import { CliUsageError, EXIT_FLAGGED, EXIT_OK, type Io } from '../../io.js';
import { overheadsLine, workloadFileOverheads } from '../../measured.js';
import { openCatalog } from '../../pricing.js';
import { type OptionValues, defineCommand, opt } from '../../command.js';
import { type StoreChoice, clickhouseOpt, dbOpt, otelTableOpt, sourceOpt, storeChoice, withTraceStore } from '../../stores.js';

const usdFlag = (flags: string, description: string) => opt.number(flags, description, { min: 0 });
const options = {
  db: dbOpt(),
  clickhouse: clickhouseOpt(),
  source: sourceOpt(),
  otelTable: otelTableOpt(),
  assumedCacheHitRate: opt.number('--assumed-cache-hit-rate <fraction>', 'the cache hit rate your LCPR model assumed, to test it', { min: 0, max: 1, percent: true }),
  evalCostPerMonth: usdFlag('--eval-cost-per-month <usd>', 'for trace-to-margin (prorated)'),
  opsCostPerMonth: usdFlag('--ops-cost-per-month <usd>', 'for trace-to-margin (prorated)'),
  humanCostPerEscalation: usdFlag('--human-cost-per-escalation <usd>', 'for trace-to-margin'),
  revenuePerAccepted: usdFlag('--revenue-per-accepted <usd>', 'revenue per accepted output, for the margin'),
  workload: opt.string('--workload <file>', 'read the trace-to-margin overheads (repair, engineering, eval, human, ops) from this workload file'),
  name: opt.string('--name <workload>', 'with --workload: the workload of the file whose overheads to use'),
  json: opt.json(),
  catalog: opt.catalog(),
};
type ReconcileOpts = OptionValues<typeof options>;

async function reconcile(opts: ReconcileOpts, io: Io, where: StoreChoice): Promise<number> {
  const ro: ReconcileOptions = opts.assumedCacheHitRate !== undefined ? { assumedCacheHitRate: opts.assumedCacheHitRate } : {};
  const catalog = openCatalog(opts.catalog);
  // The one place overheads come from: the workload file when given, else the flags, else none (issue 11, item 3).
  let overheads: MeasuredOverheads;
  if (opts.workload) {
    const flagged = (['evalCostPerMonth', 'opsCostPerMonth', 'humanCostPerEscalation'] as const).filter((k) => opts[k] !== undefined);
    if (flagged.length) throw new CliUsageError(`--workload gives the overheads; drop ${flagged.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} or set them in ${opts.workload}`);
    overheads = workloadFileOverheads(opts.workload, opts.name, catalog, io.today).overheads;
  } else {
    if (opts.name) throw new CliUsageError('--name picks a workload of a file: give --workload FILE too');
    const flag = (k: 'evalCostPerMonth' | 'opsCostPerMonth' | 'humanCostPerEscalation', f: string) => (opts[k] === undefined ? {} : { [k]: { value: opts[k]!, evidence: 'assumed' as const, source: `${f} flag` } });
    overheads = { ...flag('evalCostPerMonth', '--eval-cost-per-month'), ...flag('opsCostPerMonth', '--ops-cost-per-month'), ...flag('humanCostPerEscalation', '--human-cost-per-escalation') };
  }
  const { json, ...result } = await withTraceStore(where, io.clickhouse ? { connector: io.clickhouse } : {}, async (store) => {
    await store.requireTraces();
    // A read source (--source otel) says what it read and what it could not: never a silent drop.
    await store.focus({});
    for (const w of (await store.sourceReport({}))?.warnings ?? []) io.err(`warning: ${w}\n`);
    const pricing = await store.preparePricing(catalog);
    // Trace-to-margin per provider × period: summarize's aggregates over the invoice period.
    return { json: store.json, ...(await store.reconcile(ro, { overheads, revenuePerAccepted: opts.revenuePerAccepted })), unpriced: pricing.unresolved };
  });
  const red = result.providers.some((l) => l.flag === 'over_10pct');
  if (opts.json) {
    // Unpriced attempts make a trace cost incomplete: null in JSON, with the count beside it.
    io.out(JSON.stringify({ ...json, ...result, providers: result.providers.map(reconcileLineJson), skus: result.skus.map(reconcileLineJson) }, null, 2) + '\n');
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
  const margins = result.providers.filter((l) => l.margin);
  if (margins.length) {
    out.push('', 'Trace-to-margin: (traces + the overheads included) ÷ accepted');
    for (const l of margins) {
      const m = l.margin!;
      if (m.loadedCostPerAccepted === null) {
        out.push(`  ${l.provider} ${l.periodStart.slice(0, 10)}: no cost per accepted output — ${m.missing ?? 'no accepted output in the period'}`);
        continue;
      }
      out.push(`  ${l.provider} ${l.periodStart.slice(0, 10)}: ${usdPerRequest(m.loadedCostPerAccepted)} per accepted (${count(m.accepted)} accepted)${m.marginPct !== null ? `, margin ${percent(m.marginPct)} of revenue` : ''}`, `    ${overheadsLine(m.overheadsIncluded, m.overheadsNotIncluded, m.prorated)}`);
    }
  }
  io.out(out.join('\n') + '\n');
  return red ? EXIT_FLAGGED : EXIT_OK;
}

export default defineCommand({
  options,
  examples: [
    'routefit traces import may-traces.csv invoice-focus.csv openai-usage.json',
    'routefit traces reconcile',
    'routefit traces reconcile --assumed-cache-hit-rate 0.3 --revenue-per-accepted 0.05 --json',
    'routefit traces reconcile --workload examples/saas-chat.yaml --json',
    'routefit traces reconcile --clickhouse http://127.0.0.1:8123/traces --json',
    'routefit traces reconcile --clickhouse http://127.0.0.1:8123/otel --source otel',
  ],
  notes: 'Delta = invoice − traces, as a share of the invoice. Exit code 1 when any provider × period is more than 10% off (Inference Field Guide, Part 5 red flag).',
  run: (opts, { io, cmd }) => reconcile(opts, io, storeChoice(cmd, opts)),
});
