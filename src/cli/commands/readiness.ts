import { createInterface } from 'node:readline/promises';
import { COMPLEXITY_FACTORS, type ComplexityResult, type ReadinessGaps } from '../../engine/decisions/complexity.js';
import { readinessOf } from '../../fleet/decisions.js';
import { table, usd } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { parseNumber } from '../flags.js';
import { Opt, type OptionValues, defineCommand, opt } from '../command.js';

const options = {
  factors: new Opt<number[]>('--factors <scores>', 'six scores 1-3: workload count, prompt portability, quality infrastructure, latency sensitivity, team inference maturity, integration depth', parseFactors),
  savingsPerMonth: opt.number('--savings-per-month <usd>', 'monthly savings the migration brings: the payback of closing each gap', { min: -1e9, max: 1e9 }),
  rate: opt.number('--rate <usd>', 'engineering hourly rate for the migration and the gaps', { min: 0, max: 10_000 }).default(150),
  json: opt.json(),
};

function parseFactors(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 6 || parts.some((p) => !/^[123]$/.test(p))) {
    throw new CliUsageError(`--factors takes six scores 1-3 in the Inference Field Guide's order (${COMPLEXITY_FACTORS.map((f) => f.label).join(', ')}); got "${text}"`);
  }
  return parts.map((p) => parseNumber('--factors', p, { min: 1, max: 3, integer: true }));
}

const months = (p: [number, number] | null | undefined) => (p === undefined ? '' : p === null ? '; no payback (the move saves nothing)' : `; pays back in ${p[0].toFixed(1)}-${p[1].toFixed(1)} months`);

function renderReadiness(r: ComplexityResult, g: ReadinessGaps): string {
  const L = [table(['Factor', 'Score', 'Level'], r.factors.map((f) => [f.label, String(f.score), f.level]), ['left', 'right', 'left']), ''];
  const s = r.spec;
  L.push(`Score ${r.score} → ${r.tier} (${s.scoreRange[0]}-${s.scoreRange[1]}): ${s.timelineWeeks[0]}-${s.timelineWeeks[1]} weeks${s.engineers ? `, ${s.engineers[0]}-${s.engineers[1]} engineers` : ''}; ${s.approach}.`);
  L.push(`Migration effort for this tier: ${s.engineerWeeks[0]}-${s.engineerWeeks[1]} engineer-weeks (${usd(s.engineerWeeks[0] * 40 * g.hourlyRate)}-${usd(s.engineerWeeks[1] * 40 * g.hourlyRate)} at $${g.hourlyRate}/h). Source: ${r.cite}.`);
  L.push('');
  if (!g.gaps.length) L.push(`No readiness gap: no factor blocks the approach the ${r.tier} tier requires.`);
  else {
    L.push(`Readiness gaps (${g.gaps.length}): a factor that blocks the approach its tier requires`);
    for (const x of g.gaps) {
      L.push(`  - ${x.rule} (blocks ${x.blocks}): ${x.reason}`);
      L.push(`    close: ${x.close}; ${usd(x.closeCost[0])}-${usd(x.closeCost[1])} [${x.costEvidence}: ${x.costBasis}]${months(x.paybackMonths)}`);
    }
  }
  L.push(`Migration plus every gap closed: ${usd(g.totalCost[0])}-${usd(g.totalCost[1])}${months(g.totalPaybackMonths)}${g.monthlySavings === undefined ? ' (give --savings-per-month for the payback)' : ` at ${usd(g.monthlySavings)}/month savings`}.`);
  return L.join('\n') + '\n';
}

async function readiness(opts: OptionValues<typeof options>, io: Io): Promise<number> {
  let factors: number[];
  if (opts.factors !== undefined) factors = opts.factors;
  else if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    factors = [];
    try {
      for (const f of COMPLEXITY_FACTORS) {
        io.out(`\n${f.label}:\n${f.levels.map((l, i) => `  ${i + 1}) ${l}`).join('\n')}\n`);
        let answer = '';
        while (!/^[123]$/.test(answer)) answer = (await rl.question('Score 1-3: ')).trim();
        factors.push(parseNumber('score', answer, { min: 1, max: 3, integer: true }));
      }
    } finally {
      rl.close();
    }
    io.out('\n');
  } else {
    throw new CliUsageError('routefit readiness asks the six questions in a terminal; without one pass --factors, e.g. --factors 1,1,1,2,1,1');
  }
  const r = readinessOf(factors, { hourlyRate: opts.rate, ...(opts.savingsPerMonth !== undefined ? { monthlySavings: opts.savingsPerMonth } : {}) });
  io.out(opts.json ? JSON.stringify(r, null, 2) + '\n' : renderReadiness(r, r.readiness));
  return EXIT_OK;
}

export default defineCommand({
  options,
  examples: ['routefit readiness                       # asks the six questions', 'routefit readiness --factors 1,1,1,2,1,1', 'routefit readiness --factors 3,3,3,3,1,3 --json', 'routefit readiness --factors 3,2,1,2,1,1 --savings-per-month 6000 --rate 150'],
  run: (opts, { io }) => readiness(opts, io),
});
