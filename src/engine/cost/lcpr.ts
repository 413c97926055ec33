import { boundsOf } from '../../workload/fields.js';
import { type Quantity, type Sourced, sourced } from '../evidence.js';
import { RoutefitError, requireFinite, requireInRange } from '../errors.js';
import { type AttemptCost, type CacheTtl, type TokenPriceSheet, attemptCost } from './token-pricing.js';
import { type GpuSizing, sizeGpus } from '../capacity/capacity.js';

export const DEPLOYMENT_MODES = ['closed_api', 'serverless', 'managed_dedicated', 'self_managed'] as const;
export type DeploymentMode = (typeof DEPLOYMENT_MODES)[number];

/** What a workload looks like, per original request and per month. Bare numbers count as `assumed`. */
export interface WorkloadProfile {
  name?: string;
  requestsPerMonth: Quantity;
  inputTokens: Quantity;
  outputTokens: Quantity;
  retryRate: Quantity;
  qualityPassRate: Quantity;
  repairCostPerFailure: Quantity;
  engineeringHoursPerMonth: Quantity;
  engineeringHourlyRate: Quantity;
  cacheHitRate?: Quantity;
  cacheWriteRate?: Quantity;
  cacheWriteTtl?: CacheTtl;
  batchEligibleShare?: Quantity;
  /** The author's later decomposition: (inference + eval + human + ops + delta) / accepted. */
  evalCostPerMonth?: Quantity;
  humanEscalationRate?: Quantity;
  humanCostPerEscalation?: Quantity;
  opsCostPerMonth?: Quantity;
  invoiceDeltaPerMonth?: Quantity;
}

/** Where a route's price came from. */
export interface PriceProvenance {
  origin: 'catalog' | 'genai-prices' | 'overlay' | 'override';
  source: string;
  /** Date the price was observed. */
  asOf?: string;
  /** Date the price took effect. */
  effective?: string;
}

interface RouteBase {
  id: string;
  mode: DeploymentMode;
  label?: string;
  provenance?: PriceProvenance;
  /** Overrides the workload's engineering hours for this route (self-managed needs more). */
  engineeringHoursPerMonth?: Quantity;
  /** The route's own values of workload inputs that differ by route (quality differs by model). */
  overrides?: RouteOverrides;
}

/** Workload inputs a route may carry as its own value and evidence label. */
export type RouteOverrides = Partial<Record<'retryRate' | 'qualityPassRate' | 'repairCostPerFailure' | 'cacheHitRate', Quantity>>;

export interface TokenRouteSpec extends RouteBase {
  billing: 'tokens';
  price: TokenPriceSheet;
}

export interface GpuRouteSpec extends RouteBase {
  billing: 'gpu';
  /** USD per hour for one instance of the SKU. */
  gpuHourly: Quantity;
  throughputTokensPerSecond: Quantity;
  utilization: Quantity;
  /** Fixed instance count; otherwise sized to demand. */
  gpus?: number;
  prefillEfficiency?: Quantity;
  /** The model the GPU serves, for display. */
  serves?: string;
}

export type RouteSpec = TokenRouteSpec | GpuRouteSpec;

export interface Step {
  id: string;
  label: string;
  /** The formula in words. */
  formula: string;
  /** The same formula with this route's numbers. */
  expression: string;
  value: number;
  unit: string;
  /** Where the formula comes from. */
  cite: string;
}

export interface Breakdown {
  /** Monthly token spend, retries included (0 on GPU routes). */
  tokens: number;
  /** The part of `tokens` that retries burn. */
  retries: number;
  repair: number;
  engineering: number;
  gpu: number;
  eval: number;
  human: number;
  ops: number;
  invoiceDelta: number;
}

export interface RouteResult {
  route: string;
  label: string;
  mode: DeploymentMode;
  billing: 'tokens' | 'gpu';
  /** Pricing-page arithmetic for one request: token cost of one attempt, or GPU month ÷ requests. */
  rawCostPerRequest: number;
  /** Loaded cost per accepted request. */
  lcpr: number;
  monthlyCost: number;
  /** LCPR ÷ raw; null when the raw cost is zero (a free route). */
  overheadRatio: number | null;
  acceptedRequestsPerMonth: number;
  attemptsPerMonth: number;
  breakdown: Breakdown;
  attempt?: AttemptCost;
  gpu?: GpuSizing & { hourlyRate: number; throughputTokensPerSecond: number; utilization: number; serves?: string };
  /** Every input the result used, with its evidence label. */
  inputs: Record<string, Sourced>;
  provenance?: PriceProvenance;
  steps: Step[];
  notes: string[];
}

