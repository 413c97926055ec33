import { z } from 'zod';
import { EVIDENCE } from '../engine/evidence.js';
import { VENDOR_GATES, type VendorFacts, type VendorRequirements } from '../engine/decisions/vendor-scorecard.js';
import { InputFileError, readYaml, validate } from '../io/yaml-file.js';

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

const requirementsSchema = z.strictObject({
  p99_slo_ms: z.number().positive().optional(),
  uptime_required: z.number().min(0).max(1).optional(),
  certifications: z.array(z.string()).optional(),
  zero_retention: z.boolean().optional(),
  residency: z.string().optional(),
  regulated: z.boolean().optional(),
});

export const vendorsFileSchema = z.strictObject({
  workload: z.string().optional(),
  monthly_spend: z.number().min(0).optional(),
  requirements: requirementsSchema.optional(),
  vendors: z.array(vendorSchema).min(1, 'list at least one vendor'),
});

export interface LoadedVendors {
  workload?: string;
  monthlySpend?: number;
  requirements: VendorRequirements;
  vendors: VendorFacts[];
}

/** Reads a vendors file for `routefit scorecard` (Inference Field Guide, Part 4); errors carry file:line. */
export function loadVendors(file: string): LoadedVendors {
  const src = readYaml(file);
  const d = src.data;
  if (d !== null && typeof d === 'object' && !Array.isArray(d) && !('vendors' in d)) {
    // A workload or fleet file: say which facts the scorecard needs instead of listing its keys as unknown.
    throw new InputFileError(file, [{ line: 1, message: 'needs vendor facts: this file has no vendors block (requirements: {...}, vendors: [{name, …}]; see examples/vendors.yaml); nothing was scored' }]);
  }
  const v = validate(src, vendorsFileSchema);
  const names = new Set<string>();
  v.vendors.forEach((x, i) => {
    if (names.has(x.name)) throw new InputFileError(file, [{ field: `vendors[${i}].name`, message: `duplicate vendor "${x.name}"` }]);
    names.add(x.name);
  });
  const r = v.requirements ?? {};
  const lcprs = v.vendors.map((x) => x.lcpr).filter((x): x is number => x !== undefined);
  return {
    ...(v.workload ? { workload: v.workload } : {}),
    ...(v.monthly_spend !== undefined ? { monthlySpend: v.monthly_spend } : {}),
    requirements: {
      ...(r.p99_slo_ms !== undefined ? { p99SloMs: r.p99_slo_ms } : {}),
      ...(r.uptime_required !== undefined ? { uptimeRequired: r.uptime_required } : {}),
      ...(r.certifications ? { certifications: r.certifications } : {}),
      ...(r.zero_retention !== undefined ? { zeroRetention: r.zero_retention } : {}),
      ...(r.residency ? { residency: r.residency } : {}),
      ...(r.regulated !== undefined ? { regulated: r.regulated } : {}),
      ...(lcprs.length ? { bestLcpr: Math.min(...lcprs) } : {}),
    },
    vendors: v.vendors.map(toVendorFacts),
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
