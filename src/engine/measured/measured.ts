import { type Quantity, type Sourced, sourced } from '../evidence.js';
import { RoutefitError, requireInRange } from '../errors.js';
import type { Step, WorkloadProfile } from '../cost/lcpr.js';
import { DAYS_PER_MONTH } from '../units.js';
import { type CostPerAcceptedResult, type MeasuredOverheadTerms, measuredCostPerAccepted } from './cost-per-accepted.js';
import { type ProrationRequest, type ProrationWindow, acceptedOutputs, prorationWindow, windowOfLength } from './proration.js';

/**
 * Measured LCPR (issue 5, Trace Kit): the same decomposition as `computeLcpr` (Inference Field Guide, Part 0,
 * "The Denominator Problem": (inference + repair + engineering + eval + human + ops) ÷ accepted),
 * but with the inference cost as billed per attempt from traces instead of tokens × list price,
 * over an observed window instead of a month. Pure: the trace store does the aggregation.
 */
export interface MeasuredWindow {
  /** Length of the observed window in days. */
  windowDays: number;
  /** First and last traced request (ISO, UTC): with them the window follows the proration rule (proration.ts). */
  start?: string;
  end?: string;
  /** Original requests (distinct request ids) in the window. */
  requests: number;
  /** All attempts, retries included. */
  attempts: number;
  /** Requests with a final quality label (pass, fail, repaired). */
  labelled: number;
  /** Labelled requests whose final attempt passed. */
  passed: number;
  /** Requests escalated to a person. */
  escalated: number;
  /** Token cost of every priced attempt, retries included (USD). */
  tokenCostUsd: number;
  /** Attempts no catalog price covers: when > 0 there is no LCPR, never a $0 one. */
  unpricedAttempts: number;
  /** Mean token cost of a first attempt: pricing-page arithmetic for one request (USD). */
  naiveCostPerRequest: number | null;
}

/** Monthly overheads the traces cannot see; they come from the workload file or flags. */
export interface MeasuredOverheads {
  repairCostPerFailure?: Quantity;
  engineeringHoursPerMonth?: Quantity;
  engineeringHourlyRate?: Quantity;
  evalCostPerMonth?: Quantity;
  humanCostPerEscalation?: Quantity;
  opsCostPerMonth?: Quantity;
  /** What decides the window monthly figures are prorated over (explicit ends, invoice periods, a stated length). */
  prorateOver?: ProrationRequest;
}

export interface MeasuredLcpr {
  /** USD per accepted request; null when it cannot be computed honestly (see `missing`). */
  lcpr: number | null;
  naiveCostPerRequest: number | null;
  /** LCPR ÷ naive cost per request. */
  overheadRatio: number | null;
  passRate: number | null;
  retryRate: number;
  /** Requests × pass rate (Inference Field Guide, Part 0: successful = requests × quality pass rate). */
  accepted: number | null;
  /** Window cost by part (USD over the window). */
  breakdown: { tokens: number; repair: number; engineering: number; eval: number; human: number; ops: number };
  totalCostUsd: number;
  inputs: Record<string, Sourced>;
  steps: Step[];
  /** Why LCPR is null, when it is. */
  missing?: string;
  notes: string[];
  /** The overheads LCPR counts, each with its USD for the window and source; and those not given (counted as $0). */
  overheadsIncluded: CostPerAcceptedResult['included'];
  overheadsNotIncluded: CostPerAcceptedResult['notIncluded'];
  /** The window monthly overheads were prorated over, and the rule that chose it. */
  prorated: ProrationWindow;
}

