import { useMemo } from 'preact/hooks';
import { pointAt } from '../../../catalog/lookup.js';
import { type MultiSourceInputs, multiSourceCalc } from '../../../cli/multi-source-calc.js';
import { FINE_TUNE_OPTIONS, FORECAST_OPTIONS, MULTI_SOURCE_OPTIONS, GOODPUT_OPTIONS, MARGIN_OPTIONS, SELF_MANAGED_OPTIONS, goodputInput, marginInputsOf } from '../../../cli/calculator-options.js';
import { CliUsageError } from '../../../cli/io.js';
import { spendForecast } from '../../../charts/index.js';
import { devolutionSignals } from '../../../engine/capacity/self-managed.js';
import { fineTuneCalc, givenEconomics, workloadEconomics } from '../../../cli/fine-tune-calc.js';
import { type ForecastWorkload, type GrowthScenario, forecastSpend, parseScenario } from '../../../engine/decisions/forecast.js';
import { valueOf } from '../../../engine/evidence.js';
import { goodput } from '../../../engine/measured/goodput.js';
import { traceToMargin } from '../../../engine/measured/reconciliation.js';
import { DAYS_PER_MONTH } from '../../../engine/units.js';
import { Chart } from '../chart.js';
import { count, percent, ratio, usd, usdPerRequest } from '../fmt.js';
import type { ViewProps } from '../types.js';
import { Fig, Flag, Refusal, attempt, fieldsNeedFixing, useFlagForm } from './calc-form.js';
import { WorkloadPicker } from './common.js';

const SECONDS_PER_MONTH = DAYS_PER_MONTH * 86_400;
const str = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? undefined : String(n));

/** The workload on screen, priced (undefined while the file has problems). */
function current(p: ViewProps) {
  const o = p.computed.outcome;
  return o.ok ? o.priced[p.state.workload] ?? o.priced[0] : undefined;
}

/**
 * The calculators of `routefit goodput`, `margin`, `forecast`, `fine-tune` and the devolution signals
 * of `plan`/`self-managed`, prefilled from the workload file being edited; every input is checked by
 * the CLI's flag declaration and every figure comes from the engine function the CLI calls.
 */
export function CalculatorsView(props: ViewProps) {
  return (
    <section class="calculators">
      <WorkloadPicker {...props} />
      <GoodputSection {...props} />
      <MarginSection {...props} />
      <ForecastSection {...props} />
      <FineTuneSection {...props} />
      <MultiSourceSection {...props} />
      <DevolutionSection {...props} />
    </section>
  );
}

