export { type OpenOptions, type Reconciled, type RouteSummaryRow, type StoreCapabilities, type StoreChoice, type StoreImportOptions, type TraceStore, type Window } from './types.js';
export { READ_SOURCES, type ReadSource, openTraceStore, withTraceStore } from './open.js';
export { DUCKDB_CAPABILITIES, duckDbTraceStore } from './duckdb.js';
