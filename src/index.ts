/** routefit as a library: the engine, the catalog and the workload format. */
export * from './engine/index.js';
export * from './catalog/index.js';
export * from './workload/index.js';
export { InputFileError, type Problem } from './io/yaml-file.js';
export * from './fleet/index.js';
