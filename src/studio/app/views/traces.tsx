import { useEffect, useState } from 'preact/hooks';
import { type TracesSummary, tracesSummary } from '../api.js';
import { count, percent, usd, usdPerRequest } from '../fmt.js';
import type { ViewProps } from '../types.js';
import { measuredPoints, measuredSeries, type DayGroup } from '../../../charts/index.js';
import { Chart } from '../chart.js';
import { Reconciliation, RedFlags } from './traces-checks.js';

type Group = {
  key: Record<string, string | null>;
  window: { start: string; end: string; days: number };
  requests: number;
  attempts: number;
  rates: { retry: number; pass: number | null; errorRate: number; cacheHitTokens: number };
  latency: { ttftMs: P; tpotMs: P; e2eMs: P; meanConcurrency: number };
  cost: { tokenCostUsd: number; unpricedAttempts: number };
  lcpr: { lcpr: number | null; missing?: string; overheadRatio: number | null; totalCostUsd: number };
  goodput?: { acceptedWithinSlo: number; perSecond: number; costPerGoodAccepted: number | null };
};
type P = { p50: number | null; p95: number | null; p99: number | null };

const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);
const lcprText = (g: Group) => (g.lcpr.lcpr === null ? `— (${g.lcpr.missing ?? 'not computable'})` : usdPerRequest(g.lcpr.lcpr));

