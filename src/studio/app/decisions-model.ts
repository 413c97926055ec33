/**
 * The Decisions view's numbers, in the page: the edited file → the fleet loader → the functions
 * `routefit plan / matrix / scorecard / procurement / readiness` call (src/fleet/decisions.ts). Never
 * throws for bad input: a file the loader refuses gives its located problems; a section whose block
 * is absent says which block to add.
 */
import type { Catalog } from '../../catalog/types.js';
import { RoutefitError } from '../../engine/errors.js';
import { CliUsageError } from '../../cli/io.js';
import type { RoutefitMatrix } from '../../engine/decisions/funnel.js';
import type { ProcurementResult } from '../../engine/decisions/procurement.js';
import { type PlanResult, fleetReadiness, matrixOf, planJson, planOf, procurementOf } from '../../fleet/decisions.js';
import { type LoadedFleet, fleetFromLoaded } from '../../fleet/load.js';
import { type VendorScorecardResult, scorecardOf, vendorsFromFacts } from '../../fleet/vendors-file.js';
import { InputFileError, type Problem, parseYaml } from '../../io/yaml-file.js';
import { type LoadedFacts, factsFromSource } from '../../workload/facts-file.js';
import { fromSource } from '../../workload/load.js';
import { tcoFromFacts } from '../../io/tco-file.js';
import { tcoCalc } from '../../cli/tco-calc.js';

export type Section<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export interface FleetDecisions {
  fleet: LoadedFleet;
  plan: PlanResult;
  /** What `routefit plan --json` prints for the file. */
  planJson: ReturnType<typeof planJson>;
  matrix: RoutefitMatrix;
  procurement: { workload: string; result: ProcurementResult }[];
  readiness: ReturnType<typeof fleetReadiness>;
}

export interface Decisions {
  /** Plan, matrix, procurement and readiness need workloads: the loader's problems when the file has none or is invalid. */
  fleet: Section<FleetDecisions>;
  /** The scorecard (a vendors-only file has one too), or why there is none. */
  scorecard: Section<VendorScorecardResult>;
  /** `routefit tco FILE` from the file's tco block; null when the file has none. */
  tco: Section<TcoResult> | null;
}

export type TcoResult = ReturnType<typeof tcoCalc> & { asOf: string; notes: string[] };

export type DecisionsOutcome = { ok: true; decisions: Decisions } | { ok: false; problems: Problem[] };

/** Files other than the one edited that it names (`vendors_file`), as text the page fetched. */
export type OtherFiles = Record<string, string>;

function problemsOf(err: unknown): Problem[] | undefined {
  if (err instanceof InputFileError) return err.problems;
  if (err instanceof CliUsageError) return [{ message: err.message }];
  if (err instanceof RoutefitError) return [{ ...(err.field ? { field: err.field } : {}), message: err.message }];
  return undefined;
}

/** Name of a file the edited one names, as the server's file API takes it (relative to the Studio's folder). */
export function relativeName(path: string): string {
  return path.replace(/^(\.\/)+/, '');
}

export function decisionsOf(file: string, text: string, catalog: Catalog, today: string, others: OtherFiles = {}): DecisionsOutcome {
  const read = (path: string): LoadedFacts => {
    const name = relativeName(path);
    const t = others[name];
    if (t === undefined) throw new InputFileError(file, [{ field: 'vendors_file', message: `${name} is not readable from the Studio (it must be a YAML file in the Studio's folder)` }]);
    return factsFromSource(parseYaml(name, t));
  };
  let src: ReturnType<typeof parseYaml>;
  try {
    src = parseYaml(file, text);
  } catch (err) {
    const p = problemsOf(err);
    if (p) return { ok: false, problems: p };
    throw err;
  }
  const hasTco = src.data !== null && typeof src.data === 'object' && !Array.isArray(src.data) && 'tco' in src.data;
  return {
    ok: true,
    decisions: {
      fleet: guarded(() => fleetDecisions(fromSource(src), catalog, today, read)),
      scorecard: guarded(() => scorecardOf(vendorsFromFacts(factsFromSource(src), read))),
      tco: hasTco ? guarded(() => tcoOf(file, factsFromSource(src), catalog, today)) : null,
    },
  };
}

/** As `routefit tco FILE`: the block's prices as of the file's date (else today), the rows and verdicts. */
function tcoOf(file: string, facts: LoadedFacts, catalog: Catalog, today: string): TcoResult {
  const t = tcoFromFacts(facts);
  const asOf = t.as_of ?? today;
  return { ...tcoCalc(file, t, () => catalog, asOf), asOf, notes: t.notes };
}

function fleetDecisions(loaded: ReturnType<typeof fromSource>, catalog: Catalog, today: string, read: (path: string) => LoadedFacts): FleetDecisions {
  const fleet = fleetFromLoaded(loaded, catalog, { today }, read);
  const plan = planOf(fleet);
  return { fleet, plan, planJson: planJson(fleet.file, fleet, plan), matrix: matrixOf(fleet), procurement: procurementOf(fleet), readiness: fleetReadiness(fleet, plan) };
}

function guarded<T>(f: () => T): Section<T> {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    const p = problemsOf(err);
    if (p) return { ok: false, problems: p };
    throw err;
  }
}
