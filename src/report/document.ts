import { costBreakdown } from '../charts/cost-breakdown.js';
import { costVsVolume } from '../charts/cost-vs-volume.js';
import { compact, percent, ratio, usd, usdPerRequest } from '../charts/format.js';
import { lcprByRoute } from '../charts/lcpr-by-route.js';
import { measuredPoints, measuredSeries } from '../charts/measured-series.js';
import { sensitivityTornado } from '../charts/sensitivity-tornado.js';
import { uncertaintyBands } from '../charts/uncertainty-bands.js';
import type { RouteResult } from '../engine/cost/lcpr.js';
import type { WorkloadBrief } from '../engine/decisions/decision-brief.js';
import type { VendorScorecard } from '../engine/decisions/vendor-scorecard.js';
import type { Verdict } from '../engine/decisions/verdict.js';
import { fmtMonths } from '../engine/decisions/verdict.js';
import type { GroupSummary } from '../traces/metrics.js';
import type { Block, Inline, Table } from './blocks.js';
import { cite } from './citations.js';
import type { ReportModel, WorkloadSection } from './model.js';

/** Width charts are drawn at in the report (px at 96 dpi; fits A4 and Letter with 15 mm margins). */
export const FIGURE_WIDTH = 680;

const ACTION: Record<WorkloadBrief['action'], string> = { migrate: 'Migrate', stay: 'Stay', measure_first: 'Measure first', no_feasible_route: 'No feasible route' };
const TONE: Record<WorkloadBrief['action'], 'go' | 'stay' | 'measure' | 'none'> = { migrate: 'go', stay: 'stay', measure_first: 'measure', no_feasible_route: 'none' };
const STATUS: Record<Verdict['status'], string> = { pass: 'Pass', conditional: 'Conditional', fail: 'Fail', unknown: 'Unknown' };
const months = (m: number | null | undefined) => fmtMonths(m ?? null);
const num = (n: number) => (Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : String(Number(n.toPrecision(4))));
const h = (level: 1 | 2 | 3, text: string, id?: string): Block => ({ kind: 'heading', level, text, ...(id ? { id } : {}) });
const p = (...text: Inline[]): Block => ({ kind: 'paragraph', text });
const note = (...text: Inline[]): Block => ({ kind: 'paragraph', text, tone: 'note' });
const table = (t: Table): Block => ({ kind: 'table', table: t });
export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';

/** Evidence of a verdict row: the labels of the facts it compared, or that it rests on assumptions. */
export function evidenceOf(v: Verdict): string {
  const labels = [...new Set(v.compared.map((c) => c.evidence).filter((e): e is NonNullable<typeof e> => !!e))];
  if (v.restsOnAssumptions) return labels.length ? `rests on assumptions (${labels.join(', ')})` : 'rests on assumptions';
  return labels.join(', ') || '—';
}

function verdictTable(vs: Verdict[], caption?: string): Block {
  return table({ head: ['Rule', 'Result', 'Why', 'Evidence', 'Source'], rows: vs.map((v) => [v.title, STATUS[v.status], cite(v.reason), evidenceOf(v), cite(v.cite)]), ...(caption ? { caption } : {}) });
}

export function buildDocument(m: ReportModel): Block[] {
  const out: Block[] = [];
  out.push(...verdictSection(m));
  out.push(...fleetSection(m));
  for (const w of m.workloads) out.push(...workloadSection(w));
  out.push(...decisionsSection(m));
  out.push(...measuredSection(m));
  out.push(...assumptionsSection(m));
  out.push(...appendix(m));
  return out;
}

// ---------- 1. Verdict ----------

/** A share of samples as a reader takes it: "under 1%" and "over 99%" rather than a rounded 0% or 100%. */
export function share(x: number): string {
  if (x > 0 && x < 0.005) return 'under 1%';
  if (x < 1 && x > 0.995) return 'over 99%';
  return percent(x);
}

