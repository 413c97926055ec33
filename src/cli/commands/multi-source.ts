import { count, percent, table, usd, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { multiSourceCalc } from '../multi-source-calc.js';
import { pickWorkloads, priceFile } from '../pricing.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { MULTI_SOURCE_OPTIONS } from '../calculator-options.js';

const options = { ...MULTI_SOURCE_OPTIONS, json: opt.json(), catalog: opt.catalog() };
type MultiSourceOpts = OptionValues<typeof options>;

function multiSource(file: string, opts: MultiSourceOpts, io: Io): number {
  const [p] = pickWorkloads(priceFile(file, { ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.catalog ? { catalog: opts.catalog } : {}) }, io.today), file, opts.workload);
  if (!p) throw new CliUsageError(`${file} holds no workload`);
  const r = multiSourceCalc(p, opts);
  const { split, overhead, overheadHours: span, grossSavings: gross, netBenefit: net } = r;
  const baseline = r.baseline;
  if (opts.json) {
    io.out(JSON.stringify({ file, workload: r.workload, split, baseline, overhead, netBenefit: net }, null, 2) + '\n');
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
