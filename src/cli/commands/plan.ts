import { type FleetBrief, type WorkloadBrief, decisionBrief } from '../../engine/decisions/decision-brief.js';
import type { FunnelResult } from '../../engine/decisions/funnel.js';
import { ACTION, STATUS, months, questionOf } from '../../fleet/plan-text.js';
import { GREENFIELD_NOTE, planJson, planOf, rankedCells } from '../../fleet/decisions.js';
import type { Verdict } from '../../engine/decisions/verdict.js';
import type { DevolutionSignal } from '../../engine/capacity/self-managed.js';
import { table, usd, usdPerRequest } from '../format.js';
import { type Io } from '../io.js';
import { type FleetOptions, fleetFrom, fleetOptions, unpricedExit } from '../fleet.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

const options = { ...fleetOptions(), json: opt.json() };

function verdictRows(vs: Verdict[]): string {
  return table(
    ['Question', 'Answer', 'Why', 'Evidence'],
    vs.map((v) => {
      const { q, a } = questionOf(v);
      return [q, a, v.reason, v.restsOnAssumptions ? 'rests on assumptions' : v.compared.length ? 'measured/stated' : '—'];
    }),
  )
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function renderWorkload(b: WorkloadBrief): string {
  const L: string[] = [];
  L.push(`## ${b.workload} — ${ACTION[b.action]}`);
  L.push(b.headline);
  L.push('');
  L.push(`  Stage ${b.stage.stage} (${b.stage.name}) on this workload's spend — Inference Field Guide, Part 5`);
  L.push(`  Current:     ${b.current.route} (${b.current.mode}) LCPR ${usdPerRequest(b.current.lcpr)}, ${usd(b.current.monthlyCost)}/month (${b.current.spendEvidence})`);
  if (b.recommended) {
    L.push(`  Recommended: ${b.recommended.route} (${b.recommended.mode}) LCPR ${usdPerRequest(b.recommended.lcpr!)} (${b.recommended.evidence}), ${usd(b.recommended.monthlyCost)}/month — cheapest feasible cell, Inference Economics Playbook, ch. 15`);
  }
  if (b.savings) {
    L.push(`  Savings:     ${usd(b.savings.monthly)}/month, ${usd(b.savings.yearly)}/year; payback ${months(b.savings.paybackFromCutoverMonths)} after cutover, ${months(b.savings.paybackFromDecisionMonths)} from the decision (16-week lead time, shadow weeks pay both routes — Inference Field Guide, Part 1)`);
  }
  if (b.migration && b.savings) {
    L.push(`  Migration:   ${usd(b.migration.cost)} (${b.migration.evidence}: ${b.migration.basis})`);
  }
  if (b.migration?.complexity) {
    const c = b.migration.complexity;
    L.push(`  Complexity:  ${c.score} → ${c.tier}: ${c.spec.timelineWeeks[0]}-${c.spec.timelineWeeks[1]} weeks${c.spec.engineers ? `, ${c.spec.engineers[0]}-${c.spec.engineers[1]} engineers` : ''}; ${c.spec.approach}`);
  }
  if (b.engineeringHours && b.savings) {
    const h = b.engineeringHours;
    L.push(`  Engineering: ${h.mode} takes ${h.setupHours[0]}-${h.setupHours[1]} h setup and ${h.monthlyHours[0]}-${h.monthlyHours[1]} h/month (${h.source}; Inference Field Guide, Part 1)`);
  }
  if (b.leaveApi) {
    L.push('');
    L.push(`  Leaving the closed API — the three gates in flowchart order (${b.leaveApi.cite}): ${b.leaveApi.decision.replace(/_/g, ' ')}${b.savings ? '' : ' (for reference: no cheaper feasible route to move to)'}`);
    L.push(verdictRows(b.leaveApi.gates));
  }
  if (b.deploymentStep) {
    L.push(`  Deployment step (${b.deploymentStep.cite}): ${STATUS[b.deploymentStep.status]} — ${b.deploymentStep.reason}`);
  }
  if (b.doNothing) {
    L.push('');
    L.push(`  Do Nothing check (${b.doNothing.cite}): ${b.doNothing.decision.replace(/_/g, ' ')}`);
    L.push(verdictRows([b.doNothing.payback, ...b.doNothing.conditions]));
  }
  if (b.migrationGates) {
    L.push('');
    L.push(`  Migration gates (${b.migrationGates.cite}): risk ${b.migrationGates.risk}${b.migrationGates.missing.length ? ` — not yet shown: ${b.migrationGates.missing.join(', ')}` : ''}`);
    L.push(verdictRows(b.migrationGates.gates));
  }
  if (b.ramp) {
    L.push(`  Ramp: ${b.ramp.stages.map((r) => `${r.stage} ${r.traffic[0] === r.traffic[1] ? `${r.traffic[0] * 100}%` : `${r.traffic[0] * 100}-${r.traffic[1] * 100}%`}${r.weeks[1] ? ` for ${r.weeks[0]}-${r.weeks[1]} weeks` : ''}`).join(' → ')}. ${b.ramp.stopCriteria}`);
  }
  if (b.reversion) {
    L.push('');
    L.push(`  Reversion signals: ${b.reversion.action.toUpperCase()}`);
    if (b.reversion.signals.length) L.push(verdictRows(b.reversion.signals));
    if (b.reversion.unmeasured.length) L.push(`    not measured: ${b.reversion.unmeasured.join('; ')}`);
  }
  L.push('');
  const f = b.funnel;
  L.push(`  Funnel: ${f.counts.start} candidates → ${f.counts.constraints} after constraints → ${f.counts.capability} after capability → ${f.counts.economics} priced`);
  for (const c of f.cells.filter((x) => x.status !== 'priced')) L.push(`    ${c.route}: ${c.status === 'not_applicable' ? 'N/A' : `eliminated at ${c.eliminatedAt}`} — ${c.reasons.join('; ')}`);
  L.push(`  Negotiation (Inference Field Guide, Part 4): ${b.negotiation.advice}`);
  if (b.assumptions.length) L.push(`  Rests on assumptions: ${b.assumptions.join('; ')}`);
  if (b.measureNext.length) {
    L.push('  Measure next:');
    for (const m of b.measureNext) L.push(`    - ${m}`);
  }
  return L.join('\n');
}

function renderBrief(file: string, brief: FleetBrief): string {
  const L: string[] = [];
  L.push(`Decision brief for ${file}`);
  L.push(`Fleet: ${usd(brief.totalCurrentMonthly)}/month on current routes → Stage ${brief.fleetStage.stage} (${brief.fleetStage.name}): ${brief.fleetStage.architecture}.`);
  const mig = brief.workloads.filter((w) => w.action === 'migrate');
  L.push(`Acting on every MIGRATE below saves ${usd(brief.totalMonthlySavings)}/month (${mig.length} of ${brief.workloads.length} workloads).`);
  const exits = brief.fleetStage.exits;
  if (exits.length) {
    L.push(`Stage ${brief.fleetStage.stage} exit thresholds (Inference Field Guide, Part 5): ${exits.map((e) => `${e.title} — ${e.status === 'pass' ? 'MET' : e.status === 'fail' ? 'not met' : 'unknown'}`).join('; ')}.`);
  }
  for (const r of brief.revertSignals) L.push(`Revert signal (${r.cite}): ${r.title} — ${r.status === 'fail' ? `FIRES: ${r.reason}` : 'quiet'}.`);
  L.push('');
  L.push(table(['Workload', 'Action', 'Stage', 'Current', 'Recommended', 'Savings/mo', 'Payback (cutover / decision)'], brief.workloads.map((w) => [w.workload, ACTION[w.action], String(w.stage.stage), w.current.route, w.recommended?.route ?? '—', w.savings ? usd(w.savings.monthly) : '—', w.savings ? `${months(w.savings.paybackFromCutoverMonths)} / ${months(w.savings.paybackFromDecisionMonths)}` : '—'])));
  for (const w of brief.workloads) L.push('', renderWorkload(w));
  return L.join('\n') + '\n';
}

function plan(file: string, opts: FleetOptions & { json?: boolean | undefined }, io: Io): number {
  const fleet = fleetFrom(file, opts, io);
  const p = planOf(fleet, opts.workload);
  if (opts.json) io.out(JSON.stringify(planJson(file, fleet, p), null, 2) + '\n');
  else io.out([p.brief ? renderBrief(file, p.brief) : `Decision brief for ${file}\n`, ...p.greenfield.map(renderGreenfield), ...(p.devolution ? [renderDevolution(p.devolution)] : [])].join('\n'));
  return unpricedExit(fleet, io);
}

function renderDevolution(d: { signals: DevolutionSignal[]; fired: number; recommendGate: boolean }): string {
  const L = [`## Self-managed fleet — devolution signals (the playbook, ch. 20): ${d.fired} of ${d.signals.length} fire`];
  for (const s of d.signals) L.push(`  ${s.fired ? 'FIRES' : 'quiet'}  ${s.id}: ${s.reason}`);
  L.push(d.recommendGate ? '  Two or more fire: run the dedicated utilization gate against managed dedicated pricing (routefit dedicated, routefit self-managed).' : '  Fewer than two fire: self-managed still earns its keep on these facts.');
  return L.join('\n') + '\n';
}

const ranked = rankedCells;

function renderGreenfield(r: FunnelResult): string {
  const L = [`## ${r.workload} — ${r.recommended ? `CHOOSE ${r.recommended.route}` : 'NO FEASIBLE ROUTE'}`, `  ${GREENFIELD_NOTE}.`, ''];
  L.push(
    table(['Rank', 'Route', 'Mode', 'LCPR', 'Evidence', 'Monthly'], ranked(r).map((c, i) => [String(i + 1), c.route, c.mode, usdPerRequest(c.lcpr!), c.evidence ?? '—', c.monthlyCost === undefined ? '—' : usd(c.monthlyCost)]), ['right', 'left', 'left', 'right', 'left', 'right'])
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n'),
  );
  for (const c of r.cells.filter((x) => x.status !== 'priced')) L.push(`    ${c.route}: ${c.status === 'not_applicable' ? 'N/A' : `eliminated at ${c.eliminatedAt}`} — ${c.reasons.join('; ')}`);
  for (const f of r.flags) L.push(`  ! ${f}`);
  return L.join('\n') + '\n';
}

export default defineCommand({
  args: [{ name: '<fleet>', description: 'workload or fleet YAML; current_route, constraints, candidates … are optional blocks' }],
  options,
  examples: ['routefit plan examples/fleet.yaml', 'routefit plan examples/fleet.yaml --workload support-resolution --json'],
  notes: 'Exit code 2 when the file is invalid (with file:line and the allowed values).',
  run: (opts, { args, io }) => plan(args[0]!, opts, io),
});
