import { useEffect, useMemo, useState } from 'preact/hooks';
import type { RouteResult } from '../../../engine/cost/lcpr.js';
import { sourced } from '../../../engine/evidence.js';
import type { PricedWorkload } from '../../pricing.js';
import { ROUTE_PASS_RATE } from '../fields.js';
import { count, num, percent, ratio, usd, usdPerRequest } from '../fmt.js';
import { type McState, runMonteCarlo } from '../mc.js';
import { routesPath, workloadPath } from '../model.js';
import type { ViewProps } from '../types.js';
import { withEdit } from '../url-state.js';
import { NumberField, Problems, WorkloadPicker } from './common.js';
import { costBreakdown, lcprByRoute } from '../../../charts/index.js';
import { Chart } from '../chart.js';


export function CompareView(props: ViewProps) {
  const { computed, state, set } = props;
  const o = computed.outcome;
  return (
    <section class="compare">
      <WorkloadPicker {...props} />
      <QuickInputs {...props} />
      {o.ok ? <Priced {...props} p={o.priced[Math.min(state.workload, o.priced.length - 1)]!} /> : <Problems problems={o.problems} file={state.file!} />}
      {!o.ok && state.edits.length ? <button onClick={() => set({ edits: state.edits.slice(0, -1) })}>Undo the last change</button> : null}
    </section>
  );
}

/** The two inputs a finance partner moves first: volume and pass rate. */
function QuickInputs({ computed, state, set }: ViewProps) {
  const i = state.workload;
  const raw = computed.raw[i] ?? {};
  const edit = (path: (string | number)[], v: unknown) => set({ edits: withEdit(state.edits, path, v) });
  return (
    <div class="quick">
      <NumberField label="Requests per month" name="requests_per_month" raw={raw.requests_per_month} log onChange={(v) => edit(workloadPath(computed, i, 'requests_per_month'), v)} />
      <NumberField label="Quality pass rate (all routes)" name="quality_pass_rate" raw={raw.quality_pass_rate} rate onChange={(v) => edit(workloadPath(computed, i, 'quality_pass_rate'), v)} />
    </div>
  );
}

