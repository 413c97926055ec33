import { createInterface } from 'node:readline/promises';
import { type Command, Option } from 'commander';
import { COMPLEXITY_FACTORS, type ComplexityResult, complexityScore } from '../../engine/decisions/complexity.js';
import { type FleetBrief, type WorkloadBrief, decisionBrief } from '../../engine/decisions/decision-brief.js';
import { type MatrixCell, type RoutefitMatrix, routefitMatrix } from '../../engine/decisions/funnel.js';
import { PROCUREMENT_GATES, type ProcurementResult, procurementMatrix } from '../../engine/decisions/procurement.js';
import { negotiationTier, scoreVendor } from '../../engine/decisions/vendor-scorecard.js';
import { type Verdict, fmtMonths } from '../../engine/decisions/verdict.js';
import { briefWorkloads, fleetFacts, loadFleet } from '../../fleet/load.js';
import { loadVendors } from '../../fleet/vendors.js';
import { csv, table, usd, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../io.js';
import { openCatalog, parseDate } from './shared.js';

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

interface FleetOptions {
  asOf?: string;
  catalog?: string;
  json?: boolean;
  csv?: boolean;
  workload?: string;
}

function fleetFrom(file: string, opts: FleetOptions, io: Io) {
  const asOf = parseDate('--as-of', opts.asOf);
  const fleet = loadFleet(file, openCatalog(opts.catalog), { today: io.today, ...(asOf ? { asOf } : {}) });
  if (opts.workload && !fleet.workloads.some((w) => w.name === opts.workload)) {
    throw new CliUsageError(`--workload "${opts.workload}" is not in ${file} (${fleet.workloads.map((w) => w.name).join(', ')})`);
  }
  return fleet;
}

const STATUS: Record<Verdict['status'], string> = { pass: 'PASS', conditional: 'CONDITIONAL', fail: 'FAIL', unknown: 'UNKNOWN' };
const ACTION: Record<WorkloadBrief['action'], string> = { migrate: 'MIGRATE', stay: 'STAY', measure_first: 'MEASURE FIRST', no_feasible_route: 'NO FEASIBLE ROUTE' };
const months = (m: number | null | undefined) => fmtMonths(m ?? null);

function verdictRows(vs: Verdict[]): string {
  return table(
    ['Rule', 'Result', 'Why', 'Evidence'],
    vs.map((v) => [v.title, STATUS[v.status], v.reason, v.restsOnAssumptions ? 'rests on assumptions' : v.compared.length ? 'measured/stated' : '—']),
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
  L.push(`  Stage ${b.stage.stage} (${b.stage.name}) on this workload's spend — seed 000 Part 5`);
  L.push(`  Current:     ${b.current.route} (${b.current.mode}) LCPR ${usdPerRequest(b.current.lcpr)}, ${usd(b.current.monthlyCost)}/month (${b.current.spendEvidence})`);
  if (b.recommended) {
    L.push(`  Recommended: ${b.recommended.route} (${b.recommended.mode}) LCPR ${usdPerRequest(b.recommended.lcpr!)} (${b.recommended.evidence}), ${usd(b.recommended.monthlyCost)}/month — cheapest feasible cell, seed 001 ch. 15`);
  }
  if (b.savings) {
    L.push(`  Savings:     ${usd(b.savings.monthly)}/month, ${usd(b.savings.yearly)}/year; payback ${months(b.savings.paybackFromCutoverMonths)} after cutover, ${months(b.savings.paybackFromDecisionMonths)} from the decision (16-week lead time, shadow weeks pay both routes — seed 000 Part 1)`);
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
    L.push(`  Engineering: ${h.mode} takes ${h.setupHours[0]}-${h.setupHours[1]} h setup and ${h.monthlyHours[0]}-${h.monthlyHours[1]} h/month (${h.source}; seed 000 Part 1)`);
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
  L.push(`  Negotiation (seed 000 Part 4): ${b.negotiation.advice}`);
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
    L.push(`Stage ${brief.fleetStage.stage} exit thresholds (seed 000 Part 5): ${exits.map((e) => `${e.title} — ${e.status === 'pass' ? 'MET' : e.status === 'fail' ? 'not met' : 'unknown'}`).join('; ')}.`);
  }
  for (const r of brief.revertSignals) L.push(`Revert signal (${r.cite}): ${r.title} — ${r.status === 'fail' ? `FIRES: ${r.reason}` : 'quiet'}.`);
  L.push('');
  L.push(table(['Workload', 'Action', 'Stage', 'Current', 'Recommended', 'Savings/mo', 'Payback (cutover / decision)'], brief.workloads.map((w) => [w.workload, ACTION[w.action], String(w.stage.stage), w.current.route, w.recommended?.route ?? '—', w.savings ? usd(w.savings.monthly) : '—', w.savings ? `${months(w.savings.paybackFromCutoverMonths)} / ${months(w.savings.paybackFromDecisionMonths)}` : '—'])));
  for (const w of brief.workloads) L.push('', renderWorkload(w));
  return L.join('\n') + '\n';
}

export function planCommand(file: string, opts: FleetOptions, io: Io): number {
  const fleet = fleetFrom(file, opts, io);
  const all = briefWorkloads(fleet);
  const brief = decisionBrief(opts.workload ? all.filter((w) => w.name === opts.workload) : all, fleetFacts(fleet));
  io.out(opts.json ? JSON.stringify({ file, name: fleet.name ?? null, asOf: fleet.workloads.map((w) => ({ workload: w.name, asOf: w.prepared.asOf })), ...brief }, null, 2) + '\n' : renderBrief(file, brief));
  return unpricedExit(fleet, io);
}

function cellText(c: MatrixCell | undefined, rec: string | undefined): string {
  if (!c) return '';
  if (c.status === 'not_applicable') return 'N/A';
  if (c.status === 'eliminated') return `— (${c.eliminatedAt})`;
  return `${usdPerRequest(c.lcpr!)} ${c.evidence}${c.unknowns.length ? '?' : ''}${c.route === rec ? ' *' : ''}`;
}

function matrixOf(file: string, opts: FleetOptions, io: Io): RoutefitMatrix {
  const fleet = fleetFrom(file, opts, io);
  return routefitMatrix(fleet.workloads.filter((w) => !opts.workload || w.name === opts.workload).map((w) => w.brief));
}

export function matrixCommand(file: string, opts: FleetOptions, io: Io): number {
  const m = matrixOf(file, opts, io);
  if (opts.json) {
    io.out(JSON.stringify({ file, ...m }, null, 2) + '\n');
  } else if (opts.csv) {
    io.out(
      csv(
        ['workload', 'route', 'mode', 'status', 'eliminated_at', 'lcpr', 'evidence', 'recommended', 'reasons', 'unknowns'],
        m.rows.flatMap((r) => r.cells.map((c) => [c.workload, c.route, c.mode, c.status, c.eliminatedAt ?? null, c.lcpr ?? null, c.evidence ?? null, c.route === r.recommended?.route ? 'yes' : 'no', c.reasons.join('; '), c.unknowns.join('; ')])),
      ),
    );
  } else {
    const L: string[] = [`routefit matrix for ${file} — LCPR per accepted output (seed 001 ch. 15)`, ''];
    L.push(table(['Workload', ...m.routes, 'Recommended'], m.rows.map((r) => [r.workload, ...m.routes.map((route) => cellText(r.cells.find((c) => c.route === route), r.recommended?.route)), r.recommended ? `${r.recommended.route}${r.flags.length ? ' (flagged)' : ''}` : 'none feasible'])));
    L.push('');
    L.push('* recommended (cheapest feasible) · measured: LCPR from traces · modeled: computed from measured inputs and public prices · estimated: rests on assumptions');
    L.push('? a constraint or the capability screen is unverified · N/A: volume too low for the route · — (stage): eliminated by the funnel at that stage');
    for (const r of m.rows) {
      const notes = [...r.cells.filter((c) => c.status !== 'priced').map((c) => `${c.route}: ${c.reasons.join('; ')}`), ...r.flags];
      if (notes.length) L.push('', `${r.workload}:`, ...notes.map((n) => `  - ${n}`));
    }
    io.out(L.join('\n') + '\n');
  }
  return m.rows.some((r) => r.cells.some((c) => c.reasons.some((x) => x.startsWith('cannot be priced')))) ? unpricedNote(io) : EXIT_OK;
}

/** Same contract as `compare`: an unpriceable route is listed, never costed at $0, and the exit code is 2. */
function unpricedExit(fleet: ReturnType<typeof loadFleet>, io: Io): number {
  return fleet.workloads.some((w) => w.prepared.unpriced.length) ? unpricedNote(io) : EXIT_OK;
}
function unpricedNote(io: Io): number {
  io.err('routefit: some routes could not be priced (shown as eliminated at economics); exit code 2\n');
  return EXIT_BAD_INPUT;
}

function parseFactors(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.length !== 6 || nums.some((n) => !Number.isInteger(n) || n < 1 || n > 3)) {
    throw new CliUsageError(`--factors takes six scores 1-3 in the seed's order (${COMPLEXITY_FACTORS.map((f) => f.label).join(', ')}); got "${text}"`);
  }
  return nums;
}

function renderReadiness(r: ComplexityResult): string {
  const L = [table(['Factor', 'Score', 'Level'], r.factors.map((f) => [f.label, String(f.score), f.level]), ['left', 'right', 'left']), ''];
  const s = r.spec;
  L.push(`Score ${r.score} → ${r.tier} (${s.scoreRange[0]}-${s.scoreRange[1]}): ${s.timelineWeeks[0]}-${s.timelineWeeks[1]} weeks${s.engineers ? `, ${s.engineers[0]}-${s.engineers[1]} engineers` : ''}; ${s.approach}.`);
  L.push(`Migration effort for this tier: ${s.engineerWeeks[0]}-${s.engineerWeeks[1]} engineer-weeks (${usd(s.engineerWeeks[0] * 40 * 150)}-${usd(s.engineerWeeks[1] * 40 * 150)} at $150/h). Source: ${r.cite}.`);
  return L.join('\n') + '\n';
}

export async function readinessCommand(opts: { factors?: string; json?: boolean }, io: Io): Promise<number> {
  let factors: number[];
  if (opts.factors !== undefined) factors = parseFactors(opts.factors);
  else if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    factors = [];
    try {
      for (const f of COMPLEXITY_FACTORS) {
        io.out(`\n${f.label}:\n${f.levels.map((l, i) => `  ${i + 1}) ${l}`).join('\n')}\n`);
        let n = NaN;
        while (![1, 2, 3].includes(n)) n = Number((await rl.question('Score 1-3: ')).trim());
        factors.push(n);
      }
    } finally {
      rl.close();
    }
    io.out('\n');
  } else {
    throw new CliUsageError('routefit readiness asks the six questions in a terminal; without one pass --factors, e.g. --factors 1,1,1,2,1,1');
  }
  const r = complexityScore(factors);
  io.out(opts.json ? JSON.stringify(r, null, 2) + '\n' : renderReadiness(r));
  return EXIT_OK;
}

