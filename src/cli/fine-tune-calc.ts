/**
 * What `routefit fine-tune` computes, browser-safe: the CLI prints it, the Studio's Calculators view
 * shows the same objects. Economics come from a priced workload's two routes (FILE --route
 * --lora-route) or are given (--lcpr --reduction --accepted-per-day); the cross-flag checks live here.
 */
import type { Comparison } from '../engine/cost/compare.js';
import { type TrainingCost, type LoraTrainingTier, fineTunePayback, loraTrainingCost } from '../engine/decisions/fine-tune.js';
import { DAYS_PER_MONTH } from '../engine/units.js';
import type { PreparedWorkload } from '../workload/prepare.js';
import type { FINE_TUNE_OPTIONS } from './calculator-options.js';
import { CliUsageError } from './io.js';
import type { OptionValues } from './options.js';

export type FineTuneInputs = OptionValues<typeof FINE_TUNE_OPTIONS>;
export interface FineTuneEconomics {
  lcprBefore: number;
  reduction: number;
  acceptedPerDay: number;
  before?: string;
  after?: string;
  lcprAfter?: number;
}

/** Economics given on the command line (no FILE). */
export function givenEconomics(opts: Pick<FineTuneInputs, 'lcpr' | 'reduction' | 'acceptedPerDay'>): FineTuneEconomics {
  if (opts.lcpr === undefined || opts.reduction === undefined || opts.acceptedPerDay === undefined) throw new CliUsageError('give FILE with --route and --lora-route, or --lcpr, --reduction and --accepted-per-day');
  return { lcprBefore: opts.lcpr, reduction: opts.reduction, acceptedPerDay: opts.acceptedPerDay };
}

/** Economics from a priced workload: LCPR today on --route, after on --lora-route, the volume of --route. */
export function workloadEconomics(p: { prepared: PreparedWorkload; comparison: Comparison }, opts: Pick<FineTuneInputs, 'route' | 'loraRoute'>): FineTuneEconomics {
  if (opts.route === undefined || opts.loraRoute === undefined) throw new CliUsageError('with FILE give --route (today) and --lora-route (the adapter route), both routes of the workload');
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

/** Training cost at the catalog's LoRA tiers, and payback on compute alone and on the whole program (compute × 2-5x). */
export function fineTuneCalc(tiers: LoraTrainingTier[], opts: FineTuneInputs, e: FineTuneEconomics) {
  if (opts.method !== 'sft' && opts.method !== 'dpo') throw new CliUsageError(`--method must be sft or dpo; got "${opts.method}"`);
  const training: TrainingCost = loraTrainingCost({ tiers, examples: opts.examples, tokensPerExample: opts.tokensPerExample, baseParamsB: opts.baseParamsB, epochs: opts.epochs, method: opts.method });
  const at = (upfront: number) => fineTunePayback({ upfrontCost: upfront, lcprBefore: e.lcprBefore, reduction: e.reduction, acceptedPerDay: e.acceptedPerDay, iterationCostPerMonth: opts.iterationCost });
  return { training, economics: e, paybackOnCompute: at(training.computeCost[1]), paybackOnProgram: [at(training.programCost[0]), at(training.programCost[1])] as const };
}
