import { type CsvColumn, type CsvValue, cents, csv, sig6 } from '../io/csv.js';
import { cite } from './citations.js';
import { evidenceOf } from './document.js';
import type { ReportModel } from './model.js';

// One value column holds totals and rates alike: each value is rounded for its unit before it is written.
const HEAD: CsvColumn[] = ['section', 'workload', 'route', 'metric', 'value', 'unit', 'evidence', 'source'].map((name) => ({ name, kind: 'text' as const }));

/** USD totals to cents, everything else (per-request costs, rates, counts) to 6 significant digits, as every CSV of routefit. */
const rounded = (value: number | null, unit: string): number | null => (value === null ? null : unit === 'USD' || unit === 'USD/month' || unit === 'USD/year' ? cents(value) : sig6(value));

/** Every number of the report, one per row (long format, so a spreadsheet pivots it any way). */
export function reportCsv(m: ReportModel): string {
  const rows: CsvValue[][] = [];
  const add = (section: string, workload: string, route: string | null, metric: string, value: number | null, unit: string, evidence: string | null = null, source: string | null = null) =>
    rows.push([section, workload, route, metric, rounded(value, unit), unit, evidence, source === null ? null : cite(source)]);
  if (m.fleet) {
    add('fleet', '', null, 'current_monthly_cost', m.fleet.totalCurrentMonthly, 'USD/month');
    add('fleet', '', null, 'monthly_savings_if_migrating', m.fleet.totalMonthlySavings, 'USD/month');
  }
  for (const w of m.workloads) {
    const b = w.brief;
    if (b) {
      add('verdict', w.name, b.current.route, 'current_lcpr', b.current.lcpr, 'USD/accepted request', b.current.spendEvidence);
      add('verdict', w.name, b.current.route, 'current_monthly_cost', b.current.monthlyCost, 'USD/month', b.current.spendEvidence);
      if (b.recommended) {
        add('verdict', w.name, b.recommended.route, 'recommended_lcpr', b.recommended.lcpr ?? null, 'USD/accepted request', b.recommended.evidence ?? null);
        add('verdict', w.name, b.recommended.route, 'recommended_monthly_cost', b.recommended.monthlyCost, 'USD/month', b.recommended.evidence ?? null);
      }
      if (b.savings) {
        add('verdict', w.name, b.recommended?.route ?? null, 'savings_monthly', b.savings.monthly, 'USD/month');
        add('verdict', w.name, b.recommended?.route ?? null, 'savings_yearly', b.savings.yearly, 'USD/year');
        add('verdict', w.name, b.recommended?.route ?? null, 'payback_from_cutover', b.savings.paybackFromCutoverMonths, 'months');
        add('verdict', w.name, b.recommended?.route ?? null, 'payback_from_decision', b.savings.paybackFromDecisionMonths, 'months');
      }
      if (b.migration) add('verdict', w.name, b.recommended?.route ?? null, 'migration_cost', b.migration.cost, 'USD', b.migration.evidence, b.migration.basis);
    }
    for (const r of w.comparison.routes) {
      const s = 'routes';
      add(s, w.name, r.route, 'raw_cost_per_request', r.rawCostPerRequest, 'USD/request');
      add(s, w.name, r.route, 'lcpr', r.lcpr, 'USD/accepted request');
      add(s, w.name, r.route, 'monthly_cost', r.monthlyCost, 'USD/month');
      add(s, w.name, r.route, 'overhead_ratio', r.overheadRatio, 'ratio');
      add(s, w.name, r.route, 'accepted_requests_per_month', r.acceptedRequestsPerMonth, 'requests/month');
      for (const [k, v] of Object.entries(r.breakdown)) add('breakdown', w.name, r.route, k, v, 'USD/month');
    }
    for (const u of w.comparison.unpriced) add('routes', w.name, u.route, 'unpriced', null, '', null, u.message);
    for (const x of w.sweep.crossovers) add('crossover', w.name, x.to, `cheaper_than:${x.from}`, x.at, 'requests/month');
    for (const t of w.tornado) {
      for (const bar of t.bars) {
        add('sensitivity', w.name, t.route, `${bar.name}:lcpr_at_low`, bar.lcprAtLow, 'USD/accepted request', bar.evidence, bar.basis);
        add('sensitivity', w.name, t.route, `${bar.name}:lcpr_at_high`, bar.lcprAtHigh, 'USD/accepted request', bar.evidence, bar.basis);
      }
    }
    for (const r of w.uncertainty.routes) {
      for (const q of ['p10', 'p50', 'p90'] as const) add('uncertainty', w.name, r.route, `lcpr_${q}`, r.lcpr[q], 'USD/accepted request');
      add('uncertainty', w.name, r.route, 'win_probability', r.winProbability, 'fraction');
      if (r.paybackProbability !== undefined) add('uncertainty', w.name, r.route, 'payback_probability', r.paybackProbability, 'fraction');
    }
    for (const a of w.assumptions) add('assumptions', w.name, null, a.input, a.value, '', a.evidence, a.source);
  }
  if (m.measured) {
    for (const g of m.measured.byWorkloadRoute) {
      add('measured', g.key.workload ?? '', g.key.route ?? null, 'measured_lcpr', g.lcpr.lcpr, 'USD/accepted request', 'measured', m.measured.store);
      add('measured', g.key.workload ?? '', g.key.route ?? null, 'token_cost', g.cost.tokenCostUsd, 'USD', 'measured', m.measured.store);
      add('measured', g.key.workload ?? '', g.key.route ?? null, 'requests', g.requests, 'requests', 'measured', m.measured.store);
    }
    const pc = m.measured.periods;
    for (const [section, w, gs] of pc ? ([['this_period', pc.current, pc.thisPeriod], ['last_period', pc.previous, pc.lastPeriod]] as const) : []) {
      for (const g of gs) {
        add(section, g.key.workload ?? '', g.key.route ?? null, 'measured_lcpr', g.lcpr.lcpr, 'USD/accepted request', 'measured', `${w.from}/${w.to}`);
        add(section, g.key.workload ?? '', g.key.route ?? null, 'requests', g.requests, 'requests', 'measured', `${w.from}/${w.to}`);
        add(section, g.key.workload ?? '', g.key.route ?? null, 'pass_rate', g.rates.pass, 'fraction', 'measured', `${w.from}/${w.to}`);
      }
    }
    for (const l of m.measured.reconciliation?.providers ?? []) {
      add('reconciliation', '', l.provider, 'invoice', l.invoiceUsd, 'USD', 'invoice_reconciled', `${l.periodStart.slice(0, 10)}/${l.periodEnd.slice(0, 10)}`);
      add('reconciliation', '', l.provider, 'traces', l.traceCostUsd, 'USD', 'measured', `${l.periodStart.slice(0, 10)}/${l.periodEnd.slice(0, 10)}`);
      add('reconciliation', '', l.provider, 'delta', l.deltaUsd, 'USD', null, `${l.periodStart.slice(0, 10)}/${l.periodEnd.slice(0, 10)}`);
    }
  }
  if ('scorecard' in m.vendors) {
    // The scorecard's words as values (a gate result is a status, not a number): the same fields `scorecard --json` gives.
    const v = m.vendors.scorecard;
    const wl = v.workload ?? '';
    for (const c of v.vendors) {
      for (const g of c.gates) rows.push(['vendors', wl, c.vendor, g.rule, g.status, 'gate', evidenceOf(g) === '—' ? null : evidenceOf(g), cite(g.cite)]);
      rows.push(['vendors', wl, c.vendor, 'outcome', c.outcome, 'outcome', null, cite(c.cite)]);
    }
    if (v.negotiation) rows.push(['vendors', wl, null, 'negotiation_tier', v.negotiation.tier, 'tier', null, cite(v.negotiation.cite)]);
  }
  return csv(HEAD, rows);
}