function GoodputSection(props: ViewProps) {
  const w = current(props);
  const prof = w?.prepared.profile;
  const first = w?.comparison.routes[0];
  const form = useFlagForm(props, 'goodput', GOODPUT_OPTIONS, {
    rps: str(prof && valueOf(prof.requestsPerMonth) / SECONDS_PER_MONTH),
    passRate: str(prof && valueOf(prof.qualityPassRate)),
    costPerRequest: str(first?.rawCostPerRequest),
  });
  const r = useMemo(() => (form.ok ? attempt(() => goodput(goodputInput(form.values))) : null), [props.state.opts, w]);
  const K = Object.keys(GOODPUT_OPTIONS) as (keyof typeof GOODPUT_OPTIONS & string)[];
  const labels: Record<string, string> = { rps: 'Requests/s', passRate: 'Quality pass rate', sloShare: 'Share within SLO', ttftP50: 'TTFT p50 ms', ttftP95: 'TTFT p95 ms', sloTtftMs: 'TTFT SLO ms', tpotP50: 'TPOT p50 ms', tpotP95: 'TPOT p95 ms', sloTpotMs: 'TPOT SLO ms', costPerRequest: 'Cost per request $' };
  return (
    <div class="calc-section" data-calc="goodput">
      <h2>Goodput without traces</h2>
      <p class="muted">goodput = requests/s × pass rate × share within SLO (`routefit goodput`); prefilled from the file: volume, pass rate and {first ? `${first.route}'s raw $/request` : 'no route'}.</p>
      <div class="filters">{K.map((k) => <Flag form={form} options={GOODPUT_OPTIONS} k={k} label={labels[k]!} />)}</div>
      {r === null ? fieldsNeedFixing('goodput') : !r.ok ? <Refusal id="goodput" message={r.message} /> : (
        <table data-testid="goodput">
          <tbody>
            <tr><td>Accepted requests/s</td><Fig id="acceptedPerSecond" value={r.value.acceptedPerSecond}>{r.value.acceptedPerSecond.toFixed(3)}</Fig></tr>
            <tr><td>Share within SLO ({r.value.sloShareFrom})</td><Fig id="sloShare" value={r.value.sloShare}>{percent(r.value.sloShare)}</Fig></tr>
            <tr><td>Goodput (accepted within SLO)</td><Fig id="goodputPerSecond" value={r.value.goodputPerSecond}>{r.value.goodputPerSecond.toFixed(3)}/s = {count(r.value.goodputPerHour)}/hour</Fig></tr>
            {r.value.costPerAccepted !== null ? <tr><td>Cost per accepted output</td><Fig id="costPerAccepted" value={r.value.costPerAccepted}>{usdPerRequest(r.value.costPerAccepted)}</Fig></tr> : null}
            {form.values.costPerRequest !== undefined ? <tr><td>Cost per good accepted output</td><Fig id="costPerGoodAccepted" value={r.value.costPerGoodAccepted}>{r.value.costPerGoodAccepted === null ? 'undefined (nothing accepted within SLO)' : usdPerRequest(r.value.costPerGoodAccepted)}</Fig></tr> : null}
          </tbody>
        </table>
      )}
    </div>
  );
}

function MarginSection(props: ViewProps) {
  const w = current(props);
  const prof = w?.prepared.profile;
  const first = w?.comparison.routes[0];
  const q = (x: Parameters<typeof valueOf>[0] | undefined) => (x === undefined ? undefined : str(valueOf(x)));
  const form = useFlagForm(props, 'margin', MARGIN_OPTIONS, {
    traceCost: str(first && prof && first.rawCostPerRequest * valueOf(prof.requestsPerMonth)),
    accepted: str(first?.acceptedRequestsPerMonth),
    eval: q(prof?.evalCostPerMonth),
    ops: q(prof?.opsCostPerMonth),
    invoiceDelta: q(prof?.invoiceDeltaPerMonth),
  });
  const r = useMemo(() => {
    if (!form.ok) return null;
    const v = form.values;
    return attempt(() => traceToMargin(marginInputsOf(v)));
  }, [props.state.opts, w]);
  const labels: Record<string, string> = { traceCost: 'Trace cost $', accepted: 'Accepted units', invoiceDelta: 'Invoice delta $', eval: 'Eval $', human: 'Human review $', ops: 'Ops $', revenuePerUnit: 'Revenue per unit $' };
  return (
    <div class="calc-section" data-calc="margin">
      <h2>Trace-to-margin</h2>
      <p class="muted">loaded = (trace + invoice delta + eval + human + ops) ÷ accepted; margin = revenue per unit − loaded (Inference Field Guide, Part 0). Prefilled for a month of {first?.route ?? 'the first route'}: raw $/request × requests, its accepted requests, the file's eval, ops and invoice delta.</p>
      <div class="filters">{(Object.keys(MARGIN_OPTIONS) as (keyof typeof MARGIN_OPTIONS & string)[]).map((k) => <Flag form={form} options={MARGIN_OPTIONS} k={k} label={labels[k]!} />)}</div>
      {r === null ? fieldsNeedFixing('margin') : !r.ok ? <Refusal id="margin" message={r.message} /> : (
        <table data-testid="margin">
          <tbody>
            <tr><td>Total cost for the period</td><Fig id="parts.totalUsd" value={r.value.parts.totalUsd}>{usd(r.value.parts.totalUsd, 2)}</Fig></tr>
            <tr><td>Loaded cost per accepted unit</td><Fig id="loadedCostPerAccepted" value={r.value.loadedCostPerAccepted}>{r.value.loadedCostPerAccepted === null ? 'undefined (no accepted unit)' : usdPerRequest(r.value.loadedCostPerAccepted)}</Fig></tr>
            <tr><td>Naive (trace cost only)</td><Fig id="naiveCostPerAccepted" value={r.value.naiveCostPerAccepted}>{r.value.naiveCostPerAccepted === null ? 'undefined' : usdPerRequest(r.value.naiveCostPerAccepted)}</Fig></tr>
            <tr><td>Loaded ÷ naive</td><Fig id="loadedOverNaive" value={r.value.loadedOverNaive}>{ratio(r.value.loadedOverNaive)}</Fig></tr>
            {r.value.marginPerAccepted !== null ? <tr><td>Margin per unit</td><Fig id="marginPerAccepted" value={r.value.marginPerAccepted}>{usdPerRequest(r.value.marginPerAccepted)} ({percent(r.value.marginPct!)})</Fig></tr> : <tr><td>Margin per unit</td><td class="muted">give a revenue per unit</td></tr>}
          </tbody>
        </table>
      )}
    </div>
  );
}

