import { multiSourceNetBenefit, multiSourceOverhead, splitWorkload, type ProviderShare } from '../../engine/decisions/multi-source.js';
import { count, percent, table, usd, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { parsePairs, parseSpan } from '../flags.js';
import { pickWorkloads, priceFile } from '../pricing.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { MULTI_SOURCE_OPTIONS } from '../calculator-options.js';

const options = { ...MULTI_SOURCE_OPTIONS, json: opt.json(), catalog: opt.catalog() };
type MultiSourceOpts = OptionValues<typeof options>;

function multiSource(file: string, opts: MultiSourceOpts, io: Io): number {
  const [p] = pickWorkloads(priceFile(file, { ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.catalog ? { catalog: opts.catalog } : {}) }, io.today), file, opts.workload);
  if (!p) throw new CliUsageError(`${file} holds no workload`);
  const specOf = (id: string, flag: string) => {
    const s = p.prepared.routes.find((r) => r.id === id);
    if (!s) throw new CliUsageError(`${flag} ${id} is not a priced route of workload ${p.prepared.name} (${p.prepared.routes.map((r) => r.id).join(', ')})`);
    return s;
  };
  const shares = parsePairs('--split', opts.split, 'ROUTE', { min: 0, max: 1 });
  if (shares.size < 2) throw new CliUsageError('give --split ROUTE=SHARE for at least two routes of the workload');
  const hits = parsePairs('--cache-hit', opts.cacheHit, 'ROUTE', { min: 0, max: 1 });
  const deltas = parsePairs('--error-delta', opts.errorDelta, 'ROUTE', { min: -1, max: 1 });
  for (const [id, flag] of [...[...hits.keys()].map((k) => [k, '--cache-hit']), ...[...deltas.keys()].map((k) => [k, '--error-delta'])] as [string, string][]) {
    if (!shares.has(id)) throw new CliUsageError(`${flag} ${id} is not one of the --split routes (${[...shares.keys()].join(', ')})`);
  }
  const providers: ProviderShare[] = [...shares].map(([id, share]) => ({
    route: specOf(id, '--split'),
    share,
    ...(hits.has(id) ? { cacheHitRate: { value: hits.get(id)!, evidence: 'assumed' as const, source: '--cache-hit' } } : {}),
    ...(deltas.has(id) ? { errorRateDelta: { value: deltas.get(id)!, evidence: 'assumed' as const, source: '--error-delta' } } : {}),
  }));
  const split = splitWorkload(p.prepared.profile, providers, opts.routingOverhead);
  const span = parseSpan('--overhead-hours', opts.overheadHours, { min: 0, max: 10_000 });
  const overhead = multiSourceOverhead([span.lo, span.hi], opts.rate);
  const baseline = opts.baseline ? p.comparison.routes.find((r) => r.route === specOf(opts.baseline!, '--baseline').id) : split.singleSource;
  if (!baseline) throw new CliUsageError(`--baseline ${opts.baseline} cannot be priced for ${p.prepared.name}`);
  const gross = baseline.monthlyCost - split.monthlyCost;
  const net = [multiSourceNetBenefit(gross, overhead.monthlyCost[0]), multiSourceNetBenefit(gross, overhead.monthlyCost[1])] as const;
  if (opts.json) {
    io.out(JSON.stringify({ file, workload: p.prepared.name, split, baseline: { route: baseline.route, monthlyCost: baseline.monthlyCost, lcpr: baseline.lcpr }, overhead, netBenefit: net }, null, 2) + '\n');
    return EXIT_OK;
  }
  const L = [
    `Multi-source split of ${p.prepared.name}: ${split.providers.map((x) => `${x.route} ${percent(x.share, 0)}`).join(', ')}`,
    '',
    table(['Provider', 'Share', 'Accepted/mo', 'LCPR', 'Monthly'], split.providers.map((x) => [x.route, percent(x.share, 0), count(x.acceptedRequestsPerMonth), usdPerRequest(x.lcpr), usd(x.monthlyCost)]), ['left', 'right', 'right', 'right', 'right']),
    '',
    `  split: ${usd(split.monthlyCost)}/month, LCPR ${usdPerRequest(split.lcpr)} (routing layer ${usd(split.routingOverheadPerMonth)})`,
    `  hidden cost of splitting: error retries ${usd(split.hiddenCost.errorRetries, 2)}, cache fragmentation ${usd(split.hiddenCost.cacheFragmentation, 2)}, routing ${usd(split.hiddenCost.routing, 2)}`,
    `  against ${baseline.route} alone (${usd(baseline.monthlyCost)}/month): gross savings ${usd(gross)}/month`,
    `  multi-source overhead ${span.lo}-${span.hi} h × $${opts.rate} = ${usd(overhead.monthlyCost[0])}-${usd(overhead.monthlyCost[1])}/month → net ${usd(net[1].netBenefit)} to ${usd(net[0].netBenefit)}/month`,
    `  revert to one provider (overhead > 20% of savings): ${net[1].revert.status === 'fail' ? 'FIRES' : 'no'} at the high overhead, ${net[0].revert.status === 'fail' ? 'FIRES' : 'no'} at the low — ${net[1].revert.reason}`,
    ...(split.notes.length ? ['', ...split.notes.map((n) => `Note: ${n}`)] : []),
    '',
    `Per-provider LCPR with its own error delta and fragmented cache [${split.cite}]; overhead [${overhead.cite}]; revert rule [Inference Field Guide, Part 5].`,
  ];
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  args: [{ name: '<file>', description: 'workload YAML listing the routes to split across' }],
  options,
  examples: [
    'routefit multi-source examples/multi-source.yaml --split together/deepseek-v3=0.6 --split fireworks/deepseek-v3.1=0.4 --cache-hit together/deepseek-v3=0.45 --cache-hit fireworks/deepseek-v3.1=0 --baseline openai/gpt-5.5',
    'routefit multi-source examples/multi-source.yaml --split together/deepseek-v3=0.5 --split fireworks/deepseek-v3.1=0.5 --cache-hit together/deepseek-v3=0.45 --cache-hit fireworks/deepseek-v3.1=0 --error-delta fireworks/deepseek-v3.1=0.01 --routing-overhead 300 --json',
  ],
  notes: 'Net benefit = savings − overhead (Inference Field Guide, Part 2: $5,000 − $1,200 = $3,800); revert when overhead passes 20% of savings (Part 5).',
  run: (opts, { args, io }) => multiSource(args[0]!, opts, io),
});
