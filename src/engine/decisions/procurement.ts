import { type Quantity, sourced } from '../evidence.js';
import { requireInRange } from '../errors.js';
import { type Compared, type Flag, type GateStatus, type Verdict, flag, flagFact, numberFact, verdict } from './verdict.js';

const SEED002 = 'Inference Economics Playbook overview, Hardware Procurement Matrix';

/** Inference Economics Playbook overview: the five routes a buyer chooses among, least to most commitment. */
export const PROCUREMENT_ROUTES = [
  { id: 'managed_api', title: 'Managed API' },
  { id: 'hosted_open_weight', title: 'Hosted open-weight' },
  { id: 'dedicated_endpoint', title: 'Dedicated endpoint' },
  { id: 'self_host_cloud', title: 'Self-host on cloud GPUs' },
  { id: 'buy_hardware', title: 'Buy hardware' },
] as const;
export type ProcurementRoute = (typeof PROCUREMENT_ROUTES)[number]['id'];

/** Inference Economics Playbook overview: the five gates and what each asks for. */
export const PROCUREMENT_GATES = [
  { id: 'demand_shape', title: 'Demand shape', question: 'Is the workload bursty, steady, interactive, or offline?', evidence: 'hourly request histogram, p95 latency target, batchable share, concurrency peaks, idle windows' },
  { id: 'utilization_proof', title: 'Utilization proof', question: 'Can the buyer keep the accelerator busy enough to beat hosted inference?', evidence: 'accepted output tokens/s, GPU occupancy, queue depth, autoscaling floor, peak-to-idle ratio' },
  { id: 'memory_fit', title: 'Memory and context fit', question: 'Does the model, KV cache, batch size, and context window fit the planned hardware?', evidence: 'model size, quantization plan, context length, batch size, KV-cache budget, observed OOM events' },
  { id: 'operations_ownership', title: 'Operations ownership', question: 'Who owns serving, upgrades, observability, security patches, and incident response?', evidence: 'runbook owner, monitoring plan, rollback route, model upgrade policy, security review' },
  { id: 'fallback_economics', title: 'Fallback economics', question: 'What happens when the open or self-hosted route fails the task or saturates?', evidence: 'fallback model, routing threshold, retry policy, review minutes, fallback cost per accepted output' },
] as const;
export type ProcurementGate = (typeof PROCUREMENT_GATES)[number]['id'];

/** Which gates a route must clear (Inference Economics Playbook overview: the further from a managed API, the more gates apply). */
const APPLIES: Record<ProcurementRoute, ProcurementGate[]> = {
  managed_api: [],
  hosted_open_weight: ['fallback_economics'],
  dedicated_endpoint: ['demand_shape', 'utilization_proof', 'memory_fit', 'fallback_economics'],
  self_host_cloud: ['demand_shape', 'utilization_proof', 'memory_fit', 'operations_ownership', 'fallback_economics'],
  buy_hardware: ['demand_shape', 'utilization_proof', 'memory_fit', 'operations_ownership', 'fallback_economics'],
};

export interface ProcurementFacts {
  demandShape?: 'steady' | 'bursty' | 'interactive' | 'offline';
  /** Measured average utilization the workload would keep a dedicated accelerator at. */
  utilization?: Quantity;
  /** Utilization a dedicated route needs to beat hosted (Part 5 default 40%, or ch. 18 u_required). */
  utilizationRequired?: number;
  memoryFits?: Flag;
  operationsOwner?: Flag;
  fallbackRoute?: Flag;
  /** Months the hardware budget covers; buying needs a horizon long enough to amortize (default need 36). */
  budgetHorizonMonths?: number;
}

export interface ProcurementResult {
  cells: { route: ProcurementRoute; gate: ProcurementGate; verdict: Verdict | null }[];
  routes: { route: ProcurementRoute; title: string; status: GateStatus; blockers: string[] }[];
  /** The most committed route whose gates all pass. */
  furthestViable: ProcurementRoute;
  notes: string[];
  cite: string;
}

