import { valueOf } from '../evidence.js';
import { RoutefitError, requireInRange } from '../errors.js';
import { type RouteResult, type RouteSpec, type WorkloadProfile } from '../cost/lcpr.js';
import { compareRoutes } from '../cost/compare.js';
import { DAYS_PER_MONTH } from '../units.js';
import { VOLUME_BANDS } from './migration-gates.js';
import { STAGES } from './playbook.js';

/**
 * Spend forecast: each month's volume under a growth scenario, priced by the same `computeLcpr`
 * (through `compareRoutes`) as every other command, with the months a budget runs out and a gate is
 * crossed. Gates: the Volume Gate's spend bands (Inference Field Guide, Part 1: $10K, $50K/month),
 * the staged playbook's spend stages and Stage 1 exit (Part 5: $10K/$100K/$1M per month; a workload
 * past ~50M output tokens/day), and dedicated break-even (a GPU route of the workload becoming its
 * cheapest by LCPR). The "one workload grows 3× while others are flat" scenario is Part 5's red flag.
 */
export type GrowthScenario =
  | { kind: 'flat' }
  /** Volume grows by `perMonth` × the starting volume each month. */
  | { kind: 'linear'; perMonth: number }
  /** Volume grows by `perMonth` compounded. */
  | { kind: 'compound'; perMonth: number }
  /** One workload ramps linearly to `factor` × by the horizon; the others stay flat. */
  | { kind: 'one-grows'; workload: string; factor: number };

export interface ForecastWorkload {
  name: string;
  profile: WorkloadProfile;
  routes: RouteSpec[];
  /** The route the workload runs on now (default: the first listed). */
  current?: string;
}

export interface ForecastInput {
  workloads: ForecastWorkload[];
  horizonMonths: number;
  scenario: GrowthScenario;
  /** Total budget over the horizon, USD: the month cumulative spend passes it. */
  budgetTotal?: number;
  /** Monthly budget, USD: the first month spend passes it. */
  budgetMonthly?: number;
}

export interface ForecastMonth {
  month: number;
  workloads: { name: string; requestsPerMonth: number; route: string; monthlyCost: number; lcpr: number; accepted: number; outputTokensPerDay: number; cheapest: string; cheapestMode: string }[];
  spend: number;
  cumulative: number;
  /** Σ cost ÷ Σ accepted over the fleet (blended: read the per-workload LCPR too). */
  lcpr: number;
}

export type ForecastEventKind = 'budget_monthly' | 'budget_total' | 'volume_band' | 'stage' | 'stage1_volume' | 'dedicated_breakeven' | 'traffic_mix_shift';

export interface ForecastEvent {
  month: number;
  kind: ForecastEventKind;
  workload?: string;
  detail: string;
  cite: string;
}

export interface Forecast {
  scenario: GrowthScenario;
  horizonMonths: number;
  months: ForecastMonth[];
  events: ForecastEvent[];
  /** Months at which the budgets run out; null: not within the horizon; absent: no budget given. */
  budgetMonthlyExceededAt?: number | null;
  budgetTotalExhaustedAt?: number | null;
  notes: string[];
}

/** Volume multiplier of a workload in month m (month 0 = today). */
export function growthFactor(s: GrowthScenario, workload: string, month: number, horizon: number): number {
  switch (s.kind) {
    case 'flat':
      return 1;
    case 'linear':
      return 1 + s.perMonth * month;
    case 'compound':
      return (1 + s.perMonth) ** month;
    case 'one-grows':
      return workload === s.workload ? 1 + ((s.factor - 1) * month) / horizon : 1;
  }
}

const usd = (v: number) => `$${Math.round(v).toLocaleString('en-US')}`;

