import type { ExportPlan, PlannedGroup, PlannedTarget, WorkloadExport } from './plan.js';
import type { PortkeyConfig, PortkeyTarget } from './schemas.js';

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function leaf(t: PlannedTarget, w: WorkloadExport, weight?: number): PortkeyTarget {
  return {
    // A virtual key is Portkey's stored credential (and names the provider): the config names it, never holds the key.
    virtual_key: t.mapping.provider.portkeyVirtualKey,
    override_params: { model: t.mapping.model },
    ...(weight !== undefined ? { weight: round(weight) } : {}),
    retry: { attempts: Math.min(5, w.retries.attempts), on_status_codes: w.retries.onStatusCodes },
    ...(w.timeoutMs !== null ? { request_timeout: w.timeoutMs } : {}),
  };
}

function groupTarget(g: PlannedGroup, w: WorkloadExport): PortkeyTarget {
  const total = g.targets.reduce((a, t) => a + t.weight, 0);
  const primary: PortkeyTarget =
    g.targets.length === 1 ? leaf(g.targets[0]!, w) : { strategy: { mode: 'loadbalance' }, targets: g.targets.map((t) => leaf(t, w, t.weight / total)) };
  if (!g.fallbacks.length) return { name: g.name, ...primary };
  return { name: g.name, strategy: { mode: 'fallback', on_status_codes: w.retries.onStatusCodes }, targets: [primary, ...g.fallbacks.map((t) => leaf(t, w))] };
}

/**
 * Portkey config: `conditional` on `metadata.workload` (and `metadata.batch` for the batch group),
 * each workload a `fallback` over a `loadbalance` of the plan's weighted targets, then its fallbacks.
 * Requests must carry the metadata: `x-portkey-metadata: {"workload": "<name>"}`.
 */
export function toPortkey(plan: ExportPlan): PortkeyConfig {
  const conditions: { query: Record<string, unknown>; then: string }[] = [];
  const targets: PortkeyTarget[] = [];
  for (const w of plan.workloads) {
    // Batch conditions first: Portkey takes the first condition that matches.
    for (const g of [...w.groups].sort((a, b) => (a.kind === 'batch' ? -1 : 0) - (b.kind === 'batch' ? -1 : 0))) {
      const query = g.kind === 'batch' && w.groups.length > 1 ? { $and: [{ 'metadata.workload': { $eq: w.workload } }, { 'metadata.batch': { $eq: 'true' } }] } : { 'metadata.workload': { $eq: w.workload } };
      conditions.push({ query, then: g.name });
      targets.push(groupTarget(g, w));
    }
  }
  return { strategy: { mode: 'conditional', conditions, default: targets[0]!.name! }, targets };
}