export function measuredLcpr(m: MeasuredWindow, o: MeasuredOverheads = {}): MeasuredLcpr {
  requireInRange('windowDays', m.windowDays, { min: 0, minExclusive: true });
  for (const k of ['requests', 'attempts', 'labelled', 'passed', 'escalated', 'tokenCostUsd', 'unpricedAttempts'] as const) requireInRange(k, m[k], { min: 0 });
  if (m.passed > m.labelled || m.labelled > m.requests || m.attempts < m.requests) {
    throw new RoutefitError('invalid_input', `inconsistent window: passed ${m.passed} ≤ labelled ${m.labelled} ≤ requests ${m.requests} ≤ attempts ${m.attempts} must hold`);
  }
  const inputs: Record<string, Sourced> = {};
  const take = (field: string, q: Quantity | undefined) => {
    const s = sourced(q ?? 0, q === undefined ? 'not given: counted as 0' : undefined);
    requireInRange(field, s.value, { min: 0 });
    inputs[field] = s;
    return s.value;
  };
  // One window rule for every surface (proration.ts): explicit ends, else invoice periods, else a stated length, else the traced span.
  const prorated = m.start && m.end ? prorationWindow({ start: m.start, end: m.end }, o.prorateOver) : windowOfLength(o.prorateOver?.statedDays ?? m.windowDays, o.prorateOver?.statedDays !== undefined ? 'stated window' : 'traced span');
  const share = prorated.months;
  const steps: Step[] = [];
  const notes: string[] = [];
  const passRate = m.labelled > 0 ? m.passed / m.labelled : null;
  // Inference Field Guide, Part 0: attempts = requests × (1 + retry rate), so retry rate = attempts ÷ requests − 1.
  const retryRate = m.requests > 0 ? m.attempts / m.requests - 1 : 0;
  // Inference Field Guide, Part 0: successful = requests × pass rate; unlabelled requests take the labelled rate.
  const accepted = acceptedOutputs(m);
  if (m.labelled < m.requests && passRate !== null) {
    notes.push(`${m.requests - m.labelled} of ${m.requests} requests have no quality label: the pass rate of the labelled ${m.labelled} is applied to all`);
  }
  const repair = passRate === null ? 0 : m.requests * (1 - passRate) * take('repairCostPerFailure', o.repairCostPerFailure);
  const engineering = take('engineeringHoursPerMonth', o.engineeringHoursPerMonth) * take('engineeringHourlyRate', o.engineeringHourlyRate) * share;
  const evalCost = take('evalCostPerMonth', o.evalCostPerMonth) * share;
  const human = m.escalated * take('humanCostPerEscalation', o.humanCostPerEscalation);
  const ops = take('opsCostPerMonth', o.opsCostPerMonth) * share;
  // The one definition of cost per accepted output (cost-per-accepted.ts): an overhead is included when its inputs were given.
  const src = (...fields: Exclude<keyof MeasuredOverheads, 'prorateOver'>[]) => fields.map((f) => { const q = sourced(o[f] ?? 0); return q.source ?? q.evidence; }).join(' × ');
  const given = (...qs: (Quantity | undefined)[]) => qs.every((q) => q !== undefined);
  const terms: MeasuredOverheadTerms = {
    ...(given(o.repairCostPerFailure) ? { repair: { usd: repair, source: src('repairCostPerFailure') } } : {}),
    ...(given(o.engineeringHoursPerMonth, o.engineeringHourlyRate) ? { engineering: { usd: engineering, source: src('engineeringHoursPerMonth', 'engineeringHourlyRate') } } : {}),
    ...(given(o.evalCostPerMonth) ? { eval: { usd: evalCost, source: src('evalCostPerMonth') } } : {}),
    ...(given(o.humanCostPerEscalation) ? { human: { usd: human, source: src('humanCostPerEscalation') } } : {}),
    ...(given(o.opsCostPerMonth) ? { ops: { usd: ops, source: src('opsCostPerMonth') } } : {}),
  };
  // Engineering given by half (hours without rate or the reverse) is still $0: count it in the total all the same.
  const unified = measuredCostPerAccepted({ traceCostUsd: m.tokenCostUsd, accepted: accepted ?? 0, overheads: terms });
  const total = m.tokenCostUsd + repair + engineering + evalCost + human + ops;
  steps.push(
    { id: 'tokens', label: 'Billed token cost', formula: 'Σ attempt cost at catalog prices, retries included', expression: `${m.attempts} attempts`, value: m.tokenCostUsd, unit: 'USD/window', cite: 'Inference Field Guide, Part 0' },
    { id: 'repair', label: 'Repair cost', formula: 'requests × (1 − pass rate) × repair cost per failure', expression: `${m.requests} × (1 − ${passRate ?? '?'})`, value: repair, unit: 'USD/window', cite: 'Inference Field Guide, Part 0' },
    { id: 'fixed', label: 'Engineering, eval and ops', formula: '(engineering + eval + ops per month) × months in the window (each day ÷ days in its calendar month)', expression: `× ${share.toPrecision(6)} months (${prorated.rule})`, value: engineering + evalCost + ops, unit: 'USD/window', cite: 'Inference Field Guide, Part 0 (full decomposition)' },
    { id: 'human', label: 'Human escalation', formula: 'escalated requests × cost per escalation', expression: `${m.escalated} escalations`, value: human, unit: 'USD/window', cite: 'Inference Field Guide, Part 0 (full decomposition)' },
  );
  let lcpr: number | null = null;
  let missing: string | undefined;
  if (m.unpricedAttempts > 0) missing = `${m.unpricedAttempts} attempts have no catalog price: LCPR would understate the cost, so none is given`;
  else if (accepted === null) missing = 'no request has a quality label (pass / fail / repaired): accepted outputs are unknown';
  else if (accepted === 0) missing = 'no request was accepted in the window';
  else {
    lcpr = unified.costPerAccepted;
    steps.push({ id: 'lcpr', label: 'Measured LCPR', formula: 'window cost ÷ accepted requests', expression: `${total.toFixed(4)} ÷ ${accepted.toFixed(1)}`, value: lcpr!, unit: 'USD/accepted request', cite: 'Inference Field Guide, Part 0' });
  }
  const naive = m.unpricedAttempts > 0 ? null : m.naiveCostPerRequest;
  return {
    lcpr,
    naiveCostPerRequest: naive,
    overheadRatio: lcpr !== null && naive ? lcpr / naive : null,
    passRate,
    retryRate,
    accepted,
    breakdown: { tokens: m.tokenCostUsd, repair, engineering, eval: evalCost, human, ops },
    totalCostUsd: total,
    inputs,
    steps,
    ...(missing ? { missing } : {}),
    notes,
    overheadsIncluded: unified.included,
    overheadsNotIncluded: unified.notIncluded,
    prorated,
  };
}