function gate(id: ProcurementGate, f: ProcurementFacts, route: ProcurementRoute): Verdict {
  const g = PROCUREMENT_GATES.find((x) => x.id === id)!;
  const base = { rule: `procurement-${id}`, title: g.title, cite: SEED002 };
  const unknown = () => verdict({ ...base, status: 'unknown', reason: `unknown — measure ${g.evidence}`, compared: [], measureNext: [g.evidence] });
  switch (id) {
    case 'demand_shape': {
      if (!f.demandShape) return unknown();
      const ok = f.demandShape === 'steady' || f.demandShape === 'offline';
      return verdict({ ...base, status: ok ? 'pass' : 'conditional', reason: ok ? `${f.demandShape} demand can fill reserved capacity` : `${f.demandShape} demand leaves reserved capacity idle between peaks: keep a hosted overflow`, compared: [{ label: 'demand shape', value: f.demandShape, threshold: 'steady or offline' }] });
    }
    case 'utilization_proof': {
      if (f.utilization === undefined) return unknown();
      const u = sourced(f.utilization);
      requireInRange('utilization', u.value, { min: 0, max: 1 });
      const need = requireInRange('utilizationRequired', f.utilizationRequired ?? 0.4, { min: 0, max: 1 });
      const c: Compared[] = [numberFact('utilization', f.utilization, `≥ ${need}`)];
      if (u.value < need) return verdict({ ...base, status: 'fail', reason: `utilization ${(u.value * 100).toFixed(0)}% is under the ${(need * 100).toFixed(0)}% a dedicated route needs`, compared: c });
      if (u.evidence !== 'measured' && u.evidence !== 'invoice_reconciled') return verdict({ ...base, status: 'conditional', reason: `utilization ${(u.value * 100).toFixed(0)}% clears ${(need * 100).toFixed(0)}% but is ${u.evidence}: needs measured occupancy from real traces before buying capacity`, compared: c, measureNext: ['GPU occupancy from real provider or GPU traces'] });
      return verdict({ ...base, status: 'pass', reason: `measured utilization ${(u.value * 100).toFixed(0)}% clears ${(need * 100).toFixed(0)}%`, compared: c });
    }
    case 'memory_fit':
    case 'operations_ownership':
    case 'fallback_economics': {
      const fact = id === 'memory_fit' ? f.memoryFits : id === 'operations_ownership' ? f.operationsOwner : f.fallbackRoute;
      if (fact === undefined) return unknown();
      const ok = flag(fact).value;
      const what = id === 'memory_fit' ? 'model, KV cache and context fit the hardware' : id === 'operations_ownership' ? 'serving, rollback, upgrades and incidents have an explicit owner' : 'hard cases route back to a managed model with a known cost';
      let status: GateStatus = ok ? 'pass' : 'fail';
      let reason = ok ? what : `not shown: ${what}`;
      if (ok && id === 'operations_ownership' && route === 'buy_hardware' && (f.budgetHorizonMonths ?? 0) < 36) {
        status = 'conditional';
        reason += `; buying hardware also needs a budget horizon to amortize it (${f.budgetHorizonMonths ?? 'unknown'} months given)`;
      }
      return verdict({ ...base, status, reason, compared: [flagFact(g.title, fact)] });
    }
  }
}

/** Inference Economics Playbook overview: five gates over five routes; the decision is which route survives, not API versus hardware. */
export function procurementMatrix(f: ProcurementFacts): ProcurementResult {
  const cells: ProcurementResult['cells'] = [];
  const routes = PROCUREMENT_ROUTES.map((r) => {
    const verdicts = PROCUREMENT_GATES.map((g) => {
      const v = APPLIES[r.id].includes(g.id) ? gate(g.id, f, r.id) : null;
      cells.push({ route: r.id, gate: g.id, verdict: v });
      return v;
    }).filter((v): v is Verdict => v !== null);
    const status: GateStatus = verdicts.some((v) => v.status === 'fail') ? 'fail' : verdicts.some((v) => v.status === 'unknown') ? 'unknown' : verdicts.some((v) => v.status === 'conditional') ? 'conditional' : 'pass';
    return { route: r.id, title: r.title, status, blockers: verdicts.filter((v) => v.status !== 'pass').map((v) => `${v.title}: ${v.reason}`) };
  });
  let furthest: ProcurementRoute = 'managed_api';
  for (const r of routes) if (r.status === 'pass') furthest = r.route;
  return {
    cells,
    routes,
    furthestViable: furthest,
    notes: ['Security, residency, vendor support, and budget horizon still need buyer-specific input (Inference Economics Playbook overview).'],
    cite: SEED002,
  };
}
