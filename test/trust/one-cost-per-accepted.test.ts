import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monthsBetween, prorationWindow } from '../../src/engine/measured/proration.js';
import { cli, tempYaml } from '../helpers/cli.js';
import { tempDir, writeTemp } from '../traces/helpers.js';

// Issue 11, item 3: one calendar month (May 2026) of one route (openai/gpt-5.5) with a monthly invoice.
// 12 requests × (1000 in, 100 out) at $5/$30 per M = 12 × $0.008 = $0.096; 6 pass, 2 fail, 4 unlabelled,
// spread from May 2 to May 30, so the traced span (28 days) is not the invoice period (31 days).
function traces(): string {
  const rows = ['timestamp,request_id,attempt,workload,provider,model,input_tokens,output_tokens,quality'];
  const q = ['pass', 'pass', 'fail', 'pass', '', 'pass', 'fail', '', 'pass', '', 'pass', ''];
  for (let i = 0; i < 12; i++) rows.push(`2026-05-${String(2 + Math.round((i * 28) / 11)).padStart(2, '0')}T10:00:00Z,r${i},0,w,openai,gpt-5.5,1000,100,${q[i]}`);
  return rows.join('\n');
}
const TRACE_USD = 12 * 0.008;
// Accepted = requests × pass rate of the labelled (Inference Field Guide, Part 0): 12 × 6/8 = 9 (not the 6 passing attempts).
const ACCEPTED = 12 * (6 / 8);

async function store(invoiceUsd: number) {
  const dir = tempDir();
  const db = join(dir, 's.duckdb');
  const inv = writeTemp('invoice.csv', `period,provider,model,quantity,unit,amount\n2026-05,openai,gpt-5.5,13200,tokens,${invoiceUsd}\n`, dir);
  const imp = await cli('traces', 'import', writeTemp('t.csv', traces(), dir), inv, '--db', db);
  expect(imp.code, imp.stderr).toBe(0);
  return db;
}

async function threeFigures(db: string, extra: { summarize: string[]; whatif: string[]; reconcile: string[] }) {
  const s = await cli('traces', 'summarize', '--db', db, '--by', 'workload', ...extra.summarize, '--json');
  expect(s.code, s.stderr).toBe(0);
  const w = await cli('traces', 'whatif', '--db', db, ...extra.whatif, '--json');
  expect(w.code, w.stderr).toBe(0);
  const r = await cli('traces', 'reconcile', '--db', db, ...extra.reconcile, '--json');
  expect(r.code, r.stderr).toBe(0);
  const wj = JSON.parse(w.stdout);
  return { s: JSON.parse(s.stdout).groups[0].lcpr, w: (wj.workloads ? wj.workloads[0] : wj).measuredBilled, r: JSON.parse(r.stdout).providers[0].margin };
}

