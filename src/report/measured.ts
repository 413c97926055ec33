import type { Catalog } from '../catalog/types.js';
import type { Signal } from '../engine/measured/red-flags.js';
import type { GroupSummary } from '../traces/metrics.js';
import { withTraceStore } from '../traces/store/open.js';
import type { StoreChoice } from '../traces/store/types.js';
import { type TimestampWindow, previousWindow } from '../traces/time-window.js';
import type { ReconcileLine } from '../traces/reconcile.js';

/** What the trace store says (section 5), from the same functions as `traces summarize`, `reconcile` and `check`. */
export interface MeasuredSection {
  /** The store as shown to the reader (a ClickHouse URL without its password). */
  store: string;
  /** Why the store cannot reconcile (it holds no invoices), or null when it can. */
  reconcileUnavailable: string | null;
  /** traces summarize --by workload,route */
  byWorkloadRoute: GroupSummary[];
  /** traces summarize --by workload (what `compare --traces` swaps in). */
  byWorkload: GroupSummary[];
  /** traces summarize --by day,workload,route: the trend. */
  byDay: GroupSummary[];
  /** traces reconcile; null when no invoice is imported (or the store holds none: `reconcileUnavailable`). */
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

/** Reads the trace store a report names (it must exist and hold traces: a report never creates one). */
export async function measureStore(choice: StoreChoice, o: MeasuredOptions): Promise<MeasuredSection> {
  return withTraceStore(choice, {}, async (store) => {
    try {
      await store.requireTraces();
    } catch (err) {
      throw new MissingStoreError((err as Error).message);
    }
    const pricing = await store.preparePricing(o.catalog);
    const w = { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) };
    return {
      store: store.label,
      reconcileUnavailable: store.capabilities.invoices ? null : (store.capabilities.why.invoices ?? 'this store holds no invoices'),
      byWorkloadRoute: await store.summarize({ by: ['workload', 'route'], ...w }),
      byWorkload: await store.summarize({ by: ['workload'], ...w }),
      byDay: await store.summarize({ by: ['day', 'workload', 'route'], ...w }),
      // No invoice imported: the report says so (section 5) rather than failing; reconcile itself refuses.
      reconciliation: (await store.hasInvoices()) ? await store.reconcile({}) : null,
      signals: await store.check({ ...w, catalog: o.catalog }),
      unpriced: unresolved(pricing.unresolved),
      periods: await periodsOf(o, (p) => store.summarize({ by: ['workload', 'route'], ...p })),
    };
  });
}

/** `measureStore` of a DuckDB file. */
export const measureDuckDb = (db: string, o: MeasuredOptions) => measureStore({ kind: 'duckdb', db }, o);
/** `measureStore` of a ClickHouse server. */
export const measureClickHouse = (url: string, o: MeasuredOptions) => measureStore({ kind: 'clickhouse', url }, o);

export class MissingStoreError extends Error {}

function unresolved(u: { route: string | null; provider: string | null; model: string | null; reason: string }[]): string[] {
  return u.map((x) => `${x.route ?? x.model ?? x.provider ?? '(unnamed)'}: ${x.reason}`).sort();
}