function howSure(w: WorkloadSection, route: string | null, stated: string | null): Inline[] {
  const mc = w.uncertainty;
  const r = route ? mc.routes.find((x) => x.route === route) : undefined;
  const n = mc.samples.toLocaleString('en-US');
  const out: Inline[] = [];
  if (r && mc.recommended === route) {
    out.push('How sure: modeled from the file\'s inputs with their spreads, ', { strong: route! }, ` is the cheapest route in ${share(r.winProbability)} of ${n} Monte Carlo samples`);
    if (r.paybackProbability !== undefined && mc.migration) out.push(`, and the move pays back within ${num(mc.migration.horizonMonths)} months in ${share(r.paybackProbability)} of them`);
    out.push('. ');
  } else if (r && mc.recommended) {
    const best = mc.routes.find((x) => x.route === mc.recommended)!;
    out.push('How sure: ', { strong: 'not yet' }, `. Modeled from the file's inputs alone, ${mc.recommended} is the cheapest route in ${share(best.winProbability)} of ${n} samples and ${route} in ${share(r.winProbability)}: the recommendation rests on ${stated ? `the ${stated} LCPR the file states` : 'figures the inputs do not reproduce'}, so measure it before acting. `);
  } else if (route) {
    out.push(`How sure: ${route} is not among the routes the Monte Carlo could vary. `);
  }
  const voi = mc.valueOfInformation.find((v) => v.unmeasured);
  if (mc.wrongPickProbability < 0.005) out.push(`No single measurement would change the modeled pick: it is wrong in ${mc.wrongPickProbability === 0 ? 'no' : 'under 1% of'} samples.`);
  else if (voi && voi.wrongPickNow - voi.wrongPickIfMeasured >= 0.005) out.push('The measurement that would settle it: ', { strong: voi.route ? `${voi.name} on ${voi.route}` : voi.name }, ` (knowing it cuts the chance of a wrong pick from ${share(voi.wrongPickNow)} to ${share(voi.wrongPickIfMeasured)}).`);
  else out.push(`The modeled pick is wrong in ${share(mc.wrongPickProbability)} of samples; no single unmeasured input moves that by more than sampling noise.`);
  return out;
}

function verdictSection(m: ReportModel): Block[] {
  const out: Block[] = [h(2, '1. Verdict', 'verdict')];
  if (m.fleet) {
    const f = m.fleet;
    const mig = f.workloads.filter((w) => w.action === 'migrate').length;
    out.push({
      kind: 'paragraph',
      tone: 'lead',
      text: [
        `The ${f.workloads.length === 1 ? 'workload spends' : `${f.workloads.length} workloads spend`} `,
        { strong: `${usd(f.totalCurrentMonthly)}/month` },
        ` on their current routes (Stage ${f.fleetStage.stage}, ${f.fleetStage.name}). `,
        mig ? 'Acting on the recommendations marked Migrate saves ' : 'No workload should migrate now',
        ...(mig ? [{ strong: `${usd(f.totalMonthlySavings)}/month` }, ` (${mig} of ${f.workloads.length} workloads).`] : ['.']),
      ],
    });
  }
  for (const w of m.workloads) {
    const b = w.brief;
    if (b) {
      // The headline says why; a migration's saving and payback follow in full below, so it is not repeated.
      const text: Inline[][] = b.action === 'migrate' && b.savings ? [] : [[cite(b.headline.charAt(0).toUpperCase() + b.headline.slice(1)) + '.']];
      const cur = b.current;
      const rec = b.recommended;
      const line: Inline[] = [`Today: ${cur.route} at ${usdPerRequest(cur.lcpr)} per accepted request, ${usd(cur.monthlyCost)}/month (${cur.spendEvidence}).`];
      if (rec && rec.route !== cur.route) line.push(` Recommended: ${rec.route} at ${usdPerRequest(rec.lcpr!)} per accepted request (${rec.evidence}), ${usd(rec.monthlyCost)}/month.`);
      text.push(line);
      if (b.savings && rec && rec.route !== cur.route) {
        text.push([
          'Saves ',
          { strong: `${usd(b.savings.monthly)}/month` },
          ' (',
          { strong: `${usd(b.savings.yearly)}/year` },
          ')',
          b.migration ? `; the migration (${usd(b.migration.cost)}, ${b.migration.evidence}) pays back ${months(b.savings.paybackFromCutoverMonths)} after cutover, ${months(b.savings.paybackFromDecisionMonths)} from the decision.` : '.',
        ]);
      }
      text.push(howSure(w, rec?.route ?? cur.route, rec?.evidence && rec.evidence !== 'modeled' ? rec.evidence : null));
      out.push({ kind: 'verdict', workload: w.name, action: ACTION[b.action], tone: TONE[b.action], text });
    } else {
      const c = w.comparison;
      const best = c.routes[0];
      const text: Inline[][] = [];
      if (best) {
        text.push(['Cheapest by loaded cost: ', { strong: best.label }, ` at ${usdPerRequest(best.lcpr)} per accepted request, ${usd(best.monthlyCost)}/month.`]);
        if (c.rankingsDisagree) {
          const raw = c.routes.find((r) => r.route === c.cheapestByRaw)!;
          text.push([`The pricing page points elsewhere: ${raw.label} is cheapest per request (${usdPerRequest(raw.rawCostPerRequest)}) but costs ${usdPerRequest(raw.lcpr)} per accepted request once retries, repair, engineering and idle capacity count.`]);
        }
        text.push(['The file names no current route, so no saving or payback is computed: a fleet file with current_route (see examples/fleet.yaml) adds them.']);
        text.push(howSure(w, best.route, null));
      } else {
        text.push(['No route could be priced: see the unpriced routes below.']);
      }
      out.push({ kind: 'verdict', workload: w.name, action: best ? 'Cheapest route' : 'Not priced', tone: best ? 'go' : 'none', text });
    }
  }
  return out;
}

