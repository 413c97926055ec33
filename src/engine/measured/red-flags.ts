import { requireInRange } from '../errors.js';
import { blendedWriteRate, cacheBreakEven } from '../cost/cache-gate.js';

/**
 * Red-flag triggers (Inference Field Guide, Part 5, "Red-flag triggers") and reversion signals (Inference Economics Playbook, ch. 22,
 * "Reversion signals") evaluated on measured series. Pure: the store supplies daily counts per
 * workload and hourly latency; this decides what fired. A rate change compares the trailing 7 days
 * with the 7 days before them (a 2-week window), at every day of the series.
 */
export interface DailyPoint {
  workload: string;
  /** YYYY-MM-DD */
  day: string;
  requests: number;
  attempts: number;
  labelled: number;
  passed: number;
  escalated: number;
  inputTokens: number;
  cachedTokens: number;
  fallbackAttempts: number;
  /** Input tokens written to the prompt cache, and the 1-hour part of them (absent: not counted by the store). */
  cacheWriteTokens?: number;
  cacheWrite1hTokens?: number;
}

/** The prompt-cache prices (USD per million) of the route a workload runs on, for the cache break-even signal. */
export interface CachePrice {
  workload: string;
  route: string;
  input: number;
  cachedInput: number | null;
  cacheWrite5m: number | null;
  cacheWrite1h: number | null;
}

export interface HourlyLatency {
  workload: string;
  /** YYYY-MM-DDTHH */
  hour: string;
  e2eP99Ms: number | null;
  ttftP99Ms: number | null;
  tpotP99Ms: number | null;
}

export interface WeeklyLatency {
  workload: string;
  /** p99/p50 of e2e latency in the last 7 days and the 7 before. */
  currentRatio: number | null;
  baselineRatio: number | null;
}

export interface RedFlagInput {
  daily: DailyPoint[];
  hourly: HourlyLatency[];
  weeklyLatency: WeeklyLatency[];
  /** From reconciliation: |invoice − traces| ÷ invoice per provider × period. */
  invoiceVariance?: { provider: string; period: string; deltaPct: number | null }[];
  slo?: { e2eP99Ms?: number; ttftP99Ms?: number; tpotP99Ms?: number };
  /** Eval pass-rate floor for the reversion signal (Inference Economics Playbook, ch. 22). */
  qualityFloor?: number;
  /** Catalog price changes of the routes the traces use, in or near the window; undefined = not looked up. */
  priceChanges?: PriceChange[];
  /** Each workload's routes and the days the traces saw them on (old vs new route for incidents). */
  routeUse?: RouteUse[];
  /** Imported incidents in the window; undefined = none imported (the operational signals are not checked). */
  incidents?: Incident[];
  /** The team's mean-time-to-resolve SLO, minutes (Inference Economics Playbook, ch. 22 operational signal). */
  incidentSloMinutes?: number;
  /** Cache prices of each workload's latest route; undefined = not looked up (no catalog). */
  cachePrices?: CachePrice[];
  /**
   * Data the store cannot hold at all, with the reason (a store that keeps trace rows only):
   * the signal says "not checked" with this reason instead of "none imported".
   */
  unavailable?: { invoiceVariance?: string; incidents?: string };
}

/** A price point of a traced route that replaced an earlier one (Inference Field Guide, Part 5: "Provider pricing page update"). */
export interface PriceChange {
  route: string;
  /** YYYY-MM-DD the new price took effect. */
  effective: string;
  changes: { field: string; before: number | null; after: number | null }[];
}

export interface RouteUse {
  workload: string;
  route: string;
  provider: string | null;
  /** YYYY-MM-DD, first and last day the traces saw the route for the workload. */
  firstDay: string;
  lastDay: string;
}

export interface Incident {
  /** YYYY-MM-DD */
  date: string;
  provider: string | null;
  /** Catalog route id; null = every route of the provider. */
  route: string | null;
  severity: string | null;
  /** Minutes to resolve; null when not recorded. */
  minutes: number | null;
  description: string | null;
}

