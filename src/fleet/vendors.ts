import { z } from 'zod';
import { EVIDENCE } from '../engine/evidence.js';
import { VENDOR_GATES, type VendorFacts, type VendorRequirements } from '../engine/decisions/vendor-scorecard.js';
import { type Flag, flag } from '../engine/decisions/verdict.js';

const gateAnswer = z.strictObject({
  status: z.enum(['pass', 'conditional', 'fail']),
  evidence: z.enum(EVIDENCE).optional(),
  note: z.string().optional(),
  compensating_control: z.string().optional(),
});

const GATE_IDS = VENDOR_GATES.map((g) => g.id) as [string, ...string[]];

export const vendorSchema = z.strictObject({
  name: z.string().min(1),
  gates: z.partialRecord(z.enum(GATE_IDS), gateAnswer).optional(),
  serves_model: z.boolean().optional(),
  latency_test_days: z.number().min(0).optional(),
  p99_ms: z.number().positive().optional(),
  uptime: z.number().min(0).max(1).optional(),
  uptime_evidence: z.enum(EVIDENCE).optional(),
  failover: z.boolean().optional(),
  certifications: z.array(z.string()).optional(),
  zero_retention_default: z.boolean().optional(),
  regions: z.array(z.string()).optional(),
  openai_compatible: z.boolean().optional(),
  hours_to_first_request: z.number().min(0).optional(),
  raised_prices_last_12_months: z.boolean().optional(),
  lcpr: z.number().min(0).optional(),
});

export const vendorRequirementsSchema = z.strictObject({
  p99_slo_ms: z.number().positive().optional(),
  uptime_required: z.number().min(0).max(1).optional(),
  certifications: z.array(z.string()).optional(),
  zero_retention: z.boolean().optional(),
  residency: z.string().optional(),
  regulated: z.boolean().optional(),
});

/** The `vendor_requirements:` block → engine requirements. */
export function toVendorRequirements(r: z.output<typeof vendorRequirementsSchema>): VendorRequirements {
  return {
    ...(r.p99_slo_ms !== undefined ? { p99SloMs: r.p99_slo_ms } : {}),
    ...(r.uptime_required !== undefined ? { uptimeRequired: r.uptime_required } : {}),
    ...(r.certifications ? { certifications: r.certifications } : {}),
    ...(r.zero_retention !== undefined ? { zeroRetention: r.zero_retention } : {}),
    ...(r.residency ? { residency: r.residency } : {}),
    ...(r.regulated !== undefined ? { regulated: r.regulated } : {}),
  };
}

/** What a workload asks of a vendor, from its constraints, ownership and SLO (Inference Field Guide, Part 4). */
export function workloadVendorRequirements(w: {
  constraints?: { certifications?: string[] | undefined; residency?: string | undefined } | undefined;
  ownership?: { zero_retention_required?: Flag | undefined } | undefined;
  slo?: { p99_latency_ms?: { value: number } | undefined } | undefined;
}): VendorRequirements {
  return {
    ...(w.constraints?.certifications?.length ? { certifications: w.constraints.certifications, regulated: true } : {}),
    ...(w.constraints?.residency ? { residency: w.constraints.residency } : {}),
    ...(w.ownership?.zero_retention_required !== undefined && flag(w.ownership.zero_retention_required).value ? { zeroRetention: true, regulated: true } : {}),
    ...(w.slo?.p99_latency_ms ? { p99SloMs: w.slo.p99_latency_ms.value } : {}),
  };
}

/** File vocabulary → engine facts. */
export function toVendorFacts(x: z.output<typeof vendorSchema>): VendorFacts {
  return {
      name: x.name,
      ...(x.gates
        ? {
            gates: Object.fromEntries(
              Object.entries(x.gates).map(([k, g]) => [k, { status: g!.status, ...(g!.evidence ? { evidence: g!.evidence } : {}), ...(g!.note ? { note: g!.note } : {}), ...(g!.compensating_control ? { compensatingControl: g!.compensating_control } : {}) }]),
            ),
          }
        : {}),
      ...(x.serves_model !== undefined ? { servesModel: x.serves_model } : {}),
      ...(x.latency_test_days !== undefined ? { latencyTestDays: x.latency_test_days } : {}),
      ...(x.p99_ms !== undefined ? { p99Ms: x.p99_ms } : {}),
      ...(x.uptime !== undefined ? { uptime: x.uptime } : {}),
      ...(x.uptime_evidence ? { uptimeEvidence: x.uptime_evidence } : {}),
      ...(x.failover !== undefined ? { failover: x.failover } : {}),
      ...(x.certifications ? { certifications: x.certifications } : {}),
      ...(x.zero_retention_default !== undefined ? { zeroRetentionDefault: x.zero_retention_default } : {}),
      ...(x.regions ? { regions: x.regions } : {}),
      ...(x.openai_compatible !== undefined ? { openaiCompatible: x.openai_compatible } : {}),
      ...(x.hours_to_first_request !== undefined ? { hoursToFirstRequest: x.hours_to_first_request } : {}),
      ...(x.raised_prices_last_12_months !== undefined ? { raisedPricesLast12Months: x.raised_prices_last_12_months } : {}),
      ...(x.lcpr !== undefined ? { lcpr: x.lcpr } : {}),
  };
}

/** Known keys under a vendor entry, for did-you-mean hints. */
export function vendorKeys(path: readonly PropertyKey[]): string[] {
  const last = path[path.length - 1];
  if (last === 'gates') return GATE_IDS;
  if (typeof last === 'number') return Object.keys(vendorSchema.shape);
  return Object.keys(gateAnswer.shape);
}
