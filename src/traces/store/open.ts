import { RoutefitError } from '../../engine/errors.js';
import { openStore } from '../db.js';
import { duckDbTraceStore } from './duckdb.js';
import type { OpenOptions, StoreChoice, TraceStore } from './types.js';

/**
 * Opens the store a command names (`--db PATH`, or `--clickhouse URL [--cluster NAME] [--source NAME]`)
 * as a `TraceStore`: the one place that knows which adapter a choice means. Adapters and client
 * libraries load here, on demand, so the CLI's start-up pays for neither.
 */
export async function openTraceStore(choice: StoreChoice, opts: OpenOptions = {}): Promise<TraceStore> {
  if (choice.kind === 'duckdb') {
    if (opts.create) {
      // Opened for an import: a file bloated by killed imports is compacted first (traces/compact.ts).
      const { openStoreForImport } = await import('../compact.js');
      const { store, reclaimedBytes } = await openStoreForImport(choice.db);
      const notes = reclaimedBytes > 0 ? [`note: ${choice.db}: reclaimed ${(reclaimedBytes / 1e6).toFixed(1)} MB that interrupted imports had left in the file`] : [];
      return duckDbTraceStore(store, notes);
    }
    return duckDbTraceStore(await openStore(choice.db, { create: false }));
  }
  if (choice.source !== undefined) {
    const source = READ_SOURCES[choice.source];
    if (!source) throw new RoutefitError('invalid_input', `--source ${choice.source} is not a read source; allowed: ${Object.keys(READ_SOURCES).join(', ') || '(none yet)'}`, { field: 'source' });
  }
  const [{ openClickHouse }, { clickHouseTraceStore }] = await Promise.all([import('../clickhouse/connection.js'), import('./clickhouse.js')]);
  const attempts = choice.source !== undefined ? READ_SOURCES[choice.source]!.attempts : undefined;
  const ch = await openClickHouse(choice.url, { ...(choice.cluster !== undefined ? { cluster: choice.cluster } : {}), ...(attempts ? { attempts } : {}) });
  return clickHouseTraceStore(ch);
}

/** Opens a store, runs `body`, closes it whatever happens. */
export async function withTraceStore<T>(choice: StoreChoice, opts: OpenOptions, body: (s: TraceStore) => Promise<T>): Promise<T> {
  const store = await openTraceStore(choice, opts);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

/**
 * Read sources (`--source NAME`): a relation presenting an existing table as routefit's attempts
 * (the normalized columns, `ts_us` epoch microseconds). Registered by name; `otel` adds one for
 * the OpenTelemetry Collector's `otel_traces`.
 */
export interface ReadSource {
  /** The SELECT whose rows are attempts, over the store's database (`ch.table(name)` names a table). */
  attempts: (ch: import('../clickhouse/connection.js').ChStore) => string;
  /** What it reads, for --help. */
  doc: string;
}

export const READ_SOURCES: Record<string, ReadSource> = {};