export function scorecardCommand(file: string, opts: { json?: boolean }, io: Io): number {
  const v = loadVendors(file);
  const cards = v.vendors.map((x) => scoreVendor(x, v.requirements));
  const tier = v.monthlySpend !== undefined ? negotiationTier(v.monthlySpend) : null;
  if (opts.json) {
    io.out(JSON.stringify({ file, workload: v.workload ?? null, requirements: v.requirements, vendors: cards, negotiation: tier }, null, 2) + '\n');
    return EXIT_OK;
  }
  const L: string[] = [`Vendor scorecard for ${file}${v.workload ? ` (${v.workload})` : ''} — seven gates, seed 000 Part 4`, ''];
  const short = (s: Verdict['status']) => ({ pass: 'Pass', conditional: 'Cond.', fail: 'Fail', unknown: '?' })[s];
  L.push(table(['Vendor', ...cards[0]!.gates.map((g) => g.title), 'Outcome'], cards.map((c) => [c.vendor, ...c.gates.map((g) => short(g.status)), c.outcome.replace(/_/g, ' ')])));
  for (const c of cards) {
    L.push('', `${c.vendor}: ${c.outcome.replace(/_/g, ' ')} — ${c.reason}`);
    for (const g of c.gates.filter((x) => x.status !== 'pass')) L.push(`  - ${g.title}: ${g.reason}${g.restsOnAssumptions ? ' [rests on assumptions]' : ''}`);
  }
  L.push('', 'A Fail eliminates unless a compensating control exists: reliability can be mitigated by failover; compliance on a regulated workload cannot. Two or more Conditionals: evaluate deeper.');
  if (tier) L.push(`Negotiation at ${usd(v.monthlySpend!)}/month: ${tier.advice}.`);
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

export function procurementCommand(file: string, opts: FleetOptions, io: Io): number {
  const fleet = fleetFrom(file, opts, io);
  const rows = fleet.workloads.filter((w) => !opts.workload || w.name === opts.workload).map((w) => ({ workload: w.name, result: procurementMatrix(w.procurement) }));
  if (opts.json) {
    io.out(JSON.stringify({ file, workloads: rows }, null, 2) + '\n');
    return EXIT_OK;
  }
  const L: string[] = [`Hardware procurement matrix for ${file} — five gates over five routes (seed 002)`];
  const short = (r: ProcurementResult, route: string, gate: string) => {
    const v = r.cells.find((c) => c.route === route && c.gate === gate)!.verdict;
    return v ? { pass: 'Pass', conditional: 'Cond.', fail: 'Fail', unknown: '?' }[v.status] : '·';
  };
  for (const { workload, result } of rows) {
    L.push('', `## ${workload} — furthest viable route: ${result.routes.find((r) => r.route === result.furthestViable)!.title}`);
    L.push(table(['Route', ...PROCUREMENT_GATES.map((g) => g.title), 'Route status'], result.routes.map((r) => [r.title, ...PROCUREMENT_GATES.map((g) => short(result, r.route, g.id)), r.status])));
    const seen = new Set<string>();
    for (const c of result.cells) {
      if (!c.verdict || c.verdict.status === 'pass' || seen.has(c.gate)) continue;
      seen.add(c.gate);
      L.push(`  - ${c.verdict.title}: ${c.verdict.reason}`);
    }
    L.push(`  ${result.notes.join(' ')}`);
  }
  L.push('', '· gate does not apply to the route · ? unknown: measure the evidence listed');
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

/** `plan`, `matrix`, `readiness`, `scorecard`, `procurement` (issue 4). */
export function registerDecisionCommands(program: Command, io: Io, setCode: (c: number) => void): void {
  const catalogOpt = () => new Option('--catalog <dir>', 'use this catalog directory instead of the bundled one');
  program
    .command('plan')
    .description('decision brief for a fleet file: stage, the three gates, recommended route, savings and payback, evidence, what to measure next')
    .argument('<fleet>', 'fleet YAML (workloads with current_route, constraints, candidates…)')
    .option('--workload <name>', 'only this workload')
    .option('--as-of <date>', 'price as of this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText('after', examples(['routefit plan examples/fleet.yaml', 'routefit plan examples/fleet.yaml --workload support-resolution --json']) + '\nExit code 2 when the file is invalid (with file:line and the allowed values).\n')
    .action((file: string, opts) => setCode(planCommand(file, opts, io)));
  program
    .command('matrix')
    .description('the routefit matrix: workloads × routes, each cell an LCPR with its evidence or the funnel stage that eliminated it')
    .argument('<fleet>', 'fleet YAML')
    .option('--workload <name>', 'only this workload')
    .option('--as-of <date>', 'price as of this date (YYYY-MM-DD)')
    .addOption(new Option('--json', 'machine-readable output').conflicts('csv'))
    .option('--csv', 'one CSV row per workload × route')
    .addOption(catalogOpt())
    .addHelpText('after', examples(['routefit matrix examples/fleet.yaml', 'routefit matrix examples/fleet.yaml --csv > matrix.csv']))
    .action((file: string, opts) => setCode(matrixCommand(file, opts, io)));
  program
    .command('readiness')
    .description('migration complexity score from the six factors (seed 000 Part 1): tier, timeline, team size')
    .option('--factors <scores>', 'six scores 1-3: workload count, prompt portability, quality infrastructure, latency sensitivity, team inference maturity, integration depth')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples(['routefit readiness                       # asks the six questions', 'routefit readiness --factors 1,1,1,2,1,1', 'routefit readiness --factors 3,3,3,3,1,3 --json']))
    .action(async (opts) => setCode(await readinessCommand(opts, io)));
  program
    .command('scorecard')
    .description('vendor scorecard: the seven gates of seed 000 Part 4, Pass / Conditional / Fail with evidence, and the negotiation tier')
    .argument('<vendors>', 'vendors YAML (requirements, vendors: [...])')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples(['routefit scorecard examples/vendors.yaml', 'routefit scorecard examples/vendors.yaml --json']))
    .action((file: string, opts) => setCode(scorecardCommand(file, opts, io)));
  program
    .command('procurement')
    .description('hardware procurement matrix (seed 002): five gates over managed API, hosted open-weight, dedicated endpoint, self-host, buy hardware')
    .argument('<fleet>', 'fleet YAML with procurement facts per workload')
    .option('--workload <name>', 'only this workload')
    .option('--as-of <date>', 'price as of this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText('after', examples(['routefit procurement examples/fleet.yaml', 'routefit procurement examples/fleet.yaml --workload background-classification --json']))
    .action((file: string, opts) => setCode(procurementCommand(file, opts, io)));
}
