// Named exports of this folder: one line per module, so what the folder offers is read here.
export { STALE_AFTER_DAYS, confidenceOf, defaultHalfWidth, statusFromEvidence, type Confidence, type ConfidenceOptions, type InputStatus } from './confidence.js';
export { cholesky, describeDistribution, normalCdf, normalQuantile, quantile, resolveInput, type Bounds, type Distribution, type ResolvedInput } from './distributions.js';
export { LEVERS, appliesTo, findLever, leverOn, readLever, routeOwnValue, setRouteLever, setWorkloadLever, withLever, type Lever } from './levers.js';
export { DEFAULT_SAMPLES, DEFAULT_SEED, monteCarlo, percentile, type Band, type Correlation, type InformationValue, type MigrationQuestion, type MonteCarloOptions, type MonteCarloResult, type RouteUncertainty, type UncertainInput } from './monte-carlo.js';
export { tornado, type LeverRange, type RouteTornado, type SensitivityOptions, type TornadoBar } from './sensitivity.js';
export { IO_RATIO_OUTPUT_TOKENS, linearGrid, logGrid, sweep, sweepOutputTokens, sweepVolume, type Sweep, type SweepCrossover, type SweepOptions, type SweepPoint, type SweepRoutePoint } from './sweep.js';