// ---------- 2. Fleet table ----------

function fleetSection(m: ReportModel): Block[] {
  const out: Block[] = [h(2, m.fleet ? '2. The fleet' : '2. Workloads', 'fleet')];
  if (m.fleet) {
    out.push(
      table({
        head: ['Workload', 'Action', 'Stage', 'Current route', 'LCPR', '$/month', 'Recommended route', 'LCPR', '$/month', 'Saving $/month', 'Payback: cutover / decision'],
        numeric: [2, 4, 5, 7, 8, 9],
        rows: m.fleet.workloads.map((w) => [
          w.workload,
          ACTION[w.action],
          String(w.stage.stage),
          w.current.route,
          usdPerRequest(w.current.lcpr),
          usd(w.current.monthlyCost),
          w.recommended?.route ?? '—',
          w.recommended?.lcpr !== undefined ? usdPerRequest(w.recommended.lcpr) : '—',
          w.recommended ? usd(w.recommended.monthlyCost) : '—',
          w.savings && w.action !== 'stay' ? usd(w.savings.monthly) : '—',
          w.savings && w.action !== 'stay' ? `${months(w.savings.paybackFromCutoverMonths)} / ${months(w.savings.paybackFromDecisionMonths)}` : '—',
        ]),
        caption: 'LCPR: loaded cost per accepted request. Stage: the staged playbook of the Inference Field Guide, Part 5, on each workload\'s spend.',
      }),
    );
    const exits = m.fleet.fleetStage.exits;
    if (exits.length) out.push(verdictTable(exits, `Stage ${m.fleet.fleetStage.stage} exit thresholds (${cite(m.fleet.fleetStage.cite)})`));
  } else {
    out.push(
      table({
        head: ['Workload', 'Requests/month', 'Cheapest route (LCPR)', 'LCPR', '$/month', 'Cheapest by raw price', 'Routes priced', 'Unpriced'],
        numeric: [1, 3, 4, 6, 7],
        rows: m.workloads.map((w) => {
          const best = w.comparison.routes[0];
          return [w.name, num(w.requestsPerMonth), best?.label ?? '—', best ? usdPerRequest(best.lcpr) : '—', best ? usd(best.monthlyCost) : '—', w.comparison.cheapestByRaw ?? '—', String(w.comparison.routes.length), String(w.comparison.unpriced.length)];
        }),
      }),
    );
  }
  return out;
}

// ---------- 3. Per workload ----------

function labelsOf(w: WorkloadSection): Record<string, string> {
  return Object.fromEntries(w.comparison.routes.map((r) => [r.route, r.label]));
}

function routeTable(rs: RouteResult[]): Table {
  return {
    head: ['Route', 'Mode', 'Raw $/request', 'LCPR', 'Overhead (LCPR ÷ raw)', '$/month', 'Accepted/month', 'GPUs'],
    numeric: [2, 3, 4, 5, 6, 7],
    rows: rs.map((r) => [r.label === r.route ? r.route : `${r.label} (${r.route})`, r.mode.replace(/_/g, ' '), usdPerRequest(r.rawCostPerRequest), usdPerRequest(r.lcpr), ratio(r.overheadRatio), usd(r.monthlyCost), num(r.acceptedRequestsPerMonth), r.gpu ? `${r.gpu.count} at ${percent(r.gpu.realizedUtilization)}` : '—']),
  };
}