export function forecastSpend(f: ForecastInput): Forecast {
  requireInRange('horizonMonths', f.horizonMonths, { min: 1, max: 120 });
  if (!Number.isInteger(f.horizonMonths)) throw new RoutefitError('invalid_input', `horizonMonths is ${f.horizonMonths}; allowed a whole number of months 1-120`, { field: 'horizonMonths', allowed: '1 ≤ integer ≤ 120' });
  if (!f.workloads.length) throw new RoutefitError('invalid_input', 'no workload to forecast', { field: 'workloads' });
  const s = f.scenario;
  if (s.kind === 'linear') requireInRange('growth.perMonth', s.perMonth, { min: -1 / f.horizonMonths, max: 10 });
  if (s.kind === 'compound') requireInRange('growth.perMonth', s.perMonth, { min: -0.99, max: 10 });
  if (s.kind === 'one-grows') {
    requireInRange('growth.factor', s.factor, { min: 0, minExclusive: true, max: 1000 });
    if (!f.workloads.some((w) => w.name === s.workload)) {
      throw new RoutefitError('invalid_input', `growth workload "${s.workload}" is not in the file; allowed: ${f.workloads.map((w) => w.name).join(', ')}`, { field: 'growth.workload', allowed: f.workloads.map((w) => w.name).join(', ') });
    }
  }
  if (f.budgetTotal !== undefined) requireInRange('budgetTotal', f.budgetTotal, { min: 0, minExclusive: true });
  if (f.budgetMonthly !== undefined) requireInRange('budgetMonthly', f.budgetMonthly, { min: 0, minExclusive: true });
  const current = f.workloads.map((w) => {
    const id = w.current ?? w.routes[0]?.id;
    if (!id || !w.routes.some((r) => r.id === id)) throw new RoutefitError('invalid_input', `workload ${w.name}: current route ${id ?? '(none)'} is not among its routes`, { field: `${w.name}.routes` });
    return id;
  });
  const months: ForecastMonth[] = [];
  let cumulative = 0;
  for (let m = 0; m <= f.horizonMonths; m++) {
    const rows = f.workloads.map((w, i) => {
      const requests = valueOf(w.profile.requestsPerMonth) * growthFactor(s, w.name, m, f.horizonMonths);
      const c = compareRoutes({ ...w.profile, requestsPerMonth: requests }, w.routes);
      const cur = c.routes.find((r) => r.route === current[i]);
      if (!cur) {
        const why = c.unpriced.find((u) => u.route === current[i]);
        throw new RoutefitError(why?.code ?? 'missing_price', `workload ${w.name} month ${m}: its route ${current[i]} cannot be priced${why ? `: ${why.message}` : ''}`, { field: `${w.name}.routes` });
      }
      const cheapest = c.routes[0] as RouteResult;
      const spec = w.routes.find((r) => r.id === cheapest.route)!;
      return { name: w.name, requestsPerMonth: requests, route: cur.route, monthlyCost: cur.monthlyCost, lcpr: cur.lcpr, accepted: cur.acceptedRequestsPerMonth, outputTokensPerDay: (requests * valueOf(w.profile.outputTokens)) / DAYS_PER_MONTH, cheapest: cheapest.route, cheapestMode: spec.mode };
    });
    const spend = rows.reduce((a, r) => a + r.monthlyCost, 0);
    const accepted = rows.reduce((a, r) => a + r.accepted, 0);
    if (m > 0) cumulative += spend;
    months.push({ month: m, workloads: rows, spend, cumulative, lcpr: accepted > 0 ? spend / accepted : 0 });
  }
  const events: ForecastEvent[] = [];
  const P1 = 'Inference Field Guide, Part 1, the Volume Gate';
  const P5 = 'Inference Field Guide, Part 5, the staged playbook';
  const bandOf = (v: number) => (v < VOLUME_BANDS.marginalBelow ? 0 : v <= VOLUME_BANDS.absorbsFrictionAbove ? 1 : 2);
  const bandName = ['under $10K/month (marginal)', '$10K-$50K/month (execution risk)', 'over $50K/month (absorbs friction)'];
  const stageOf = (v: number) => STAGES.find((x) => v >= x.spend[0] && v < x.spend[1])!.stage;
  for (let m = 1; m <= f.horizonMonths; m++) {
    const [prev, cur] = [months[m - 1]!, months[m]!];
    if (bandOf(cur.spend) !== bandOf(prev.spend)) events.push({ month: m, kind: 'volume_band', detail: `monthly spend ${usd(cur.spend)} moves into the ${bandName[bandOf(cur.spend)]} band`, cite: P1 });
    if (stageOf(cur.spend) !== stageOf(prev.spend)) {
      const st = STAGES[stageOf(cur.spend)]!;
      events.push({ month: m, kind: 'stage', detail: `monthly spend ${usd(cur.spend)} puts the fleet in Stage ${st.stage} (${st.name}): ${st.architecture}`, cite: P5 });
    }
    cur.workloads.forEach((w, i) => {
      const p = prev.workloads[i]!;
      if (w.outputTokensPerDay > 50_000_000 && p.outputTokensPerDay <= 50_000_000) {
        events.push({ month: m, kind: 'stage1_volume', workload: w.name, detail: `${w.name} passes ~50M output tokens/day (${(w.outputTokensPerDay / 1e6).toFixed(1)}M): the Stage 1 exit on volume, if its traffic is steady`, cite: P5 });
      }
      const ded = (mode: string) => mode === 'managed_dedicated' || mode === 'self_managed';
      if (ded(w.cheapestMode) && !ded(p.cheapestMode)) {
        events.push({ month: m, kind: 'dedicated_breakeven', workload: w.name, detail: `${w.cheapest} becomes ${w.name}'s cheapest route by LCPR: dedicated break-even crossed`, cite: 'Inference Field Guide, Part 1, The break-even math for dedicated GPU' });
      }
    });
    if (f.budgetMonthly !== undefined && cur.spend > f.budgetMonthly && !events.some((e) => e.kind === 'budget_monthly')) {
      events.push({ month: m, kind: 'budget_monthly', detail: `monthly spend ${usd(cur.spend)} passes the ${usd(f.budgetMonthly)} monthly budget`, cite: 'routefit forecast' });
    }
    if (f.budgetTotal !== undefined && cur.cumulative > f.budgetTotal && prev.cumulative <= f.budgetTotal) {
      events.push({ month: m, kind: 'budget_total', detail: `cumulative spend ${usd(cur.cumulative)} exhausts the ${usd(f.budgetTotal)} budget`, cite: 'routefit forecast' });
    }
  }
  const notes: string[] = [];
  if (s.kind === 'one-grows' && f.workloads.length > 1 && s.factor >= 3) {
    const m = months.findIndex((x) => x.workloads.find((w) => w.name === s.workload)!.requestsPerMonth >= 3 * months[0]!.workloads.find((w) => w.name === s.workload)!.requestsPerMonth);
    if (m > 0) events.push({ month: m, kind: 'traffic_mix_shift', workload: s.workload, detail: `${s.workload} reaches 3× its volume while the others stay flat: the blended LCPR no longer represents each workload; segment and re-evaluate`, cite: 'Inference Field Guide, Part 5, Red-flag triggers' });
  }
  events.sort((a, b) => a.month - b.month);
  if (f.workloads.length > 1) notes.push('fleet LCPR is blended (Σ cost ÷ Σ accepted): read each workload\'s LCPR beside it');
  const first = (k: ForecastEventKind) => events.find((e) => e.kind === k)?.month ?? null;
  return {
    scenario: s,
    horizonMonths: f.horizonMonths,
    months,
    events,
    ...(f.budgetMonthly !== undefined ? { budgetMonthlyExceededAt: first('budget_monthly') } : {}),
    ...(f.budgetTotal !== undefined ? { budgetTotalExhaustedAt: first('budget_total') } : {}),
    notes,
  };
}

