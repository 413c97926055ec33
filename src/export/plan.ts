import { RoutefitError } from '../engine/errors.js';
import { sourced } from '../engine/evidence.js';
import type { DeploymentMode, RouteSpec } from '../engine/cost/lcpr.js';
import type { BriefWorkload, FleetBrief, WorkloadBrief } from '../engine/decisions/decision-brief.js';
import { RAMP_STAGES } from '../engine/decisions/migration-checklist.js';
import type { Verdict } from '../engine/decisions/verdict.js';
import { type GatewayModel, type GatewayModels, gatewayModelFor } from '../catalog/gateway-models.js';

/**
 * The gateway-neutral export plan: `plan`'s decision brief turned into model groups with weighted
 * targets, fallbacks, retries and timeouts. Every gateway module renders this one plan; none looks
 * at the brief itself. Nothing here decides a route: the recommended and current routes, the ramp
 * stages and the revert signals all come from the engine's decision brief.
 */

export const RAMP_STAGE_IDS = RAMP_STAGES.map((s) => s.stage) as ['shadow', 'canary', 'majority', 'full'];
export type RampStageId = (typeof RAMP_STAGE_IDS)[number];

/** Inference Field Guide, Part 2 failover: reroute on 5xx responses and rate-limit errors. */
export const RETRY_STATUS_CODES = [429, 500, 502, 503, 504] as const;
/** Retries per request when the user does not say (an assumption, labelled in the export). */
export const DEFAULT_RETRIES = 2;

export interface ExportOptions {
  /** The ramp stage the migration is in (playbook ch. 22); default the first, shadow. */
  stage?: RampStageId;
  /** New-route traffic share within the stage's range; default the range's low end. */
  share?: number;
  retries?: number;
  /** Per workload: the engine's hybrid split (share of the recommended route's traffic its dedicated floor serves). */
  hybrid?: Record<string, { dedicatedShare: number; source: string }>;
}

export type TargetRole = 'recommended' | 'current' | 'overflow';

export interface PlannedTarget {
  route: string;
  mode: DeploymentMode;
  serves?: string;
  role: TargetRole;
  /** Share of the group's requests (targets of a group sum to 1). */
  weight: number;
  mapping: GatewayModel;
  /** Catalog token prices, USD per million tokens (OpenRouter's max_price). */
  pricePerMillion?: { input: number; output: number };
  /** Requests per minute the provider allows this workload, when the fleet file states a rate limit. */
  rpm?: number;
}

export interface PlannedGroup {
  /** The gateway model-group name clients call: the workload name, `<workload>-batch` for the batch group. */
  name: string;
  kind: 'online' | 'batch';
  /** Share of the workload's requests this group receives. */
  requestShare: number;
  targets: PlannedTarget[];
  /** Tried in order when every weighted target fails. */
  fallbacks: PlannedTarget[];
}

export interface RevertExport {
  signals: string[];
  fromShare: number;
  toShare: number;
  reason: string;
}

export interface WorkloadExport {
  workload: string;
  action: WorkloadBrief['action'];
  headline: string;
  currentRoute: string;
  recommendedRoute: string | null;
  /** The ramp stage exported; null when the workload is not moving. */
  stage: RampStageId | null;
  /** Share of the workload's requests on the recommended route after any revert. */
  newRouteShare: number;
  revert: RevertExport | null;
  groups: PlannedGroup[];
  retries: { attempts: number; onStatusCodes: number[]; evidence: 'assumed' | 'stated'; source: string };
  /** Per attempt; null when the fleet file states no latency SLO. */
  timeoutMs: number | null;
  timeoutSource: string;
  notes: string[];
}

export interface ExportPlan {
  workloads: WorkloadExport[];
  /** Fleet revert signals (Inference Field Guide, Part 5) that fire. */
  firingFleetSignals: Verdict[];
  cite: string;
}

const GPU_MODES: DeploymentMode[] = ['managed_dedicated', 'self_managed'];

/** Share of traffic on the new route at a ramp stage: the stage's range low end, or `share` when it lies in the range. */
export function stageShare(stage: RampStageId, share?: number): number {
  const s = RAMP_STAGES.find((x) => x.stage === stage);
  if (!s) throw new RoutefitError('invalid_input', `unknown ramp stage "${stage}"`, { field: 'stage', allowed: RAMP_STAGE_IDS.join(', ') });
  const [lo, hi] = s.traffic;
  if (share === undefined) return lo;
  if (!Number.isFinite(share) || share < lo || share > hi) {
    throw new RoutefitError('invalid_input', `share ${share} is outside the ${stage} stage's ${lo}-${hi} (playbook ch. 22)`, { field: 'share', allowed: `${lo}-${hi}` });
  }
  return share;
}

/** One stage back (playbook ch. 22 stop criteria: "revert to the previous stage"); shadow goes back to none. */
function previousShare(stage: RampStageId): number {
  const i = RAMP_STAGE_IDS.indexOf(stage);
  return i <= 0 ? 0 : RAMP_STAGES[i - 1]!.traffic[0];
}