const STANDARD_SCENARIOS = ['flat', 'linear:10%', 'compound:5%'];
const FORECAST_KEYS = ['horizon', 'growth', 'route', 'budget', 'monthlyBudget'] as const;

function ForecastSection(props: ViewProps) {
  const { computed } = props;
  const form = useFlagForm(props, 'forecast', FORECAST_OPTIONS, { growth: 'linear:10%' }, FORECAST_KEYS);
  const r = useMemo(() => {
    if (!form.ok) return null;
    const o = computed.outcome;
    if (!o.ok) return { ok: false as const, message: 'The workload file cannot be priced yet: fix it in the editor.' };
    return attempt(() => {
      const v = form.values;
      // As `routefit forecast FILE`: each workload on --route, else the fleet's current_route, else its first route.
      const workloads: ForecastWorkload[] = o.priced.map((pw, i) => {
        const p = pw.prepared;
        const fleetCurrent = computed.fleet ? computed.raw[i]?.current_route : undefined;
        let cur = typeof fleetCurrent === 'string' ? fleetCurrent : undefined;
        if (v.route !== undefined) {
          if (!p.routes.some((x) => x.id === v.route)) throw new CliUsageError(`--route ${v.route} is not a priced route of workload ${p.name} (${p.routes.map((x) => x.id).join(', ')})`);
          cur = v.route;
        }
        if (!p.routes.length) throw new CliUsageError(`workload ${p.name} has no priced route: ${p.unpriced.map((u) => `${u.route}: ${u.message}`).join('; ')}`);
        return { name: p.name, profile: p.profile, routes: p.routes, ...(cur ? { current: cur } : {}) };
      });
      const run = (scenario: GrowthScenario) => forecastSpend({ workloads, horizonMonths: v.horizon, scenario, ...(v.budget !== undefined ? { budgetTotal: v.budget } : {}), ...(v.monthlyBudget !== undefined ? { budgetMonthly: v.monthlyBudget } : {}) });
      const chosen = form.text('growth').trim() || 'flat';
      const others = [...STANDARD_SCENARIOS, `one-grows:${workloads[0]!.name}:3`].filter((s) => s !== chosen);
      return { main: run(v.growth), scenarios: [{ name: `${chosen} (chosen)`, forecast: run(v.growth) }, ...others.map((s) => ({ name: s, forecast: run(parseScenario(s)) }))] };
    });
  }, [props.state.opts, computed]);
  const labels: Record<string, string> = { horizon: 'Horizon months', growth: 'Growth scenario', route: 'Route (all workloads)', budget: 'Budget over horizon $', monthlyBudget: 'Monthly budget $', asOf: 'As of' };
  const spec = useMemo(() => (r && r.ok ? spendForecast(r.value.scenarios, { title: 'Monthly spend per growth scenario', subtitle: 'Dots: gates crossed; dotted line: the month a budget runs out', ...(form.values.monthlyBudget !== undefined ? { monthlyBudget: form.values.monthlyBudget } : {}) }) : null), [r]);
  const f = r && r.ok ? r.value.main : null;
  return (
    <div class="calc-section" data-calc="forecast">
      <h2>Spend forecast</h2>
      <p class="muted">Monthly spend and LCPR over the planning horizon for every workload of this file (`routefit forecast FILE`): flat, linear, compound, or one workload growing 3× while the others stay flat — the playbook's red flag.</p>
      <div class="filters">{FORECAST_KEYS.map((k) => <Flag form={form} options={FORECAST_OPTIONS} k={k} label={labels[k]!} placeholder={k === 'growth' ? 'flat, linear:10%, compound:5%, one-grows:NAME:3' : undefined} />)}</div>
      {r === null ? fieldsNeedFixing('forecast') : !r.ok ? <Refusal id="forecast" message={r.message} /> : (
        <>
          {spec ? <Chart spec={spec} id="spend-forecast" height={340} /> : null}
          <table data-testid="forecast">
            <thead><tr><th>Month</th><th>Spend/mo</th><th>Cumulative</th><th>LCPR</th><th>Cheapest</th></tr></thead>
            <tbody>{f!.months.map((m) => <tr data-month={String(m.month)}><td>{m.month}</td><Fig id="spend" value={m.spend}>{usd(m.spend)}</Fig><Fig id="cumulative" value={m.cumulative}>{usd(m.cumulative)}</Fig><Fig id="lcpr" value={m.lcpr}>{usdPerRequest(m.lcpr)}</Fig><td>{[...new Set(m.workloads.map((x) => x.cheapest))].join(', ')}</td></tr>)}</tbody>
          </table>
          <ul class="notes" data-testid="forecast-events">
            {f!.budgetMonthlyExceededAt !== undefined ? <li data-event="budget_monthly" data-month={String(f!.budgetMonthlyExceededAt)}>Monthly budget: {f!.budgetMonthlyExceededAt === null ? 'not exceeded within the horizon' : `exceeded in month ${f!.budgetMonthlyExceededAt}`}</li> : null}
            {f!.budgetTotalExhaustedAt !== undefined ? <li data-event="budget_total" data-month={String(f!.budgetTotalExhaustedAt)}>Budget: {f!.budgetTotalExhaustedAt === null ? 'not exhausted within the horizon' : `exhausted in month ${f!.budgetTotalExhaustedAt}`}</li> : null}
            {f!.events.length ? f!.events.map((e) => <li data-event={e.kind} data-month={String(e.month)}>month {e.month}: {e.detail} [{e.cite}]</li>) : <li>No gate is crossed within the horizon.</li>}
            {f!.notes.map((n) => <li>Note: {n}</li>)}
          </ul>
        </>
      )}
    </div>
  );
}

