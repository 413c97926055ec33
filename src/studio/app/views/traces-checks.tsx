/**
 * The Traces view's red flags (`routefit traces check --json`) and reconciliation against the invoice
 * with its causes (`routefit traces reconcile --json`), under the page's one filter bar.
 */
import { useEffect, useState } from 'preact/hooks';
import { type ReconcileLineWire, type TracesCheck, type TracesReconcile, tracesCheck, tracesReconcile } from '../api.js';
import { percent, usd, usdPerRequest } from '../fmt.js';
import type { ViewProps } from '../types.js';
import { rawNumber } from './common.js';

export interface TraceFilter {
  workload: string;
  route: string;
  from: string;
  to: string;
}

/** The SLOs and quality floor the checks test, from the file's workload unless typed here. */
function checkInputs({ computed, state }: ViewProps, workload: string) {
  const names = computed.outcome.ok ? computed.outcome.priced.map((p) => p.prepared.name) : computed.raw.map((w) => String(w.name ?? ''));
  const w = computed.raw[Math.max(0, names.indexOf(workload))] ?? {};
  const slo = (w.slo ?? {}) as Record<string, unknown>;
  const constraints = (w.constraints ?? {}) as Record<string, unknown>;
  const fromFile = { 'slo-p99-ms': rawNumber(slo.p99_latency_ms), 'quality-floor': rawNumber(constraints.quality_floor) };
  const typed = { 'slo-p99-ms': String(state.opts.cp99 ?? ''), 'slo-ttft-p99-ms': String(state.opts.cttft ?? ''), 'slo-tpot-p99-ms': String(state.opts.ctpot ?? ''), 'quality-floor': String(state.opts.cq ?? '') };
  return { fromFile, typed };
}

