import { type Store, query } from './db.js';

/**
 * What `summarize` needs beyond DuckDB's memory limit (issue 17, "Resources"). The exact
 * percentiles (`quantile_cont` of input, output, TTFT, TPOT and e2e per group, metrics.ts) are
 * holistic aggregates: DuckDB keeps every value in the aggregate's state, outside the buffer
 * manager that `memory_limit` bounds and spills. So a large window costs about 5 values × 8 bytes
 * per attempt, times ~2 for the states' vectors, on top of the limit — 50M attempts measured
 * 3.67 GB peak RSS against a 768 MB limit. The command says so before it runs, with the number.
 */
export const PERCENTILE_BYTES_PER_ATTEMPT = 5 * 8 * 2;

export interface MemoryNeed {
  attempts: number;
  /** DuckDB's memory_limit, bytes. */
  limitBytes: number;
  /** Percentile states, held outside the limit. */
  percentileBytes: number;
  /** limit + percentile states: what the command may use at its peak. */
  peakBytes: number;
}

const UNITS: Record<string, number> = { b: 1, bytes: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3, tb: 1e12, tib: 1024 ** 4 };

/** DuckDB's `memory_limit` setting ("732.4 MiB") in bytes; undefined when it cannot be read. */
export function parseMemorySetting(v: string): number | undefined {
  const m = /^\s*([0-9.]+)\s*([A-Za-z]+)\s*$/.exec(v);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit ? Number(m[1]) * unit : undefined;
}

/** The attempts a summary over the window reads, and the memory that costs. */
export async function summarizeMemoryNeed(store: Store, where: string): Promise<MemoryNeed | undefined> {
  const [row] = await query(store.conn, `SELECT (SELECT count(*) FROM requests ${where}) AS n, current_setting('memory_limit') AS lim`);
  const limitBytes = parseMemorySetting(String(row?.lim ?? ''));
  if (limitBytes === undefined) return undefined;
  const attempts = Number(row!.n);
  const percentileBytes = attempts * PERCENTILE_BYTES_PER_ATTEMPT;
  return { attempts, limitBytes, percentileBytes, peakBytes: limitBytes + percentileBytes };
}

const gb = (b: number) => (b >= 1e9 ? `${(b / 1e9).toFixed(1)} GB` : `${Math.round(b / 1e6)} MB`);

/** A note when the percentiles would hold more than the limit itself; undefined when the limit covers the command. */
export function memoryNote(need: MemoryNeed): string | undefined {
  if (need.percentileBytes <= need.limitBytes) return undefined;
  return (
    `note: summarize reads ${need.attempts.toLocaleString('en-US')} attempts; their exact percentiles hold about ${gb(need.percentileBytes)} ` +
    `outside DuckDB's ${gb(need.limitBytes)} memory limit (ROUTEFIT_DUCKDB_MEMORY), so the command needs about ${gb(need.peakBytes)}. ` +
    'Narrow the window (--from/--to) to need less.'
  );
}
