import type { Catalog } from '../catalog/types.js';
import type { Signal } from '../engine/measured/red-flags.js';
import { checkStore } from '../traces/checks.js';
import { type Store, openStore, query } from '../traces/db.js';
import { type GroupSummary, summarize } from '../traces/metrics.js';
import { preparePricing } from '../traces/pricing.js';
import { type TimestampWindow, previousWindow } from '../traces/time-window.js';
import { type ReconcileLine, reconcileStore } from '../traces/reconcile.js';

/** What the trace store says (section 5), from the same functions as `traces summarize`, `reconcile` and `check`. */
export interface MeasuredSection {
  /** The store as shown to the reader (a ClickHouse URL without its password). */
  store: string;
  kind: 'duckdb' | 'clickhouse';
  /** traces summarize --by workload,route */
  byWorkloadRoute: GroupSummary[];
  /** traces summarize --by workload (what `compare --traces` swaps in). */
  byWorkload: GroupSummary[];
  /** traces summarize --by day,workload,route: the trend. */
  byDay: GroupSummary[];
  /** traces reconcile; null when no invoice is imported, and on ClickHouse, which holds no invoices. */
  reconciliation: { providers: ReconcileLine[]; skus: ReconcileLine[] } | null;
  /** traces check */
  signals: Signal[];
  /** Routes the catalog could not price in the traces (never $0). */
  unpriced: string[];
  /** With --from and --to: traces summarize --by workload,route for that period and for the same-length period before. */
  periods: PeriodComparison | null;
}

export interface PeriodComparison {
  current: TimestampWindow;
  previous: TimestampWindow;
  thisPeriod: GroupSummary[];
  lastPeriod: GroupSummary[];
}

/** Two runs of the store's summarize (the same function, two windows): no formula of its own. */
async function periodsOf(o: MeasuredOptions, run: (w: TimestampWindow) => Promise<GroupSummary[]>): Promise<PeriodComparison | null> {
  if (!o.from || !o.to) return null;
  const current = { from: o.from, to: o.to };
  const previous = previousWindow(current);
  return { current, previous, thisPeriod: await run(current), lastPeriod: await run(previous) };
}

export interface MeasuredOptions {
  catalog: Catalog;
  from?: string;
  to?: string;
}

/** Reads the DuckDB trace store at `db` (must exist: a report never creates one). */
export async function measureDuckDb(db: string, o: MeasuredOptions): Promise<MeasuredSection> {
  const store = await openStore(db, { create: false });
  try {
    const pricing = await preparePricing(store, o.catalog);
    const w = { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) };
    return {
      store: db,
      kind: 'duckdb',
      byWorkloadRoute: await summarize(store, { by: ['workload', 'route'], ...w }),
      byWorkload: await summarize(store, { by: ['workload'], ...w }),
      byDay: await summarize(store, { by: ['day', 'workload', 'route'], ...w }),
      // No invoice imported: the report says so (section 5) rather than failing; reconcile itself refuses.
      reconciliation: (await hasInvoices(store)) ? await reconcileStore(store, {}) : null,
      signals: await checkStore(store, { ...w, catalog: o.catalog }),
      unpriced: unresolved(pricing.unresolved),
      periods: await periodsOf(o, (p) => summarize(store, { by: ['workload', 'route'], ...p })),
    };
  } finally {
    store.close();
  }
}

/** The same from a ClickHouse server (`--clickhouse URL`): summarize and check; invoices live only in DuckDB. */
export async function measureClickHouse(url: string, o: MeasuredOptions): Promise<MeasuredSection> {
  const [{ openClickHouse, storeLabel }, { prepareChPricing }, { summarizeClickHouse }, { checkClickHouse }, { hasRequests }] = await Promise.all([
    import('../traces/clickhouse/connection.js'),
    import('../traces/clickhouse/pricing.js'),
    import('../traces/clickhouse/metrics.js'),
    import('../traces/clickhouse/checks.js'),
    import('../traces/clickhouse/schema.js'),
  ]);
  const ch = await openClickHouse(url);
  try {
    if (!(await hasRequests(ch))) throw new MissingStoreError(`no trace store at ${storeLabel(url)} (no requests table); run \`routefit traces import FILE --clickhouse ${storeLabel(url)}\` first`);
    const pricing = await prepareChPricing(ch, o.catalog);
    const w = { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) };
    return {
      store: storeLabel(url),
      kind: 'clickhouse',
      byWorkloadRoute: await summarizeClickHouse(ch, { by: ['workload', 'route'], ...w }),
      byWorkload: await summarizeClickHouse(ch, { by: ['workload'], ...w }),
      byDay: await summarizeClickHouse(ch, { by: ['day', 'workload', 'route'], ...w }),
      reconciliation: null,
      signals: await checkClickHouse(ch, { ...w, catalog: o.catalog }),
      unpriced: unresolved(pricing.unresolved),
      periods: await periodsOf(o, (p) => summarizeClickHouse(ch, { by: ['workload', 'route'], ...p })),
    };
  } finally {
    await ch.close();
  }
}

async function hasInvoices(store: Store): Promise<boolean> {
  const [row] = await query(store.conn, 'SELECT count(*) AS lines FROM invoice_lines');
  return Number(row?.lines ?? 0) > 0;
}

export class MissingStoreError extends Error {}

function unresolved(u: { route: string | null; provider: string | null; model: string | null; reason: string }[]): string[] {
  return u.map((x) => `${x.route ?? x.model ?? x.provider ?? '(unnamed)'}: ${x.reason}`).sort();
}
