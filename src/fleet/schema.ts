import { fleetSchema, workloadSchema } from '../workload/schema.js';
import type { z } from 'zod';

/**
 * The fleet file is the workload file: decision facts are optional blocks of the same format
 * (src/workload/facts.ts). These names stay for the decision code that reads them.
 */
export { flagSchema, decisionWorkloadFields, decisionFleetFields } from '../workload/facts.js';
export const fleetWorkloadSchema = workloadSchema;
export const decisionFleetSchema = fleetSchema;
export type DecisionFleetInput = z.output<typeof decisionFleetSchema>;
export type FleetWorkloadInput = z.output<typeof fleetWorkloadSchema>;
