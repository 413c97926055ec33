import { valueOf } from '../engine/evidence.js';
import type { GpuRouteSpec } from '../engine/cost/lcpr.js';
import type { TrafficPattern } from '../engine/capacity/traffic.js';
import { estimatedGoodputPerHour, evaluateShape } from '../engine/capacity/utilization-gate.js';
import type { BriefWorkload, WorkloadBrief } from '../engine/decisions/decision-brief.js';

/**
 * The hybrid split for a workload whose recommended route is dedicated capacity: the engine's
 * utilization gate (playbook ch. 18, "base dedicated for the floor, serverless burst for peaks")
 * over the traffic shape, priced against the cheapest per-token cell of the brief's funnel. The
 * share is what the cheapest hybrid's base replicas serve; the rest overflows to that cell's route.
 * Undefined when the recommendation is not a GPU route or nothing per-token is priced.
 */
export function hybridSplit(w: BriefWorkload, b: WorkloadBrief, pattern: (goodputPerHour: number) => TrafficPattern): { dedicatedShare: number; source: string } | undefined {
  const rec = b.recommended;
  if (!rec) return undefined;
  const spec = w.candidates.find((c) => c.route.id === rec.route)?.route;
  if (!spec || spec.billing !== 'gpu') return undefined;
  const gpu = spec as GpuRouteSpec;
  const overflow = b.funnel.cells
    .filter((c) => c.status === 'priced' && c.route !== rec.route && w.candidates.find((x) => x.route.id === c.route)?.route.billing === 'tokens')
    .sort((x, y) => x.lcpr! - y.lcpr!)[0];
  if (!overflow) return undefined;
  const p = w.profile;
  const goodput = estimatedGoodputPerHour({
    throughputTokensPerSecond: valueOf(gpu.throughputTokensPerSecond),
    outputTokens: valueOf(p.outputTokens),
    inputTokens: valueOf(p.inputTokens),
    prefillEfficiency: valueOf(gpu.prefillEfficiency),
    retryRate: valueOf(p.retryRate),
    qualityPassRate: valueOf(p.qualityPassRate),
  });
  const shape = evaluateShape({ gpuHourly: gpu.gpuHourly, opsPerHour: 0, minReplicas: 1, goodputPerHour: goodput, serverlessCostPerAccepted: overflow.lcpr! }, pattern(goodput));
  const hybrid = shape.options.find((o) => o.id === 'hybrid')!;
  const dedicatedShare = shape.volumePerMonth > 0 ? Math.min(1, Math.max(0, 1 - hybrid.serverlessVolume / shape.volumePerMonth)) : 0;
  return {
    dedicatedShare,
    source: `utilization gate over ${shape.pattern}: ${hybrid.label}, ${overflow.route} at $${overflow.lcpr!.toFixed(4)} per accepted output (playbook ch. 18; goodput estimated from throughput — measure it)`,
  };
}