function FineTuneSection(props: ViewProps) {
  const { catalog, session, state, set } = props;
  const w = current(props);
  const first = w?.comparison.routes[0];
  const priced = w?.comparison.routes.map((r) => r.route) ?? [];
  // `routefit fine-tune FILE --route R --lora-route L` (the workload's two routes) or the economics given by hand.
  const mode = state.opts['finetune.mode'] === 'file' ? 'file' : 'given';
  const common = ['examples', 'tokensPerExample', 'baseParamsB', 'epochs', 'method'] as const;
  const keys = mode === 'file' ? ([...common, 'route', 'loraRoute', 'iterationCost'] as const) : ([...common, 'lcpr', 'reduction', 'acceptedPerDay', 'iterationCost'] as const);
  const form = useFlagForm(props, 'finetune', FINE_TUNE_OPTIONS, {
    examples: '50000',
    method: 'sft',
    tokensPerExample: '1500',
    baseParamsB: '8',
    reduction: '0.05',
    lcpr: str(first?.lcpr),
    acceptedPerDay: str(first && first.acceptedRequestsPerMonth / DAYS_PER_MONTH),
    route: priced[0],
    loraRoute: priced.find((r) => /lora/i.test(r)) ?? priced[1],
  }, keys);
  const r = useMemo(() => {
    if (!form.ok) return null;
    return attempt(() => {
      const v = form.values;
      if (v.method !== 'sft' && v.method !== 'dpo') throw new CliUsageError(`--method must be sft or dpo; got "${v.method}"`);
      if (!catalog.loraTraining.length) throw new CliUsageError('the catalog has no LoRA training rates (lora_training)');
      // The LoRA rates in force on the date priced (catalog/fine-tuning.yaml), as the CLI reads them.
      const tiers = pointAt({ id: 'lora_training', history: catalog.loraTraining }, session.today).sheet;
      let e;
      if (mode === 'file') {
        if (!w) throw new CliUsageError('The workload file cannot be priced yet: fix it in the editor.');
        e = workloadEconomics(w, v);
      } else e = givenEconomics(v);
      const out = fineTuneCalc(tiers, v, e);
      return { training: out.training, economics: out.economics, onCompute: out.paybackOnCompute, onProgram: out.paybackOnProgram };
    });
  }, [props.state.opts, w, catalog, mode]);
  const labels: Record<string, string> = { examples: 'Training examples', tokensPerExample: 'Tokens per example', baseParamsB: 'Base params (B)', epochs: 'Epochs', method: 'Method', lcpr: 'LCPR before $', reduction: 'LCPR reduction', acceptedPerDay: 'Accepted/day', iterationCost: 'Iteration $/month', route: 'Route today', loraRoute: 'Adapter (LoRA) route' };
  const days = (d: number | null) => (d === null ? 'never (savings do not cover the iteration cost)' : `${d.toFixed(1)} days`);
  return (
    <div class="calc-section" data-calc="fine-tune">
      <h2>Fine-tune economics (LoRA)</h2>
      <p class="muted">Training = examples × tokens × epochs × tier rate; payback = upfront ÷ (LCPR × reduction × volume − iteration cost) (the playbook, ch. 19). {mode === 'file' ? "From this file's workload: LCPR today on the route it runs on, after on the adapter route (reduction = 1 − after ÷ today), the volume of today's route." : `LCPR and volume prefilled from ${first?.route ?? 'the first route'}.`}</p>
      <label>Economics{' '}
        <select aria-label="fine-tune mode" value={mode} onChange={(e) => set({ opts: { ...state.opts, 'finetune.mode': (e.target as HTMLSelectElement).value } })}>
          <option value="given">given: LCPR, reduction, accepted/day</option>
          <option value="file">from this file: route today vs adapter route</option>
        </select>
      </label>
      <div class="filters">{keys.map((k) => <Flag form={form} options={FINE_TUNE_OPTIONS} k={k} label={labels[k]!} {...(k === 'method' ? { choices: ['sft', 'dpo'] } : k === 'route' || k === 'loraRoute' ? { choices: priced } : {})} />)}</div>
      {r === null ? fieldsNeedFixing('fine-tune') : !r.ok ? <Refusal id="fine-tune" message={r.message} /> : (
        <table data-testid="fine-tune">
          <tbody>
            {r.value.economics.before ? (
              <tr><td>Serving: {r.value.economics.before} → {r.value.economics.after}</td><Fig id="economics.reduction" value={r.value.economics.reduction}>{usdPerRequest(r.value.economics.lcprBefore)} → {usdPerRequest(r.value.economics.lcprAfter!)} per accepted output ({percent(r.value.economics.reduction)} less), {count(r.value.economics.acceptedPerDay)} accepted/day</Fig></tr>
            ) : null}
            <tr><td>Training tokens ({r.value.training.tier.label} tier, ${r.value.training.tier.ratePerMillion}/M)</td><Fig id="training.trainingTokens" value={r.value.training.trainingTokens}>{count(r.value.training.trainingTokens)}</Fig></tr>
            <tr><td>Training compute (high end)</td><Fig id="training.computeCost.1" value={r.value.training.computeCost[1]}>{usd(r.value.training.computeCost[0], 2)}–{usd(r.value.training.computeCost[1], 2)}</Fig></tr>
            <tr><td>Whole program (2–5× hidden costs, high end)</td><Fig id="training.programCost.1" value={r.value.training.programCost[1]}>{usd(r.value.training.programCost[0], 2)}–{usd(r.value.training.programCost[1], 2)}</Fig></tr>
            <tr><td>Savings per month, net of iteration</td><Fig id="paybackOnCompute.netMonthlySavings" value={r.value.onCompute.netMonthlySavings}>{usd(r.value.onCompute.netMonthlySavings, 2)}</Fig></tr>
            <tr><td>Payback on training compute</td><Fig id="paybackOnCompute.paybackDays" value={r.value.onCompute.paybackDays}>{days(r.value.onCompute.paybackDays)}</Fig></tr>
            <tr><td>Payback on the whole program</td><Fig id="paybackOnProgram.1.paybackDays" value={r.value.onProgram[1].paybackDays}>{days(r.value.onProgram[0].paybackDays)} to {days(r.value.onProgram[1].paybackDays)}</Fig></tr>
            <tr><td>Break-even volume</td><Fig id="paybackOnCompute.breakEvenPerDay" value={r.value.onCompute.breakEvenPerDay}>{r.value.onCompute.breakEvenPerDay === null ? 'none (no saving per output)' : r.value.onCompute.breakEvenPerDay === 0 ? 'none (no iteration cost: any volume pays back)' : `${count(r.value.onCompute.breakEvenPerDay)} accepted outputs/day`}</Fig></tr>
          </tbody>
        </table>
      )}
    </div>
  );
}