function Priced(props: ViewProps & { p: PricedWorkload }) {
  const { p, state, set, computed } = props;
  const c = p.comparison;
  const routes = c.routes;
  const [mc, setMc] = useState<McState>({ status: 'idle' });
  // Monte Carlo after the edits settle: the table recomputes at once, the win probability follows.
  useEffect(() => {
    let stop = () => {};
    const t = setTimeout(() => (stop = runMonteCarlo(p, setMc)), 150);
    return () => (clearTimeout(t), stop());
  }, [p]);
  const selected = routes.find((r) => r.route === state.route) ?? routes[0];
  const max = Math.max(...routes.map((r) => r.lcpr), 0);
  const routeList = routesPath(computed, state.workload);
  const entries = (getIn(computed, routeList) as unknown[]) ?? [];
  const canonical = (id: string) => props.catalog.aliases.get(id) ?? id;
  const entryIndex = (id: string) => entries.findIndex((e) => canonical(typeof e === 'string' ? e : String((e as { route?: unknown })?.route ?? '')) === id);
  return (
    <>
      <Verdict p={p} mc={mc} />
      <table class="routes" data-testid="routes-table">
        <thead>
          <tr>
            <th>Route</th>
            <th>Mode</th>
            <th class="num">Raw $/req</th>
            <th class="num">LCPR</th>
            <th class="num">Monthly</th>
            <th class="num">Overhead</th>
            <th class="num">Accepted/mo</th>
            <th class="num">Pass rate</th>
            <th class="num">Win prob.</th>
            <th>LCPR</th>
          </tr>
        </thead>
        <tbody>
          {routes.map((r) => {
            const j = entryIndex(r.route);
            const entry = entries[j];
            const own = entry && typeof entry === 'object' ? (entry as Record<string, unknown>).quality_pass_rate : undefined;
            const win = mc.status === 'done' ? mc.result.routes.find((u) => u.route === r.route)?.winProbability : undefined;
            return (
              // Keyed by route: when an edit reorders the ranking, the input being typed in moves with its route.
              <tr key={r.route} class={r.route === selected?.route ? 'selected' : ''} data-route={r.route} onClick={() => set({ route: r.route })}>
                <td>{r.label === r.route ? r.route : `${r.route} (${r.label})`}</td>
                <td>{r.mode}</td>
                <td class="num">{usdPerRequest(r.rawCostPerRequest)}</td>
                <td class="num lcpr" data-lcpr={String(r.lcpr)}>{usdPerRequest(r.lcpr)}</td>
                <td class="num">{usd(r.monthlyCost)}</td>
                <td class="num">{ratio(r.overheadRatio)}</td>
                <td class="num">{count(r.acceptedRequestsPerMonth)}</td>
                <td class="num" onClick={(e) => e.stopPropagation()}>
                  {ROUTE_PASS_RATE && j >= 0 ? (
                    <input
                      class="mini"
                      aria-label={`quality pass rate for ${r.route}`}
                      data-pass-rate={r.route}
                      type="number"
                      step="0.01"
                      min="0"
                      max="1"
                      placeholder={num(sourced(r.inputs.qualityPassRate ?? p.prepared.profile.qualityPassRate).value)}
                      value={own === undefined ? '' : typeof own === 'object' ? String((own as { value?: unknown }).value ?? '') : String(own)}
                      onInput={(e) => {
                        const t = (e.target as HTMLInputElement).value;
                        set({ edits: withEdit(state.edits, [...routeList, j, 'quality_pass_rate'], t === '' ? undefined : Number.isFinite(Number(t)) ? Number(t) : t) });
                      }}
                    />
                  ) : (
                    percent(sourced(r.inputs.qualityPassRate ?? p.prepared.profile.qualityPassRate).value)
                  )}
                </td>
                <td class="num" data-win={win === undefined ? '' : String(win)}>{win === undefined ? '…' : percent(win)}</td>
                <td class="barcell">
                  <span class="bar" style={{ width: `${max ? (100 * r.lcpr) / max : 0}%` }} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {c.unpriced.length ? (
        <div class="unpriced" role="note">
          <strong>Unpriced — not ranked, never counted as $0:</strong>
          <ul>{c.unpriced.map((u) => <li data-unpriced={u.route}>{u.route}: {u.message}</li>)}</ul>
        </div>
      ) : null}
      <div class="charts2">
        <Chart id="lcpr-by-route" spec={useMemoSpec(() => lcprByRoute(c, { title: 'Raw vs loaded cost per request' }), c)} />
        <Chart id="cost-breakdown" spec={useMemoSpec(() => costBreakdown(c, { title: 'Monthly cost by part' }), c)} />
      </div>
      {selected ? <Explain r={selected} /> : null}
    </>
  );
}

function getIn(c: ViewProps['computed'], path: (string | number)[]): unknown {
  let cur: unknown = c.fleet ?? c.raw[0];
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[k] : undefined;
  return cur;
}

/** Which route wins, by how much, how sure, and why. */
function Verdict({ p, mc }: { p: PricedWorkload; mc: McState }) {
  const c = p.comparison;
  const [win, next] = c.routes;
  if (!win) return <div class="verdict">No route could be priced.</div>;
  const byRaw = c.routes.find((r) => r.route === c.cheapestByRaw);
  const u = mc.status === 'done' ? mc.result : undefined;
  const winU = u?.routes.find((r) => r.route === win.route);
  return (
    <div class="verdict" data-testid="verdict">
      <div class="winner">
        <span class="label">Wins on LCPR</span>
        <strong data-testid="winner" data-route={win.route}>{win.label === win.route ? win.route : win.label}</strong>
        <span data-testid="winner-lcpr" data-lcpr={String(win.lcpr)}>{usdPerRequest(win.lcpr)} per accepted request · {usd(win.monthlyCost)}/month</span>
      </div>
      <div class="margin" data-testid="margin">
        <span class="label">By how much</span>
        {next ? (
          <>
            <strong>{usdPerRequest(next.lcpr - win.lcpr)} per accepted request</strong>
            <span>
              {percent((next.lcpr - win.lcpr) / next.lcpr)} below {next.route} ({usdPerRequest(next.lcpr)}); {usd(next.monthlyCost - win.monthlyCost)}/month less
            </span>
          </>
        ) : (
          <span>the only priced route</span>
        )}
      </div>
      <div class="sure" data-testid="how-sure">
        <span class="label">How sure</span>
        {mc.status === 'running' ? <span class="progress" data-testid="mc-progress" data-done={String(mc.done)} data-total={String(mc.samples)}>sampling: {count(mc.done)} of {count(mc.samples)} samples…</span> : null}
        {mc.status === 'error' ? <span class="warn">{mc.error}</span> : null}
        {u && winU ? (
          <>
            <strong data-win-probability={String(winU.winProbability)}>{percent(winU.winProbability)} of {count(u.samples)} samples</strong>
            <span>
              LCPR P10–P90 {usdPerRequest(winU.lcpr.p10)}–{usdPerRequest(winU.lcpr.p90)}
              {u.recommended && u.recommended !== win.route ? ` · most often cheapest: ${u.recommended}` : ''}
              {u.valueOfInformation[0] && u.valueOfInformation[0].reduction > 0 ? ` · measure ${u.valueOfInformation[0].name} first` : ''}
            </span>
          </>
        ) : null}
      </div>
      <div class="why" data-testid="why">
        <span class="label">Why</span>
        {c.rankingsDisagree && byRaw ? (
          <span>
            Cheapest by raw price is {byRaw.route} ({usdPerRequest(byRaw.rawCostPerRequest)}/request), but retries, repair, engineering and idle capacity make {win.route} cheaper per accepted output.
          </span>
        ) : (
          <span>Cheapest both by raw price and per accepted output.</span>
        )}
        <span>{largestPart(win)}</span>
      </div>
    </div>
  );
}

function largestPart(r: RouteResult): string {
  const b = r.breakdown;
  const parts: [string, number][] = [
    ['tokens', b.tokens - b.retries],
    ['retries', b.retries],
    ['repair', b.repair],
    ['engineering', b.engineering],
    ['GPU time', b.gpu],
    ['eval + human + ops', b.eval + b.human + b.ops],
  ];
  parts.sort((x, y) => y[1] - x[1]);
  const total = r.monthlyCost;
  return total > 0 ? `Its month is mostly ${parts[0]![0]} (${percent(parts[0]![1] / total, 0)}), then ${parts[1]![0]} (${percent(parts[1]![1] / total, 0)}).` : '';
}

/** `routefit explain`: every step with its formula, numbers and source; every input with its evidence. */
function Explain({ r }: { r: RouteResult }) {
  return (
    <div class="explain" data-testid="explain">
      <h2>Why {r.route} costs {usdPerRequest(r.lcpr)} per accepted request</h2>
      <table>
        <thead>
          <tr>
            <th>Step</th>
            <th>Formula</th>
            <th>With these numbers</th>
            <th class="num">Result</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {r.steps.map((s) => (
            <tr data-step={s.id}>
              <td>{s.label}</td>
              <td><code>{s.formula}</code></td>
              <td><code>{s.expression}</code></td>
              <td class="num">{s.unit === 'USD/month' ? usd(s.value, 2) : s.unit.startsWith('USD') ? `$${s.value.toPrecision(4)}` : num(s.value)} {s.unit}</td>
              <td>{citeTitle(s.cite)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Inputs</h3>
      <table class="inputs">
        <tbody>
          {Object.entries(r.inputs).map(([k, s]) => (
            <tr>
              <td>{k}</td>
              <td class="num">{num(s.value)}</td>
              <td><span class={`ev ev-${s.evidence}`}>{s.evidence}</span></td>
              <td>{citeTitle(s.source ?? "")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.notes.length ? <ul class="notes">{r.notes.map((n) => <li>{n}</li>)}</ul> : null}
    </div>
  );
}

/** Documents are named by title on screen, never by internal file names. */
export function citeTitle(cite: string): string {
  return cite.replace(/Inference Field Guide/g, 'Inference Field Guide').replace(/Inference Economics Playbook/g, 'the playbook');
}

/** A chart spec built when the chart draws (after the edits pause), once per comparison. */
function useMemoSpec<T>(f: () => T, dep: unknown): () => T {
  return useMemo(() => {
    let spec: T | undefined;
    return () => (spec ??= f());
  }, [dep]);
}