function workloadSection(w: WorkloadSection): Block[] {
  const id = slug(w.name);
  const c = w.comparison;
  const labels = labelsOf(w);
  const out: Block[] = [{ kind: 'pagebreak' }, h(2, `3. Workload: ${w.name}`, `workload-${id}`)];
  out.push(p(`${w.description ? `${w.description}. ` : ''}${num(w.requestsPerMonth)} requests/month, priced as of ${w.asOf}.`));
  out.push(h(3, 'Loaded cost per accepted request, by route'));
  if (c.routes.length) {
    out.push({ kind: 'figure', id: `lcpr-${id}`, spec: lcprByRoute(c, { width: FIGURE_WIDTH }), width: FIGURE_WIDTH, height: 60 + 46 * c.routes.length, caption: 'Raw cost per request (pricing page) vs loaded cost per accepted request (retries, repair, engineering, idle GPU time included).' });
    out.push(table(routeTable(c.routes)));
    const best = c.routes[0]!;
    if (c.rankingsDisagree) {
      const raw = c.routes.find((r) => r.route === c.cheapestByRaw)!;
      out.push({ kind: 'paragraph', tone: 'warn', text: [`Raw price and loaded cost disagree: ${raw.label} is cheapest per request (${usdPerRequest(raw.rawCostPerRequest)}), ${best.label} is cheapest per accepted request (${usdPerRequest(best.lcpr)}).`] });
    }
  }
  if (c.unpriced.length) out.push({ kind: 'paragraph', tone: 'warn', text: [`Not priced (left out, never counted as $0): ${c.unpriced.map((u) => `${u.route}: ${u.message}`).join('; ')}.`] });

  if (c.routes.length) {
    out.push(h(3, 'Cost breakdown'));
    out.push({ kind: 'figure', id: `breakdown-${id}`, spec: costBreakdown(c, { width: FIGURE_WIDTH }), width: FIGURE_WIDTH, height: 60 + 40 * c.routes.length, caption: 'Monthly cost by part; token spend is split into first attempts and retries.' });
    out.push(
      table({
        head: ['Route', 'Tokens', 'of which retries', 'Repair', 'Engineering', 'GPU', 'Eval', 'Human', 'Ops', 'Invoice delta', 'Total $/month'],
        numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        rows: c.routes.map((r) => {
          const b = r.breakdown;
          return [r.label, usd(b.tokens), usd(b.retries), usd(b.repair), usd(b.engineering), usd(b.gpu), usd(b.eval), usd(b.human), usd(b.ops), usd(b.invoiceDelta), usd(r.monthlyCost)];
        }),
      }),
    );

    out.push(h(3, 'Cost vs volume'));
    out.push({ kind: 'figure', id: `volume-${id}`, spec: costVsVolume(w.sweep, { current: w.requestsPerMonth, labels, width: FIGURE_WIDTH }), width: FIGURE_WIDTH, height: 340, caption: `LCPR per route from ${compact(w.sweep.points[0]!.value)} to ${compact(w.sweep.points.at(-1)!.value)} requests/month (log axes); dashed lines mark where the cheapest route changes.` });
    if (w.sweep.crossovers.length) {
      out.push({ kind: 'list', items: w.sweep.crossovers.map((x) => [`From about ${num(x.at)} requests/month, `, { strong: labels[x.to] ?? x.to }, ` is cheaper than ${labels[x.from] ?? x.from}.`]) });
    } else {
      out.push(note(`No crossover between ${compact(w.sweep.points[0]!.value)} and ${compact(w.sweep.points.at(-1)!.value)} requests/month: ${labels[w.sweep.points[0]!.cheapest ?? ''] ?? w.sweep.points[0]!.cheapest ?? 'no route'} stays cheapest across the range.`));
    }

    for (const t of w.tornado) {
      out.push(h(3, `Sensitivity: ${labels[t.route] ?? t.route}`));
      out.push({ kind: 'figure', id: `tornado-${id}-${slug(t.route)}`, spec: sensitivityTornado(t, { top: 8, width: FIGURE_WIDTH }), width: FIGURE_WIDTH, height: 90 + 30 * Math.min(8, t.bars.length), caption: 'Each input moved alone from its low to its high (P10–P90 of its spread); the largest swing first.' });
      out.push(
        table({
          head: ['Input', 'Value', 'Low', 'High', 'LCPR at low', 'LCPR at high', 'Swing', 'Evidence'],
          numeric: [1, 2, 3, 4, 5, 6],
          rows: t.bars.slice(0, 8).map((b) => [b.name, num(b.base), num(b.low), num(b.high), usdPerRequest(b.lcprAtLow), usdPerRequest(b.lcprAtHigh), percent(b.swingShare), b.evidence]),
        }),
      );
    }

    const mc = w.uncertainty;
    out.push(h(3, 'Uncertainty'));
    out.push({ kind: 'figure', id: `bands-${id}`, spec: uncertaintyBands(mc, { labels, width: FIGURE_WIDTH }), width: FIGURE_WIDTH, height: 80 + 44 * mc.routes.length, caption: 'P10–P90 of the loaded cost per accepted request with the median and the point estimate; each route\'s chance of being cheapest.' });
    out.push(
      table({
        head: ['Route', 'Point LCPR', 'P10', 'P50', 'P90', '$/month P10–P90', 'P(cheapest)', ...(mc.migration ? [`P(payback ≤ ${num(mc.migration.horizonMonths)} months)`] : [])],
        numeric: [1, 2, 3, 4, 5, 6, 7],
        rows: mc.routes.map((r) => [labels[r.route] ?? r.route, usdPerRequest(r.pointLcpr), usdPerRequest(r.lcpr.p10), usdPerRequest(r.lcpr.p50), usdPerRequest(r.lcpr.p90), `${usd(r.monthlyCost.p10)} – ${usd(r.monthlyCost.p90)}`, share(r.winProbability), ...(mc.migration ? [r.paybackProbability === undefined ? 'current route' : share(r.paybackProbability)] : [])]),
        caption: `${mc.samples.toLocaleString('en-US')} samples, seed ${mc.seed}${mc.invalidSamples ? `; ${mc.invalidSamples} inconsistent samples left out` : ''}.`,
      }),
    );
    const voi = mc.valueOfInformation.filter((v) => v.unmeasured).slice(0, 5);
    // Below half a point the differences are sampling noise: the table would list zeros.
    if (voi.some((v) => v.wrongPickNow - v.wrongPickIfMeasured >= 0.005)) {
      out.push(
        table({
          head: ['Measure next', 'Status', 'P(wrong pick) now', 'If measured', 'Overspend avoided $/month'],
          numeric: [2, 3, 4],
          rows: voi.map((v) => [v.route ? `${v.name} on ${v.route}` : v.name, v.status, share(v.wrongPickNow), share(v.wrongPickIfMeasured), usd(v.regretAvoidedPerMonth)]),
          caption: 'Value of information: how much knowing each unmeasured input cuts the chance of picking the wrong route.',
        }),
      );
    }
  }
  return out;
}