/** Parses `flat`, `linear:10%`, `compound:0.05`, `one-grows:NAME[:3]` (the CLI's and the Studio's spelling). */
export function parseScenario(text: string): GrowthScenario {
  const [kind, a, b] = text.trim().split(':');
  const frac = (v: string | undefined, field: string) => {
    const n = v === undefined ? NaN : v.endsWith('%') ? Number(v.slice(0, -1)) / 100 : Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n)) throw new RoutefitError('invalid_input', `growth ${field} must be a number (0.1 or 10%); got "${v ?? ''}"`, { field: 'growth', allowed: 'flat, linear:R, compound:R, one-grows:WORKLOAD[:F]' });
    return n;
  };
  if (kind === 'flat' && a === undefined) return { kind: 'flat' };
  if (kind === 'linear') return { kind: 'linear', perMonth: frac(a, 'rate') };
  if (kind === 'compound') return { kind: 'compound', perMonth: frac(a, 'rate') };
  if (kind === 'one-grows' && a) return { kind: 'one-grows', workload: a, factor: b === undefined ? 3 : frac(b, 'factor') };
  throw new RoutefitError('invalid_input', `growth "${text}" is not a scenario; allowed flat, linear:R, compound:R, one-grows:WORKLOAD[:F]`, { field: 'growth', allowed: 'flat, linear:R, compound:R, one-grows:WORKLOAD[:F]' });
}
