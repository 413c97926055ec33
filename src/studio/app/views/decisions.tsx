/**
 * View 6, Decisions: the plan brief per workload, the routefit matrix, the vendor scorecard, the
 * procurement matrix and migration readiness with payback — computed in the page from the file being
 * edited by the functions `routefit plan / matrix / scorecard / procurement / readiness` call.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { WorkloadBrief } from '../../../engine/decisions/decision-brief.js';
import { COMPLEXITY_FACTORS } from '../../../engine/decisions/complexity.js';
import type { FunnelResult, MatrixCell } from '../../../engine/decisions/funnel.js';
import { PROCUREMENT_GATES } from '../../../engine/decisions/procurement.js';
import type { Verdict } from '../../../engine/decisions/verdict.js';
import { GREENFIELD_NOTE, rankedCells } from '../../../fleet/decisions.js';
import { ACTION, STATUS, months, questionOf } from '../../../fleet/plan-text.js';
import { getFile } from '../api.js';
import { type FleetDecisions, type OtherFiles, type Section, type TcoResult, decisionsOf, relativeName } from '../decisions-model.js';
import type { VendorScorecardResult } from '../../../fleet/vendors-file.js';
import { count, usd, usdPerRequest } from '../fmt.js';
import { Fig } from './calc-form.js';
import type { ViewProps } from '../types.js';
import { withEdit } from '../url-state.js';
import { NumberField, Problems } from './common.js';

const SHORT: Record<Verdict['status'], string> = { pass: 'Pass', conditional: 'Cond.', fail: 'Fail', unknown: '?' };

/** A section whose fact block is absent: which block to add, with a one-line YAML example. */
function AddBlock({ block, example, why }: { block: string; example: string; why: string }) {
  return (
    <p class="hint add-block" data-testid={`add-${block}`}>
      {why} Add a <code>{block}</code> block to the file, e.g. <code>{example}</code>
    </p>
  );
}

function Status({ v }: { v: Verdict | null | undefined }) {
  if (!v) return <td class="gate na" title="does not apply to this route">·</td>;
  return (
    <td class={`gate st-${v.status}`} data-status={v.status} title={v.reason}>
      {SHORT[v.status]}
    </td>
  );
}

