export * from './types.js';
export { loadCatalog, defaultCatalogDir, loraTrainingTiers } from './load.js';
export { withOverlays, overlayFiles, IMPORT_SOURCES, type ImportSource } from './overlay.js';
export { importPriceFile } from './importers/index.js';
export { changesSince, compareSources, historyChanges, workloadPriceFlags } from './price-diff.js';
export { loadGatewayModels, gatewayModelFor } from './gateway-models.js';
export { findRoute, pointAt, allTokenRoutes, findModel, findGpuSpec } from './lookup.js';
export { resolveRoute, type RouteRequest, type ResolveDefaults } from './resolve.js';
export { GENAI_PRICES_AS_OF, GENAI_PRICES_VERSION } from './genai-prices.js';
