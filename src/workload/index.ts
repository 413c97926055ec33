export { loadWorkloadFile, parseWorkloadText, type LoadedFile, type LoadedWorkload } from './load.js';
export { prepareWorkloads, type PreparedWorkload, type PrepareOptions } from './prepare.js';
export { DEFAULTS, isDefault } from './defaults.js';
export { PRESETS, presetYaml, type Preset } from './presets.js';
export { workloadSchema, fleetSchema, type WorkloadInput, type FleetInput } from './schema.js';
export { FIELDS, WORKLOAD_FIELDS, ROUTE_FIELDS, PER_ROUTE_FIELDS, field, boundsOf, defaultOf, type FieldSpec, type FieldBounds } from './fields.js';
