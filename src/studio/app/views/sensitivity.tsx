import { useEffect, useMemo, useState } from 'preact/hooks';
import { tornado } from '../../../engine/uncertainty/sensitivity.js';
import { count, num, percent, usd, usdPerRequest } from '../fmt.js';
import { type McState, runMonteCarlo } from '../mc.js';
import type { ViewProps } from '../types.js';
import { Problems, WorkloadPicker } from './common.js';
import { sensitivityTornado, uncertaintyBands } from '../../../charts/index.js';
import { Chart } from '../chart.js';

/** Tornado over every lever at once, then the Monte Carlo: P10–P90 bands, win probability, value of information. */
export function SensitivityView(props: ViewProps) {
  const { computed, state, set } = props;
  const o = computed.outcome;
  const p = o.ok ? o.priced[Math.min(state.workload, o.priced.length - 1)] : undefined;
  const [mc, setMc] = useState<McState>({ status: 'idle' });
  useEffect(() => {
    if (!p) return;
    let stop = () => {};
    const t = setTimeout(() => (stop = runMonteCarlo(p, setMc)), 150);
    return () => (clearTimeout(t), stop());
  }, [p]);
  const bars = useMemo(() => {
    if (!p) return [];
    const ok = new Set(p.comparison.routes.map((r) => r.route));
    return tornado(p.prepared.profile, p.prepared.routes.filter((r) => ok.has(r.id)), { asOf: p.prepared.asOf });
  }, [p]);
  if (!o.ok) return <Problems problems={o.problems} file={state.file!} />;
  if (!p) return <p>No workload.</p>;
  const route = bars.find((b) => b.route === state.route) ?? bars[0];
  const u = mc.status === 'done' ? mc.result : undefined;
  return (
    <section class="sensitivity">
      <WorkloadPicker {...props} />
      <h2>Sensitivity: which input moves LCPR most</h2>
      <label>Route <select aria-label="tornado route" value={route?.route ?? ''} onChange={(e) => set({ route: (e.target as HTMLSelectElement).value })}>{bars.map((b) => <option value={b.route}>{b.route}</option>)}</select></label>
      {route ? <Chart id="tornado" spec={sensitivityTornado(route, { title: `What moves ${route.route}'s LCPR` })} height={360} /> : null}
      {route ? (
        <table class="tornado" data-testid="tornado">
          <thead><tr><th>Input</th><th class="num">Low → high</th><th class="num">Base LCPR</th><th class="num">LCPR at low</th><th class="num">LCPR at high</th><th>Evidence</th></tr></thead>
          <tbody>
            {route.bars.map((b) => {
              return (
                <tr data-lever={b.name}>
                  <td>{b.name}</td><td class="num">{num(b.low)} → {num(b.high)}</td><td class="num">{usdPerRequest(route.baseLcpr)}</td><td class="num">{usdPerRequest(b.lcprAtLow)}</td>
                  <td class="num">{usdPerRequest(b.lcprAtHigh)}</td><td><span class={`ev ev-${b.evidence}`}>{b.evidence}</span></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <h2>Uncertainty: every input at once</h2>
      {mc.status === 'running' ? <p class="progress" role="status" data-testid="mc-progress" data-done={String(mc.done)} data-total={String(mc.samples)}>Sampling in the background: {count(mc.done)} of {count(mc.samples)} samples…</p> : null}
      {mc.status === 'error' ? <p class="warn">{mc.error}</p> : null}
      {u ? (
        <>
          <p>
            Most often cheapest: <strong>{u.recommended ?? '—'}</strong> ({percent(1 - u.wrongPickProbability)} of {count(u.samples)} samples, seed {u.seed}); chance that pick is wrong: {percent(u.wrongPickProbability)}.
            {u.invalidSamples ? ` ${count(u.invalidSamples)} samples were invalid (${u.invalidReason ?? ''}).` : ''}
          </p>
          <Chart id="bands" spec={uncertaintyBands(u, { title: 'LCPR P10–P90 per route' })} />
          <table data-testid="bands">
            <thead><tr><th>Route</th><th class="num">Point LCPR</th><th class="num">P10</th><th class="num">P50</th><th class="num">P90</th><th class="num">Monthly P10–P90</th><th class="num">Win probability</th></tr></thead>
            <tbody>
              {u.routes.map((r) => (
                <tr data-route={r.route}><td>{r.route}</td><td class="num">{usdPerRequest(r.pointLcpr)}</td><td class="num">{usdPerRequest(r.lcpr.p10)}</td><td class="num">{usdPerRequest(r.lcpr.p50)}</td><td class="num">{usdPerRequest(r.lcpr.p90)}</td><td class="num">{usd(r.monthlyCost.p10)}–{usd(r.monthlyCost.p90)}</td><td class="num" data-win={String(r.winProbability)}>{percent(r.winProbability)}</td></tr>
              ))}
            </tbody>
          </table>
          <h3>Value of information: measure these first</h3>
          <table data-testid="voi">
            <thead><tr><th>Input</th><th>Status</th><th class="num">Wrong pick now</th><th class="num">If measured</th><th class="num">Overspend avoided /month</th></tr></thead>
            <tbody>
              {u.valueOfInformation.slice(0, 10).map((v) => (
                <tr><td>{v.route ? `${v.route}: ` : ''}{v.name}</td><td>{v.status}</td><td class="num">{percent(v.wrongPickNow)}</td><td class="num">{percent(v.wrongPickIfMeasured)}</td><td class="num">{usd(v.regretAvoidedPerMonth, 2)}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
