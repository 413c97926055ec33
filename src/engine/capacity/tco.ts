import { requireInRange } from '../errors.js';
import { TOKENS_PER_MILLION } from '../units.js';

const DAYS_PER_YEAR = 365;

/** Self-hosted USD per million output tokens at a utilization: hourly ÷ (throughput × 3,600 × u) (Open vs Closed LLM TCO Guide, "Self-hosted"). */
export function selfHostedPerMillion(hourly: number, throughputTokensPerSecond: number, utilization: number): number {
  requireInRange('hourly', hourly, { min: 0 });
  requireInRange('throughputTokensPerSecond', throughputTokensPerSecond, { min: 0, minExclusive: true });
  requireInRange('utilization', utilization, { min: 0, minExclusive: true, max: 1 });
  return (hourly / (throughputTokensPerSecond * 3600 * utilization)) * TOKENS_PER_MILLION;
}

/** Utilization at which self-hosted $/M equals a serverless price: hourly ÷ (throughput × 3,600 × price/M). */
export function selfHostedBreakevenUtilization(hourly: number, throughputTokensPerSecond: number, serverlessPerMillion: number): number {
  requireInRange('serverlessPerMillion', serverlessPerMillion, { min: 0, minExclusive: true });
  requireInRange('throughputTokensPerSecond', throughputTokensPerSecond, { min: 0, minExclusive: true });
  return (hourly * TOKENS_PER_MILLION) / (throughputTokensPerSecond * 3600 * serverlessPerMillion);
}

/** Annual overhead items (Open vs Closed LLM TCO Guide, "But this is the wrong math") → USD per day. */
export function overheadPerDay(annualItems: Record<string, number>): { perYear: number; perDay: number } {
  let perYear = 0;
  for (const [k, v] of Object.entries(annualItems)) perYear += requireInRange(`overhead.${k}`, v, { min: 0 });
  return { perYear, perDay: perYear / DAYS_PER_YEAR };
}

export interface TcoInput {
  /** Serverless USD per million output tokens. */
  serverlessPerMillion: number;
  /** One self-hosted instance (e.g. 2×H100): hourly rates and the output tokens it carries per day. */
  onDemandHourly: number;
  reservedHourly?: number;
  /** Output tokens one instance serves per day at its planned utilization (the step size of the fleet). */
  instanceTokensPerDay: number;
  /** Fixed operational overhead in USD per day (0 = raw compute only). */
  overheadPerDay?: number;
  dailyOutputTokens: number[];
}

export interface TcoRow {
  dailyOutputTokens: number;
  instances: number;
  serverless: number;
  onDemand: number;
  reserved?: number;
  overhead: number;
  onDemandTotal: number;
  reservedTotal?: number;
  /** Cheapest self-hosted daily total and its term. */
  selfHosted: { term: 'on_demand' | 'reserved'; total: number };
  winner: 'serverless' | 'self_hosted';
  /** Loser's daily cost ÷ winner's. */
  factor: number;
  /** Serverless cost ÷ each self-hosted total (> 1: self-hosting is cheaper). */
  ratios: { onDemand: number; reserved?: number };
  verdict: string;
}

export interface Tco {
  rows: TcoRow[];
  /** Smallest listed volume at which self-hosting (cheapest term) wins, or null. */
  firstSelfHostedWin: number | null;
  formulas: { label: string; formula: string; cite: string }[];
}

/**
 * Self-hosting vs serverless at daily output volumes (Open vs Closed LLM TCO Guide, "The Break-Even Calculator"):
 * instances = ceil(tokens ÷ tokens per instance-day); compute = instances × hourly × 24; + daily overhead;
 * serverless = tokens × price. The verdict is whatever these numbers say.
 */
