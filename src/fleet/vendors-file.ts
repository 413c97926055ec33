import { type NegotiationTier, type VendorFacts, type VendorRequirements, type VendorScorecard, negotiationTier, scoreVendor } from '../engine/decisions/vendor-scorecard.js';
import { InputFileError } from '../io/yaml-file.js';
import { type LoadedFacts, loadFactsFile } from '../workload/facts-file.js';
import { dirname, resolve } from 'node:path';
import { toVendorFacts, toVendorRequirements, workloadVendorRequirements } from './vendors.js';

export interface LoadedVendors {
  /** The file's name (or its workload's, for a single-workload file). */
  workload?: string;
  monthlySpend?: number;
  requirements: VendorRequirements;
  /** Where the requirements came from, for the reader. */
  requirementsFrom: 'vendor_requirements' | 'workloads' | 'none';
  vendors: VendorFacts[];
  /** Vendors were not in the file: they are the providers of its routes, with no facts (every gate unknown). */
  vendorsFrom: 'vendors' | 'vendors_file' | 'route providers';
  facts: LoadedFacts;
}

/** The vendors block of a file (or of the file its `vendors_file` names), as engine facts. */
export function vendorsOf(f: LoadedFacts, read: (path: string) => LoadedFacts = loadFactsFile): { vendors: VendorFacts[]; from: 'vendors' | 'vendors_file' } | undefined {
  if (f.facts.vendors) return { vendors: f.facts.vendors.map(toVendorFacts), from: 'vendors' };
  if (f.facts.vendors_file) {
    const other = read(resolve(dirname(f.file), f.facts.vendors_file));
    if (!other.facts.vendors) throw new InputFileError(f.file, [{ field: 'vendors_file', message: `needs vendor facts: ${f.facts.vendors_file} has no vendors block` }]);
    return { vendors: other.facts.vendors.map(toVendorFacts), from: 'vendors_file' };
  }
  return undefined;
}

/** The file holds nothing a scorecard can score (no vendors block, no provider routes): exit 2 for `scorecard`, one sentence in the report. */
export class NeedsVendorFactsError extends InputFileError {}

/** What `routefit scorecard FILE --json` prints (less the file name): one source for the command and the report. */
export interface VendorScorecardResult {
  workload: string | null;
  requirements: VendorRequirements;
  requirementsFrom: LoadedVendors['requirementsFrom'];
  vendorsFrom: LoadedVendors['vendorsFrom'];
  vendors: VendorScorecard[];
  negotiation: NegotiationTier | null;
  monthlySpend: number | null;
  /** Facts the file left out, and what the scorecard did instead. */
  notes: string[];
}

/** The seven-gate scorecard of a file's vendors (Inference Field Guide, Part 4): the engine's scoreVendor per vendor and its negotiation tier. */
export function vendorScorecard(file: string): VendorScorecardResult {
  return scorecardOf(loadVendors(file));
}

/** The scorecard of vendors already loaded (vendorsFromFacts: the Studio's edited file). */
export function scorecardOf(v: LoadedVendors): VendorScorecardResult {
  const vendors = v.vendors.map((x) => scoreVendor(x, v.requirements));
  const negotiation = v.monthlySpend !== undefined ? negotiationTier(v.monthlySpend) : null;
  const notes = [
    ...(v.vendorsFrom === 'route providers' ? [`no vendors block: scored the providers of this file's routes (${v.vendors.map((x) => x.name).join(', ')}) from no facts, so their gates are unknown — add vendors: [{name, serves_model, p99_ms, uptime, certifications, …}] (see examples/vendors.yaml)`] : []),
    ...(v.requirementsFrom === 'workloads' ? ["no vendor_requirements block: checked vendors against the strictest of the workloads' constraints, ownership and SLO"] : []),
    ...(v.requirementsFrom === 'none' ? ['no vendor_requirements block and no workload: checked vendors against no requirements'] : []),
    ...(negotiation ? [] : ['no monthly_spend (or current_spend_per_month): no negotiation tier']),
  ];
  return { workload: v.workload ?? null, requirements: v.requirements, requirementsFrom: v.requirementsFrom, vendorsFrom: v.vendorsFrom, vendors, negotiation, monthlySpend: v.monthlySpend ?? null, notes };
}