export interface Signal {
  id: string;
  kind: 'red_flag' | 'reversion';
  cite: string;
  workload?: string;
  fired: boolean;
  /** Why it fired, or why it could not be checked. */
  detail: string;
  /** The first day (or hour) it fired. */
  at?: string;
  checked: boolean;
}

const WEEK = 7;
const pp = (v: number) => `${(v * 100).toFixed(1)} pp`;
const pc = (v: number) => `${(v * 100).toFixed(1)}%`;

interface Week {
  requests: number;
  attempts: number;
  labelled: number;
  passed: number;
  escalated: number;
  input: number;
  cached: number;
  fallback: number;
}
const sumWeek = (pts: DailyPoint[]): Week =>
  pts.reduce(
    (a, p) => ({
      requests: a.requests + p.requests,
      attempts: a.attempts + p.attempts,
      labelled: a.labelled + p.labelled,
      passed: a.passed + p.passed,
      escalated: a.escalated + p.escalated,
      input: a.input + p.inputTokens,
      cached: a.cached + p.cachedTokens,
      fallback: a.fallback + p.fallbackAttempts,
    }),
    { requests: 0, attempts: 0, labelled: 0, passed: 0, escalated: 0, input: 0, cached: 0, fallback: 0 },
  );

const dayIndex = (d: string) => Math.round(Date.parse(`${d}T00:00:00Z`) / 86_400_000);

/** Trailing-week pairs (baseline week, current week) ending at each day with two full weeks behind it. */
function weekPairs(points: DailyPoint[]): { day: string; base: Week; cur: Week }[] {
  if (!points.length) return [];
  const byIdx = new Map(points.map((p) => [dayIndex(p.day), p]));
  const idx = [...byIdx.keys()];
  const first = Math.min(...idx);
  const last = Math.max(...idx);
  const pick = (from: number, to: number) => {
    const out: DailyPoint[] = [];
    for (let i = from; i < to; i++) {
      const p = byIdx.get(i);
      if (p) out.push(p);
    }
    return out;
  };
  const pairs: { day: string; base: Week; cur: Week }[] = [];
  for (let end = first + 2 * WEEK; end <= last + 1; end++) {
    pairs.push({ day: new Date((end - 1) * 86_400_000).toISOString().slice(0, 10), base: sumWeek(pick(end - 2 * WEEK, end - WEEK)), cur: sumWeek(pick(end - WEEK, end)) });
  }
  return pairs;
}

type Rate = (w: Week) => number | null;
const retry: Rate = (w) => (w.requests ? w.attempts / w.requests - 1 : null);
const pass: Rate = (w) => (w.labelled ? w.passed / w.labelled : null);
const cache: Rate = (w) => (w.input ? w.cached / w.input : null);
const escalation: Rate = (w) => (w.requests ? w.escalated / w.requests : null);
const fallback: Rate = (w) => (w.attempts ? w.fallback / w.attempts : null);

function rateChange(workload: string, pairs: ReturnType<typeof weekPairs>, rate: Rate, threshold: number, rising: boolean, base: Omit<Signal, 'fired' | 'detail' | 'checked' | 'workload'>, label: string): Signal {
  if (!pairs.length) return { ...base, workload, fired: false, checked: false, detail: 'needs two full weeks of traces' };
  for (const p of pairs) {
    const b = rate(p.base);
    const c = rate(p.cur);
    if (b === null || c === null) continue;
    const delta = c - b;
    if (rising ? delta >= threshold : -delta >= threshold) {
      return { ...base, workload, fired: true, checked: true, at: p.day, detail: `${label} went from ${pc(b)} to ${pc(c)} (${delta >= 0 ? '+' : ''}${pp(delta)}) in the week to ${p.day} vs the week before` };
    }
  }
  const p = pairs[pairs.length - 1]!;
  const b = rate(p.base);
  const c = rate(p.cur);
  return { ...base, workload, fired: false, checked: b !== null && c !== null, detail: b === null || c === null ? `no ${label} data` : `${label} ${pc(b)} → ${pc(c)} in the latest two weeks` };
}