/** Shifts a YYYY-MM-DD date by whole days (UTC). */
function shift(d: string, days: number): string {
  const t = new Date(`${d}T00:00:00Z`).getTime() + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Measured figures from the trace store: `routefit traces summarize --json`, filtered by one bar for the page. */
export function TracesView(props: ViewProps) {
  const { state, set, computed } = props;
  const f = { workload: String(state.opts.tw ?? ''), route: String(state.opts.tr ?? ''), from: String(state.opts.tf ?? ''), to: String(state.opts.tt ?? '') };
  const setF = (k: 'tw' | 'tr' | 'tf' | 'tt', v: string) => set({ opts: { ...state.opts, [k]: v } });
  const [byRoute, setByRoute] = useState<TracesSummary | null>(null);
  const [byDay, setByDay] = useState<TracesSummary | null>(null);
  const [prev, setPrev] = useState<TracesSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const period = f.from && f.to ? { from: f.from, to: f.to } : {};
  useEffect(() => {
    setError(null);
    tracesSummary({ by: 'workload,route', ...period }).then(setByRoute, (e: Error) => setError(e.message));
    tracesSummary({ by: 'workload,route,day', ...period }).then(setByDay, (e: Error) => setError(e.message));
  }, [f.from, f.to]);
  // This period vs the one before: the period picked, else the store's latest 7 days.
  const latest = ((byRoute?.groups ?? []) as unknown as Group[]).reduce((m, g) => (g.window.end > m ? g.window.end : m), '');
  const compared = f.from && f.to ? { from: f.from, to: f.to, auto: false } : latest ? { from: shift(latest.slice(0, 10), -6), to: shift(latest.slice(0, 10), 1), auto: true } : null;
  const [now, setNow] = useState<TracesSummary | null>(null);
  useEffect(() => {
    setPrev(null);
    setNow(null);
    if (!compared) return;
    const days = Math.round((Date.parse(compared.to) - Date.parse(compared.from)) / 86_400_000);
    tracesSummary({ by: 'workload,route', from: shift(compared.from, -days), to: compared.from }).then(setPrev, (e: Error) => setError(e.message));
    if (compared.auto) tracesSummary({ by: 'workload,route', from: compared.from, to: compared.to }).then(setNow, (e: Error) => setError(e.message));
  }, [compared?.from, compared?.to]);
  const keep = (g: Group) => (!f.workload || g.key.workload === f.workload) && (!f.route || g.key.route === f.route);
  const groups = ((byRoute?.groups ?? []) as unknown as Group[]).filter(keep);
  const days = ((byDay?.groups ?? []) as unknown as Group[]).filter(keep);
  const all = (byRoute?.groups ?? []) as unknown as Group[];
  const workloads = [...new Set(all.map((g) => g.key.workload ?? ''))].filter(Boolean);
  const routes = [...new Set(all.map((g) => g.key.route ?? ''))].filter(Boolean);
  // The filter bar covers the assumed side too: the file's workloads and routes it names.
  const assumed = (computed.outcome.ok ? computed.outcome.priced : [])
    .filter((w) => !f.workload || w.prepared.name === f.workload)
    .map((w) => ({ prepared: w.prepared, routes: w.comparison.routes.filter((r) => !f.route || r.route === f.route) }));
  const providersOf = (w: string) => [...new Set(all.filter((g) => g.key.workload === w).map((g) => String(g.key.route ?? '').split('/')[0]!))];
  return (
    <section class="traces">
      <div class="filters" data-testid="trace-filters">
        <label>Workload <select aria-label="trace workload" value={f.workload} onChange={(e) => setF('tw', (e.target as HTMLSelectElement).value)}><option value="">all</option>{workloads.map((w) => <option value={w}>{w}</option>)}</select></label>{' '}
        <label>Route <select aria-label="trace route" value={f.route} onChange={(e) => setF('tr', (e.target as HTMLSelectElement).value)}><option value="">all</option>{routes.map((r) => <option value={r}>{r}</option>)}</select></label>{' '}
        <label>From <input type="date" aria-label="from" value={f.from} onChange={(e) => setF('tf', (e.target as HTMLInputElement).value)} /></label>{' '}
        <label>To (exclusive) <input type="date" aria-label="to" value={f.to} onChange={(e) => setF('tt', (e.target as HTMLInputElement).value)} /></label>
      </div>
      {error ? <p class="warn" role="alert">{error}</p> : null}
      {!byRoute && !error ? <p class="loading">Querying the trace store…</p> : null}
      {byRoute ? (
        <>
          <h2>Measured LCPR, rates and latency by workload and route</h2>
          <table data-testid="trace-groups">
            <thead><tr><th>Workload</th><th>Route</th><th class="num">Requests</th><th class="num">Attempts</th><th class="num">Measured LCPR</th><th class="num">Retry</th><th class="num">Pass</th><th class="num">Errors</th><th class="num">TTFT p50/p95/p99</th><th class="num">E2E p50/p95/p99</th><th class="num">Concurrency</th><th class="num">Token cost</th><th class="num">Goodput /s</th></tr></thead>
            <tbody>
              {groups.map((g) => (
                <tr data-group={`${g.key.workload}|${g.key.route}`} data-requests={String(g.requests)} data-lcpr={g.lcpr.lcpr === null ? '' : String(g.lcpr.lcpr)}>
                  <td>{g.key.workload}</td><td>{g.key.route}</td><td class="num">{count(g.requests)}</td><td class="num">{count(g.attempts)}</td>
                  <td class="num">{lcprText(g)}</td><td class="num">{percent(g.rates.retry)}</td><td class="num">{g.rates.pass === null ? '—' : percent(g.rates.pass)}</td><td class="num">{percent(g.rates.errorRate)}</td>
                  <td class="num">{ms(g.latency.ttftMs.p50)} / {ms(g.latency.ttftMs.p95)} / {ms(g.latency.ttftMs.p99)}</td>
                  <td class="num">{ms(g.latency.e2eMs.p50)} / {ms(g.latency.e2eMs.p95)} / {ms(g.latency.e2eMs.p99)}</td>
                  <td class="num">{g.latency.meanConcurrency.toFixed(2)}</td><td class="num">{usd(g.cost.tokenCostUsd, 2)}{g.cost.unpricedAttempts ? ` (+${g.cost.unpricedAttempts} unpriced)` : ''}</td>
                  <td class="num">{g.goodput ? g.goodput.perSecond.toFixed(3) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {byRoute.unpriced.length ? <p class="warn">Unpriced in the store (never counted as $0): {JSON.stringify(byRoute.unpriced)}</p> : null}
          {compared && prev && (!compared.auto || now) ? (
            <PeriodCompare title={compared.auto ? `Latest 7 days (${compared.from} – ${compared.to}) vs the 7 before; pick From and To for another period` : `This period (${compared.from} – ${compared.to}) vs the one before`} now={compared.auto ? ((now!.groups ?? []) as unknown as Group[]).filter(keep) : groups} before={((prev.groups ?? []) as unknown as Group[]).filter(keep)} />
          ) : <p class="loading">Comparing periods…</p>}
          <RedFlags {...props} f={f} />
          <Reconciliation f={f} providersOf={providersOf} />
          <h2>Assumed vs measured</h2>
          <table data-testid="assumed-vs-measured">
            <thead><tr><th>Workload</th><th>Route</th><th class="num">Assumed LCPR (file)</th><th class="num">Measured LCPR (traces)</th><th class="num">Assumed pass</th><th class="num">Measured pass</th><th class="num">Assumed retry</th><th class="num">Measured retry</th></tr></thead>
            <tbody>
              {assumed.flatMap((w) =>
                w.routes.map((r) => {
                  const m = groups.find((g) => g.key.workload === w.prepared.name && g.key.route === r.route);
                  const pv = (q: unknown) => (typeof q === 'number' ? q : (q as { value: number }).value);
                  return (
                    <tr>
                      <td>{w.prepared.name}</td><td>{r.route}</td><td class="num">{usdPerRequest(r.lcpr)}</td><td class="num">{m ? lcprText(m) : 'no traces'}</td>
                      <td class="num">{percent(pv(w.prepared.profile.qualityPassRate))}</td><td class="num">{m?.rates.pass == null ? '—' : percent(m.rates.pass)}</td>
                      <td class="num">{percent(pv(w.prepared.profile.retryRate))}</td><td class="num">{m ? percent(m.rates.retry) : '—'}</td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          </table>
        </>
      ) : null}
      {byDay ? (
        <>
          <h2>Measured LCPR over time</h2>
          <Chart id="measured-series" spec={measuredSeries(measuredPoints(days as unknown as DayGroup[]), { title: 'Measured LCPR per day (dashed: assumed in the file)', assumed: Object.fromEntries(assumed.flatMap((w) => w.routes.map((r) => [`${w.prepared.name} / ${r.route}`, r.lcpr]))) })} />
          <table data-testid="trace-days">
            <thead><tr><th>Day</th><th>Workload</th><th>Route</th><th class="num">Requests</th><th class="num">Measured LCPR</th><th class="num">Retry</th><th class="num">TTFT p95</th></tr></thead>
            <tbody>
              {days.map((g) => (
                <tr><td>{g.key.day}</td><td>{g.key.workload}</td><td>{g.key.route}</td><td class="num">{count(g.requests)}</td><td class="num">{lcprText(g)}</td><td class="num">{percent(g.rates.retry)}</td><td class="num">{ms(g.latency.ttftMs.p95)}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

function PeriodCompare({ title, now, before }: { title: string; now: Group[]; before: Group[] }) {
  return (
    <>
      <h2>{title}</h2>
      <table data-testid="period-compare">
        <thead><tr><th>Workload</th><th>Route</th><th class="num">Requests (before → now)</th><th class="num">Measured LCPR (before → now)</th><th class="num">Change</th></tr></thead>
        <tbody>
          {now.map((g) => {
            const b = before.find((x) => x.key.workload === g.key.workload && x.key.route === g.key.route);
            const change = b?.lcpr.lcpr && g.lcpr.lcpr !== null ? g.lcpr.lcpr / b.lcpr.lcpr - 1 : null;
            return (
              <tr data-group={`${g.key.workload}|${g.key.route}`} data-requests={String(g.requests)} data-before-requests={b ? String(b.requests) : ''} data-lcpr={g.lcpr.lcpr === null ? '' : String(g.lcpr.lcpr)} data-before-lcpr={b?.lcpr.lcpr == null ? '' : String(b.lcpr.lcpr)}><td>{g.key.workload}</td><td>{g.key.route}</td><td class="num">{b ? count(b.requests) : '—'} → {count(g.requests)}</td><td class="num">{b ? lcprText(b) : '—'} → {lcprText(g)}</td><td class="num">{change === null ? '—' : `${change >= 0 ? '+' : ''}${percent(change)}`}</td></tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