/** The export plan for a fleet brief. `workloads` are the brief's inputs (same order and names). */
export function exportPlan(brief: FleetBrief, workloads: readonly BriefWorkload[], table: GatewayModels, opts: ExportOptions = {}): ExportPlan {
  const stage = opts.stage ?? 'shadow';
  const share = stageShare(stage, opts.share);
  const retries = opts.retries ?? DEFAULT_RETRIES;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) throw new RoutefitError('invalid_input', `retries is ${retries}; allowed a whole number 0-10`, { field: 'retries', allowed: '0-10' });
  const firing = brief.revertSignals.filter((s) => s.status === 'fail');
  const missing: string[] = [];
  const out = brief.workloads.map((b) => {
    const w = workloads.find((x) => x.name === b.workload);
    if (!w) throw new RoutefitError('invalid_input', `workload ${b.workload} is not among the brief's inputs`, { field: 'workloads' });
    return workloadExport(b, w, table, { stage, share, retries, firing, hybrid: opts.hybrid?.[b.workload] }, missing);
  });
  if (missing.length) {
    throw new RoutefitError('invalid_input', `no gateway model id for ${[...new Set(missing)].join(', ')}: add each to ${table.file} (route, model, source, as_of)`, { field: 'routes', allowed: 'routes listed in gateway-models.yaml' });
  }
  return { workloads: out, firingFleetSignals: firing, cite: `${brief.cite}; playbook ch. 22 (staged ramp, stop criteria); Inference Field Guide, Part 2 (failover), Part 5 (revert signals, serverless overflow)` };
}

interface Ctx {
  stage: RampStageId;
  share: number;
  retries: number;
  firing: Verdict[];
  hybrid: { dedicatedShare: number; source: string } | undefined;
}