export function detectRedFlags(input: RedFlagInput): Signal[] {
  const out: Signal[] = [];
  const workloads = [...new Set(input.daily.map((d) => d.workload))].sort();
  const red = (id: string) => ({ id, kind: 'red_flag' as const, cite: 'Inference Field Guide, Part 5, Red-flag triggers' });
  const rev = (id: string) => ({ id, kind: 'reversion' as const, cite: 'Inference Economics Playbook, ch. 22, Reversion signals' });
  const pairsBy = new Map(workloads.map((w) => [w, weekPairs(input.daily.filter((d) => d.workload === w))]));

  if (input.invoiceVariance?.length) {
    for (const v of input.invoiceVariance) {
      const fired = v.deltaPct === null || Math.abs(v.deltaPct) > 0.1;
      out.push({ ...red('invoice_variance'), fired, checked: true, detail: `${v.provider} ${v.period}: traces vs invoice ${v.deltaPct === null ? 'on a $0 invoice' : pc(v.deltaPct)} (threshold 10%)` });
    }
  } else {
    out.push({ ...red('invoice_variance'), fired: false, checked: false, detail: input.unavailable?.invoiceVariance ?? 'no invoice in the store' });
  }
  for (const w of workloads) {
    const pairs = pairsBy.get(w)!;
    out.push(rateChange(w, pairs, retry, 0.05, true, red('retry_rate_up_5pp'), 'retry rate'));
    out.push(rateChange(w, pairs, cache, 0.1, false, red('cache_hit_down_10pp'), 'cache hit rate'));
    out.push(rateChange(w, pairs, pass, 0.05, false, red('pass_rate_down_5pts'), 'pass rate'));
    const fb = pairs.length ? pairs : [];
    const firing = fb.find((p) => (fallback(p.cur) ?? 0) > 0.2);
    const lastFb = fb.length ? fallback(fb[fb.length - 1]!.cur) : null;
    out.push(
      firing
        ? { ...red('fallback_share_over_20pct'), workload: w, fired: true, checked: true, at: firing.day, detail: `fallback routes served ${pc(fallback(firing.cur)!)} of attempts in the week to ${firing.day}` }
        : { ...red('fallback_share_over_20pct'), workload: w, fired: false, checked: lastFb !== null, detail: lastFb === null ? 'needs two full weeks of traces' : `fallback share ${pc(lastFb)} in the latest week` },
    );
    out.push(rateChange(w, pairs, escalation, 0.05, true, rev('escalation_up_5pp'), 'human escalation rate'));
    if (input.qualityFloor !== undefined) {
      requireInRange('qualityFloor', input.qualityFloor, { min: 0, max: 1 });
      const below = pairs.filter((p, i) => i >= WEEK && (pass(p.cur) ?? 1) < input.qualityFloor! && (pass(pairs[i - WEEK]!.cur) ?? 1) < input.qualityFloor!);
      out.push(
        below.length
          ? { ...rev('pass_below_floor_2_windows'), workload: w, fired: true, checked: true, at: below[0]!.day, detail: `pass rate below the ${pc(input.qualityFloor)} floor for two consecutive weeks to ${below[0]!.day}` }
          : { ...rev('pass_below_floor_2_windows'), workload: w, fired: false, checked: true, detail: `pass rate not below ${pc(input.qualityFloor)} for two consecutive weeks` },
      );
    }
  }
  // Traffic mix: one workload grows 3× while the others stay flat (within ±50%).
  if (workloads.length >= 2) {
    const growth = workloads.map((w) => {
      const p = pairsBy.get(w)!.at(-1);
      return { w, g: p && p.base.requests > 0 ? p.cur.requests / p.base.requests : null };
    });
    const grown = growth.filter((x) => x.g !== null && x.g >= 3);
    for (const x of grown) {
      const flat = growth.filter((o) => o.w !== x.w).every((o) => o.g !== null && o.g >= 2 / 3 && o.g <= 1.5);
      out.push({ ...red('traffic_mix_shift_3x'), workload: x.w, fired: flat, checked: true, detail: `${x.w} grew ${x.g!.toFixed(1)}× week over week; others ${flat ? 'flat' : 'also moved'}` });
    }
    if (!grown.length) out.push({ ...red('traffic_mix_shift_3x'), fired: false, checked: growth.some((g) => g.g !== null), detail: `largest week-over-week growth ${Math.max(...growth.map((g) => g.g ?? 0)).toFixed(2)}×` });
  } else {
    out.push({ ...red('traffic_mix_shift_3x'), fired: false, checked: false, detail: 'needs two or more workloads' });
  }
  // P99 latency breach sustained 4+ hours (Inference Field Guide) and p99 over SLO in > 1% of windows (Inference Economics Playbook).
  const slo = input.slo ?? {};
  for (const w of workloads) {
    const hours = input.hourly.filter((h) => h.workload === w).sort((a, b) => a.hour.localeCompare(b.hour));
    if (slo.e2eP99Ms === undefined) {
      out.push({ ...red('p99_breach_4h'), workload: w, fired: false, checked: false, detail: 'no p99 SLO given (--slo-p99-ms)' });
    } else {
      let run = 0;
      let prev = -Infinity;
      let firedAt: string | undefined;
      for (const h of hours) {
        const t = Date.parse(`${h.hour}:00:00Z`) / 3_600_000;
        const breach = h.e2eP99Ms !== null && h.e2eP99Ms > slo.e2eP99Ms;
        run = breach ? (t === prev + 1 ? run + 1 : 1) : 0;
        prev = t;
        if (run >= 4 && !firedAt) firedAt = h.hour;
      }
      out.push({ ...red('p99_breach_4h'), workload: w, fired: !!firedAt, checked: true, ...(firedAt ? { at: firedAt } : {}), detail: firedAt ? `e2e p99 above ${slo.e2eP99Ms} ms for 4+ consecutive hours, by ${firedAt}:00` : `no 4-hour run of e2e p99 above ${slo.e2eP99Ms} ms` });
    }
    for (const [id, key, limit] of [['ttft_p99_over_slo_1pct', 'ttftP99Ms', slo.ttftP99Ms], ['tpot_p99_over_slo_1pct', 'tpotP99Ms', slo.tpotP99Ms]] as const) {
      if (limit === undefined) continue;
      const measured = hours.filter((h) => h[key] !== null);
      const over = measured.filter((h) => h[key]! > limit).length;
      const share = measured.length ? over / measured.length : 0;
      out.push({ ...rev(id), workload: w, fired: share > 0.01, checked: measured.length > 0, detail: `${over} of ${measured.length} hourly windows (${pc(share)}) had p99 above ${limit} ms (threshold 1%)` });
    }
    const lat = input.weeklyLatency.find((l) => l.workload === w);
    if (lat && lat.currentRatio !== null && lat.baselineRatio !== null && lat.baselineRatio > 0) {
      const rise = lat.currentRatio / lat.baselineRatio - 1;
      out.push({ ...rev('latency_variance_up_50pct'), workload: w, fired: rise > 0.5, checked: true, detail: `e2e p99/p50 went from ${lat.baselineRatio.toFixed(2)} to ${lat.currentRatio.toFixed(2)} (${rise >= 0 ? '+' : ''}${pc(rise)}; threshold +50%)` });
    } else {
      out.push({ ...rev('latency_variance_up_50pct'), workload: w, fired: false, checked: false, detail: 'needs latency in the last two weeks' });
    }
  }
  out.push(...cacheBreakEvenSignals(input, workloads), ...pricingSignals(input), ...incidentSignals(input));
  return out;
}