const FRACTION = { min: 0, max: 1 } as const;

interface Resolved {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  retryRate: number;
  passRate: number;
  repairCost: number;
  engHours: number;
  engRate: number;
  cacheHit: number;
  cacheWrite: number;
  batchShare: number;
  evalMonthly: number;
  humanRate: number;
  humanCost: number;
  opsMonthly: number;
  invoiceDelta: number;
}

/** Validates and unwraps a profile, recording each input's evidence. */
function resolveProfile(p: WorkloadProfile, route: RouteSpec, inputs: Record<string, Sourced>): Resolved {
  // Bounds are the field registry's (src/workload/fields.ts): the file, the levers and this check agree.
  const take = (field: string, q: Quantity | undefined, range: Parameters<typeof requireInRange>[2], fallback?: number): number => {
    if (q === undefined) {
      if (fallback === undefined) throw new RoutefitError('invalid_input', `${field} is required`, { field });
      return fallback;
    }
    const s = sourced(q);
    requireInRange(field, s.value, range);
    inputs[field] = s;
    return s.value;
  };
  const engHoursQ = route.engineeringHoursPerMonth ?? p.engineeringHoursPerMonth;
  // A route's own value wins over the workload's (a cheaper model with a lower pass rate).
  const own = route.overrides ?? {};
  const r: Resolved = {
    requests: take('requestsPerMonth', p.requestsPerMonth, boundsOf('requestsPerMonth')),
    inputTokens: take('inputTokens', p.inputTokens, boundsOf('inputTokens')),
    outputTokens: take('outputTokens', p.outputTokens, boundsOf('outputTokens')),
    retryRate: take('retryRate', own.retryRate ?? p.retryRate, boundsOf('retryRate')),
    passRate: take('qualityPassRate', own.qualityPassRate ?? p.qualityPassRate, boundsOf('qualityPassRate')),
    repairCost: take('repairCostPerFailure', own.repairCostPerFailure ?? p.repairCostPerFailure, boundsOf('repairCostPerFailure')),
    engHours: take('engineeringHoursPerMonth', engHoursQ, boundsOf('engineeringHoursPerMonth')),
    engRate: take('engineeringHourlyRate', p.engineeringHourlyRate, boundsOf('engineeringHourlyRate')),
    cacheHit: take('cacheHitRate', own.cacheHitRate ?? p.cacheHitRate, boundsOf('cacheHitRate'), 0),
    cacheWrite: take('cacheWriteRate', p.cacheWriteRate, boundsOf('cacheWriteRate'), 0),
    batchShare: take('batchEligibleShare', p.batchEligibleShare, boundsOf('batchEligibleShare'), 0),
    evalMonthly: take('evalCostPerMonth', p.evalCostPerMonth, boundsOf('evalCostPerMonth'), 0),
    humanRate: take('humanEscalationRate', p.humanEscalationRate, boundsOf('humanEscalationRate'), 0),
    humanCost: take('humanCostPerEscalation', p.humanCostPerEscalation, boundsOf('humanCostPerEscalation'), 0),
    opsMonthly: take('opsCostPerMonth', p.opsCostPerMonth, boundsOf('opsCostPerMonth'), 0),
    invoiceDelta: take('invoiceDeltaPerMonth', p.invoiceDeltaPerMonth, boundsOf('invoiceDeltaPerMonth'), 0),
  };
  if (r.cacheHit + r.cacheWrite > 1) {
    throw new RoutefitError('invalid_input', `cacheHitRate + cacheWriteRate is ${r.cacheHit + r.cacheWrite}; allowed ≤ 1 (both are shares of the same input tokens)`, {
      field: 'cacheWriteRate',
      allowed: 'cacheHitRate + cacheWriteRate ≤ 1',
    });
  }
  return r;
}

// One formatter per precision: toLocaleString builds a new one per call (~1 ms per LCPR; Monte Carlo runs 200k).
const USD_FORMATS = new Map<number, Intl.NumberFormat>();
const usd = (n: number, digits = 2) => {
  let f = USD_FORMATS.get(digits);
  if (!f) USD_FORMATS.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return `$${f.format(n)}`;
};
const NUM_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
const num = (n: number) => NUM_FORMAT.format(n);

export interface LcprOptions {
  /** false: leave `steps` and `notes` empty (same numbers, none of the formatted working). Default true. */
  explain?: boolean;
}

