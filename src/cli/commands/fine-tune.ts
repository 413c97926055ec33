import { count, percent, usd, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog, pickWorkloads, priceFile } from '../pricing.js';
import { loraTrainingTiers } from '../../catalog/load.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { FINE_TUNE_OPTIONS } from '../calculator-options.js';
import { type FineTuneEconomics, fineTuneCalc, givenEconomics, workloadEconomics } from '../fine-tune-calc.js';

const options = { ...FINE_TUNE_OPTIONS, json: opt.json(), catalog: opt.catalog() };
type FineTuneOpts = OptionValues<typeof options>;

function economics(file: string | undefined, opts: FineTuneOpts, io: Io): FineTuneEconomics {
  if (file === undefined) return givenEconomics(opts);
  if (opts.route === undefined || opts.loraRoute === undefined) throw new CliUsageError('with FILE give --route (today) and --lora-route (the adapter route), both routes of the workload');
  const [p] = pickWorkloads(priceFile(file, { ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.catalog ? { catalog: opts.catalog } : {}) }, io.today), file, opts.workload);
  if (!p) throw new CliUsageError(`${file} holds no workload`);
  return workloadEconomics(p, opts);
}

function fineTune(file: string | undefined, opts: FineTuneOpts, io: Io): number {
  if (opts.method !== 'sft' && opts.method !== 'dpo') throw new CliUsageError(`--method must be sft or dpo; got "${opts.method}"`);
  // The LoRA rates in force on the date priced (catalog/fine-tuning.yaml, with source and date).
  const tiers = loraTrainingTiers(openCatalog(opts.catalog), opts.asOf ?? io.today);
  const e = economics(file, opts, io);
  const r = fineTuneCalc(tiers, opts, e);
  const { training, paybackOnCompute: onCompute, paybackOnProgram: onProgram } = r;
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
