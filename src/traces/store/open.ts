import { RoutefitError } from '../../engine/errors.js';
import { openStore } from '../db.js';
import { duckDbTraceStore } from './duckdb.js';
import type { ChStore } from '../clickhouse/connection.js';
import type { OpenOptions, SourceReport, StoreChoice, TraceStore, Window } from './types.js';

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
  let source: ReadSource | undefined;
  if (choice.source !== undefined) {
    const entry = READ_SOURCES[choice.source];
    if (!entry) throw new RoutefitError('invalid_input', `--source ${choice.source} is not a read source; allowed: ${Object.keys(READ_SOURCES).join(', ')}`, { field: 'source' });
    source = (await entry.load())({ ...(choice.sourceTable !== undefined ? { table: choice.sourceTable } : {}) });
  } else if (choice.sourceTable !== undefined) {
    throw new RoutefitError('invalid_input', `--otel-table names the table of a read source: give --source otel too`, { field: 'source' });
  }
  const [{ openClickHouse }, { clickHouseTraceStore }] = await Promise.all([import('../clickhouse/connection.js'), import('./clickhouse.js')]);
  const ch = await openClickHouse(choice.url, {
    ...(choice.cluster !== undefined ? { cluster: choice.cluster } : {}),
    ...(source ? { attempts: source.attempts } : {}),
    ...(source?.ownRequests ? { ownRequests: source.ownRequests } : {}),
    ...(opts.connector ? { connector: opts.connector } : {}),
  });
  return clickHouseTraceStore(ch, source);
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
 * (the normalized columns, `ts_us` epoch microseconds). Registered by name; `otel` reads the
 * OpenTelemetry Collector's `otel_traces` (clickhouse/otel-source.ts).
 */
export interface ReadSource {
  name: string;
  /** The SELECT whose rows are attempts, over the store's database (`ch.table(name)` names a table). */
  attempts: (ch: ChStore) => string;
  /** True once the source has proven every attempt its own request (attempt 0, request_id unique): reads skip the first/last-attempt lookup. */
  ownRequests?: (ch: ChStore) => boolean;
  /** What it reads, for --help. */
  doc: string;
  /** Checks the table it reads (in place of the check that routefit's `requests` exists): exit 2 with how to fix. */
  require: (ch: ChStore) => Promise<void>;
  /** Set when the source accepts no imports: why (the message of the refusal). */
  readOnly?: string;
  /** What the source read for a window: rows read as attempts, skipped, excluded by rule. */
  report: (ch: ChStore, window: Window) => Promise<SourceReport>;
  /** The window the command's reads cover: the source may read it once for them all (see TraceStore.focus). */
  focus?: (ch: ChStore, window: Window) => Promise<void>;
}

/** A read source's sources, loaded on demand (the CLI's start-up loads none). */
export const READ_SOURCES: Record<string, { doc: string; load: () => Promise<(opts: { table?: string }) => ReadSource> }> = {
  otel: {
    doc: "the OpenTelemetry Collector ClickHouse exporter's table (otel_traces, or --otel-table [DATABASE.]TABLE): GenAI spans read in place as attempts",
    load: async () => (await import('../clickhouse/otel-source.js')).otelReadSource,
  },
};