/** What the traces measured for one workload, in the engine's units (per attempt, fractions). */
export interface MeasuredInputs {
  windowDays: number;
  requests: number;
  attempts: number;
  meanInputTokens: number;
  meanOutputTokens: number;
  /** Cached input tokens ÷ input tokens. */
  cacheHitRate: number;
  /** Cache-written input tokens ÷ input tokens. */
  cacheWriteRate: number;
  batchShare: number;
  passRate: number | null;
  escalationRate: number;
  /** Final attempts with a pass/fail/repaired label: the sample behind `passRate` (default: requests). */
  labelled?: number;
  /** Last day of the window (YYYY-MM-DD): when the values were measured, for staleness. */
  measuredAt?: string;
}

/**
 * Replaces a profile's assumed inputs with measured ones, each labelled `measured` with its source
 * (issue 5, "Measured back into the calculator"). Requests are scaled from the window to a 30-day month.
 */
export function withMeasuredInputs(profile: WorkloadProfile, m: MeasuredInputs, source: string): { profile: WorkloadProfile; replaced: { field: keyof WorkloadProfile; assumed: Sourced | undefined; measured: Sourced }[] } {
  requireInRange('windowDays', m.windowDays, { min: 0, minExclusive: true });
  // Inference Field Guide, Part 0: "Replace each Assumed with Measured from logs" — status measured_in_logs, dated.
  const q = (value: number, sampleSize?: number): Sourced => ({
    value,
    evidence: 'measured',
    source,
    status: 'measured_in_logs',
    ...(m.measuredAt ? { measuredAt: m.measuredAt } : {}),
    // A rate's own sampling error, √(p(1−p)/n) (issue 6: measured inputs get the narrow spread of their sample).
    ...(sampleSize !== undefined && sampleSize >= 1 && value >= 0 && value <= 1 ? { uncertainty: { sampleSize } } : {}),
  });
  const retryRate = m.requests > 0 ? m.attempts / m.requests - 1 : 0;
  const measured: Partial<Record<keyof WorkloadProfile, Sourced>> = {
    requestsPerMonth: q((m.requests / m.windowDays) * DAYS_PER_MONTH),
    inputTokens: q(m.meanInputTokens),
    outputTokens: q(m.meanOutputTokens),
    // Read as the share of requests retried (each retried once): exact when no request retries twice.
    retryRate: q(retryRate, m.requests),
    // Token shares sampled per attempt: tokens within one prompt are not independent draws.
    cacheHitRate: q(m.cacheHitRate, m.attempts),
    cacheWriteRate: q(m.cacheWriteRate, m.attempts),
    batchEligibleShare: q(m.batchShare, m.attempts),
    humanEscalationRate: q(m.escalationRate, m.requests),
    ...(m.passRate !== null && m.passRate > 0 ? { qualityPassRate: q(m.passRate, m.labelled ?? m.requests) } : {}),
  };
  const out: WorkloadProfile = { ...profile };
  const replaced: { field: keyof WorkloadProfile; assumed: Sourced | undefined; measured: Sourced }[] = [];
  for (const [k, v] of Object.entries(measured) as [keyof WorkloadProfile, Sourced][]) {
    const before = profile[k];
    (out as unknown as Record<string, unknown>)[k] = v;
    replaced.push({ field: k, assumed: before === undefined || typeof before === 'string' ? undefined : sourced(before as Quantity), measured: v });
  }
  return { profile: out, replaced };
}