/**
 * Loaded cost per accepted request for one route (Inference Field Guide, Part 0):
 *   LCPR = (token_cost + repair_cost + engineering_cost [+ eval + human + ops + delta]) / successful_requests
 */
export function computeLcpr(profile: WorkloadProfile, route: RouteSpec, opts: LcprOptions = {}): RouteResult {
  const inputs: Record<string, Sourced> = {};
  const notes: string[] = [];
  const steps: Step[] = [];
  // A Monte Carlo run prices ~200k routes and reads none of their working or notes: skip formatting them.
  const explain = opts.explain ?? true;
  const w = resolveProfile(profile, route, inputs);

  // Inference Field Guide, Part 0: total attempts = requests × (1 + retry rate).
  const attempts = requireFinite(w.requests * (1 + w.retryRate), 'attempts per month', 'requests × (1 + retry_rate)', { requestsPerMonth: w.requests, retryRate: w.retryRate });
  if (explain) steps.push({
    id: 'attempts',
    label: 'Attempts per month',
    formula: 'requests × (1 + retry_rate)',
    expression: `${num(w.requests)} × (1 + ${num(w.retryRate)})`,
    value: attempts,
    unit: 'attempts/month',
    cite: 'Inference Field Guide, Part 0',
  });

  let raw: number;
  let tokenCost = 0;
  let retryCost = 0;
  let gpuCost = 0;
  let attempt: AttemptCost | undefined;
  let gpu: RouteResult['gpu'];

  if (route.billing === 'tokens') {
    attempt = attemptCost(
      route.price,
      {
        inputTokens: w.inputTokens,
        outputTokens: w.outputTokens,
        cacheHitRate: w.cacheHit,
        cacheWriteRate: w.cacheWrite,
        cacheWriteTtl: profile.cacheWriteTtl ?? '5m',
        batchShare: w.batchShare,
      },
      route.id,
    );
    for (const [k, v] of Object.entries(attempt.pricesUsed)) inputs[`price.${k}`] = v;
    if (explain) notes.push(...attempt.notes);
    const inP = attempt.pricesUsed.input!.value;
    const outP = attempt.pricesUsed.output!.value;
    raw = requireFinite(attempt.total, 'raw token cost per request', 'tokens × prices', {
      inputTokens: w.inputTokens,
      outputTokens: w.outputTokens,
      ...Object.fromEntries(Object.entries(attempt.pricesUsed).map(([k, v]) => [`price.${k}`, v.value])),
    });
    const plain = w.cacheHit === 0 && w.cacheWrite === 0 && w.batchShare === 0;
    if (explain) steps.push({
      id: 'raw',
      label: 'Raw token cost per request',
      formula: plain
        ? 'input_tokens × input rate + output_tokens × output rate'
        : 'uncached input + cached input + cache writes + output, batch share at batch rates',
      expression: plain
        ? `${num(w.inputTokens)} × ${usd(inP)}/M + ${num(w.outputTokens)} × ${usd(outP)}/M`
        : `${usd(attempt.parts.uncachedInput, 6)} + ${usd(attempt.parts.cachedInput, 6)} + ${usd(attempt.parts.cacheWrite, 6)} + ${usd(attempt.parts.output, 6)}`,
      value: raw,
      unit: 'USD/request',
      cite: 'Inference Field Guide, Part 0',
    });
    tokenCost = requireFinite(raw * attempts, 'token cost per month', 'raw cost per request × attempts', { rawCostPerRequest: raw, requestsPerMonth: w.requests });
    retryCost = raw * w.requests * w.retryRate;
    if (explain) steps.push({
      id: 'tokens',
      label: 'Token cost',
      formula: 'raw cost per request × requests × (1 + retry_rate)',
      expression: `${usd(raw, 6)} × ${num(w.requests)} × (1 + ${num(w.retryRate)})`,
      value: tokenCost,
      unit: 'USD/month',
      cite: 'Inference Field Guide, Part 0',
    });
  } else {
    const hourly = sourced(route.gpuHourly);
    const thr = sourced(route.throughputTokensPerSecond);
    const util = sourced(route.utilization);
    const prefill = sourced(route.prefillEfficiency ?? 0);
    inputs.gpuHourly = hourly;
    inputs.throughputTokensPerSecond = thr;
    inputs.utilization = util;
    if (route.prefillEfficiency !== undefined) inputs.prefillEfficiency = prefill;
    const sizing = sizeGpus(
      { attemptsPerMonth: attempts, outputTokens: w.outputTokens, inputTokens: w.inputTokens, prefillEfficiency: prefill.value },
      { hourlyRate: hourly.value, throughputTokensPerSecond: thr.value, utilization: util.value, ...(route.gpus !== undefined ? { fixedCount: route.gpus } : {}) },
    );
    // Listed field by field: spreading `sizing` here cost ~3 µs a call (V8 object clone), most of a Monte Carlo run.
    gpu = {
      count: sizing.count,
      demandTokensPerMonth: sizing.demandTokensPerMonth,
      capacityPerInstanceTokensPerMonth: sizing.capacityPerInstanceTokensPerMonth,
      realizedUtilization: sizing.realizedUtilization,
      monthlyCost: sizing.monthlyCost,
      hourlyRate: hourly.value,
      throughputTokensPerSecond: thr.value,
      utilization: util.value,
    };
    if (route.serves) gpu.serves = route.serves;
    if (explain) steps.push({
      id: 'gpus',
      label: 'GPUs needed',
      formula: route.gpus !== undefined ? 'fixed by the route' : 'max(1, ceil(tokens demanded per month ÷ (throughput × utilization × 2,592,000 s)))',
      expression:
        route.gpus !== undefined
          ? `${route.gpus}`
          : `ceil(${num(sizing.demandTokensPerMonth)} ÷ (${num(thr.value)} × ${num(util.value)} × 2,592,000))`,
      value: sizing.count,
      unit: 'GPUs',
      cite: 'Inference Field Guide, Part 0/Part 1',
    });
    gpuCost = requireFinite(sizing.monthlyCost, 'GPU cost per month', 'GPUs × hourly rate × 720 h', {
      requestsPerMonth: w.requests,
      outputTokens: w.outputTokens,
      gpuHourly: hourly.value,
      throughputTokensPerSecond: thr.value,
    });
    if (explain) steps.push({
      id: 'gpu',
      label: 'GPU cost',
      formula: 'GPUs × hourly rate × 720 h',
      expression: `${sizing.count} × ${usd(hourly.value)} × 720`,
      value: gpuCost,
      unit: 'USD/month',
      cite: 'Inference Field Guide, Part 1',
    });
    raw = gpuCost / w.requests;
    if (explain) steps.push({
      id: 'raw',
      label: 'Raw GPU cost per request',
      formula: 'GPU cost ÷ requests',
      expression: `${usd(gpuCost)} ÷ ${num(w.requests)}`,
      value: raw,
      unit: 'USD/request',
      cite: 'Inference Field Guide, Part 0',
    });
    if (explain && sizing.realizedUtilization < util.value * 0.5) {
      notes.push(
        `the GPU would run at ${(sizing.realizedUtilization * 100).toFixed(1)}% real utilization, well under the planned ${(util.value * 100).toFixed(0)}%: you pay for idle capacity`,
      );
    }
  }

  // Inference Field Guide, Part 0: repair = requests × (1 − pass rate) × repair cost per failure.
  const repair = requireFinite(w.requests * (1 - w.passRate) * w.repairCost, 'repair cost', 'requests × (1 − quality_pass_rate) × repair_cost_per_failure', {
    requestsPerMonth: w.requests,
    repairCostPerFailure: w.repairCost,
  });
  if (explain) steps.push({
    id: 'repair',
    label: 'Repair cost',
    formula: 'requests × (1 − quality_pass_rate) × repair_cost_per_failure',
    expression: `${num(w.requests)} × (1 − ${num(w.passRate)}) × ${usd(w.repairCost, 4)}`,
    value: repair,
    unit: 'USD/month',
    cite: 'Inference Field Guide, Part 0',
  });
  // Inference Field Guide, Part 0: engineering = hours per month × hourly rate.
  const engineering = requireFinite(w.engHours * w.engRate, 'engineering cost', 'engineering_hours_per_month × engineering_hourly_rate', {
    engineeringHoursPerMonth: w.engHours,
    engineeringHourlyRate: w.engRate,
  });
  if (explain) steps.push({
    id: 'engineering',
    label: 'Engineering cost',
    formula: 'engineering_hours_per_month × engineering_hourly_rate',
    expression: `${num(w.engHours)} h × ${usd(w.engRate)}`,
    value: engineering,
    unit: 'USD/month',
    cite: 'Inference Field Guide, Part 0',
  });
  // Later decomposition (Inference Field Guide, Part 0, "The Denominator Problem"): eval + human escalation + ops + invoice delta.
  const human = requireFinite(w.requests * w.humanRate * w.humanCost, 'human escalation cost', 'requests × escalation_rate × cost_per_escalation', {
    requestsPerMonth: w.requests,
    humanCostPerEscalation: w.humanCost,
  });
  const others = requireFinite(w.evalMonthly + human + w.opsMonthly + w.invoiceDelta, 'eval, human, ops and invoice delta', 'eval + human + ops + invoice_delta', {
    evalCostPerMonth: w.evalMonthly,
    humanEscalationCost: human,
    opsCostPerMonth: w.opsMonthly,
    invoiceDeltaPerMonth: w.invoiceDelta,
  });
  if (others !== 0) {
    if (explain) steps.push({
      id: 'others',
      label: 'Eval, human escalation, ops and invoice delta',
      formula: 'eval + requests × escalation_rate × cost_per_escalation + ops + invoice_delta',
      expression: `${usd(w.evalMonthly)} + ${num(w.requests)} × ${num(w.humanRate)} × ${usd(w.humanCost)} + ${usd(w.opsMonthly)} + ${usd(w.invoiceDelta)}`,
      value: others,
      unit: 'USD/month',
      cite: 'Inference Field Guide, Part 0 (full decomposition)',
    });
  }

  const monthly = requireFinite(tokenCost + gpuCost + repair + engineering + others, 'monthly cost', 'token + GPU + repair + engineering + others', {
    tokenCost,
    gpuCost,
    repairCost: repair,
    engineeringCost: engineering,
    otherCosts: others,
  });
  if (!(monthly >= 0)) {
    throw new RoutefitError('invalid_input', `monthly cost comes to ${monthly}: invoice_delta_per_month cannot exceed the rest of the bill`, {
      field: 'invoiceDeltaPerMonth',
    });
  }
  if (explain) steps.push({
    id: 'monthly',
    label: 'Monthly cost',
    formula: route.billing === 'tokens' ? 'token + repair + engineering (+ others)' : 'GPU + repair + engineering (+ others)',
    expression: [route.billing === 'tokens' ? usd(tokenCost) : usd(gpuCost), usd(repair), usd(engineering), ...(others ? [usd(others)] : [])].join(' + '),
    value: monthly,
    unit: 'USD/month',
    cite: 'Inference Field Guide, Part 0',
  });
  // Inference Field Guide, Part 0: successful = requests × quality gate pass rate.
  const accepted = requireFinite(w.requests * w.passRate, 'accepted requests', 'requests × quality_pass_rate', { requestsPerMonth: w.requests, qualityPassRate: w.passRate });
  if (explain) steps.push({
    id: 'accepted',
    label: 'Accepted requests',
    formula: 'requests × quality_pass_rate',
    expression: `${num(w.requests)} × ${num(w.passRate)}`,
    value: accepted,
    unit: 'requests/month',
    cite: 'Inference Field Guide, Part 0',
  });
  const lcpr = requireFinite(monthly / accepted, 'LCPR', 'monthly cost ÷ accepted requests', { monthlyCost: monthly, acceptedRequests: accepted });
  if (explain) steps.push({
    id: 'lcpr',
    label: 'LCPR',
    formula: 'monthly cost ÷ accepted requests',
    expression: `${usd(monthly)} ÷ ${num(accepted)}`,
    value: lcpr,
    unit: 'USD/accepted request',
    cite: 'Inference Field Guide, Part 0',
  });
  const overheadRatio = raw > 0 ? lcpr / raw : null;
  if (overheadRatio !== null) {
    if (explain) steps.push({
      id: 'overhead',
      label: 'Overhead ratio',
      formula: 'LCPR ÷ raw cost per request',
      expression: `${usd(lcpr, 4)} ÷ ${usd(raw, 4)}`,
      value: overheadRatio,
      unit: '×',
      cite: 'Inference Field Guide, Part 0',
    });
  } else if (explain) {
    notes.push('raw cost is zero: no overhead ratio');
  }

  return {
    route: route.id,
    label: route.label ?? route.id,
    mode: route.mode,
    billing: route.billing,
    rawCostPerRequest: raw,
    lcpr,
    monthlyCost: monthly,
    overheadRatio,
    acceptedRequestsPerMonth: accepted,
    attemptsPerMonth: attempts,
    breakdown: {
      tokens: tokenCost,
      retries: retryCost,
      repair,
      engineering,
      gpu: gpuCost,
      eval: w.evalMonthly,
      human,
      ops: w.opsMonthly,
      invoiceDelta: w.invoiceDelta,
    },
    // Absent optional parts stay undefined (JSON omits them) rather than being spread in: cheaper per call.
    attempt,
    gpu,
    inputs,
    provenance: route.provenance,
    steps,
    notes,
  };
}