function Verdicts({ vs, testid }: { vs: Verdict[]; testid: string }) {
  return (
    <table class="verdicts" data-testid={testid}>
      <thead><tr><th>Question</th><th>Answer</th><th>Why</th><th>Evidence</th></tr></thead>
      <tbody>
        {vs.map((v) => {
          const { q, a } = questionOf(v);
          return (
            <tr data-rule={v.rule} data-status={v.status}>
              <td>{q}</td><td class={`st-${v.status}`}>{a}</td><td>{v.reason}</td><td>{v.restsOnAssumptions ? 'rests on assumptions' : v.compared.length ? 'measured/stated' : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function DecisionsView(props: ViewProps) {
  const { computed, state, session, catalog } = props;
  const file = state.file!;
  const text = computed.text;
  const top = (computed.fleet ?? computed.raw[0] ?? {}) as Record<string, unknown>;
  const vendorsFile = typeof top.vendors_file === 'string' ? relativeName(top.vendors_file) : null;
  const [others, setOthers] = useState<OtherFiles>({});
  const [otherError, setOtherError] = useState<string | null>(null);
  useEffect(() => {
    if (!vendorsFile || others[vendorsFile] !== undefined) return;
    getFile(vendorsFile).then(
      (f) => setOthers((o) => ({ ...o, [vendorsFile]: f.text })),
      (e: Error) => setOtherError(`${vendorsFile}: ${e.message}`),
    );
  }, [vendorsFile]);
  const outcome = useMemo(() => decisionsOf(file, text, catalog, session.today, others), [file, text, catalog, session.today, others]);
  if (!outcome.ok) return <section class="decisions"><Problems problems={outcome.problems} file={file} /></section>;
  const d = outcome.decisions;
  return (
    <section class="decisions">
      {otherError ? <p class="warn" role="alert">{otherError}</p> : null}
      {d.fleet.ok ? (
        <>
          <Levers {...props} fd={d.fleet.value} />
          <Plan fd={d.fleet.value} />
          <Matrix fd={d.fleet.value} />
        </>
      ) : (
        <div data-testid="fleet-problems">
          <h2>Plan, matrix, procurement and readiness</h2>
          <Problems problems={d.fleet.problems} file={file} />
        </div>
      )}
      <Scorecard s={d.scorecard} file={file} />
      <TcoSection t={d.tco} file={file} />
      {d.fleet.ok ? (
        <>
          <Procurement fd={d.fleet.value} />
          <Readiness {...props} fd={d.fleet.value} />
        </>
      ) : null}
    </section>
  );
}

/** The inputs that move these decisions most, per workload: volume and the route it runs on today. */
function Levers({ computed, state, set, fd }: ViewProps & { fd: FleetDecisions }) {
  const edit = (path: (string | number)[], v: unknown) => set({ edits: withEdit(state.edits, path, v) });
  return (
    <div class="quick levers" data-testid="decision-levers">
      {fd.fleet.workloads.map((w, i) => {
        const at = fd.fleet.pathOf(i);
        const raw = computed.raw[i] ?? {};
        return (
          <fieldset>
            <legend>{w.name}</legend>
            <NumberField label="Requests / month" name={`requests_per_month@${w.name}`} raw={raw.requests_per_month} log onChange={(v) => edit([...at, 'requests_per_month'], v)} />
            <label class="field">
              <span>Current route</span>
              <select aria-label={`current route of ${w.name}`} data-field={`current_route@${w.name}`} value={typeof raw.current_route === 'string' ? raw.current_route : ''} onChange={(e) => edit([...at, 'current_route'], (e.target as HTMLSelectElement).value || undefined)}>
                <option value="">none (greenfield)</option>
                {w.prepared.routes.map((r) => <option value={r.id}>{r.id}</option>)}
              </select>
            </label>
          </fieldset>
        );
      })}
    </div>
  );
}

function Plan({ fd }: { fd: FleetDecisions }) {
  const b = fd.plan.brief;
  return (
    <div data-testid="plan">
      <h2>Plan brief</h2>
      {b ? (
        <>
          <p data-testid="fleet-summary" data-current-monthly={String(b.totalCurrentMonthly)} data-savings-monthly={String(b.totalMonthlySavings)} data-stage={String(b.fleetStage.stage)}>
            Fleet: <strong>{usd(b.totalCurrentMonthly)}/month</strong> on current routes → Stage {b.fleetStage.stage} ({b.fleetStage.name}): {b.fleetStage.architecture}. Acting on every MIGRATE saves <strong>{usd(b.totalMonthlySavings)}/month</strong> ({b.workloads.filter((w) => w.action === 'migrate').length} of {b.workloads.length} workloads).
          </p>
          {b.revertSignals.map((r) => <p class={r.status === 'fail' ? 'warn' : 'muted'}>Revert signal ({r.cite}): {r.title} — {r.status === 'fail' ? `FIRES: ${r.reason}` : 'quiet'}.</p>)}
          <table data-testid="plan-table">
            <thead><tr><th>Workload</th><th>Action</th><th class="num">Stage</th><th>Current</th><th class="num">Current LCPR</th><th>Recommended</th><th class="num">Recommended LCPR</th><th class="num">Savings / month</th><th class="num">Payback (cutover / decision)</th></tr></thead>
            <tbody>
              {b.workloads.map((w) => (
                <tr data-workload={w.workload} data-action={w.action} data-stage={String(w.stage.stage)} data-recommended={w.recommended?.route ?? ''} data-savings={w.savings ? String(w.savings.monthly) : ''} data-payback-cutover={w.savings?.paybackFromCutoverMonths == null ? '' : String(w.savings.paybackFromCutoverMonths)} data-payback-decision={w.savings?.paybackFromDecisionMonths == null ? '' : String(w.savings.paybackFromDecisionMonths)}>
                  <td>{w.workload}</td><td class={`action-${w.action}`}><strong>{ACTION[w.action]}</strong></td><td class="num">{w.stage.stage}</td>
                  <td>{w.current.route}</td><td class="num">{usdPerRequest(w.current.lcpr)}</td>
                  <td>{w.recommended?.route ?? '—'}</td><td class="num">{w.recommended?.lcpr !== undefined ? usdPerRequest(w.recommended.lcpr) : '—'}</td>
                  <td class="num">{w.savings ? usd(w.savings.monthly) : '—'}</td>
                  <td class="num">{w.savings ? `${months(w.savings.paybackFromCutoverMonths)} / ${months(w.savings.paybackFromDecisionMonths)}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {b.workloads.map((w) => <BriefCard w={w} />)}
        </>
      ) : null}
      {fd.plan.greenfield.length ? <AddBlock block="current_route" example="current_route: anthropic/claude-sonnet-4.6" why={`${fd.plan.greenfield.map((g) => g.workload).join(', ')}: no route runs today, so the plan ranks routes instead of briefing a move.`} /> : null}
      {fd.plan.greenfield.map((g) => <Greenfield r={g} />)}
      {fd.plan.devolution ? (
        <div data-testid="devolution">
          <h3>Self-managed fleet — devolution signals (the playbook, ch. 20): {fd.plan.devolution.fired} of {fd.plan.devolution.signals.length} fire</h3>
          <ul>{fd.plan.devolution.signals.map((s) => <li data-fired={String(s.fired)}>{s.fired ? 'FIRES' : 'quiet'} {s.id}: {s.reason}</li>)}</ul>
        </div>
      ) : null}
    </div>
  );
}

function BriefCard({ w }: { w: WorkloadBrief }) {
  const f = w.funnel;
  return (
    <details class="brief" data-testid="brief" data-workload={w.workload}>
      <summary><strong>{w.workload} — {ACTION[w.action]}</strong>: {w.headline}</summary>
      <p>Stage {w.stage.stage} ({w.stage.name}) on this workload's spend — Inference Field Guide, Part 5. Current: {w.current.route} ({w.current.mode}) LCPR {usdPerRequest(w.current.lcpr)}, {usd(w.current.monthlyCost)}/month ({w.current.spendEvidence}).</p>
      {w.recommended ? <p>Recommended: {w.recommended.route} ({w.recommended.mode}) LCPR {usdPerRequest(w.recommended.lcpr!)} ({w.recommended.evidence}), {usd(w.recommended.monthlyCost)}/month — cheapest feasible cell, Inference Economics Playbook, ch. 15.</p> : null}
      {w.savings ? <p>Savings: {usd(w.savings.monthly)}/month, {usd(w.savings.yearly)}/year; payback {months(w.savings.paybackFromCutoverMonths)} after cutover, {months(w.savings.paybackFromDecisionMonths)} from the decision (16-week lead time, shadow weeks pay both routes — Inference Field Guide, Part 1).</p> : null}
      {w.migration && w.savings ? <p data-testid="migration-cost" data-cost={String(w.migration.cost)}>Migration: {usd(w.migration.cost)} ({w.migration.evidence}: {w.migration.basis}).</p> : null}
      {w.leaveApi ? <><h4>Leaving the closed API — the three gates ({w.leaveApi.cite}): {w.leaveApi.decision.replace(/_/g, ' ')}</h4><Verdicts vs={w.leaveApi.gates} testid="gates" /></> : null}
      {w.deploymentStep ? <p>Deployment step ({w.deploymentStep.cite}): {STATUS[w.deploymentStep.status]} — {w.deploymentStep.reason}</p> : null}
      {w.doNothing ? <><h4>Do Nothing check ({w.doNothing.cite}): {w.doNothing.decision.replace(/_/g, ' ')}</h4><Verdicts vs={[w.doNothing.payback, ...w.doNothing.conditions]} testid="do-nothing" /></> : null}
      {w.migrationGates ? <><h4>Migration gates ({w.migrationGates.cite}): risk {w.migrationGates.risk}{w.migrationGates.missing.length ? ` — not yet shown: ${w.migrationGates.missing.join(', ')}` : ''}</h4><Verdicts vs={w.migrationGates.gates} testid="migration-gates" /></> : null}
      {w.reversion ? <><h4>Reversion signals: {w.reversion.action.toUpperCase()}</h4>{w.reversion.signals.length ? <Verdicts vs={w.reversion.signals} testid="reversion" /> : null}{w.reversion.unmeasured.length ? <p class="muted">not measured: {w.reversion.unmeasured.join('; ')}</p> : null}</> : null}
      <p>Funnel: {f.counts.start} candidates → {f.counts.constraints} after constraints → {f.counts.capability} after capability → {f.counts.economics} priced.</p>
      <p>Negotiation (Inference Field Guide, Part 4): {w.negotiation.advice}</p>
      {w.assumptions.length ? <p class="muted">Rests on assumptions: {w.assumptions.join('; ')}</p> : null}
      {w.measureNext.length ? <><h4>Measure next</h4><ul>{w.measureNext.map((m) => <li>{m}</li>)}</ul></> : null}
    </details>
  );
}

function Greenfield({ r }: { r: FunnelResult }) {
  return (
    <div data-testid="greenfield" data-workload={r.workload} data-recommended={r.recommended?.route ?? ''}>
      <h3>{r.workload} — {r.recommended ? `CHOOSE ${r.recommended.route}` : 'NO FEASIBLE ROUTE'}</h3>
      <p class="muted">{GREENFIELD_NOTE}.</p>
      <table>
        <thead><tr><th class="num">Rank</th><th>Route</th><th>Mode</th><th class="num">LCPR</th><th>Evidence</th><th class="num">Monthly</th></tr></thead>
        <tbody>{rankedCells(r).map((c, i) => <tr data-route={c.route} data-lcpr={String(c.lcpr)}><td class="num">{i + 1}</td><td>{c.route}</td><td>{c.mode}</td><td class="num">{usdPerRequest(c.lcpr!)}</td><td>{c.evidence ?? '—'}</td><td class="num">{c.monthlyCost === undefined ? '—' : usd(c.monthlyCost)}</td></tr>)}</tbody>
      </table>
      {r.flags.map((f) => <p class="warn">{f}</p>)}
    </div>
  );
}

function cellText(c: MatrixCell, rec: string | undefined): string {
  if (c.status === 'not_applicable') return 'N/A';
  if (c.status === 'eliminated') return `— (${c.eliminatedAt})`;
  return `${usdPerRequest(c.lcpr!)} ${c.evidence}${c.unknowns.length ? '?' : ''}${c.route === rec ? ' *' : ''}`;
}

function Matrix({ fd }: { fd: FleetDecisions }) {
  const m = fd.matrix;
  const noFacts = fd.fleet.workloads.every((w) => !w.input.constraints && !w.input.candidates);
  return (
    <div data-testid="matrix">
      <h2>routefit matrix — LCPR per accepted output (Inference Economics Playbook, ch. 15)</h2>
      {noFacts ? <AddBlock block="constraints" example="constraints: { p95_context_tokens: 16000, certifications: [soc2], quality_floor: 0.85 }" why="No workload states its hard constraints or candidate facts, so the funnel eliminates nothing before economics." /> : null}
      <table data-testid="matrix-table">
        <thead><tr><th>Workload</th>{m.routes.map((r) => <th>{r}</th>)}<th>Recommended</th></tr></thead>
        <tbody>
          {m.rows.map((r) => (
            <tr data-workload={r.workload}>
              <td>{r.workload}</td>
              {m.routes.map((route) => {
                const c = r.cells.find((x) => x.route === route);
                if (!c) return <td />;
                return (
                  <td class={`cell cell-${c.status}${c.route === r.recommended?.route ? ' recommended' : ''}`} data-route={route} data-status={c.status} data-eliminated-at={c.eliminatedAt ?? ''} data-lcpr={c.lcpr === undefined ? '' : String(c.lcpr)} title={[...c.reasons, ...c.unknowns.map((u) => `unknown: ${u}`)].join('\n')}>
                    {cellText(c, r.recommended?.route)}
                  </td>
                );
              })}
              <td data-testid="matrix-recommended">{r.recommended ? `${r.recommended.route}${r.flags.length ? ' (flagged)' : ''}` : 'none feasible'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">* recommended (cheapest feasible) · measured: LCPR from traces · modeled: computed from measured inputs and public prices · estimated: rests on assumptions · ? a constraint or the capability screen is unverified · N/A: volume too low for the route · — (stage): eliminated by the funnel at that stage</p>
      {m.rows.map((r) => {
        const notes = [...r.cells.filter((c) => c.status !== 'priced').map((c) => `${c.route}: ${c.reasons.join('; ')}`), ...r.flags];
        return notes.length ? <div class="muted"><strong>{r.workload}</strong><ul>{notes.map((n) => <li>{n}</li>)}</ul></div> : null;
      })}
    </div>
  );
}

function Scorecard({ s, file }: { s: Section<VendorScorecardResult>; file: string }) {
  if (!s.ok) {
    return (
      <div data-testid="scorecard">
        <h2>Vendor scorecard — seven gates, Inference Field Guide, Part 4</h2>
        <AddBlock block="vendors" example="vendors: [{ name: together, serves_model: true, p99_ms: 1600, uptime: 0.9992, certifications: [soc2] }]" why="Nothing to score: the file has no vendors block and no provider routes." />
        <Problems problems={s.problems} file={file} />
      </div>
    );
  }
  const v = s.value;
  const titles = v.vendors[0]?.gates.map((g) => g.title) ?? [];
  return (
    <div data-testid="scorecard">
      <h2>Vendor scorecard{v.workload ? ` (${v.workload})` : ''} — seven gates, Inference Field Guide, Part 4</h2>
      {v.vendorsFrom === 'route providers' ? <AddBlock block="vendors" example="vendors: [{ name: together, serves_model: true, p99_ms: 1600, uptime: 0.9992, certifications: [soc2] }]" why="No vendors block: the providers of the routes are scored from no facts, so their gates are unknown." /> : null}
      {v.requirementsFrom !== 'vendor_requirements' ? <AddBlock block="vendor_requirements" example="vendor_requirements: { regulated: true, certifications: [soc2], p99_slo_ms: 3000 }" why={v.requirementsFrom === 'workloads' ? "No vendor_requirements block: vendors are checked against the strictest of the workloads' constraints, ownership and SLO." : 'No vendor_requirements block and no workload: vendors are checked against no requirements.'} /> : null}
      <table data-testid="scorecard-table">
        <thead><tr><th>Vendor</th>{titles.map((t) => <th>{t}</th>)}<th>Outcome</th></tr></thead>
        <tbody>
          {v.vendors.map((c) => (
            <tr data-vendor={c.vendor} data-outcome={c.outcome}>
              <td>{c.vendor}</td>{c.gates.map((g) => <Status v={g} />)}<td><strong>{c.outcome.replace(/_/g, ' ')}</strong></td>
            </tr>
          ))}
        </tbody>
      </table>
      {v.vendors.map((c) => (
        <div class="muted">
          <strong>{c.vendor}</strong>: {c.outcome.replace(/_/g, ' ')} — {c.reason}
          <ul>{c.gates.filter((g) => g.status !== 'pass').map((g) => <li>{g.title}: {g.reason}{g.restsOnAssumptions ? ' [rests on assumptions]' : ''}</li>)}</ul>
        </div>
      ))}
      <p class="muted">A Fail eliminates unless a compensating control exists: reliability can be mitigated by failover; compliance on a regulated workload cannot. Two or more Conditionals: evaluate deeper.</p>
      {v.negotiation ? <p data-testid="negotiation" data-tier={v.negotiation.tier} data-spend={String(v.monthlySpend)}>Negotiation at {usd(v.monthlySpend!)}/month: {v.negotiation.advice}.</p> : <AddBlock block="monthly_spend" example="monthly_spend: 42000" why="No monthly spend (nor current_spend_per_month on a workload): no negotiation tier." />}
    </div>
  );
}

/** `routefit tco FILE`: self-hosting vs serverless over daily volumes, with overhead and a verdict per row. */
function TcoSection({ t, file }: { t: Section<TcoResult> | null; file: string }) {
  if (t === null) {
    return (
      <div data-testid="tco">
        <h2>Self-hosting TCO</h2>
        <AddBlock block="tco:" example="tco: {serverless_route: together/llama-3.3-70b, instance: {sku: lambda/2xh100-80gb, tokens_per_day: 50e6}, overhead_per_year: {ml_platform_engineer: 220000}}" why="Self-hosting vs serverless over daily volumes (Open vs Closed LLM TCO Guide, The Break-Even Calculator) needs the instance and the serverless price." />
      </div>
    );
  }
  if (!t.ok) return <div data-testid="tco"><h2>Self-hosting TCO</h2><Problems problems={t.problems} file={file} /></div>;
  const v = t.value;
  const reserved = v.reserved !== undefined;
  return (
    <div data-testid="tco">
      <h2>Self-hosting TCO</h2>
      <p class="muted">{v.instanceName}: {usd(v.onDemand, 2)}/h on demand{reserved ? `, ${usd(v.reserved!, 2)}/h reserved` : ''}, {count(v.tokensPerDay)} output tokens per instance-day, against serverless at {usd(v.serverlessPerMillion, 2)}/M ({v.serverlessSource}); prices as of {v.asOf}. {v.overhead ? `Overhead ${usd(v.overhead.perYear)}/year = ${usd(v.overhead.perDay, 2)}/day.` : 'No overhead given: raw compute only (Open vs Closed LLM TCO Guide: "Daily compute cost is not TCO").'}</p>
      <table data-testid="tco-rows">
        <thead><tr><th class="num">Daily output tokens</th><th class="num">Instances</th><th class="num">Serverless $/day</th><th class="num">On-demand $/day</th>{reserved ? <th class="num">Reserved $/day</th> : null}{v.overhead ? <><th class="num">+ Overhead</th><th class="num">Total (best)</th></> : null}<th>Verdict</th></tr></thead>
        <tbody>
          {v.tco.rows.map((r) => (
            <tr data-daily={String(r.dailyOutputTokens)} data-winner={r.winner}>
              <td class="num">{count(r.dailyOutputTokens)}</td><Fig id="instances" value={r.instances}>{r.instances}</Fig>
              <Fig id="serverless" value={r.serverless}>{usd(r.serverless, 2)}</Fig><Fig id="onDemand" value={r.onDemand}>{usd(r.onDemand, 2)}</Fig>
              {reserved ? <Fig id="reserved" value={r.reserved}>{usd(r.reserved!, 2)}</Fig> : null}
              {v.overhead ? <><Fig id="overhead" value={r.overhead}>{usd(r.overhead, 2)}</Fig><Fig id="selfHosted.total" value={r.selfHosted.total}>{usd(r.selfHosted.total, 2)}</Fig></> : null}
              <td>{r.verdict}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="tco-first-win" data-value={String(v.tco.firstSelfHostedWin)}>{v.tco.firstSelfHostedWin === null ? 'Self-hosting wins at none of these volumes.' : `Self-hosting first wins at ${count(v.tco.firstSelfHostedWin)} output tokens/day.`}</p>
      {v.notes.map((n) => <p class="muted">Note: {n}.</p>)}
      <ul class="notes">{v.tco.formulas.map((x) => <li>{x.label}: {x.formula} [{x.cite}]</li>)}</ul>
    </div>
  );
}

function Procurement({ fd }: { fd: FleetDecisions }) {
  return (
    <div data-testid="procurement">
      <h2>Hardware procurement matrix — five gates over five routes (Inference Economics Playbook overview)</h2>
      {fd.procurement.map(({ workload, result }, i) => {
        const furthest = result.routes.find((r) => r.route === result.furthestViable)!;
        const seen = new Set<string>();
        const noBlock = !fd.fleet.workloads[i]!.input.procurement;
        return (
          <div data-testid="procurement-workload" data-workload={workload} data-furthest={result.furthestViable}>
            <h3>{workload} — furthest viable route: {furthest.title}</h3>
            {noBlock ? <AddBlock block="procurement" example="procurement: { demand_shape: steady, utilization: 0.55, memory_fits: true, fallback_route: true }" why="This workload states no procurement facts, so the gates past the hosted routes are unknown." /> : null}
            <table>
              <thead><tr><th>Route</th>{PROCUREMENT_GATES.map((g) => <th>{g.title}</th>)}<th>Route status</th></tr></thead>
              <tbody>
                {result.routes.map((r) => (
                  <tr data-route={r.route} data-status={r.status}>
                    <td>{r.title}</td>
                    {PROCUREMENT_GATES.map((g) => <Status v={result.cells.find((c) => c.route === r.route && c.gate === g.id)!.verdict} />)}
                    <td class={`st-${r.status}`}>{r.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ul class="muted">
              {result.cells.filter((c) => c.verdict && c.verdict.status !== 'pass' && !seen.has(c.gate) && seen.add(c.gate)).map((c) => <li>{c.verdict!.title}: {c.verdict!.reason}</li>)}
            </ul>
            <p class="muted">{result.notes.join(' ')}</p>
          </div>
        );
      })}
      <p class="muted">· gate does not apply to the route · ? unknown: measure the evidence listed</p>
    </div>
  );
}

const range = (p: [number, number]) => `${usd(p[0])}-${usd(p[1])}`;
const payback = (p: [number, number] | null | undefined): string => (p === undefined ? '' : p === null ? 'no payback (the move saves nothing)' : `${p[0].toFixed(1)}-${p[1].toFixed(1)} months`);

function Readiness({ computed, state, set, fd }: ViewProps & { fd: FleetDecisions }) {
  const edit = (path: (string | number)[], v: unknown) => set({ edits: withEdit(state.edits, path, v) });
  return (
    <div data-testid="readiness">
      <h2>Migration readiness — six factors, Inference Field Guide, Part 1</h2>
      {fd.readiness.map((w, i) => {
        const at = fd.fleet.pathOf(i);
        if (!w.factors || !w.result) {
          return (
            <div data-testid="readiness-workload" data-workload={w.workload} data-missing="complexity_factors">
              <h3>{w.workload}</h3>
              <AddBlock block="complexity_factors" example="complexity_factors: [1, 2, 2, 2, 2, 2]" why="No complexity factors: no tier, no readiness gaps, and the brief assumes 8 engineer-weeks." />
            </div>
          );
        }
        const r = w.result;
        const g = r.readiness;
        const s = r.spec;
        const factors = w.factors;
        const raw = computed.raw[i]?.complexity_factors;
        const written = Array.isArray(raw) ? raw : factors;
        return (
          <div data-testid="readiness-workload" data-workload={w.workload} data-score={String(r.score)} data-tier={r.tier} data-rate={String(w.hourlyRate)} data-savings={w.monthlySavings === undefined ? '' : String(w.monthlySavings)} data-total-low={String(g.totalCost[0])} data-total-high={String(g.totalCost[1])} data-total-payback={g.totalPaybackMonths ? g.totalPaybackMonths.join(',') : String(g.totalPaybackMonths ?? '')}>
            <h3>{w.workload}: score {r.score} → <span data-testid="tier">{r.tier}</span></h3>
            <table>
              <thead><tr><th>Factor</th><th class="num">Score</th><th>Level</th></tr></thead>
              <tbody>
                {r.factors.map((f, j) => (
                  <tr>
                    <td>{f.label}</td>
                    <td class="num">
                      <select aria-label={`${COMPLEXITY_FACTORS[j]!.label} of ${w.workload}`} data-factor={`${w.workload}:${j}`} value={String(f.score)} onChange={(e) => edit([...at, 'complexity_factors'], written.map((x: unknown, k: number) => (k === j ? Number((e.target as HTMLSelectElement).value) : x)))}>
                        {[1, 2, 3].map((n) => <option value={String(n)}>{n}</option>)}
                      </select>
                    </td>
                    <td>{f.level}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>{r.tier} ({s.scoreRange[0]}-{s.scoreRange[1]}): {s.timelineWeeks[0]}-{s.timelineWeeks[1]} weeks{s.engineers ? `, ${s.engineers[0]}-${s.engineers[1]} engineers` : ''}; {s.approach}. Migration effort {s.engineerWeeks[0]}-{s.engineerWeeks[1]} engineer-weeks ({usd(s.engineerWeeks[0] * 40 * g.hourlyRate)}-{usd(s.engineerWeeks[1] * 40 * g.hourlyRate)} at ${g.hourlyRate}/h). Source: {r.cite}.</p>
            {g.gaps.length ? (
              <table data-testid="gaps">
                <thead><tr><th>Gap rule</th><th>Blocks</th><th>Why</th><th>Close it</th><th class="num">Cost to close</th><th class="num">Payback of closing</th></tr></thead>
                <tbody>
                  {g.gaps.map((x) => (
                    <tr data-rule={x.rule} data-blocks={x.blocks} data-cost-low={String(x.closeCost[0])} data-cost-high={String(x.closeCost[1])} data-payback={x.paybackMonths ? x.paybackMonths.join(',') : String(x.paybackMonths ?? '')}>
                      <td>{x.rule}</td><td>{x.blocks}</td><td>{x.reason}</td><td>{x.close}</td><td class="num">{range(x.closeCost)} <span class="ev">{x.costEvidence}</span></td><td class="num">{payback(x.paybackMonths) || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : <p class="ok">No readiness gap: no factor blocks the approach the {r.tier} tier requires.</p>}
            <p>Migration plus every gap closed: <strong>{range(g.totalCost)}</strong>{g.monthlySavings === undefined ? '' : `; ${payback(g.totalPaybackMonths)} at ${usd(g.monthlySavings)}/month savings (the plan brief's)`}.</p>
            {g.monthlySavings !== undefined ? null : fd.fleet.workloads[i]!.brief.currentRoute ? (
              <p class="hint">No payback: the plan brief finds no cheaper feasible route to move to, so nothing pays the migration or the gaps back.</p>
            ) : (
              <AddBlock block="current_route" example="current_route: anthropic/claude-sonnet-4.6" why="No payback: with no route running today there are no savings to pay the migration and the gaps back." />
            )}
          </div>
        );
      })}
    </div>
  );
}