/**
 * The playbook, ch. 22, Reversion signals: "Cache hit rate drops below the break-even threshold". Over
 * the latest week, hit rate = cache reads ÷ (reads + writes) of the cached prefix; the threshold is the
 * cache gate's (engine/cost/cache-gate.ts) for the workload's latest route, writes priced by their TTL mix.
 */
function cacheBreakEvenSignals(input: RedFlagInput, workloads: string[]): Signal[] {
  const base = { id: 'cache_hit_below_breakeven', kind: 'reversion' as const, cite: 'the playbook, ch. 22, Reversion signals (threshold: routefit cache-gate)' };
  return workloads.map((w) => {
    const pts = input.daily.filter((d) => d.workload === w);
    const last = Math.max(...pts.map((p) => dayIndex(p.day)));
    const week = pts.filter((p) => dayIndex(p.day) > last - WEEK);
    if (week.some((p) => p.cacheWriteTokens === undefined)) return { ...base, workload: w, fired: false, checked: false, detail: 'the store does not count cache writes' };
    const reads = week.reduce((a, p) => a + p.cachedTokens, 0);
    const writes = week.reduce((a, p) => a + p.cacheWriteTokens!, 0);
    const writes1h = week.reduce((a, p) => a + (p.cacheWrite1hTokens ?? 0), 0);
    if (input.cachePrices === undefined) return { ...base, workload: w, fired: false, checked: false, detail: 'catalog prices not looked up' };
    const price = input.cachePrices.find((c) => c.workload === w);
    if (!price) return { ...base, workload: w, fired: false, checked: false, detail: 'the workload\'s route has no token price in the catalog' };
    if (reads + writes === 0) return { ...base, workload: w, fired: false, checked: false, detail: 'no cache reads or writes in the latest week' };
    if (price.cachedInput === null) return { ...base, workload: w, fired: false, checked: false, detail: `${price.route} has no cached-input price in the catalog` };
    const be = cacheBreakEven({ input: price.input, cachedInput: price.cachedInput, cacheWrite: blendedWriteRate(price, writes, Math.min(writes1h, writes)) });
    const hit = reads / (reads + writes);
    if (be.breakEvenHitRate === null) return { ...base, workload: w, fired: true, checked: true, detail: `${price.route}: a cached read costs no less than input, so caching never pays` };
    const fired = hit < be.breakEvenHitRate;
    return { ...base, workload: w, fired, checked: true, detail: `cache hit rate ${pc(hit)} of cached-prefix lookups (reads ÷ reads + writes) in the latest week, ${fired ? 'below' : 'at or above'} the ${pc(be.breakEvenHitRate)} break-even of ${price.route}` };
  });
}

