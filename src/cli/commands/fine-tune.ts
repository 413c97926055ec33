import { type TrainingCost, fineTunePayback, loraTrainingCost } from '../../engine/decisions/fine-tune.js';
import { DAYS_PER_MONTH } from '../../engine/units.js';
import { count, percent, usd, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog, pickWorkloads, priceFile } from '../pricing.js';
import { loraTrainingTiers } from '../../catalog/load.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { FINE_TUNE_OPTIONS } from '../calculator-options.js';

const options = { ...FINE_TUNE_OPTIONS, json: opt.json(), catalog: opt.catalog() };
type FineTuneOpts = OptionValues<typeof options>;

/** LCPR before and after, and volume: from the workload file's two routes, or given directly. */
function economics(file: string | undefined, opts: FineTuneOpts, io: Io): { lcprBefore: number; reduction: number; acceptedPerDay: number; before?: string; after?: string; lcprAfter?: number } {
  if (file === undefined) {
    if (opts.lcpr === undefined || opts.reduction === undefined || opts.acceptedPerDay === undefined) throw new CliUsageError('give FILE with --route and --lora-route, or --lcpr, --reduction and --accepted-per-day');
    return { lcprBefore: opts.lcpr, reduction: opts.reduction, acceptedPerDay: opts.acceptedPerDay };
  }
  if (opts.route === undefined || opts.loraRoute === undefined) throw new CliUsageError('with FILE give --route (today) and --lora-route (the adapter route), both routes of the workload');
  const [p] = pickWorkloads(priceFile(file, { ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.catalog ? { catalog: opts.catalog } : {}) }, io.today), file, opts.workload);
  if (!p) throw new CliUsageError(`${file} holds no workload`);
  const find = (id: string, flag: string) => {
    const r = p.comparison.routes.find((x) => x.route === id || x.route === (p.prepared.routes.find((s) => s.id === id)?.id ?? ''));
    if (!r) {
      const why = p.comparison.unpriced.find((u) => u.route === id);
      throw new CliUsageError(`${flag} ${id} is not a priced route of workload ${p.prepared.name}${why ? `: ${why.message}` : ` (its routes: ${p.comparison.routes.map((x) => x.route).join(', ')}); add it to the file's routes`}`);
    }
    return r;
  };
  const before = find(opts.route, '--route');
  const after = find(opts.loraRoute, '--lora-route');
  return { lcprBefore: before.lcpr, lcprAfter: after.lcpr, reduction: Math.max(0, 1 - after.lcpr / before.lcpr), acceptedPerDay: before.acceptedRequestsPerMonth / DAYS_PER_MONTH, before: before.route, after: after.route };
}

function fineTune(file: string | undefined, opts: FineTuneOpts, io: Io): number {
  if (opts.method !== 'sft' && opts.method !== 'dpo') throw new CliUsageError(`--method must be sft or dpo; got "${opts.method}"`);
  // The LoRA rates in force on the date priced (catalog/fine-tuning.yaml, with source and date).
  const tiers = loraTrainingTiers(openCatalog(opts.catalog), opts.asOf ?? io.today);
  const training: TrainingCost = loraTrainingCost({ tiers, examples: opts.examples, tokensPerExample: opts.tokensPerExample, baseParamsB: opts.baseParamsB, epochs: opts.epochs, method: opts.method });
  const e = economics(file, opts, io);
  const at = (upfront: number) => fineTunePayback({ upfrontCost: upfront, lcprBefore: e.lcprBefore, reduction: e.reduction, acceptedPerDay: e.acceptedPerDay, iterationCostPerMonth: opts.iterationCost });
  // Payback on training compute alone, and on the program's real cost (compute × the 2-5x hidden-cost multiplier).
  const onCompute = at(training.computeCost[1]);
  const onProgram = [at(training.programCost[0]), at(training.programCost[1])] as const;
  if (opts.json) {
    io.out(JSON.stringify({ training, economics: e, paybackOnCompute: onCompute, paybackOnProgram: onProgram }, null, 2) + '\n');
    return EXIT_OK;
  }
  const days = (d: number | null) => (d === null ? 'never (savings do not cover the iteration cost)' : `${d.toFixed(1)} days`);
  const band = (x: [number, number]) => (x[0] === x[1] ? usd(x[0], 2) : `${usd(x[0], 2)}-${usd(x[1], 2)}`);
  const L = [
    `LoRA ${opts.method.toUpperCase()} on a ${opts.baseParamsB}B base: ${count(training.trainingTokens)} training tokens at $${training.tier.ratePerMillion}/M (${training.tier.label} tier)`,
    `  compute ${band(training.computeCost)}; with data prep, evals, drift and refresh (2-5x) ${band(training.programCost)}`,
    '',
    e.before
      ? `Serving: ${e.before} at ${usdPerRequest(e.lcprBefore)} per accepted output → ${e.after} at ${usdPerRequest(e.lcprAfter!)} (${percent(e.reduction)} less), ${count(e.acceptedPerDay)} accepted/day`
      : `Serving: ${usdPerRequest(e.lcprBefore)} per accepted output, ${percent(e.reduction)} less after the fine-tune, ${count(e.acceptedPerDay)} accepted/day`,
    `  savings ${usd(onCompute.monthlySavings, 2)}/month, net of ${usd(opts.iterationCost)} iteration cost ${usd(onCompute.netMonthlySavings, 2)}/month`,
    `  payback on training compute: ${days(onCompute.paybackDays)}; on the whole program: ${days(onProgram[0].paybackDays)} to ${days(onProgram[1].paybackDays)}`,
    `  break-even volume: ${onCompute.breakEvenPerDay === null ? 'none (no saving per output)' : onCompute.breakEvenPerDay === 0 ? 'none (no iteration cost: any volume pays back)' : `${count(onCompute.breakEvenPerDay)} accepted outputs/day`}`,
    '',
    `Training = examples × tokens × epochs × tier rate; payback = upfront ÷ (LCPR × reduction × volume − iteration cost). [${training.cite}]`,
  ];
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  args: [{ name: '[file]', description: 'workload YAML holding both --route and --lora-route (optional)' }],
  options,
  examples: [
    'routefit fine-tune --examples 50000 --tokens-per-example 1500 --base-params-b 8 --lcpr 0.004 --reduction 5% --accepted-per-day 10000',
    'routefit fine-tune examples/lora.yaml --route openai/gpt-5.5 --lora-route fireworks/llama-8b-multi-lora --examples 50000 --tokens-per-example 1500 --base-params-b 8 --iteration-cost 2000',
    'routefit fine-tune --examples 20000 --tokens-per-example 2000 --base-params-b 70 --method dpo --lcpr 0.01 --reduction 0.1 --accepted-per-day 1000 --json',
  ],
  notes: 'LoRA tiers, DPO 2-3x and hidden costs 2-5x from the playbook, ch. 19 (docs/calculators.md).',
  run: (opts, { args, io }) => fineTune(args[0], opts, io),
});