// ---------- 4. Decisions ----------

function decisionsSection(m: ReportModel): Block[] {
  const out: Block[] = [...(m.fleet ? [{ kind: 'pagebreak' } as Block] : []), h(2, '4. Decisions and their reasons', 'decisions')];
  if (!m.fleet) {
    out.push(note('The decision gates (the three gates, Do Nothing, migration gates, reversion signals, procurement gates) need a fleet file with current_route, constraints and candidates per workload: see examples/fleet.yaml and routefit plan.'));
    out.push(...vendorBlocks(m));
    return out;
  }
  for (const r of m.fleet.revertSignals) out.push(p(`Revert signal (${cite(r.cite)}): ${r.title}: `, { strong: r.status === 'fail' ? 'fires' : 'quiet' }, ` — ${cite(r.reason)}.`));
  for (const w of m.workloads) {
    const b = w.brief!;
    out.push(h(3, `${w.name}: ${ACTION[b.action]}`));
    if (b.leaveApi) out.push(verdictTable(b.leaveApi.gates, `Leaving the closed API: the three gates in flowchart order (${cite(b.leaveApi.cite)}) → ${b.leaveApi.decision.replace(/_/g, ' ')}`));
    if (b.deploymentStep) out.push(verdictTable([b.deploymentStep], 'Deployment step after the gates'));
    if (b.doNothing) out.push(verdictTable([b.doNothing.payback, ...b.doNothing.conditions], `Do Nothing check (${cite(b.doNothing.cite)}) → ${b.doNothing.decision.replace(/_/g, ' ')}`));
    if (b.migrationGates) out.push(verdictTable(b.migrationGates.gates, `Migration gates (${cite(b.migrationGates.cite)}): risk ${b.migrationGates.risk}${b.migrationGates.missing.length ? `; not yet shown: ${b.migrationGates.missing.join(', ')}` : ''}`));
    if (b.ramp) out.push(p('Ramp: ', b.ramp.stages.map((r) => `${r.stage} ${r.traffic[0] === r.traffic[1] ? `${r.traffic[0] * 100}%` : `${r.traffic[0] * 100}–${r.traffic[1] * 100}%`}${r.weeks[1] ? ` for ${r.weeks[0]}–${r.weeks[1]} weeks` : ''}`).join(' → ') + '. ' + cite(b.ramp.stopCriteria)));
    if (b.reversion) {
      if (b.reversion.signals.length) out.push(verdictTable(b.reversion.signals, `Reversion signals (${cite(b.reversion.cite)}) → ${b.reversion.action}`));
      if (b.reversion.unmeasured.length) out.push(note(`Reversion signals not measured: ${b.reversion.unmeasured.join('; ')}.`));
    }
    const f = b.funnel;
    out.push(
      table({
        head: ['Route', 'Funnel result', 'LCPR', 'Evidence', 'Reasons / unknowns'],
        numeric: [2],
        rows: f.cells.map((c) => [c.route, c.status === 'priced' ? (c.route === b.recommended?.route ? 'priced, recommended' : 'priced') : c.status === 'not_applicable' ? 'not applicable' : `eliminated at ${c.eliminatedAt}`, c.lcpr !== undefined ? usdPerRequest(c.lcpr) : '—', c.evidence ?? '—', cite([...c.reasons, ...c.unknowns.map((u) => `unknown: ${u}`)].join('; ') || '—')]),
        caption: `Candidate funnel (${cite(f.cite)}): ${f.counts.start} candidates → ${f.counts.constraints} after constraints → ${f.counts.capability} after capability → ${f.counts.economics} priced.`,
      }),
    );
    if (w.procurement) {
      const pr = w.procurement;
      out.push(
        table({
          head: ['Procurement route', 'Status', 'Blockers'],
          rows: pr.routes.map((r) => [r.title, r.status, cite(r.blockers.join('; ')) || '—']),
          caption: `Vendor and procurement gates (${cite(pr.cite)}): furthest viable route: ${pr.routes.find((r) => r.route === pr.furthestViable)?.title ?? pr.furthestViable}.`,
        }),
      );
    }
    out.push(p(`Negotiation (${cite(b.negotiation.cite)}): ${cite(b.negotiation.advice)}.`));
  }
  out.push(...vendorBlocks(m));
  return out;
}

