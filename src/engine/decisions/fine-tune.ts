import { type Quantity, sourced } from '../evidence.js';
import { RoutefitError, requireInRange } from '../errors.js';
import { type Flag, type Verdict, flag, flagFact, verdict } from './verdict.js';
import { DAYS_PER_MONTH, TOKENS_PER_MILLION } from '../units.js';

const CH19 = 'the playbook, ch. 19, Fine-Tuning and Post-Training as Cost Levers';

/**
 * A posted LoRA training rate (USD per million training tokens) for base models up to `maxParamsB`
 * billion parameters. The rates are catalog data (catalog/fine-tuning.yaml, Inference Economics Playbook, ch. 19 "LoRA
 * economics"): the caller passes the tiers in force, with their source.
 */
export interface LoraTrainingTier {
  maxParamsB: number;
  ratePerMillion: number;
  label: string;
  source?: string;
  asOf?: string;
}

/** Inference Economics Playbook, ch. 19: DPO costs roughly 2-3x the equivalent SFT run. */
export const DPO_MULTIPLIER: [number, number] = [2, 3];
/** Inference Economics Playbook, ch. 19 "Hidden costs": data prep, evals, drift and refresh add up to 2-5x compute. */
export const HIDDEN_COST_MULTIPLIER: [number, number] = [2, 5];

export interface TrainingCostInput {
  examples: number;
  tokensPerExample: number;
  baseParamsB: number;
  epochs?: number;
  method?: 'sft' | 'dpo';
  /** The rate tiers in force, smallest base first (catalog/fine-tuning.yaml). */
  tiers: readonly LoraTrainingTier[];
}

export interface TrainingCost {
  trainingTokens: number;
  tier: LoraTrainingTier;
  /** SFT compute cost; for DPO a [low, high] band. */
  computeCost: [number, number];
  /** Compute × the hidden-cost multiplier: the program's real cost band. */
  programCost: [number, number];
  cite: string;
}

/** Training cost = examples × tokens per example × epochs × tier rate (Inference Economics Playbook, ch. 19: 50K × 1,500 on a 7B base at $0.48/M is under $40). */
export function loraTrainingCost(input: TrainingCostInput): TrainingCost {
  requireInRange('examples', input.examples, { min: 0 });
  requireInRange('tokensPerExample', input.tokensPerExample, { min: 0 });
  const tiers = input.tiers;
  if (!tiers.length) throw new RoutefitError('invalid_input', 'no LoRA training rate tiers given (catalog/fine-tuning.yaml)', { field: 'tiers' });
  tiers.forEach((t, i) => {
    requireInRange(`tiers[${i}].ratePerMillion`, t.ratePerMillion, { min: 0 });
    if (i > 0 && !(t.maxParamsB > tiers[i - 1]!.maxParamsB)) throw new RoutefitError('invalid_input', `tiers[${i}].maxParamsB ${t.maxParamsB} must exceed the previous tier's ${tiers[i - 1]!.maxParamsB}`, { field: 'tiers' });
  });
  requireInRange('baseParamsB', input.baseParamsB, { min: 0, minExclusive: true, max: tiers[tiers.length - 1]!.maxParamsB });
  const epochs = requireInRange('epochs', input.epochs ?? 1, { min: 0, minExclusive: true });
  const tier = tiers.find((t) => input.baseParamsB <= t.maxParamsB)!;
  const trainingTokens = input.examples * input.tokensPerExample * epochs;
  const sft = (trainingTokens / TOKENS_PER_MILLION) * tier.ratePerMillion;
  const computeCost: [number, number] = input.method === 'dpo' ? [sft * DPO_MULTIPLIER[0], sft * DPO_MULTIPLIER[1]] : [sft, sft];
  return {
    trainingTokens,
    tier,
    computeCost,
    programCost: [computeCost[0] * HIDDEN_COST_MULTIPLIER[0], computeCost[1] * HIDDEN_COST_MULTIPLIER[1]],
    cite: `${CH19}, LoRA economics${tier.source ? ` (rate: ${tier.source})` : ''}`,
  };
}

