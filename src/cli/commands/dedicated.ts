import { findRoute } from '../../catalog/lookup.js';
import { valueOf } from '../../engine/evidence.js';
import { type GpuRouteSpec, type RouteSpec, type TokenRouteSpec } from '../../engine/cost/lcpr.js';
import { patternPreset } from '../../engine/capacity/traffic.js';
import { dedicatedShape } from '../../engine/capacity/dedicated-shape.js';
import { readHourlyCsv } from '../../io/hourly-csv.js';
import { count, percent, table, usd, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog, priceFile } from '../pricing.js';
import { stepLines } from '../capacity-text.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

const options = {
  pattern: opt.string('--pattern <preset>', 'stable:60%, diurnal:10h@70% or bursty:4x@30%[,2h] (load as a share of one replica)'),
  patternCsv: opt.string('--pattern-csv <file>', 'hourly request counts: 168 rows (a week) or 24 (a day)'),
  gpu: opt.string('--gpu <route>', 'the GPU route of the file to size (default: its first GPU route)'),
  serverless: opt.string('--serverless <route>', 'the per-token route to compare with (default: the cheapest by LCPR)'),
  serverlessCost: opt.number('--serverless-cost <usd>', "measured serverless cost per accepted output, from traces (default: the route's LCPR)", { min: 0, minExclusive: true }),
  goodput: opt.number('--goodput <n>', 'measured accepted outputs per replica-hour under SLO (default: estimated from throughput)', { min: 0, minExclusive: true }),
  opsPerHour: opt.number('--ops-per-hour <usd>', 'operational overhead per hour, C_ops (default 0)', { min: 0 }),
  minReplicas: opt.number('--min-replicas <n>', 'replicas that cannot scale to zero, R_min (default 1)', { min: 0, max: 10_000, integer: true }),
  maxUtilization: opt.number('--max-utilization <u>', 'highest load per replica, for p99 headroom (default 1)', { min: 0, minExclusive: true, max: 1, percent: true }),
  coldStartMinutes: opt.number('--cold-start-minutes <m>', 'warm-up minutes of a new replica, billed with no output (default 0)', { min: 0, max: 1440 }),
  minBillingMinutes: opt.number('--min-billing-minutes <m>', "minimum billing window per start (default: the SKU's, e.g. 5 for Bedrock)", { min: 0, max: 1440 }),
  workload: opt.string('--workload <name>', 'which workload, when the file holds several'),
  asOf: opt.asOf('prices in force on this date (YYYY-MM-DD)'),
  json: opt.json(),
  catalog: opt.catalog(),
};
type DedicatedOpts = OptionValues<typeof options>;

