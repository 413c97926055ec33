import { type ChStore, chIdent } from './connection.js';

/**
 * The ledger tables of a ClickHouse store (issue 14: "Invoices, GPU-hours and incidents live in the
 * store the traces live in"): invoice_lines, usage_lines, route_summaries, metric_points and
 * incidents, with the table and column names and meanings of the DuckDB store (../schema.ts DDL), so
 * a read query is written once for both stores.
 *
 * Stored as the trace rows are (schema.ts): `<table>_data` (MergeTree, PARTITION BY import_id) holds
 * every written line, the `imports` row of a ledger import is its commit, and `<table>` — what reads
 * name — is a VIEW of the lines of committed ledger imports, less the lines a committed `--replace`
 * replaced (`ledger_replaced`). A killed or failed ledger import is never seen; a correction's new
 * lines and the disappearance of the old ones are one single-row insert.
 *
 * The view counts only imports whose format is a ledger format: a trace import that happened to reuse
 * the id of a killed ledger import (its id is taken from the trace tables) never makes those lines visible.
 *
 * Timestamps are kept to the microsecond as `<name>_us` (epoch µs, Int64) as DuckDB keeps them — an
 * OTel point's end time is its idempotence key — and the view derives `<name>` (DateTime, UTC) from it,
 * as `requests` derives `ts` from `ts_us`. Dates (an incident's day) are Date. Booleans UInt8.
 *
 * On a cluster each shard holds `<table>_local`, and every node a Distributed `<table>_data` sharded by
 * import_id — one file's lines on one shard — and the view. Ledgers are small (lines per provider,
 * period and SKU, not per request): any sharding works for the reads, which aggregate every line and
 * join it with the traces on the initiator; by import keeps a failed import's lines in one partition
 * of one shard, and a re-import is idempotent whatever shard it lands on because the stored lines are
 * compared with the file's before anything is written (ledger-import.ts).
 */

export type LedgerKind = 'ts' | 'date' | 'text' | 'float' | 'int' | 'bool' | 'floats' | 'ints';

export interface LedgerColumn {
  name: string;
  kind: LedgerKind;
}

const cols = (spec: string): LedgerColumn[] =>
  spec
    .trim()
    .split(/\s*,\s*/)
    .map((c) => {
      const [name, kind] = c.split(':') as [string, LedgerKind];
      return { name, kind };
    });

/** Each ledger table's columns, in the DuckDB DDL's order (import_id and source_line are added to all). */
export const LEDGER_TABLES = {
  invoice_lines: cols('period_start:ts, period_end:ts, provider:text, sku:text, model:text, quantity:float, unit:text, amount_usd:float, charge_category:text'),
  route_summaries: cols(
    'route:text, provider:text, model:text, workload:text, inputTokens:float, outputTokens:float, cacheHitRate:float, batchEligible:float, concurrency:float, ttftMs:float, latencyP50Ms:float, latencyP95Ms:float, outputTokensPerSecond:float, acceptedOutputRate:float, costUsd:float, reviewMinutes:float',
  ),
  usage_lines: cols(
    'period_start:ts, period_end:ts, provider:text, model:text, service_tier:text, batch:bool, requests:int, input_tokens:int, cached_input_tokens:int, cache_write_tokens:int, output_tokens:int, source:text',
  ),
  metric_points: cols(
    'metric:text, provider:text, model:text, token_type:text, operation:text, series:text, start_ts:ts, end_ts:ts, count:int, sum:float, min:float, max:float, bounds:floats, bucket_counts:ints, cum_count:int, cum_sum:float, cum_buckets:ints',
  ),
  incidents: cols('day:date, provider:text, route:text, severity:text, minutes:float, description:text'),
} as const satisfies Record<string, LedgerColumn[]>;

export type LedgerTable = keyof typeof LEDGER_TABLES;
export const LEDGER_TABLE_NAMES = Object.keys(LEDGER_TABLES) as LedgerTable[];

/** The ledger formats (../ledgers.ts LEDGER_FORMATS) whose imports rows commit ledger lines. */
export const LEDGER_TABLE_OF: Record<string, LedgerTable> = {
  focus: 'invoice_lines',
  invoice: 'invoice_lines',
  'anthropic-cost': 'invoice_lines',
  'openai-usage': 'usage_lines',
  'anthropic-usage': 'usage_lines',
  'route-summary': 'route_summaries',
  'otel-metrics': 'metric_points',
  incidents: 'incidents',
};

const CH_TYPE: Record<LedgerKind, string> = {
  ts: 'Nullable(Int64)',
  date: 'Nullable(Date)',
  text: 'Nullable(String)',
  float: 'Nullable(Float64)',
  int: 'Nullable(Int64)',
  bool: 'Nullable(UInt8)',
  // ClickHouse arrays cannot be NULL: a DuckDB NULL list is stored as [] (every read treats them alike).
  floats: 'Array(Float64)',
  ints: 'Array(Int64)',
};

