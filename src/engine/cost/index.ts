// Named exports of this folder: one line per module, so what the folder offers is read here.
export { BLEND_WARNING, blendComparisons, compareRoutes, type BlendedRoute, type Comparison, type RouteFailure } from './compare.js';
export { ENGINEERING_HOURS, LOADED_ENGINEER_RATE, engineeringOverhead, type EngineeringOverhead, type HoursBand } from './engineering-hours.js';
export { DEPLOYMENT_MODES, computeLcpr, type Breakdown, type DeploymentMode, type GpuRouteSpec, type LcprOptions, type PriceProvenance, type RouteResult, type RouteSpec, type Step, type TokenRouteSpec, type WorkloadProfile } from './lcpr.js';
export { unaccountedCostPerYear } from './metering.js';
export { CACHE_TTL_HOURS, blendedWriteRate, cacheBreakEven, cacheGate, type CacheBreakEven, type CacheGate, type CacheGateInput, type CacheRates } from './cache-gate.js';
export { attemptCost, batchCacheFactor, type AttemptCost, type AttemptShape, type CacheTtl, type TokenPriceSheet } from './token-pricing.js';
export { variableCostPerAccepted, type VariableCost } from './variable-cost.js';
