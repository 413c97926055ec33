import { loadWorkloadFile } from '../../workload/load.js';
import type { Io } from '../io.js';
import { type CompareOptions, compareCommand } from './compare.js';
import { type UncertaintyOptions, uncertaintyCommand } from './uncertainty.js';

export interface CompareAllOptions extends CompareOptions, UncertaintyOptions {
  traces?: string;
  from?: string;
  to?: string;
}

/**
 * The one action of `routefit compare`. Other modules add options (--uncertainty, --traces); this picks
 * the path, so no feature silently replaces another's handler.
 */
export async function runCompare(file: string, opts: CompareAllOptions, io: Io): Promise<number> {
  // `measured_from:` in the file does what --traces does; the flag wins. CSV and blend stay on assumptions.
  const traces = opts.traces ?? (opts.csv || opts.blend ? undefined : loadWorkloadFile(file).measuredFrom);
  if (opts.uncertainty && traces) {
    // Measured inputs replace assumed ones, each with the spread of its own sample (engine withMeasuredInputs).
    const { measuredSwap } = await import('./traces-measured.js');
    return uncertaintyCommand(file, opts, io, await measuredSwap(traces, opts));
  }
  if (opts.uncertainty) return uncertaintyCommand(file, opts, io);
  if (traces) {
    // Loaded on demand: the trace store pulls in DuckDB's native binding.
    const { compareWithTraces } = await import('./traces-measured.js');
    return compareWithTraces(file, { ...opts, traces }, io);
  }
  return compareCommand(file, opts, io);
}