describe('one measured cost per accepted output for one month of one route', () => {
  it('with a workload file: summarize, whatif and reconcile give the same figure, overheads and window', async () => {
    const db = await store(TRACE_USD);
    const wl = tempYaml('name: w\nas_of: 2026-05-15\nrequests_per_month: 12\ninput_tokens: 1000\noutput_tokens: 100\nrepair_cost_per_failure: 0.5\nengineering_hours_per_month: 2\nengineering_hourly_rate: 100\neval_cost_per_month: 31\nops_cost_per_month: 62\nhuman_cost_per_escalation: 3\nroutes: [openai/gpt-5.5]\n');
    const { s, w, r } = await threeFigures(db, { summarize: ['--workload', wl], whatif: ['--workload', wl], reconcile: ['--workload', wl] });
    // Hand-computed: May is one month of each monthly figure (prorated over the invoice period, not the 28-day span):
    // (traces $0.096 + repair 12 × (1 − 6/8) × $0.50 + engineering 2 h × $100 + eval $31 + ops $62 + human 0 × $3) ÷ 9.
    const expected = (TRACE_USD + 12 * 0.25 * 0.5 + 200 + 31 + 62 + 0) / ACCEPTED;
    expect(Math.abs(s.lcpr - expected)).toBeLessThan(1e-9);
    expect(Math.abs(w.lcpr - expected)).toBeLessThan(1e-9);
    expect(Math.abs(r.loadedCostPerAccepted - expected)).toBeLessThan(1e-9);
    expect(r.accepted).toBe(ACCEPTED);
    for (const x of [s, w, r]) expect(x.prorated).toMatchObject({ start: '2026-05-01T00:00:00Z', end: '2026-06-01T00:00:00Z', months: 1, rule: 'invoice period' });
    const names = (xs: { name: string; usd: number; source: string }[]) => xs.map((x) => [x.name, Number(x.usd.toFixed(9)), x.source]);
    expect(names(s.overheadsIncluded).map((x) => x[0])).toEqual(['repair', 'engineering', 'eval', 'human', 'ops']);
    expect(names(w.overheadsIncluded)).toEqual(names(s.overheadsIncluded));
    expect(names(r.overheadsIncluded.filter((x: { name: string }) => x.name !== 'invoiceDelta'))).toEqual(names(s.overheadsIncluded));
  });

  it('without a workload file: no overhead is defaulted on any surface; the same figure and the window each says', async () => {
    const db = await store(TRACE_USD);
    const { s, w, r } = await threeFigures(db, { summarize: [], whatif: ['--workload', 'w', '--route', 'openai/gpt-5.5'], reconcile: [] });
    const expected = TRACE_USD / ACCEPTED;
    expect(Math.abs(s.lcpr - expected)).toBeLessThan(1e-9);
    // whatif once defaulted to 8 h × $100 of engineering here; summarize counted none.
    expect(Math.abs(w.lcpr - expected)).toBeLessThan(1e-9);
    expect(Math.abs(r.loadedCostPerAccepted - expected)).toBeLessThan(1e-9);
    expect(s.overheadsIncluded).toEqual([]);
    expect(w.overheadsIncluded).toEqual([]);
    expect(r.overheadsIncluded.map((x: { name: string }) => x.name)).toEqual(['invoiceDelta']);
    const text = await cli('traces', 'whatif', '--db', db, '--workload', 'w', '--route', 'openai/gpt-5.5');
    expect(text.stdout).toMatch(/overheads included: none; not included \(counted as \$0\): repair, engineering, eval, human, ops, invoiceDelta; monthly overheads prorated over 2026-05-01T00:00:00Z – 2026-06-01T00:00:00Z, 31 days = 1 months \(invoice period\)/);
  });

  it('flags prorate over --from/--to when given, else the invoice period; reconcile adds only the invoice delta', async () => {
    const db = await store(0.2);
    const month = await cli('traces', 'summarize', '--db', db, '--by', 'workload', '--ops-cost-per-month', '62', '--json');
    const half = await cli('traces', 'summarize', '--db', db, '--by', 'workload', '--ops-cost-per-month', '62', '--from', '2026-05-01', '--to', '2026-05-16T12:00:00Z', '--json');
    const m = JSON.parse(month.stdout).groups[0].lcpr;
    const h = JSON.parse(half.stdout).groups[0].lcpr;
    expect(m.breakdown.ops).toBeCloseTo(62, 9);
    // 15.5 of May's 31 days: half of the monthly figure.
    expect(h.prorated).toMatchObject({ rule: 'from/to', months: 0.5 });
    expect(h.breakdown.ops).toBeCloseTo(31, 9);
    const r = JSON.parse((await cli('traces', 'reconcile', '--db', db, '--ops-cost-per-month', '62', '--json')).stdout).providers[0].margin;
    // Invoice $0.20 vs traces $0.096: reconcile = summarize + delta ÷ accepted, and says the delta is included.
    expect(Math.abs(r.loadedCostPerAccepted - (m.lcpr + (0.2 - TRACE_USD) / ACCEPTED))).toBeLessThan(1e-9);
    const text = await cli('traces', 'reconcile', '--db', db, '--ops-cost-per-month', '62');
    expect(text.stdout).toMatch(/overheads included: ops \$62\.00 \(--ops-cost-per-month flag\), invoiceDelta \$0\.10 \(invoice − traces\).*prorated over 2026-05-01T00:00:00Z – 2026-06-01T00:00:00Z/);
  });
});

describe('the proration window', () => {
  it('a calendar month is one month whatever its length; a window across months weighs each day by its own month', () => {
    expect(monthsBetween('2026-02-01', '2026-03-01')).toBe(1);
    expect(monthsBetween('2026-05-01', '2026-06-01')).toBe(1);
    // 16 days of January (of 31) + 14 days of February 2026 (of 28) = 16/31 + 0.5.
    expect(monthsBetween('2026-01-16', '2026-02-15')).toBeCloseTo(16 / 31 + 0.5, 12);
    expect(monthsBetween('2026-05-01T00:00:00Z', '2026-05-01T00:00:10Z')).toBeCloseTo(10 / (31 * 86_400), 15);
  });
  it('explicit ends win, then invoice periods that cover the traced span, then a stated length, then the span', () => {
    const traced = { start: '2026-05-02T10:00:00Z', end: '2026-05-30T10:00:00Z' };
    const may = [{ start: '2026-05-01T00:00:00Z', end: '2026-06-01T00:00:00Z' }];
    expect(prorationWindow(traced, { from: '2026-05-01', periods: may }).rule).toBe('from/to');
    expect(prorationWindow(traced, { periods: may })).toMatchObject({ rule: 'invoice period', months: 1 });
    // An invoice of April alone does not cover May's traces: not used.
    expect(prorationWindow(traced, { periods: [{ start: '2026-04-01T00:00:00Z', end: '2026-05-01T00:00:00Z' }], statedDays: 30 })).toMatchObject({ rule: 'stated window', months: 30 / (365.25 / 12) });
    expect(prorationWindow(traced, {})).toMatchObject({ rule: 'traced span', days: 28, months: 28 / 31 });
  });
});