/** The strictest of the workloads' requirements: a vendor for the fleet must meet each workload's. */
function strictest(all: VendorRequirements[]): VendorRequirements {
  const certs = [...new Set(all.flatMap((r) => r.certifications ?? []))];
  const slos = all.map((r) => r.p99SloMs).filter((x): x is number => x !== undefined);
  const residency = all.find((r) => r.residency)?.residency;
  return {
    ...(certs.length ? { certifications: certs } : {}),
    ...(residency ? { residency } : {}),
    ...(all.some((r) => r.zeroRetention) ? { zeroRetention: true } : {}),
    ...(all.some((r) => r.regulated) ? { regulated: true } : {}),
    ...(slos.length ? { p99SloMs: Math.min(...slos) } : {}),
  };
}

/**
 * Reads any workload file for `routefit scorecard` (Inference Field Guide, Part 4). Vendors: its
 * `vendors` block, else its `vendors_file`, else the providers of its routes with no facts. A file with
 * neither vendors nor routes is "needs vendor facts" (exit 2). Errors carry file:line.
 */
export function loadVendors(file: string): LoadedVendors {
  return vendorsFromFacts(loadFactsFile(file));
}

/** As loadVendors, from facts already read; `read` loads a `vendors_file` the file names. */
export function vendorsFromFacts(f: LoadedFacts, read?: (path: string) => LoadedFacts): LoadedVendors {
  const file = f.file;
  const own = vendorsOf(f, read);
  let vendors: VendorFacts[];
  if (own) vendors = own.vendors;
  else {
    const ids = (f.loaded?.workloads ?? []).flatMap((w) => w.routes.map((r) => (typeof r.entry === 'string' ? r.entry : r.entry.route)));
    const providers = [...new Set(ids.filter((id) => id.includes('/')).map((id) => id.split('/')[0]!))];
    if (!providers.length) {
      throw new NeedsVendorFactsError(file, [{ line: 1, message: 'needs vendor facts: this file has no vendors block and no provider routes (vendors: [{name, serves_model, p99_ms, uptime, certifications, …}]; see examples/vendors.yaml); nothing was scored' }]);
    }
    vendors = providers.map((name) => ({ name }));
  }
  const names = new Set<string>();
  vendors.forEach((x, i) => {
    if (names.has(x.name)) throw new InputFileError(file, [{ field: `vendors[${i}].name`, message: `duplicate vendor "${x.name}"` }]);
    names.add(x.name);
  });
  const explicit = f.facts.vendor_requirements;
  const workloads = f.loaded?.input.workloads ?? [];
  const requirements = explicit ? toVendorRequirements(explicit) : workloads.length ? strictest(workloads.map(workloadVendorRequirements)) : {};
  const lcprs = vendors.map((x) => x.lcpr).filter((x): x is number => x !== undefined);
  const spend = f.facts.monthly_spend?.value ?? sumSpend(workloads);
  const name = f.name ?? f.loaded?.workloads[0]?.name;
  return {
    ...(name ? { workload: name } : {}),
    ...(spend !== undefined ? { monthlySpend: spend } : {}),
    requirements: { ...requirements, ...(lcprs.length ? { bestLcpr: Math.min(...lcprs) } : {}) },
    requirementsFrom: explicit ? 'vendor_requirements' : workloads.length ? 'workloads' : 'none',
    vendors,
    vendorsFrom: own ? own.from : 'route providers',
    facts: f,
  };
}

function sumSpend(ws: { current_spend_per_month?: { value: number } | undefined }[]): number | undefined {
  const s = ws.map((w) => w.current_spend_per_month?.value).filter((x): x is number => x !== undefined);
  return s.length ? s.reduce((a, b) => a + b, 0) : undefined;
}