const hits = (i: Incident, route: string, provider: string | null) => (i.route ? i.route === route : i.provider !== null && i.provider === provider);
const days = (from: string, to: string) => dayIndex(to) - dayIndex(from) + 1;

/** Inference Field Guide, Part 5, Red-flag triggers: "Provider pricing page update. Re-run the LCPR calculator". */
function pricingSignals(input: RedFlagInput): Signal[] {
  const base = { id: 'pricing_page_change', kind: 'red_flag' as const, cite: 'Inference Field Guide, Part 5, Red-flag triggers' };
  if (input.priceChanges === undefined) return [{ ...base, fired: false, checked: false, detail: 'catalog price history not looked up' }];
  if (!input.priceChanges.length) return [{ ...base, fired: false, checked: true, detail: 'no catalog price change for the traced routes in or near the window' }];
  const fmt = (v: number | null) => (v === null ? '—' : `$${v}`);
  return input.priceChanges.map((c) => ({
    ...base,
    fired: true,
    checked: true,
    at: c.effective,
    detail: `${c.route} price changed ${c.effective}: ${c.changes.map((x) => `${x.field} ${fmt(x.before)} → ${fmt(x.after)}`).join(', ')}; re-run the LCPR comparison`,
  }));
}

/**
 * Inference Economics Playbook, ch. 22, Reversion signals, operational: "Incident frequency on the new route exceeds the
 * old route by 2x" and "Mean time to resolve incidents exceeds the team's SLO". Per workload, the
 * old route is the one the traces saw first, the new one the one they saw last; frequency is
 * incidents per day the route was in use.
 */
