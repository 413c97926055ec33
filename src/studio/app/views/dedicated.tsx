import { useMemo } from 'preact/hooks';
import { findRoute } from '../../../catalog/lookup.js';
import { dedicatedShape } from '../../../engine/capacity/dedicated-shape.js';
import { patternPreset } from '../../../engine/capacity/traffic.js';
import type { GpuRouteSpec, TokenRouteSpec } from '../../../engine/cost/lcpr.js';
import { count, percent, usd } from '../fmt.js';
import type { ViewProps } from '../types.js';
import { Problems, WorkloadPicker } from './common.js';

const PRESETS = ['stable:60%', 'diurnal:10h@70%', 'bursty:4x@30%', 'bursty:4x@60%,3h'];

/** Dedicated vs serverless vs hybrid for a traffic shape: `routefit dedicated` in the page (engine dedicatedShape). */
export function DedicatedView(props: ViewProps) {
  const { computed, state, set, catalog } = props;
  const o = computed.outcome;
  const p = o.ok ? o.priced[Math.min(state.workload, o.priced.length - 1)] : undefined;
  const opt = (k: string) => String(state.opts[k] ?? '');
  const put = (k: string, v: string) => set({ opts: { ...state.opts, [k]: v } });
  const mode = opt('dm') || 'flat';
  const result = useMemo(() => {
    if (!p) return undefined;
    const gpus = p.prepared.routes.filter((r): r is GpuRouteSpec => r.billing === 'gpu');
    const tokens = p.prepared.routes.filter((r): r is TokenRouteSpec => r.billing === 'tokens');
    if (!gpus.length) return { error: `${p.prepared.name} has no GPU route: add one to the file, e.g. { route: lambda/h100-sxm, serves: llama-3.3-70b }`, gpus, tokens };
    if (!tokens.length) return { error: `${p.prepared.name} has no per-token route to compare with`, gpus, tokens };
    const gpu = gpus.find((g) => g.id === opt('dg')) ?? gpus[0]!;
    const cheapest = p.comparison.routes.find((r) => r.billing === 'tokens');
    const serverless = tokens.find((t) => t.id === opt('ds')) ?? tokens.find((t) => t.id === cheapest?.route) ?? tokens[0]!;
    const num = (k: string, what: string, min: number, max = Infinity) => {
      const t = opt(k).trim();
      if (t === '') return undefined;
      const n = Number(t);
      if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${what} must be a number ${min}–${max === Infinity ? '∞' : max}; got "${t}"`);
      return n;
    };
    try {
      let gpusPerReplica = 1;
      let billing: number | undefined;
      try {
        const e = findRoute(catalog, gpu.id);
        if (e.kind === 'gpu') {
          gpusPerReplica = e.gpusPerInstance;
          billing = e.minBillingMinutes;
        }
      } catch {
        // A GPU route priced entirely in the file: one GPU per replica.
      }
      const hourly = mode === 'hourly' ? opt('dh').split(/[\s,;]+/).filter(Boolean).map(Number) : undefined;
      if (hourly?.some((x) => !Number.isFinite(x) || x < 0)) throw new Error('hourly requests must be numbers ≥ 0, 168 (a week) or 24 (a day)');
      const goodput = num('dgp', 'goodput', 0.000001);
      const cs = num('dcs', 'serverless cost', 0.000001);
      const ops = num('dops', 'ops per hour', 0);
      const r = dedicatedShape({
        profile: p.prepared.profile,
        gpu,
        serverless,
        ...(mode === 'preset' ? { pattern: patternPreset(opt('dp') || 'diurnal:10h@70%') } : {}),
        ...(hourly ? { hourlyRequests: { label: 'hourly requests edited in the Studio', values: hourly } } : {}),
        ...(goodput !== undefined ? { goodput } : {}),
        ...(cs !== undefined ? { serverlessCost: cs } : {}),
        ...(ops !== undefined ? { opsPerHour: ops } : {}),
        minReplicas: num('dmin', 'minimum replicas', 0, 10_000) ?? 1,
        maxUtilization: num('dmax', 'max utilization', 0.000001, 1) ?? 1,
        coldStartMinutes: num('dcold', 'cold start minutes', 0, 1440) ?? 0,
        minBillingMinutes: num('dbill', 'minimum billing minutes', 0, 1440) ?? billing ?? 0,
        gpusPerReplica,
      });
      return { r, gpu, serverless, gpus, tokens };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err), gpus, tokens };
    }
  }, [p, state.opts, catalog]);
  if (!o.ok) return <Problems problems={o.problems} file={state.file!} />;
  if (!p || !result) return <p>No workload.</p>;
  const r = 'r' in result ? result.r : undefined;
  const maxLoad = r ? Math.max(r.peakLoad, 1e-9) : 1;
  return (
    <section class="dedicated">
      <WorkloadPicker {...props} />
      <div class="filters">
        <label>GPU route <select aria-label="gpu route" value={'gpu' in result && result.gpu ? result.gpu.id : opt('dg')} onChange={(e) => put('dg', (e.target as HTMLSelectElement).value)}>{result.gpus.map((g) => <option value={g.id}>{g.id}</option>)}</select></label>
        <label>vs <select aria-label="serverless route" value={opt('ds')} onChange={(e) => put('ds', (e.target as HTMLSelectElement).value)}><option value="">cheapest per-token route</option>{result.tokens.map((t) => <option value={t.id}>{t.id}</option>)}</select></label>
        <label>Traffic <select aria-label="traffic mode" value={mode} onChange={(e) => put('dm', (e.target as HTMLSelectElement).value)}><option value="flat">the file's volume, flat</option><option value="preset">a preset shape</option><option value="hourly">hourly requests (168 or 24)</option></select></label>
        {mode === 'preset' ? <label>Preset <input list="shape-presets" aria-label="pattern preset" value={opt('dp') || 'diurnal:10h@70%'} onInput={(e) => put('dp', (e.target as HTMLInputElement).value)} /><datalist id="shape-presets">{PRESETS.map((x) => <option value={x} />)}</datalist></label> : null}
      </div>
      {mode === 'hourly' ? <textarea aria-label="hourly requests" rows={4} cols={120} placeholder="168 hourly request counts (Monday 00:00 first), or 24 for one day" value={opt('dh')} onInput={(e) => put('dh', (e.target as HTMLTextAreaElement).value)} /> : null}
      <div class="filters">
        {([['dgp', 'Goodput (accepted/replica-hour)'], ['dcs', 'Serverless $/accepted'], ['dops', 'Ops $/hour'], ['dmin', 'Min replicas'], ['dmax', 'Max utilization'], ['dcold', 'Cold start min'], ['dbill', 'Min billing min']] as const).map(([k, l]) => (
          <label>{l} <input type="text" class="mini" aria-label={l} value={opt(k)} placeholder="default" onInput={(e) => put(k, (e.target as HTMLInputElement).value)} /></label>
        ))}
      </div>
      {'error' in result ? <p class="warn" role="alert">{result.error}</p> : null}
      {r ? (
        <>
          <p>Traffic: {r.pattern}. {count(r.volumePerMonth)} accepted/month; load in replicas: average {r.averageLoad.toFixed(2)}, peak {r.peakLoad.toFixed(2)}, trough {r.troughLoad.toFixed(2)}.</p>
          <div class="shape" data-testid="shape" title="load per hour over the week, in replicas">
            {r.replicaLoad.map((x, h) => <span title={`hour ${h}: ${x.toFixed(2)} replicas`} style={{ height: `${(100 * x) / maxLoad}%` }} />)}
          </div>
          <p>
            Goodput {count(r.goodputPerHour.value)}/replica-hour ({r.goodputPerHour.evidence}); serverless ${r.serverlessCostPerAccepted.value.toPrecision(4)} per accepted ({r.serverlessCostPerAccepted.evidence}: {r.serverlessCostPerAccepted.source}).
          </p>
          <p>
            Break-even utilization <strong data-testid="u-required" data-u={String(r.gate.uRequired)}>u_required {percent(r.gate.uRequired)}</strong>: dedicated at the minimum replicas costs {usd(r.gate.dedicatedMonthly)}/month. Cheapest: <strong>{r.cheapest.label}</strong> at {usd(r.cheapest.monthlyCost)}/month.
          </p>
          <table data-testid="shape-options">
            <thead><tr><th>Option</th><th class="num">Replicas</th><th class="num">GPUs</th><th class="num">Avg util</th><th class="num">Trough util</th><th class="num">Dedicated</th><th class="num">Ops</th><th class="num">Warm-up</th><th class="num">Serverless</th><th class="num">Monthly</th></tr></thead>
            <tbody>
              {r.options.map((x) => (
                <tr class={x.id === r.winner ? 'selected' : ''} data-option={x.id} data-monthly={String(x.monthlyCost)}>
                  <td>{x.label}</td><td class="num">{x.replicas}</td><td class="num">{x.gpus}</td><td class="num">{x.averageUtilization === null ? '—' : percent(x.averageUtilization, 0)}</td><td class="num">{x.troughUtilization === null ? '—' : percent(x.troughUtilization, 0)}</td>
                  <td class="num">{usd(x.parts.dedicated)}</td><td class="num">{usd(x.parts.ops)}</td><td class="num">{usd(x.parts.warmup)}</td><td class="num">{usd(x.parts.serverless)}</td><td class="num">{usd(x.monthlyCost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>Hybrid split (base replicas → monthly): {r.hybridCurve.map((h) => `${h.replicas} → ${usd(h.monthlyCost)}`).join(', ')}</p>
          {r.notes.length ? <ul class="notes">{r.notes.map((n) => <li>{n}</li>)}</ul> : null}
        </>
      ) : null}
    </section>
  );
}