const OUTCOME: Record<VendorScorecard['outcome'], string> = { eliminated: 'Eliminated', deeper_evaluation: 'Evaluate deeper', shortlist: 'Shortlist', incomplete: 'Incomplete' };

/** The seven-gate vendor scorecard (Inference Field Guide, Part 4), as `routefit scorecard` computes it. */
function vendorBlocks(m: ReportModel): Block[] {
  const out: Block[] = [h(3, 'Vendor scorecard: the seven gates')];
  if ('needsFacts' in m.vendors) return [...out, note(m.vendors.needsFacts)];
  const v = m.vendors.scorecard;
  const gates = v.vendors[0]?.gates ?? [];
  out.push(
    table({
      head: ['Vendor', ...gates.map((g) => g.title), 'Outcome'],
      rows: v.vendors.map((c) => [c.vendor, ...c.gates.map((g) => STATUS[g.status]), OUTCOME[c.outcome]]),
      caption: `Each gate Pass / Conditional / Fail per vendor, Unknown where the file gives no fact (${cite(gates[0]?.cite.replace(/, Gate .*$/, '') ?? 'Inference Field Guide, Part 4')}); requirements from ${v.requirementsFrom === 'vendor_requirements' ? 'the file\'s vendor_requirements' : v.requirementsFrom === 'workloads' ? 'the strictest of the workloads\' constraints' : 'nothing (no requirements given)'}.`,
    }),
  );
  for (const c of v.vendors) {
    out.push(p({ strong: `${c.vendor}: ${OUTCOME[c.outcome]}` }, ` — ${cite(c.reason)}`));
    const open = c.gates.filter((g) => g.status !== 'pass');
    if (open.length) out.push(table({ head: ['Gate', 'Result', 'Why', 'Evidence', 'Verify with'], rows: open.map((g) => [g.title, STATUS[g.status], cite(g.reason), evidenceOf(g), g.measureNext.join('; ') || '—']) }));
  }
  out.push(p('Elimination rules: a Fail eliminates unless a compensating control exists — reliability can be mitigated by multi-vendor failover; compliance on a regulated workload cannot. Two or more Conditionals: evaluate deeper.'));
  if (v.negotiation) out.push(p(`Negotiation tier at ${usd(v.monthlySpend!)}/month (${cite(v.negotiation.cite)}): `, { strong: v.negotiation.tier.replace(/_/g, ' ') }, ` — ${cite(v.negotiation.advice)}.`));
  for (const n of v.notes) out.push(note(`Note: ${cite(n)}.`));
  return out;
}

// ---------- 5. Measured ----------