const MULTI_SOURCE_KEYS = ['routingOverhead', 'overheadHours', 'rate'] as const;

/**
 * `routefit multi-source FILE --split R=S …` on the workload on screen: a share, cache hit rate and
 * error delta per route become the command's repeated flags (ROUTE=VALUE), checked by the same parser.
 */
function MultiSourceSection(props: ViewProps) {
  const { state, set } = props;
  const w = current(props);
  const routes = w?.prepared.routes.map((r) => r.id) ?? [];
  const form = useFlagForm(props, 'multisource', MULTI_SOURCE_OPTIONS, {}, MULTI_SOURCE_KEYS);
  const o = state.opts;
  // Prefilled: the last two routes half and half (the first one listed is usually the incumbent).
  const prefill = routes.length >= 2 ? new Set(routes.slice(-2)) : new Set<string>();
  const cell = (kind: string, route: string) => String(o[`multisource.${kind}.${route}`] ?? (kind === 'split' && prefill.has(route) ? '0.5' : ''));
  const put = (kind: string, route: string, v: string) => set({ opts: { ...o, [`multisource.${kind}.${route}`]: v } });
  const pairs = (kind: string) => routes.filter((r) => cell(kind, r).trim() !== '').map((r) => `${r}=${cell(kind, r).trim()}`);
  const baseline = String(o['multisource.baseline'] ?? '');
  const r = useMemo(() => {
    if (!form.ok) return null;
    if (!w) return { ok: false as const, message: 'The workload file cannot be priced yet: fix it in the editor.' };
    return attempt(() => multiSourceCalc(w, { ...form.values, split: pairs('split'), cacheHit: pairs('cacheHit'), errorDelta: pairs('errorDelta'), ...(baseline ? { baseline } : {}) } as MultiSourceInputs));
  }, [o, w]);
  const labels: Record<string, string> = { routingOverhead: 'Routing layer $/month', overheadHours: 'Overhead hours/month lo:hi', rate: 'Engineering $/hour' };
  const v = r && r.ok ? r.value : null;
  return (
    <div class="calc-section" data-calc="multi-source">
      <h2>Multi-source split</h2>
      <p class="muted">One workload split across providers (`routefit multi-source`): each slice priced with its own cache hit rate (independent prefix caches fragment) and error delta, plus the routing layer; net benefit = savings − the 8-16 h/month a second provider adds (Inference Field Guide, Part 2); revert to one provider when that overhead passes 20% of the savings (Part 5).</p>
      <table class="fields" data-testid="multi-source-inputs">
        <thead><tr><th>Route</th><th>Share of requests</th><th>Cache hit rate once split</th><th>Extra retry rate</th></tr></thead>
        <tbody>
          {routes.map((rt) => (
            <tr>
              <td>{rt}</td>
              {(['split', 'cacheHit', 'errorDelta'] as const).map((k) => <td><input type="text" aria-label={`${rt} ${k}`} data-ms={`${k}.${rt}`} value={cell(k, rt)} onInput={(e) => put(k, rt, (e.target as HTMLInputElement).value)} /></td>)}
            </tr>
          ))}
        </tbody>
      </table>
      <div class="filters">
        <label class="flag"><span>Baseline (the single route replaced)</span>
          <select aria-label="multi-source baseline" data-flag="multisource.baseline" value={baseline} onChange={(e) => set({ opts: { ...o, 'multisource.baseline': (e.target as HTMLSelectElement).value } })}>
            <option value="">the first split route alone</option>
            {routes.map((rt) => <option value={rt}>{rt}</option>)}
          </select>
        </label>
        {MULTI_SOURCE_KEYS.map((k) => <Flag form={form} options={MULTI_SOURCE_OPTIONS} k={k} label={labels[k]!} />)}
      </div>
      {r === null ? fieldsNeedFixing('multi-source') : !r.ok ? <Refusal id="multi-source" message={r.message} /> : (
        <>
          <table data-testid="multi-source">
            <thead><tr><th>Provider</th><th class="num">Share</th><th class="num">Accepted/mo</th><th class="num">LCPR</th><th class="num">Monthly</th></tr></thead>
            <tbody>{v!.split.providers.map((x) => <tr data-provider={x.route}><td>{x.route}</td><td class="num">{percent(x.share, 0)}</td><Fig id="acceptedRequestsPerMonth" value={x.acceptedRequestsPerMonth}>{count(x.acceptedRequestsPerMonth)}</Fig><Fig id="lcpr" value={x.lcpr}>{usdPerRequest(x.lcpr)}</Fig><Fig id="monthlyCost" value={x.monthlyCost}>{usd(x.monthlyCost)}</Fig></tr>)}</tbody>
          </table>
          <table data-testid="multi-source-totals">
            <tbody>
              <tr><td>Split: monthly cost</td><Fig id="split.monthlyCost" value={v!.split.monthlyCost}>{usd(v!.split.monthlyCost)}</Fig></tr>
              <tr><td>Split: LCPR</td><Fig id="split.lcpr" value={v!.split.lcpr}>{usdPerRequest(v!.split.lcpr)}</Fig></tr>
              <tr><td>Hidden cost: error retries</td><Fig id="split.hiddenCost.errorRetries" value={v!.split.hiddenCost.errorRetries}>{usd(v!.split.hiddenCost.errorRetries, 2)}</Fig></tr>
              <tr><td>Hidden cost: cache fragmentation</td><Fig id="split.hiddenCost.cacheFragmentation" value={v!.split.hiddenCost.cacheFragmentation}>{usd(v!.split.hiddenCost.cacheFragmentation, 2)}</Fig></tr>
              <tr><td>Hidden cost: routing layer</td><Fig id="split.hiddenCost.routing" value={v!.split.hiddenCost.routing}>{usd(v!.split.hiddenCost.routing, 2)}</Fig></tr>
              <tr><td>Against {v!.baseline.route} alone</td><Fig id="baseline.monthlyCost" value={v!.baseline.monthlyCost}>{usd(v!.baseline.monthlyCost)}/month; gross savings {usd(v!.grossSavings)}/month</Fig></tr>
              <tr><td>Multi-source overhead ({v!.overheadHours.lo}-{v!.overheadHours.hi} h)</td><Fig id="overhead.monthlyCost.1" value={v!.overhead.monthlyCost[1]}>{usd(v!.overhead.monthlyCost[0])}–{usd(v!.overhead.monthlyCost[1])}/month</Fig></tr>
              <tr><td>Net benefit (high overhead)</td><Fig id="netBenefit.1.netBenefit" value={v!.netBenefit[1].netBenefit}>{usd(v!.netBenefit[1].netBenefit)}/month</Fig></tr>
              <tr><td>Net benefit (low overhead)</td><Fig id="netBenefit.0.netBenefit" value={v!.netBenefit[0].netBenefit}>{usd(v!.netBenefit[0].netBenefit)}/month</Fig></tr>
              <tr data-revert={v!.netBenefit[1].revert.status}><td>Revert to one provider</td><td>{v!.netBenefit[1].revert.status === 'fail' ? 'FIRES' : 'no'} at the high overhead, {v!.netBenefit[0].revert.status === 'fail' ? 'FIRES' : 'no'} at the low — {v!.netBenefit[1].revert.reason}</td></tr>
            </tbody>
          </table>
          {v!.split.notes.length ? <ul class="notes">{v!.split.notes.map((n) => <li>Note: {n}</li>)}</ul> : null}
        </>
      )}
    </div>
  );
}