function workloadExport(b: WorkloadBrief, w: BriefWorkload, table: GatewayModels, ctx: Ctx, missing: string[]): WorkloadExport {
  const notes: string[] = [];
  const specOf = (id: string): RouteSpec => w.candidates.find((c) => c.route.id === id)!.route;
  const target = (id: string, role: TargetRole, weight: number): PlannedTarget | undefined => {
    const spec = specOf(id);
    const serves = spec.billing === 'gpu' ? spec.serves : undefined;
    const mapping = gatewayModelFor(table, id, serves);
    if (!mapping) {
      missing.push(serves ? `${id} serving ${serves}` : id);
      return undefined;
    }
    const rps = w.candidates.find((c) => c.route.id === id)?.facts.rateLimitRps;
    return {
      route: id,
      mode: spec.mode,
      ...(serves ? { serves } : {}),
      role,
      weight,
      mapping,
      ...(spec.billing === 'tokens' && spec.price.input && spec.price.output ? { pricePerMillion: { input: spec.price.input.value, output: spec.price.output.value } } : {}),
      ...(rps !== undefined ? { rpm: Math.floor(rps * 60) } : {}),
    };
  };

  const current = b.current.route;
  const rec = b.recommended?.route ?? null;
  const moving = b.action === 'migrate' && rec !== null && rec !== current;
  const recMode = moving ? specOf(rec!).mode : null;
  let newShare = moving ? ctx.share : 0;
  let revert: RevertExport | null = null;
  if (moving) {
    // Inference Economics Playbook, ch. 22: a firing reversion signal holds the ramp and reverts to the previous stage.
    const ch22 = b.reversion?.signals.filter((s) => s.status === 'fail') ?? [];
    // Inference Field Guide, Part 5 revert signals that bear on this workload's move.
    const part5 = ctx.firing.filter((s) => s.rule === 'revert-1-0' || (s.rule === 'revert-2-1' && GPU_MODES.includes(recMode!)) || (s.rule === 'revert-3-2' && recMode === 'self_managed'));
    if (part5.length) {
      revert = { signals: part5.map((s) => s.title), fromShare: newShare, toShare: 0, reason: part5.map((s) => s.reason).join('; ') + ' (Inference Field Guide, Part 5, The revert signals)' };
      newShare = 0;
    } else if (ch22.length) {
      const to = previousShare(ctx.stage);
      revert = { signals: ch22.map((s) => s.title), fromShare: newShare, toShare: to, reason: `reversion signal fires during ${ctx.stage}: back to the previous stage (playbook ch. 22 stop criteria)` };
      newShare = to;
    }
    if (ctx.stage === 'shadow' && newShare > 0) notes.push('shadow traffic is exported as a weight: these requests reach users; mirror them instead where the gateway can (playbook ch. 22: shadow is not exposed to users)');
  } else if (rec && rec !== current) {
    notes.push(`${b.action.replace(/_/g, ' ')}: ${rec} is not exported as a target (${b.headline})`);
  }

  const weighted: (PlannedTarget | undefined)[] = [];
  const fallbacks: (PlannedTarget | undefined)[] = [];
  // A single-provider revert drops every other provider (Inference Field Guide, Part 5, Stage 1 → 0).
  const singleProvider = revert?.signals.some((s) => s.startsWith('Stage 1 → 0')) ?? false;
  if (newShare > 0) {
    // The overflow path for dedicated capacity: the cheapest priced per-token cell of the funnel (Inference Field Guide, Part 5).
    const overflowCell = GPU_MODES.includes(recMode!)
      ? b.funnel.cells.filter((c) => c.status === 'priced' && c.route !== rec && specOf(c.route).billing === 'tokens').sort((x, y) => x.lcpr! - y.lcpr!)[0]
      : undefined;
    if (ctx.hybrid && overflowCell) {
      const d = ctx.hybrid.dedicatedShare;
      if (!(d >= 0 && d <= 1)) throw new RoutefitError('invalid_input', `hybrid dedicated share ${d} is outside 0-1`, { field: 'hybrid', allowed: '0-1' });
      weighted.push(target(rec!, 'recommended', newShare * d), target(overflowCell.route, 'overflow', newShare * (1 - d)));
      // The overflow path also catches what the dedicated floor drops (Inference Field Guide, Part 5: dedicated deployments keep one).
      if (overflowCell.route !== current) fallbacks.push(target(overflowCell.route, 'overflow', 0));
      notes.push(`hybrid split: ${(d * 100).toFixed(1)}% of ${rec}'s share on the dedicated floor, the rest on ${overflowCell.route} (${ctx.hybrid.source})`);
    } else {
      weighted.push(target(rec!, 'recommended', newShare));
      if (overflowCell && overflowCell.route !== current) fallbacks.push(target(overflowCell.route, 'overflow', 0));
      else if (ctx.hybrid) notes.push('no priced per-token route to overflow to: the hybrid split is not exported');
    }
  } else if (ctx.hybrid) notes.push('the hybrid split applies to the recommended route, which gets no traffic here');
  if (1 - newShare > 1e-12) weighted.push(target(current, 'current', 1 - newShare));
  // The current route stays as the fallback while the ramp runs (playbook ch. 22: old route stays as fallback).
  if (moving && newShare > 0) fallbacks.unshift(target(current, 'current', 0));

  const keep = (t: PlannedTarget | undefined): t is PlannedTarget => t !== undefined && (!singleProvider || t.route === current);
  const targets = weighted.filter(keep).filter((t) => t.weight > 0);
  const fb = fallbacks.filter(keep).filter((t, i, all) => all.findIndex((x) => x.route === t.route) === i);

  const batchShare = sourced(w.profile.batchEligibleShare ?? 0).value;
  const groups: PlannedGroup[] = [];
  if (batchShare > 0 && batchShare < 1) {
    groups.push({ name: b.workload, kind: 'online', requestShare: 1 - batchShare, targets, fallbacks: fb });
    groups.push({ name: `${b.workload}-batch`, kind: 'batch', requestShare: batchShare, targets: targets.map((t) => ({ ...t })), fallbacks: fb.map((t) => ({ ...t })) });
    notes.push(`batch-eligible share ${(batchShare * 100).toFixed(1)}%: send those requests to ${b.workload}-batch (the batch tier where the provider has one)`);
  } else {
    groups.push({ name: batchShare >= 1 ? `${b.workload}-batch` : b.workload, kind: batchShare >= 1 ? 'batch' : 'online', requestShare: 1, targets, fallbacks: fb });
  }

  // Timeout per attempt: the p99 SLO split across the chained calls of one user request.
  const slo = w.specialization?.p99SloMs !== undefined ? sourced(w.specialization.p99SloMs).value : undefined;
  const chained = w.specialization?.chainedCalls ?? 1;
  const timeoutMs = slo !== undefined ? Math.round(slo / chained) : null;
  const timeoutSource = slo !== undefined ? `slo.p99_latency_ms ${slo} ÷ ${chained} chained call${chained === 1 ? '' : 's'}` : 'no latency SLO in the fleet file: the gateway default applies (add slo.p99_latency_ms)';
  return {
    workload: b.workload,
    action: b.action,
    headline: b.headline,
    currentRoute: current,
    recommendedRoute: rec,
    stage: moving ? ctx.stage : null,
    newRouteShare: singleProvider ? 0 : newShare,
    revert,
    groups,
    retries: { attempts: ctx.retries, onStatusCodes: [...RETRY_STATUS_CODES], evidence: ctx.retries === DEFAULT_RETRIES ? 'assumed' : 'stated', source: 'reroute on 5xx and rate-limit errors (Inference Field Guide, Part 2, failover routing)' },
    timeoutMs,
    timeoutSource,
    notes,
  };
}

/** Integer weights that sum to `total`, proportional to `shares` (largest remainder), for gateways that take integers. */
export function integerWeights(shares: number[], total = 100): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  if (sum <= 0) return shares.map(() => 0);
  const raw = shares.map((s) => (s / sum) * total);
  const floor = raw.map(Math.floor);
  let left = total - floor.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floor[i]! += 1;
    left--;
  }
  return floor;
}