function measuredSection(m: ReportModel): Block[] {
  const ms = m.measured;
  const out: Block[] = [...(ms ? [{ kind: 'pagebreak' } as Block] : []), h(2, '5. Measured', 'measured')];
  if (!ms) {
    out.push(note('No trace store was given: every figure above rests on the file\'s inputs and the catalog. Run the report with --traces DB (or --clickhouse URL) to set measured inputs beside the assumed ones, reconcile against the invoice and check the red flags.'));
    return out;
  }
  out.push(p(`Trace store: ${ms.store}${ms.unpriced.length ? `. Not priced in the traces (never $0): ${ms.unpriced.join('; ')}` : ''}.`));
  for (const w of m.workloads) {
    const mine = ms.byWorkloadRoute.filter((g) => g.key.workload === w.name);
    if (!mine.length) {
      out.push(note(`${w.name}: no traces in the store.`));
      continue;
    }
    out.push(h(3, `${w.name}: measured vs assumed`));
    if (w.measured) {
      out.push(
        table({
          head: ['Input', 'Assumed', 'Assumed evidence', 'Measured', 'Measured source'],
          numeric: [1, 3],
          rows: w.measured.replaced.map((r) => [r.field.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`), r.assumed ? num(r.assumed.value) : '—', r.assumed?.evidence ?? '—', num(r.measured.value), cite(r.measured.source ?? '—')]),
        }),
      );
    }
    out.push(
      table({
        head: ['Route', 'Requests', 'Retry rate', 'Pass rate', 'Token cost', 'Measured LCPR', 'Why no LCPR'],
        numeric: [1, 2, 3, 4, 5],
        rows: mine.map((g) => [g.key.route ?? '—', num(g.requests), percent(g.rates.retry, 1), g.rates.pass === null ? '—' : percent(g.rates.pass, 1), usd(g.cost.tokenCostUsd, 2), g.lcpr.lcpr === null ? '—' : usdPerRequest(g.lcpr.lcpr), g.lcpr.missing ?? '']),
        caption: `Window ${mine[0]!.window.start.slice(0, 10)} – ${mine[0]!.window.end.slice(0, 10)} (${num(mine[0]!.window.days)} days).`,
      }),
    );
    const days = ms.byDay.filter((g) => g.key.workload === w.name).map((g) => ({ key: { day: g.key.day ?? null, route: g.key.route ?? null }, lcpr: { lcpr: g.lcpr.lcpr } }));
    if (days.length) {
      const assumed = Object.fromEntries(w.comparison.routes.map((r) => [r.route, r.lcpr]));
      out.push({ kind: 'figure', id: `measured-${slug(w.name)}`, spec: measuredSeries(measuredPoints(days), { assumed, width: FIGURE_WIDTH }), width: FIGURE_WIDTH, height: 300, caption: 'Measured LCPR by day per route; the dashed line is the LCPR the file\'s assumptions give.' });
    }
    out.push(...periodTable(ms, w.name));
  }
  if (ms.reconciliation) {
    const r = ms.reconciliation;
    out.push(h(3, 'Reconciliation against the invoice'));
    if (r.providers.length) {
      out.push(
        table({
          head: ['Provider', 'Period', 'Invoice', 'Traces', 'Delta', 'Delta % of invoice', 'Flag'],
          numeric: [2, 3, 4, 5],
          rows: r.providers.map((l) => [l.provider, `${l.periodStart.slice(0, 10)} – ${l.periodEnd.slice(0, 10)}`, usd(l.invoiceUsd, 2), usd(l.traceCostUsd, 2), usd(l.deltaUsd, 2), l.deltaPct === null ? '—' : percent(l.deltaPct, 1), l.flag === 'over_10pct' ? 'red: over 10%' : l.flag === 'over_5pct' ? 'watch: over 5%' : 'ok']),
        }),
      );
      const causes = r.providers.flatMap((l) => l.causes.map((c) => [l.provider, c.verdict.replace(/_/g, ' '), c.id.replace(/_/g, ' '), cite(c.finding), c.impactUsd !== undefined ? usd(c.impactUsd, 2) : '—']));
      if (causes.length) out.push(table({ head: ['Provider', 'Verdict', 'Cause', 'Finding', 'Impact'], numeric: [4], rows: causes, caption: 'Causes the data can test.' }));
    } else {
      out.push(note('The invoice lines match no traced provider and period.'));
    }
  } else if (ms.reconcileUnavailable) {
    out.push(note(`Reconciliation needs invoices: not run (${ms.reconcileUnavailable}).`));
  } else {
    out.push(h(3, 'Reconciliation against the invoice'), note('No invoice in the store, so the traces are not reconciled: import one (routefit traces import invoice.csv: FOCUS or a simple invoice CSV) and run the report again.'));
  }
  out.push(h(3, 'Red flags and reversion signals'));
  out.push(
    table({
      head: ['Signal', 'Workload', 'State', 'Since', 'Detail', 'Source'],
      rows: ms.signals.map((s) => [s.id.replace(/_/g, ' '), s.workload ?? 'all', !s.checked ? 'not checked' : s.fired ? 'FIRED' : 'quiet', s.at ?? '—', cite(s.detail), cite(s.cite)]),
    }),
  );
  return out;
}

/** This period vs the same-length period before, per route: two `traces summarize --from --to` runs side by side. */
function periodTable(ms: NonNullable<ReportModel['measured']>, workload: string): Block[] {
  const pc = ms.periods;
  if (!pc) return [note('Pass --from and --to to set this period beside the same-length period before it.')];
  const now = pc.thisPeriod.filter((g) => g.key.workload === workload);
  const before = pc.lastPeriod.filter((g) => g.key.workload === workload);
  const routes = [...new Set([...now, ...before].map((g) => g.key.route ?? '—'))].sort();
  const lcpr = (g: GroupSummary | undefined) => (g?.lcpr.lcpr == null ? '—' : usdPerRequest(g.lcpr.lcpr));
  const pass = (g: GroupSummary | undefined) => (g?.rates.pass == null ? '—' : percent(g.rates.pass, 1));
  const span = (w: { from: string; to: string }) => `${w.from} – ${w.to}`;
  return [
    table({
      head: ['Route', 'LCPR this period', 'LCPR last period', 'Change', 'Requests this', 'Requests last', 'Pass rate this', 'Pass rate last'],
      numeric: [1, 2, 3, 4, 5, 6, 7],
      rows: routes.map((r) => {
        const a = now.find((g) => (g.key.route ?? '—') === r);
        const b = before.find((g) => (g.key.route ?? '—') === r);
        const x = a?.lcpr.lcpr;
        const y = b?.lcpr.lcpr;
        return [r, lcpr(a), lcpr(b), x != null && y != null && y !== 0 ? `${x >= y ? '+' : ''}${percent(x / y - 1, 1)}` : '—', a ? num(a.requests) : '0', b ? num(b.requests) : '0', pass(a), pass(b)];
      }),
      caption: `This period vs last (traces summarize --by workload,route): ${span(pc.current)} vs ${span(pc.previous)}, to-dates exclusive.`,
    }),
  ];
}

// ---------- 6. Assumptions ----------

function assumptionsSection(m: ReportModel): Block[] {
  const out: Block[] = [{ kind: 'pagebreak' }, h(2, '6. Assumptions', 'assumptions')];
  out.push(p('Every input with its value, evidence label and source. "assumed" and "stale" inputs are the ones to measure; measurements older than 90 days count as stale.'));
  for (const w of m.workloads) {
    out.push(h(3, w.name));
    out.push(
      table({
        head: ['Input', 'Value', 'Evidence', 'Status', 'Source', 'Measured on (age)'],
        numeric: [1],
        rows: w.assumptions.map((a) => [a.input, num(a.value), a.evidence.replace(/_/g, ' '), a.status.replace(/_/g, ' '), a.source ? cite(a.source) : 'the file (no source given)', a.measuredAt ? `${a.measuredAt}${a.ageDays !== null ? ` (${a.ageDays} days)` : ''}` : '—']),
      }),
    );
    const stale = w.assumptions.filter((a) => a.status === 'stale');
    if (stale.length) out.push({ kind: 'paragraph', tone: 'warn', text: [`Stale: ${stale.map((a) => `${a.input} (${a.statusReason})`).join('; ')}.`] });
    const next = [...(w.brief?.measureNext ?? []), ...w.uncertainty.valueOfInformation.filter((v) => v.unmeasured && v.reduction > 0).slice(0, 3).map((v) => `${v.route ? `${v.name} on ${v.route}` : v.name}: cuts the chance of a wrong pick from ${percent(v.wrongPickNow)} to ${percent(v.wrongPickIfMeasured)}`)];
    if (next.length) out.push(p({ strong: 'What to measure next:' }), { kind: 'list', items: [...new Set(next)].map((n) => [cite(n)]) });
  }
  return out;
}

// ---------- 7. Appendix ----------

function appendix(m: ReportModel): Block[] {
  const out: Block[] = [{ kind: 'pagebreak' }, h(2, '7. Appendix', 'appendix')];
  out.push(h(3, 'Formulas'));
  const seen = new Map<string, string[]>();
  for (const w of m.workloads) {
    for (const r of w.comparison.routes) for (const s of r.steps) if (!seen.has(s.label + s.formula)) seen.set(s.label + s.formula, [s.label, s.formula, cite(s.cite)]);
  }
  out.push(table({ head: ['Quantity', 'Formula', 'Source'], rows: [...seen.values()] }));
  out.push(h(3, 'Prices'));
  const prices = new Map<string, string[]>();
  for (const w of m.workloads) {
    for (const r of w.comparison.routes) {
      if (prices.has(r.route)) continue;
      const pv = r.provenance;
      const inP = r.inputs['price.input'];
      const outP = r.inputs['price.output'];
      const price = r.gpu
        ? `${usd(r.gpu.hourlyRate, 2)}/GPU-hour, ${num(r.gpu.throughputTokensPerSecond)} tokens/s at ${percent(r.gpu.utilization)} utilization`
        : `${inP ? usd(inP.value, 3) : 'unknown'} in / ${outP ? usd(outP.value, 3) : 'unknown'} out per million tokens`;
      const ev = r.gpu ? r.inputs.gpuHourly?.evidence : r.inputs['price.input']?.evidence;
      prices.set(r.route, [r.route, r.mode.replace(/_/g, ' '), price, ev ?? '—', cite(pv?.source ?? r.inputs['price.input']?.source ?? '—'), pv?.asOf ?? '—', pv?.effective ?? '—']);
    }
  }
  out.push(table({ head: ['Route', 'Mode', 'Price', 'Evidence', 'Source', 'Observed', 'Effective'], rows: [...prices.values()] }));
  return out;
}
