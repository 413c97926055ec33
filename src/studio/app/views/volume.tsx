import { useMemo } from 'preact/hooks';
import { dedicatedBreakeven } from '../../../engine/capacity/breakeven.js';
import { sourced } from '../../../engine/evidence.js';
import type { GpuRouteSpec, TokenRouteSpec } from '../../../engine/cost/lcpr.js';
import { logGrid, sweep } from '../../../engine/uncertainty/sweep.js';
import { count, percent, usdPerRequest } from '../fmt.js';
import type { ViewProps } from '../types.js';
import { Problems, WorkloadPicker } from './common.js';
import { costVsVolume } from '../../../charts/index.js';
import { Chart } from '../chart.js';

/** Cost vs volume per route (log grid), the crossovers, where the workload is now, and what dedicated GPUs need. */
export function VolumeView(props: ViewProps) {
  const { computed, state } = props;
  const o = computed.outcome;
  const p = o.ok ? o.priced[Math.min(state.workload, o.priced.length - 1)] : undefined;
  const result = useMemo(() => {
    if (!p) return undefined;
    const here = sourced(p.prepared.profile.requestsPerMonth).value;
    const ok = new Set(p.comparison.routes.map((r) => r.route));
    const routes = p.prepared.routes.filter((r) => ok.has(r.id));
    const grid = logGrid(1e4, 1e8, 4);
    const s = sweep(p.prepared.profile, routes, 'requests_per_month', [...grid, here], { scale: 'log' });
    return { here, routes, s, spec: costVsVolume(s, { current: here, title: 'LCPR vs monthly volume' }) };
  }, [p]);
  if (!o.ok) return <Problems problems={o.problems} file={state.file!} />;
  if (!p || !result) return <p>No workload.</p>;
  const { here, routes, s, spec } = result;
  const ids = routes.map((r) => r.id);
  const serverless = p.comparison.routes.filter((r) => r.billing === 'tokens').sort((a, b) => a.lcpr - b.lcpr)[0];
  const serverlessSpec = routes.find((r) => r.id === serverless?.route) as TokenRouteSpec | undefined;
  const gpuRoutes = routes.filter((r): r is GpuRouteSpec => r.billing === 'gpu');
  return (
    <section class="volume">
      <WorkloadPicker {...props} />
      <h2>LCPR by monthly volume</h2>
      <p>You are here: <strong data-testid="here">{count(here)} requests/month</strong>. Crossovers: {s.crossovers.length ? s.crossovers.map((c) => `${c.from} → ${c.to} at ${count(c.at)}/month`).join('; ') : 'none in 10k–100M (the same route is cheapest throughout)'}.</p>
      <Chart id="cost-vs-volume" spec={spec} height={380} />
      <table data-testid="volume-table">
        <thead><tr><th class="num">Requests/month</th>{ids.map((id) => <th class="num">{id}</th>)}<th>Cheapest</th></tr></thead>
        <tbody>
          {s.points.map((pt) => (
            <tr class={pt.value === here ? 'selected' : ''} data-here={pt.value === here ? '1' : undefined}>
              <td class="num">{count(pt.value)}{pt.value === here ? ' ◀ you are here' : ''}</td>
              {ids.map((id) => {
                const r = pt.routes.find((x) => x.route === id);
                return <td class={`num${pt.cheapest === id ? ' best' : ''}`}>{r ? usdPerRequest(r.lcpr) : pt.unpriced.find((u) => u.route === id) ? 'over capacity' : '—'}</td>;
              })}
              <td>{pt.cheapest ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {gpuRoutes.length ? (
        <>
          <h2>Dedicated routes: utilization needed to beat serverless</h2>
          {serverlessSpec && serverlessSpec.price.output ? (
            <table data-testid="required-utilization">
              <thead><tr><th>Route</th><th class="num">Planned utilization</th><th class="num">Real utilization at this volume</th><th class="num">Required utilization vs {serverlessSpec.id}</th><th>Verdict</th></tr></thead>
              <tbody>
                {gpuRoutes.map((g) => {
                  const be = dedicatedBreakeven({ gpuHourly: g.gpuHourly, throughputTokensPerSecond: g.throughputTokensPerSecond, serverlessOutputPerMillion: serverlessSpec.price.output!, utilization: g.utilization });
                  const real = p.comparison.routes.find((r) => r.route === g.id)?.gpu?.realizedUtilization;
                  return (
                    <tr>
                      <td>{g.id}</td><td class="num">{percent(sourced(g.utilization).value)}</td><td class="num">{real === undefined ? '—' : percent(real)}</td>
                      <td class="num" data-required={String(be.requiredUtilization)}>{percent(be.requiredUtilization)}</td>
                      <td>{real !== undefined && real >= be.requiredUtilization ? 'runs busy enough to pay for itself' : 'would sit idle too much: serverless is cheaper per output token'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : <p class="hint">No serverless/API route with an output price to compare the dedicated routes against.</p>}
          <p class="hint">Required utilization: daily GPU cost ÷ serverless output price ÷ tokens one instance makes a day at full load (Inference Field Guide, Part 1, "The break-even math for dedicated GPU").</p>
        </>
      ) : null}
    </section>
  );
}