const DEVOLUTION_KEYS = ['fleetByQuarter', 'onCall', 'seatOpenQuarters', 'majorsBehind', 'reviewEveryDays'] as const;

function DevolutionSection(props: ViewProps) {
  const sm = props.computed.fleet?.self_managed as Record<string, unknown> | undefined;
  const n = (k: string) => (typeof sm?.[k] === 'number' ? String(sm[k]) : undefined);
  const form = useFlagForm(props, 'devolution', SELF_MANAGED_OPTIONS, {
    fleetByQuarter: Array.isArray(sm?.fleet_gpus_by_quarter) ? (sm.fleet_gpus_by_quarter as unknown[]).join(',') : undefined,
    onCall: n('on_call_engineers'),
    seatOpenQuarters: n('specialist_seat_open_quarters'),
    majorsBehind: n('serving_engine_majors_behind'),
    reviewEveryDays: n('quality_review_cadence_days'),
  }, DEVOLUTION_KEYS);
  const bad = !form.ok;
  const r = useMemo(() => {
    if (bad) return null;
    const v = form.values;
    return attempt(() =>
      devolutionSignals({
        ...(v.fleetByQuarter ? { fleetGpusByQuarter: v.fleetByQuarter } : {}),
        ...(v.onCall !== undefined ? { onCallEngineers: v.onCall } : {}),
        ...(v.seatOpenQuarters !== undefined ? { specialistSeatOpenQuarters: v.seatOpenQuarters } : {}),
        ...(v.majorsBehind !== undefined ? { servingEngineMajorsBehind: v.majorsBehind } : {}),
        ...(v.reviewEveryDays !== undefined ? { qualityReviewCadenceDays: v.reviewEveryDays } : {}),
      }),
    );
  }, [props.state.opts, sm]);
  const labels: Record<string, string> = { fleetByQuarter: 'Fleet GPUs by quarter', onCall: 'On-call engineers', seatOpenQuarters: 'Specialist seat open (quarters)', majorsBehind: 'Engine majors behind', reviewEveryDays: 'Quality review every (days)' };
  return (
    <div class="calc-section" data-calc="devolution">
      <h2>Self-managed devolution signals</h2>
      <p class="muted">When self-managed stops earning its keep (the playbook, ch. 20): two or more signals → run the utilization gate against managed dedicated. {sm ? "Prefilled from the fleet file's self_managed block." : 'The file has no self_managed block: enter the facts.'}</p>
      <div class="filters">{DEVOLUTION_KEYS.map((k) => <Flag form={form} options={SELF_MANAGED_OPTIONS} k={k} label={labels[k]!} />)}</div>
      {r === null ? fieldsNeedFixing('devolution') : !r.ok ? <Refusal id="devolution" message={r.message} /> : (
        <>
          <table data-testid="devolution">
            <tbody>{r.value.signals.map((s) => <tr data-signal={s.id} data-fired={String(s.fired)}><td>{s.fired ? 'FIRES' : 'ok'}</td><td>{s.reason}</td></tr>)}</tbody>
          </table>
          <p data-testid="devolution-verdict" data-fired={String(r.value.fired)}>{r.value.fired} of {r.value.signals.length} fire{r.value.recommendGate ? ' — run the utilization gate against managed dedicated (routefit dedicated)' : ''}</p>
        </>
      )}
    </div>
  );
}
