/**
 * routefit as a library: a curated list. The LCPR engine's main entry points, the catalog, the one
 * workload file format and its field registry, and the errors a caller handles. Everything else of
 * the engine is one import away at `routefit/engine` (pure, browser-safe, every concept folder).
 */

// Evidence and errors: every number carries where it came from; bad input is a RoutefitError or an InputFileError.
export { EVIDENCE, WORKLOAD_EVIDENCE, sourced, valueOf, type Evidence, type Sourced } from './engine/evidence.js';
export { RoutefitError, type ErrorCode } from './engine/errors.js';
export { InputFileError, type Problem } from './io/input-error.js';

// Cost: LCPR for one route, a comparison of routes.
export { DEPLOYMENT_MODES, computeLcpr, type DeploymentMode, type GpuRouteSpec, type RouteOverrides, type RouteResult, type RouteSpec, type TokenRouteSpec, type WorkloadProfile } from './engine/cost/lcpr.js';
export { blendComparisons, compareRoutes, type Comparison, type RouteFailure } from './engine/cost/compare.js';

// Capacity: break-even, the dedicated utilization gate, sizing, TCO, self-managed.
export { dedicatedBreakeven, managedCrossover } from './engine/capacity/breakeven.js';
export { evaluateShape, utilizationGate } from './engine/capacity/utilization-gate.js';
export { sizeModel } from './engine/capacity/sizing.js';
export { selfHostingTco } from './engine/capacity/tco.js';
export { managedVsSelfManaged } from './engine/capacity/self-managed.js';

// Decisions: the funnel and matrix, the decision brief, procurement, vendor scorecards.
export { routefitMatrix, runFunnel, type FunnelResult, type MatrixCell } from './engine/decisions/funnel.js';
export { decisionBrief, type FleetBrief, type WorkloadBrief } from './engine/decisions/decision-brief.js';
export { procurementMatrix } from './engine/decisions/procurement.js';
export { scoreVendor, negotiationTier } from './engine/decisions/vendor-scorecard.js';

// Uncertainty: tornado, sweeps, Monte Carlo.
export { tornado, type RouteTornado } from './engine/uncertainty/sensitivity.js';
export { sweep, sweepOutputTokens, logGrid, linearGrid, type Sweep } from './engine/uncertainty/sweep.js';
export { monteCarlo, type MonteCarloResult } from './engine/uncertainty/monte-carlo.js';
export { LEVERS, findLever, type Lever } from './engine/uncertainty/levers.js';

// Measured: traces back into the calculator.
export { withMeasuredInputs, measuredLcpr, type MeasuredOverheads } from './engine/measured/measured.js';

// Catalog: prices and specs with source, date and evidence.
export { loadCatalog, defaultCatalogDir } from './catalog/load.js';
export { findRoute, allTokenRoutes } from './catalog/lookup.js';
export { resolveRoute, type RouteRequest } from './catalog/resolve.js';
export type { Catalog } from './catalog/types.js';

// The workload file: one format (a single workload is a fleet of one), one field registry.
export { loadWorkloadFile, parseWorkloadText, type LoadedFile, type LoadedWorkload } from './workload/load.js';
export { prepareWorkloads, type PreparedWorkload, type PrepareOptions } from './workload/prepare.js';
export { FIELDS, WORKLOAD_FIELDS, ROUTE_FIELDS, PER_ROUTE_FIELDS, field, type FieldSpec, type FieldBounds } from './workload/fields.js';
export { DEFAULTS, isDefault } from './workload/defaults.js';
export { PRESETS, presetYaml, type Preset } from './workload/presets.js';
export { workloadSchema, fleetSchema, type WorkloadInput, type FleetInput } from './workload/schema.js';
export { loadFleet, briefWorkloads, fleetFacts, type LoadedFleet, type FleetWorkload } from './fleet/load.js';
export { loadVendors } from './fleet/vendors-file.js';
