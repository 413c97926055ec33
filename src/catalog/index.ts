export * from './types.js';
export { loadCatalog, defaultCatalogDir } from './load.js';
export { findRoute, pointAt, allTokenRoutes, findModel, findGpuSpec } from './lookup.js';
export { resolveRoute, type RouteRequest, type ResolveDefaults } from './resolve.js';
export { GENAI_PRICES_AS_OF, GENAI_PRICES_VERSION } from './genai-prices.js';
export { priceConflicts, describeConflict, type PriceConflict, type ConflictSide } from './conflicts.js';