/** The stored column of a ledger column (timestamps as epoch µs). */
export const storedName = (c: LedgerColumn): string => (c.kind === 'ts' ? `${c.name}_us` : c.name);

/** Every inserted column of `<table>_data`, in table order. */
export const dataColumns = (t: LedgerTable): string[] => [...LEDGER_TABLES[t].map(storedName), 'import_id', 'source_line'];

const dataDdl = (t: LedgerTable) => [...LEDGER_TABLES[t].map((c) => `${chIdent(storedName(c))} ${CH_TYPE[c.kind]}`), 'import_id UInt32', 'source_line Int64'];

const ENGINE = 'ENGINE = MergeTree PARTITION BY import_id ORDER BY (import_id, source_line)';
const REPLACED = 'by_import UInt32, tbl String, import_id UInt32, source_line Int64';

/** The view's columns: the DuckDB store's, each timestamp also as `<name>_us` (exact, for comparisons with `ts_us`). */
const viewColumns = (t: LedgerTable) => [
  ...LEDGER_TABLES[t].flatMap((c) => (c.kind === 'ts' ? [`toDateTime(intDiv(${c.name}_us, 1000000), 'UTC') AS ${c.name}`, `${c.name}_us`] : [c.name])),
  'import_id',
  'source_line',
];

/** The ledger imports that committed (an imports row of a ledger format). */
export function committedLedgerImports(ch: ChStore): string {
  return `(SELECT import_id FROM ${ch.table('imports')} WHERE format IN (${Object.keys(LEDGER_TABLE_OF).map((f) => `'${f}'`).join(', ')}))`;
}

function viewDdl(ch: ChStore, t: LedgerTable): string {
  const committed = committedLedgerImports(ch);
  return `CREATE VIEW IF NOT EXISTS ${ch.table(t)} AS
    SELECT ${viewColumns(t).join(', ')} FROM ${ch.table(`${t}_data`)}
    WHERE import_id GLOBAL IN ${committed}
      AND (import_id, source_line) GLOBAL NOT IN (SELECT import_id, source_line FROM ${ch.table('ledger_replaced')} WHERE tbl = '${t}' AND by_import GLOBAL IN ${committed})`;
}

/**
 * Creates the ledger tables when missing: on this server, or on every node of the cluster (`nodes`,
 * open connections to them, as schema.ts ensureSchema takes them). The trace tables (and `imports`)
 * are ensureSchema's; call it first.
 */
export async function ensureLedgerSchema(ch: ChStore, layout?: { cluster: string; nodeStores: ChStore[] }): Promise<void> {
  if (!layout) {
    for (const t of LEDGER_TABLE_NAMES) await ch.command(`CREATE TABLE IF NOT EXISTS ${ch.table(`${t}_data`)} (${dataDdl(t).join(', ')}) ${ENGINE}`);
    await ch.command(`CREATE TABLE IF NOT EXISTS ${ch.table('ledger_replaced')} (${REPLACED}) ENGINE = MergeTree ORDER BY (tbl, import_id, source_line)`);
    for (const t of LEDGER_TABLE_NAMES) await ch.command(viewDdl(ch, t));
    return;
  }
  const c = chIdent(layout.cluster);
  const db = chIdent(ch.database);
  for (const node of layout.nodeStores) {
    for (const t of LEDGER_TABLE_NAMES) await node.command(`CREATE TABLE IF NOT EXISTS ${node.table(`${t}_local`)} (${dataDdl(t).join(', ')}) ${ENGINE}`);
    await node.command(`CREATE TABLE IF NOT EXISTS ${node.table('ledger_replaced_local')} (${REPLACED}) ENGINE = MergeTree ORDER BY (tbl, import_id, source_line)`);
  }
  for (const node of layout.nodeStores) {
    for (const t of LEDGER_TABLE_NAMES) {
      await node.command(`CREATE TABLE IF NOT EXISTS ${node.table(`${t}_data`)} (${dataDdl(t).join(', ')}) ENGINE = Distributed(${c}, ${db}, ${t}_local, import_id)`);
    }
    await node.command(`CREATE TABLE IF NOT EXISTS ${node.table('ledger_replaced')} (${REPLACED}) ENGINE = Distributed(${c}, ${db}, ledger_replaced_local, by_import)`);
    for (const t of LEDGER_TABLE_NAMES) await node.command(viewDdl(node, t));
  }
}

/** True when the store has its ledger tables (a store only ever imported trace rows into has none: every ledger read is empty). */
export async function hasLedgerTables(ch: ChStore): Promise<boolean> {
  const rows = await ch.query(`SELECT count() AS n FROM system.tables WHERE database = '${chIdent(ch.database)}' AND name = 'invoice_lines'`);
  return Number(rows[0]?.n ?? 0) > 0;
}