export interface GpuWindow {
  /** GPU instance-hours billed in the window (from the GPU invoice or scheduler). */
  gpuHours: number;
  hourlyRate: number;
  /** Sustained output tokens/s of one instance for the model served. */
  throughputTokensPerSecond: number;
  outputTokens: number;
  inputTokens: number;
  /** GPU time of an input token relative to an output token (0 = decode-bound, the seeds' default). */
  prefillEfficiency?: number;
  windowDays: number;
  accepted: number;
}

/**
 * Measured utilization of a GPU route (Inference Field Guide, Part 0/Part 1, same definition as `sizeGpus`'s
 * realized utilization): tokens served ÷ (GPU-hours × 3,600 s × throughput). Headroom is the unused share.
 */
export function measuredGpu(g: GpuWindow): { costUsd: number; utilization: number; headroom: number; spareTokensPerSecond: number; costPerAccepted: number | null; steps: Step[] } {
  requireInRange('gpuHours', g.gpuHours, { min: 0, minExclusive: true });
  requireInRange('hourlyRate', g.hourlyRate, { min: 0 });
  requireInRange('throughputTokensPerSecond', g.throughputTokensPerSecond, { min: 0, minExclusive: true });
  requireInRange('windowDays', g.windowDays, { min: 0, minExclusive: true });
  const demand = g.outputTokens + (g.prefillEfficiency ?? 0) * g.inputTokens;
  const capacity = g.gpuHours * 3600 * g.throughputTokensPerSecond;
  const utilization = demand / capacity;
  const cost = g.gpuHours * g.hourlyRate;
  return {
    costUsd: cost,
    utilization,
    headroom: 1 - utilization,
    spareTokensPerSecond: (capacity - demand) / (g.windowDays * 86_400),
    costPerAccepted: g.accepted > 0 ? cost / g.accepted : null,
    steps: [
      { id: 'gpu_cost', label: 'GPU cost', formula: 'GPU-hours × hourly rate', expression: `${g.gpuHours} × ${g.hourlyRate}`, value: cost, unit: 'USD/window', cite: 'Inference Field Guide, Part 1' },
      { id: 'utilization', label: 'Measured utilization', formula: 'tokens served ÷ (GPU-hours × 3,600 × throughput)', expression: `${demand} ÷ (${g.gpuHours} × 3600 × ${g.throughputTokensPerSecond})`, value: utilization, unit: 'fraction', cite: 'Inference Field Guide, Part 0/Part 1' },
    ],
  };
}
