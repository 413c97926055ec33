import { RoutefitError } from '../errors.js';

/**
 * The window a measured cost per accepted output prorates monthly overheads over (issue 11, item 3),
 * and the one count of accepted outputs. One rule for every surface (summarize, whatif, reconcile):
 *   1. an explicit window (--from / --to; reconcile: the invoice period) wins, each end on its own;
 *   2. else the invoice period(s) the store holds, when they cover the traced span;
 *   3. else a stated length (summarize --window);
 *   4. else the traced span, first to last request.
 * A monthly figure counts each day of the window as 1 ÷ (days in that calendar month) of a month, so a
 * calendar month is exactly one month of engineering, eval and ops whatever its length (actual/actual, as
 * a monthly invoice bills it); a window known only by its length takes days ÷ (365.25 ÷ 12), the mean
 * Gregorian month.
 */
export const MEAN_DAYS_PER_MONTH = 365.25 / 12;

export type ProrationRule = 'from/to' | 'invoice period' | 'stated window' | 'traced span';

export interface ProrationWindow {
  /** ISO timestamps (UTC); absent for a window known only by its length. */
  start?: string;
  end?: string;
  days: number;
  /** Months of a monthly figure the window holds (the share that prorates it). */
  months: number;
  rule: ProrationRule;
}

/** What a caller knows about the window: explicit ends, the store's invoice periods, a stated length. */
export interface ProrationRequest {
  from?: string | undefined;
  to?: string | undefined;
  periods?: { start: string; end: string }[];
  statedDays?: number | undefined;
}

const DAY_MS = 86_400_000;

function ms(iso: string, what: string): number {
  // A bare date is midnight UTC, as --from/--to read it.
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : /[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  if (!Number.isFinite(t)) throw new RoutefitError('invalid_input', `${what} "${iso}" is not a UTC timestamp (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)`, { field: what });
  return t;
}

/** Months of a monthly figure in [start, end): each day weighs 1 ÷ the days of its own calendar month. */
export function monthsBetween(start: string, end: string): number {
  let t = ms(start, 'window start');
  const e = ms(end, 'window end');
  if (e < t) throw new RoutefitError('invalid_input', `window end ${end} is before its start ${start}`, { field: 'window' });
  let months = 0;
  while (t < e) {
    const d = new Date(t);
    const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    const stop = Math.min(e, next);
    months += (stop - t) / (next - monthStart);
    t = stop;
  }
  return months;
}

/** The window by the rule above, for a group traced from `traced.start` to `traced.end`. */
export function prorationWindow(traced: { start: string; end: string }, req: ProrationRequest = {}): ProrationWindow {
  const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
  const make = (s: number, e: number, rule: ProrationRule): ProrationWindow => ({ start: iso(s), end: iso(e), days: (e - s) / DAY_MS, months: monthsBetween(iso(s), iso(e)), rule });
  const ts = ms(traced.start, 'traced start');
  const te = ms(traced.end, 'traced end');
  if (req.from !== undefined || req.to !== undefined) return make(req.from !== undefined ? ms(req.from, '--from') : ts, req.to !== undefined ? ms(req.to, '--to') : te, 'from/to');
  // Invoice periods that overlap the traced span; used when together they cover it without a gap.
  const periods = (req.periods ?? []).map((p) => [ms(p.start, 'invoice period start'), ms(p.end, 'invoice period end')] as const).filter(([s, e]) => s <= te && e > ts).sort((a, b) => a[0] - b[0]);
  if (periods.length) {
    let reach = periods[0]![0];
    let covered = reach <= ts;
    for (const [s, e] of periods) {
      if (s > reach) covered = false;
      reach = Math.max(reach, e);
    }
    if (covered && reach > te) return make(periods[0]![0], reach, 'invoice period');
  }
  if (req.statedDays !== undefined) return { days: req.statedDays, months: req.statedDays / MEAN_DAYS_PER_MONTH, rule: 'stated window' };
  return make(ts, te, 'traced span');
}

/** A window of a stated length only (no timestamps): days ÷ (365.25 ÷ 12). */
export function windowOfLength(days: number, rule: ProrationRule = 'stated window'): ProrationWindow {
  return { days, months: days / MEAN_DAYS_PER_MONTH, rule };
}

/** One line naming the window and the rule that chose it, for text output. */
export function prorationText(w: ProrationWindow): string {
  const span = w.start && w.end ? `${w.start} – ${w.end}, ` : '';
  return `monthly overheads prorated over ${span}${Number(w.days.toPrecision(4))} days = ${Number(w.months.toPrecision(4))} months (${w.rule})`;
}

/**
 * Accepted outputs (Inference Field Guide, Part 0: successful = requests × quality pass rate): the pass rate
 * of the labelled final attempts applied to every request; null with no label. The one count every surface uses.
 */
export function acceptedOutputs(c: { requests: number; labelled: number; passed: number }): number | null {
  return c.labelled > 0 ? c.requests * (c.passed / c.labelled) : null;
}
