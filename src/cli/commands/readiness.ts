import { createInterface } from 'node:readline/promises';
import { COMPLEXITY_FACTORS, type ComplexityResult, complexityScore } from '../../engine/decisions/complexity.js';
import { table, usd } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { parseNumber } from '../flags.js';
import { Opt, type OptionValues, defineCommand, opt } from '../command.js';

const options = {
  factors: new Opt<number[]>('--factors <scores>', 'six scores 1-3: workload count, prompt portability, quality infrastructure, latency sensitivity, team inference maturity, integration depth', parseFactors),
  json: opt.json(),
};

function parseFactors(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 6 || parts.some((p) => !/^[123]$/.test(p))) {
    throw new CliUsageError(`--factors takes six scores 1-3 in the Inference Field Guide's order (${COMPLEXITY_FACTORS.map((f) => f.label).join(', ')}); got "${text}"`);
  }
  return parts.map((p) => parseNumber('--factors', p, { min: 1, max: 3, integer: true }));
}

function renderReadiness(r: ComplexityResult): string {
  const L = [table(['Factor', 'Score', 'Level'], r.factors.map((f) => [f.label, String(f.score), f.level]), ['left', 'right', 'left']), ''];
  const s = r.spec;
  L.push(`Score ${r.score} → ${r.tier} (${s.scoreRange[0]}-${s.scoreRange[1]}): ${s.timelineWeeks[0]}-${s.timelineWeeks[1]} weeks${s.engineers ? `, ${s.engineers[0]}-${s.engineers[1]} engineers` : ''}; ${s.approach}.`);
  L.push(`Migration effort for this tier: ${s.engineerWeeks[0]}-${s.engineerWeeks[1]} engineer-weeks (${usd(s.engineerWeeks[0] * 40 * 150)}-${usd(s.engineerWeeks[1] * 40 * 150)} at $150/h). Source: ${r.cite}.`);
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
  const r = complexityScore(factors);
  io.out(opts.json ? JSON.stringify(r, null, 2) + '\n' : renderReadiness(r));
  return EXIT_OK;
}

export default defineCommand({
  options,
  examples: ['routefit readiness                       # asks the six questions', 'routefit readiness --factors 1,1,1,2,1,1', 'routefit readiness --factors 3,3,3,3,1,3 --json'],
  run: (opts, { io }) => readiness(opts, io),
});