export function selfHostingTco(input: TcoInput): Tco {
  requireInRange('serverlessPerMillion', input.serverlessPerMillion, { min: 0, minExclusive: true });
  requireInRange('onDemandHourly', input.onDemandHourly, { min: 0 });
  if (input.reservedHourly !== undefined) requireInRange('reservedHourly', input.reservedHourly, { min: 0 });
  requireInRange('instanceTokensPerDay', input.instanceTokensPerDay, { min: 0, minExclusive: true });
  const overhead = requireInRange('overheadPerDay', input.overheadPerDay ?? 0, { min: 0 });
  const rows = input.dailyOutputTokens.map((v, i): TcoRow => {
    requireInRange(`dailyOutputTokens[${i}]`, v, { min: 0, minExclusive: true });
    const instances = Math.max(1, Math.ceil(v / input.instanceTokensPerDay - 1e-9));
    const serverless = (v / TOKENS_PER_MILLION) * input.serverlessPerMillion;
    const onDemand = instances * input.onDemandHourly * 24;
    const reserved = input.reservedHourly !== undefined ? instances * input.reservedHourly * 24 : undefined;
    const onDemandTotal = onDemand + overhead;
    const reservedTotal = reserved !== undefined ? reserved + overhead : undefined;
    const selfHosted = reservedTotal !== undefined && reservedTotal < onDemandTotal ? { term: 'reserved' as const, total: reservedTotal } : { term: 'on_demand' as const, total: onDemandTotal };
    const winner = selfHosted.total < serverless ? 'self_hosted' : 'serverless';
    const factor = winner === 'serverless' ? selfHosted.total / serverless : serverless / selfHosted.total;
    const termText = selfHosted.term === 'reserved' ? 'reserved' : 'on-demand';
    const range =
      winner === 'serverless' && reservedTotal !== undefined && reservedTotal !== onDemandTotal
        ? `${(reservedTotal / serverless).toFixed(1)}-${(onDemandTotal / serverless).toFixed(1)}x`
        : `${factor.toFixed(1)}x`;
    return {
      dailyOutputTokens: v,
      instances,
      serverless,
      onDemand,
      ...(reserved !== undefined ? { reserved } : {}),
      overhead,
      onDemandTotal,
      ...(reservedTotal !== undefined ? { reservedTotal } : {}),
      selfHosted,
      winner,
      factor,
      ratios: { onDemand: serverless / onDemandTotal, ...(reservedTotal !== undefined ? { reserved: serverless / reservedTotal } : {}) },
      verdict: winner === 'serverless' ? `Serverless wins by ${range}` : `Self-hosted (${termText}) wins by ${range}`,
    };
  });
  const win = rows.find((r) => r.winner === 'self_hosted');
  return {
    rows,
    firstSelfHostedWin: win ? win.dailyOutputTokens : null,
    formulas: [
      { label: 'Instances', formula: `max(1, ceil(daily output tokens ÷ ${input.instanceTokensPerDay.toLocaleString('en-US')} per instance-day))`, cite: 'Open vs Closed LLM TCO Guide, The Break-Even Calculator' },
      { label: 'Daily compute', formula: `instances × $${input.onDemandHourly}/h on demand${input.reservedHourly !== undefined ? ` ($${input.reservedHourly}/h reserved)` : ''} × 24 h`, cite: 'Open vs Closed LLM TCO Guide, The Break-Even Calculator' },
      { label: 'Daily serverless', formula: `daily output tokens × $${input.serverlessPerMillion}/M`, cite: 'Open vs Closed LLM TCO Guide, The Break-Even Calculator' },
      { label: 'Daily overhead', formula: `$${overhead.toFixed(2)} fixed per day`, cite: 'Open vs Closed LLM TCO Guide, But this is the wrong math' },
    ],
  };
}

/**
 * Monthly token bill at a total volume split into input and output (Open vs Closed LLM TCO Guide, "Cost Modeling at Three
 * Realistic Scales": 60% input, 40% output), less a negotiated discount.
 */
export function monthlyTokenCost(totalTokens: number, inputShare: number, inputPerMillion: number, outputPerMillion: number, discount = 0): number {
  requireInRange('totalTokens', totalTokens, { min: 0 });
  requireInRange('inputShare', inputShare, { min: 0, max: 1 });
  requireInRange('inputPerMillion', inputPerMillion, { min: 0 });
  requireInRange('outputPerMillion', outputPerMillion, { min: 0 });
  requireInRange('discount', discount, { min: 0, max: 1, maxExclusive: true });
  const m = totalTokens / TOKENS_PER_MILLION;
  return m * (inputShare * inputPerMillion + (1 - inputShare) * outputPerMillion) * (1 - discount);
}