export interface FineTunePaybackInput {
  /** One-time cost (training plus data prep). */
  upfrontCost: number;
  /** Cost per accepted output before the fine-tune. */
  lcprBefore: Quantity;
  /** Fractional reduction in cost per accepted output (0.05 = 5%). */
  reduction: Quantity;
  acceptedPerDay: Quantity;
  /** Data refresh, eval re-runs, drift monitoring, retraining. */
  iterationCostPerMonth?: number;
}

export interface FineTunePayback {
  monthlySavings: number;
  netMonthlySavings: number;
  paybackDays: number | null;
  /** Accepted outputs per day below which the fine-tune does not earn its keep. */
  breakEvenPerDay: number | null;
  cite: string;
}

/** Inference Economics Playbook, ch. 19 "Calculator hook": payback = upfront ÷ (LCPR × reduction × volume − iteration cost); break-even volume where the two meet. */
export function fineTunePayback(input: FineTunePaybackInput): FineTunePayback {
  requireInRange('upfrontCost', input.upfrontCost, { min: 0 });
  const lcpr = requireInRange('lcprBefore', sourced(input.lcprBefore).value, { min: 0 });
  const red = requireInRange('reduction', sourced(input.reduction).value, { min: 0, max: 1 });
  const perDay = requireInRange('acceptedPerDay', sourced(input.acceptedPerDay).value, { min: 0 });
  const iter = requireInRange('iterationCostPerMonth', input.iterationCostPerMonth ?? 0, { min: 0 });
  const savingPerOutput = lcpr * red;
  const monthlySavings = savingPerOutput * perDay * DAYS_PER_MONTH;
  const net = monthlySavings - iter;
  return {
    monthlySavings,
    netMonthlySavings: net,
    paybackDays: net > 0 ? (input.upfrontCost / net) * DAYS_PER_MONTH : null,
    breakEvenPerDay: savingPerOutput > 0 ? iter / DAYS_PER_MONTH / savingPerOutput : null,
    cite: `${CH19}, LoRA economics`,
  };
}

export interface FineTuneReadinessInput {
  evalSuite?: Flag;
  namedFailureMode?: Flag;
  trainingData?: Flag;
  licensePermits?: Flag;
  requestsPerDay?: number;
}

/** Inference Economics Playbook, ch. 19 "Readiness scorecard": all five must hold before greenlighting a fine-tune (volume floor ~1K requests/day). */
export function fineTuneReadiness(input: FineTuneReadinessInput): { ready: boolean; items: Verdict[] } {
  const cite = `${CH19}, Readiness scorecard`;
  const item = (rule: string, title: string, f: Flag | undefined, measure: string) =>
    verdict({
      rule,
      title,
      status: f === undefined ? 'unknown' : flag(f).value ? 'pass' : 'fail',
      reason: f === undefined ? `unknown — measure ${measure}` : flag(f).value ? 'confirmed' : 'missing',
      cite,
      compared: f === undefined ? [] : [flagFact(title, f)],
      measureNext: f === undefined ? [measure] : [],
    });
  const items = [
    item('ft-evals', 'Representative eval suite exists', input.evalSuite, 'eval coverage of production traffic'),
    item('ft-failure-mode', 'Clear, named failure mode', input.namedFailureMode, 'the failure mode the fine-tune targets'),
    item('ft-data', 'Labeled or preference data at scale', input.trainingData, 'how much labeled data production traces can yield'),
    item('ft-license', 'Base-model license permits the fine-tune and its use', input.licensePermits, 'the base model license terms for derivatives'),
  ];
  const v = input.requestsPerDay;
  items.push(
    verdict({
      rule: 'ft-volume',
      title: 'Volume above ~1K requests/day on the target workload',
      status: v === undefined ? 'unknown' : v >= 1000 ? 'pass' : 'fail',
      reason: v === undefined ? 'unknown — measure requests per day on the target workload' : v >= 1000 ? `${Math.round(v)} requests/day` : `${Math.round(v)} requests/day is under the ~1K floor: iteration cost likely exceeds savings`,
      cite,
      compared: v === undefined ? [] : [{ label: 'requests per day', value: v, threshold: '≥ 1,000' }],
      measureNext: v === undefined ? ['requests per day on the target workload'] : [],
    }),
  );
  return { ready: items.every((i) => i.status === 'pass'), items };
}
