export { loadFleet, briefWorkloads, fleetFacts, type LoadedFleet, type FleetWorkload } from './load.js';
export { loadVendors, type LoadedVendors } from './vendors-file.js';
export { decisionFleetSchema, fleetWorkloadSchema, type DecisionFleetInput, type FleetWorkloadInput } from './schema.js';
