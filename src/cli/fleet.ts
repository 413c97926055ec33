/** What the fleet-reading commands (plan, matrix, procurement) share: loading the file, the unpriced exit. */
import { loadFleet } from '../fleet/load.js';
import { opt } from './command.js';
import { type FieldValues, fieldOptions, fieldValues } from './field-flags.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from './io.js';
import { openCatalog } from './pricing.js';

export const fleetOptions = () => ({
  workload: opt.string('--workload <name>', 'only this workload'),
  asOf: opt.asOf(),
  catalog: opt.catalog(),
  catalogOverlay: opt.catalogOverlay(),
  ...fieldOptions(),
});

export interface FleetOptions extends FieldValues {
  asOf?: string | undefined;
  catalog?: string | undefined;
  catalogOverlay?: string[] | undefined;
  workload?: string | undefined;
}

export function fleetFrom(file: string, opts: FleetOptions, io: Io) {
  const fleet = loadFleet(file, openCatalog(opts.catalog, opts.catalogOverlay), { today: io.today, ...(opts.asOf ? { asOf: opts.asOf } : {}), fields: fieldValues(opts) });
  if (opts.workload && !fleet.workloads.some((w) => w.name === opts.workload)) {
    throw new CliUsageError(`--workload "${opts.workload}" is not in ${file} (${fleet.workloads.map((w) => w.name).join(', ')})`);
  }
  return fleet;
}

/** Same contract as `compare`: an unpriceable route is listed, never costed at $0, and the exit code is 2. */
export function unpricedExit(fleet: ReturnType<typeof loadFleet>, io: Io): number {
  return fleet.workloads.some((w) => w.prepared.unpriced.length) ? unpricedNote(io) : EXIT_OK;
}
export function unpricedNote(io: Io): number {
  io.err('routefit: some routes could not be priced (shown as eliminated at economics); exit code 2\n');
  return EXIT_BAD_INPUT;
}