function dedicated(file: string, opts: DedicatedOpts, io: Io): number {
  if (opts.pattern && opts.patternCsv) throw new CliUsageError('give --pattern or --pattern-csv, not both');
  const priced = priceFile(file, { ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.catalog ? { catalog: opts.catalog } : {}) }, io.today);
  // Several workloads and no --workload: the first with a GPU route (else the first), said in the notes.
  const withGpu = priced.find((p) => p.prepared.routes.some((r) => r.billing === 'gpu'));
  const chosen = opts.workload ? priced.find((p) => p.prepared.name === opts.workload) : (withGpu ?? priced[0]);
  if (!chosen) throw new CliUsageError(`--workload ${opts.workload}: the file has ${priced.map((p) => p.prepared.name).join(', ')}`);
  const pickedNote = !opts.workload && priced.length > 1 ? `the file holds ${priced.length} workloads; sized "${chosen.prepared.name}"${withGpu ? ', the first with a GPU route' : ''} (pick another with --workload: ${priced.map((p) => p.prepared.name).join(', ')})` : undefined;
  const { prepared, comparison } = chosen;
  const profile = prepared.profile;
  const routes: RouteSpec[] = prepared.routes;
  const pick = <T extends RouteSpec>(flag: string, id: string | undefined, billing: T['billing'], fallback: () => T | undefined): T => {
    if (id) {
      const r = routes.find((x) => x.id === id || x.label === id);
      if (!r) throw new CliUsageError(`${flag} ${id} is not a route of ${prepared.name} (routes: ${routes.map((x) => x.id).join(', ')})`);
      if (r.billing !== billing) throw new CliUsageError(`${flag} ${id} is a ${r.billing === 'gpu' ? 'GPU' : 'per-token'} route`);
      return r as T;
    }
    const f = fallback();
    if (!f) throw new CliUsageError(`needs a ${billing === 'gpu' ? 'GPU' : 'per-token'} route: ${prepared.name} has no ${billing === 'gpu' ? 'GPU route (add e.g. lambda/h100-sxm with serves:)' : 'per-token route to compare with'}; nothing was sized`);
    return f;
  };
  const gpu = pick<GpuRouteSpec>('--gpu', opts.gpu, 'gpu', () => routes.find((r): r is GpuRouteSpec => r.billing === 'gpu'));
  // Default serverless side: the cheapest per-token route by LCPR in the file.
  const serverless = pick<TokenRouteSpec>('--serverless', opts.serverless, 'tokens', () => {
    const best = comparison.routes.find((r) => r.billing === 'tokens');
    return best ? (routes.find((r) => r.id === best.route) as TokenRouteSpec) : undefined;
  });

  const v = (q: Parameters<typeof valueOf>[0]) => valueOf(q);
  const catalog = openCatalog(opts.catalog);
  let gpusPerReplica = 1;
  let skuBillingMinutes: number | undefined;
  try {
    const e = findRoute(catalog, gpu.id);
    if (e.kind === 'gpu') {
      gpusPerReplica = e.gpusPerInstance;
      skuBillingMinutes = e.minBillingMinutes;
    }
  } catch {
    // A GPU route priced entirely in the workload file has no catalog entry: one GPU per replica.
  }
  const measuredGoodput = opts.goodput;
  const measuredCs = opts.serverlessCost;
  const result = dedicatedShape({
    profile,
    gpu,
    serverless,
    ...(opts.pattern ? { pattern: patternPreset(opts.pattern) } : {}),
    ...(opts.patternCsv ? { hourlyRequests: { label: `hourly requests from ${opts.patternCsv}`, values: readHourlyCsv(opts.patternCsv) } } : {}),
    ...(measuredGoodput !== undefined ? { goodput: measuredGoodput } : {}),
    ...(measuredCs !== undefined ? { serverlessCost: measuredCs } : {}),
    ...(opts.opsPerHour !== undefined ? { opsPerHour: opts.opsPerHour } : {}),
    minReplicas: opts.minReplicas ?? 1,
    maxUtilization: opts.maxUtilization ?? 1,
    coldStartMinutes: opts.coldStartMinutes ?? 0,
    minBillingMinutes: opts.minBillingMinutes ?? skuBillingMinutes ?? 0,
    gpusPerReplica,
  });
  const { requestsPerMonth, goodputPerHour: goodput, serverlessCostPerAccepted: cs, replicaLoad: _load, serverlessVariable: variable, ...shape } = result;
  const notes = [...(pickedNote ? [pickedNote] : []), ...result.notes];
  const fileRequests = v(profile.requestsPerMonth);
  if (Math.abs(requestsPerMonth - fileRequests) / fileRequests > 0.05) {
    notes.push(`the pattern carries ${count(requestsPerMonth)} requests/month; the workload file says ${count(fileRequests)}: costs follow the pattern`);
  }
  if (variable && measuredCs === undefined) {
    const x = variable.excludedMonthly;
    const fixed = [['engineering', x.engineering], ['eval', x.eval], ['ops', x.ops], ['invoice delta', x.invoiceDelta]].filter(([, v]) => v !== 0).map(([k, v]) => `${k} ${usd(v as number)}`);
    notes.push(
      `same basis on both sides: C_serverless is ${serverless.id}'s cost per accepted output without the workload's fixed monthly overheads (${fixed.length ? fixed.join(', ') : 'none set'}), which every option pays alike; its full LCPR is ${usdPerRequest(variable.lcpr.lcpr)}. The dedicated side's own operations go in --ops-per-hour`,
    );
  }
  if (measuredGoodput === undefined) notes.push(`goodput ${count(goodput.value)} accepted/replica-hour is estimated from ${count(v(gpu.throughputTokensPerSecond))} tok/s; measure it under your SLO and pass --goodput`);

  if (opts.json) {
    io.out(JSON.stringify({ file, workload: prepared.name, asOf: prepared.asOf, gpuRoute: gpu.id, serverlessRoute: serverless.id, requestsPerMonth, ...shape, notes }, null, 2) + '\n');
    return EXIT_OK;
  }
  const lines: string[] = [];
  lines.push(`${prepared.name}: ${gpu.id} (${usd(v(gpu.gpuHourly), 2)}/h per replica, ${gpusPerReplica} GPU each) vs ${serverless.id} — priced as of ${prepared.asOf}`);
  lines.push(`Traffic: ${result.pattern}`);
  lines.push(`  ${count(result.volumePerMonth)} accepted/month over ${count(result.activeHoursPerMonth)} active hours; load in replicas (1 = one replica's goodput): average ${result.averageLoad.toFixed(2)}, peak ${result.peakLoad.toFixed(2)}, trough ${result.troughLoad.toFixed(2)}`);
  lines.push(`Goodput G_slo: ${count(goodput.value)} accepted/replica-hour (${goodput.evidence}); serverless cost C_serverless: ${usd(cs.value, 4)}/accepted (${cs.evidence}: ${cs.source})`);
  lines.push(`Break-even utilization u_required: ${percent(result.gate.uRequired)} — dedicated at R_min costs ${usd(result.gate.dedicatedMonthly)}/month`);
  lines.push('');
  lines.push(
    table(
      ['Option', 'Replicas', 'GPUs', 'Avg util', 'Trough util', 'Dedicated', 'Ops', 'Warm-up', 'Serverless', 'Monthly'],
      result.options.map((o) => [
        o.label,
        String(o.replicas),
        String(o.gpus),
        o.averageUtilization === null ? '—' : percent(o.averageUtilization, 0),
        o.troughUtilization === null ? '—' : percent(o.troughUtilization, 0),
        usd(o.parts.dedicated),
        usd(o.parts.ops),
        usd(o.parts.warmup),
        usd(o.parts.serverless),
        usd(o.monthlyCost),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  lines.push('');
  const c = result.cheapest;
  lines.push(`Cheapest: ${c.label} at ${usd(c.monthlyCost)}/month${c.replicas ? ` (${c.gpus} GPU(s) at ${c.averageUtilization === null ? '—' : percent(c.averageUtilization, 0)} average utilization)` : ''}.`);
  lines.push(`Hybrid curve (base replicas → monthly): ${result.hybridCurve.map((h) => `${h.replicas} → ${usd(h.monthlyCost)}`).join(', ')}`);
  if (notes.length) lines.push('', 'Notes:', ...notes.map((n) => `  ${n}`));
  lines.push('', 'Working:', ...stepLines(result.steps));
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  args: [{ name: '<file>', description: 'workload YAML with a GPU route and a per-token route' }],
  options,
  examples: [
    'routefit dedicated examples/support-drafting.yaml --pattern diurnal:10h@70% --goodput 800 --serverless-cost 0.012 --ops-per-hour 0.5',
    'routefit dedicated examples/stage2.yaml --pattern-csv examples/hourly-week.csv',
    'routefit dedicated examples/stage2.yaml --pattern bursty:4x@60% --cold-start-minutes 2 --min-billing-minutes 5 --json',
  ],
  notes: 'u_required = ((C_hw × R_min) + C_ops) / (G_slo × C_serverless) — Inference Economics Playbook, ch. 18, Derivation 4.',
  run: (opts, { args, io }) => dedicated(args[0]!, opts, io),
});