export function RedFlags(props: ViewProps & { f: TraceFilter }) {
  const { f, state, set } = props;
  const { fromFile, typed } = checkInputs(props, f.workload);
  const eff = {
    'slo-p99-ms': typed['slo-p99-ms'] || (fromFile['slo-p99-ms'] !== undefined ? String(fromFile['slo-p99-ms']) : ''),
    'slo-ttft-p99-ms': typed['slo-ttft-p99-ms'],
    'slo-tpot-p99-ms': typed['slo-tpot-p99-ms'],
    'quality-floor': typed['quality-floor'] || (fromFile['quality-floor'] !== undefined ? String(fromFile['quality-floor']) : ''),
  };
  const [res, setRes] = useState<TracesCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify([f.from, f.to, eff]);
  useEffect(() => {
    setError(null);
    tracesCheck({ ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}), ...eff }).then(setRes, (e: Error) => setError(e.message));
  }, [key]);
  const setOpt = (k: string, v: string) => set({ opts: { ...state.opts, [k]: v } });
  // Fleet-wide signals (invoice variance) have no workload: they stay under any workload filter.
  const shown = (res?.signals ?? []).filter((s) => !f.workload || !s.workload || s.workload === f.workload);
  const fired = shown.filter((s) => s.fired);
  return (
    <div data-testid="red-flags">
      <h2>Red flags and reversion signals (Inference Field Guide, Part 5; the playbook, ch. 22)</h2>
      <div class="quick">
        {([['cp99', 'slo-p99-ms', 'E2E p99 SLO (ms)'], ['cttft', 'slo-ttft-p99-ms', 'TTFT p99 SLO (ms)'], ['ctpot', 'slo-tpot-p99-ms', 'TPOT p99 SLO (ms)'], ['cq', 'quality-floor', 'Quality floor (0-1)']] as const).map(([opt, flag, label]) => (
          <label class="field">
            <span>{label}</span>
            <input type="text" inputMode="decimal" aria-label={label} data-check={flag} value={typed[flag]} placeholder={flag in fromFile && fromFile[flag as keyof typeof fromFile] !== undefined ? `${fromFile[flag as keyof typeof fromFile]} (file)` : 'not set'} onChange={(e) => setOpt(opt, (e.target as HTMLInputElement).value.trim())} />
          </label>
        ))}
      </div>
      {error ? <p class="warn" role="alert" data-testid="check-error">{error}</p> : null}
      {!res && !error ? <p class="loading">Checking the traces…</p> : null}
      {res ? (
        <>
          <p data-testid="fired-count" data-fired={String(fired.length)}>
            <strong>{fired.length ? `${fired.length} of ${shown.length} fire` : `none of ${shown.length} fires`}</strong>
            {f.route ? ' (signals are per workload or per provider × period: the route filter does not narrow them)' : ''}
          </p>
          <table data-testid="signals">
            <thead><tr><th>Signal</th><th>Kind</th><th>Workload</th><th>Status</th><th>Since</th><th>Detail</th></tr></thead>
            <tbody>
              {shown.map((s) => (
                <tr data-signal={s.id} data-workload={s.workload ?? ''} data-fired={String(s.fired)} data-checked={String(s.checked)} class={s.fired ? 'fired' : ''}>
                  <td>{s.id.replace(/_/g, ' ')}</td><td>{s.kind === 'red_flag' ? 'red flag' : 'reversion'}</td><td>{s.workload ?? 'all'}</td>
                  <td class={s.fired ? 'st-fail' : s.checked ? 'st-pass' : 'st-unknown'}>{s.fired ? 'FIRES' : s.checked ? 'quiet' : 'not checked'}</td>
                  <td>{s.at ?? '—'}</td><td>{s.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}

const overlaps = (l: ReconcileLineWire, f: TraceFilter) => (!f.from || l.periodEnd.slice(0, 10) > f.from) && (!f.to || l.periodStart.slice(0, 10) < f.to);

export function Reconciliation({ f, providersOf }: { f: TraceFilter; providersOf: (workload: string) => string[] }) {
  const [res, setRes] = useState<TracesReconcile | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    tracesReconcile().then(setRes, (e: Error) => setError(e.message));
  }, []);
  const providers = f.route ? [f.route.split('/')[0]!] : f.workload ? providersOf(f.workload) : null;
  const keep = (l: ReconcileLineWire) => (!providers || providers.includes(l.provider)) && overlaps(l, f);
  const lines = (res?.providers ?? []).filter(keep);
  const skus = (res?.skus ?? []).filter(keep);
  const noInvoice = Boolean(res?.noInvoice) || Boolean(error && /no invoice/i.test(error));
  return (
    <div data-testid="reconciliation">
      <h2>Reconciliation against the invoice</h2>
      {noInvoice ? (
        <p class="hint" data-testid="add-invoice">No invoice in the store yet: import one to reconcile, e.g. <code>routefit traces import invoice.csv --db STORE</code> (columns: period, provider, model, quantity, unit, amount; FOCUS exports work too).</p>
      ) : error ? (
        <p class="warn" role="alert">{error}</p>
      ) : null}
      {!res && !error ? <p class="loading">Reconciling…</p> : null}
      {res && !res.noInvoice ? (
        <>
          <LineTable lines={lines} testid="reconcile-providers" />
          {skus.length ? <><h3>Per SKU / model</h3><LineTable lines={skus} testid="reconcile-skus" /></> : null}
          {lines.some((l) => l.causes.length) ? (
            <>
              <h3>Causes the data can test</h3>
              <ul data-testid="causes">
                {lines.flatMap((l) => l.causes.map((c) => <li data-cause={c.id} data-provider={l.provider} data-verdict={c.verdict}><strong>{l.provider} {l.periodStart.slice(0, 10)}</strong> — {c.id.replace(/_/g, ' ')} ({c.verdict}): {c.finding}{c.impactUsd !== undefined ? ` (${usd(c.impactUsd, 2)})` : ''}</li>))}
              </ul>
            </>
          ) : lines.length ? <p class="muted" data-testid="no-causes">No cause the data can test explains the delta: the difference is outside what the traces record (check for traffic the gateway did not log).</p> : null}
          {!lines.length ? <p class="hint">No invoice period {f.from || f.to ? 'in this period' : ''}{providers ? ` for ${providers.join(', ')}` : ''}.</p> : null}
        </>
      ) : null}
    </div>
  );
}

function LineTable({ lines, testid }: { lines: ReconcileLineWire[]; testid: string }) {
  return (
    <table data-testid={testid}>
      <thead><tr><th>Provider</th><th>Period</th><th class="num">Invoice</th><th class="num">Traces</th><th class="num">Delta</th><th class="num">Delta % of invoice</th><th>Flag</th><th class="num">Loaded / naive per accepted</th></tr></thead>
      <tbody>
        {lines.map((l) => (
          <tr data-provider={l.provider} data-sku={l.sku ?? ''} data-period={l.periodStart} data-invoice={String(l.invoiceUsd)} data-traces={l.traceCostUsd === null ? '' : String(l.traceCostUsd)} data-delta={String(l.deltaUsd)} data-delta-pct={l.deltaPct === null ? '' : String(l.deltaPct)} data-flag={l.flag}>
            <td>{l.provider}{l.sku ? ` / ${l.sku}` : ''}</td>
            <td>{l.periodStart.slice(0, 10)} – {l.periodEnd.slice(0, 10)}</td>
            <td class="num">{usd(l.invoiceUsd, 2)}</td>
            <td class="num">{l.traceCostUsd === null ? `${usd(l.pricedTraceCostUsd, 2)} + ${l.unpricedAttempts} unpriced` : usd(l.traceCostUsd, 2)}</td>
            <td class="num">{usd(l.deltaUsd, 2)}</td>
            <td class="num">{l.deltaPct === null ? '—' : percent(l.deltaPct)}</td>
            <td class={l.flag === 'over_10pct' ? 'st-fail' : l.flag === 'over_5pct' ? 'st-conditional' : 'st-pass'}>{l.flag === 'over_10pct' ? 'RED >10%' : l.flag === 'over_5pct' ? 'watch >5%' : 'ok'}</td>
            <td class="num">{l.margin?.loadedCostPerAccepted != null && l.margin.naiveCostPerAccepted != null ? `${usdPerRequest(l.margin.loadedCostPerAccepted)} / ${usdPerRequest(l.margin.naiveCostPerAccepted)}` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