function incidentSignals(input: RedFlagInput): Signal[] {
  const rev = (id: string) => ({ id, kind: 'reversion' as const, cite: 'Inference Economics Playbook, ch. 22, Reversion signals' });
  if (input.incidents === undefined) {
    const detail = input.unavailable?.incidents ?? 'no incidents imported (traces import FILE --format incidents)';
    return [
      { ...rev('incident_frequency_2x'), fired: false, checked: false, detail },
      { ...rev('incident_mttr_over_slo'), fired: false, checked: false, detail },
    ];
  }
  const out: Signal[] = [];
  const uses = input.routeUse ?? [];
  const workloads = [...new Set(uses.map((u) => u.workload))].sort();
  let compared = false;
  for (const w of workloads) {
    const routes = uses.filter((u) => u.workload === w).sort((a, b) => a.firstDay.localeCompare(b.firstDay) || a.route.localeCompare(b.route));
    if (routes.length < 2) continue;
    compared = true;
    const [old, neu] = [routes[0]!, routes.at(-1)!];
    const rate = (u: RouteUse) => {
      const n = input.incidents!.filter((i) => hits(i, u.route, u.provider) && i.date >= u.firstDay && i.date <= u.lastDay).length;
      return { n, perDay: n / days(u.firstDay, u.lastDay) };
    };
    const o = rate(old);
    const nw = rate(neu);
    // Fires when the new route's incidents per day of use are more than twice the old route's.
    const fired = nw.n > 0 && nw.perDay > 2 * o.perDay;
    out.push({
      ...rev('incident_frequency_2x'),
      workload: w,
      fired,
      checked: true,
      detail: `${neu.route} (new, from ${neu.firstDay}): ${nw.n} incidents in ${days(neu.firstDay, neu.lastDay)} days; ${old.route} (old): ${o.n} in ${days(old.firstDay, old.lastDay)} days (threshold 2×)`,
    });
  }
  if (!compared) out.push({ ...rev('incident_frequency_2x'), fired: false, checked: false, detail: 'no workload moved between routes in the traces: no old and new route to compare' });
  const routes = [...new Map(uses.map((u) => [u.route, u])).values()].sort((a, b) => a.route.localeCompare(b.route));
  if (input.incidentSloMinutes === undefined) {
    out.push({ ...rev('incident_mttr_over_slo'), fired: false, checked: false, detail: `no time-to-resolve SLO given (--incident-slo-minutes); ${input.incidents.length} incidents imported` });
  } else {
    requireInRange('incidentSloMinutes', input.incidentSloMinutes, { min: 0, minExclusive: true });
    for (const u of routes) {
      const timed = input.incidents.filter((i) => hits(i, u.route, u.provider) && i.minutes !== null);
      if (!timed.length) continue;
      // Mean time to resolve = Σ minutes ÷ incidents with a duration.
      const mttr = timed.reduce((a, i) => a + i.minutes!, 0) / timed.length;
      out.push({ ...rev('incident_mttr_over_slo'), fired: mttr > input.incidentSloMinutes, checked: true, detail: `${u.route}: mean time to resolve ${mttr.toFixed(0)} min over ${timed.length} incidents (SLO ${input.incidentSloMinutes} min)` });
    }
    if (!out.some((x) => x.id === 'incident_mttr_over_slo')) out.push({ ...rev('incident_mttr_over_slo'), fired: false, checked: true, detail: 'no incident with a duration on the traced routes' });
  }
  return out;
}
