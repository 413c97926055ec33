import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers/cli.js';

const EX = join(import.meta.dirname, '..', 'examples');
const FILES = readdirSync(EX).filter((f) => f.endsWith('.yaml'));

/** The first route id a file lists (for explain), read the way a user would. */
async function firstRoute(file: string): Promise<string> {
  const r = await cli('compare', join(EX, file), '--json');
  return JSON.parse(r.stdout).workloads[0].routes[0].route;
}

// Issue 10: every command that reads a workload file accepts every example: exit 0, or it says which fact it needs.
const COMMANDS: [string, (f: string) => Promise<string[]>][] = [
  ['compare', async (f) => ['compare', f]],
  ['compare --uncertainty', async (f) => ['compare', f, '--uncertainty', '--samples', '300']],
  ['explain', async (f) => ['explain', f, '--route', await firstRoute(f.split('/').at(-1)!)]],
  ['plan', async (f) => ['plan', f]],
  ['matrix', async (f) => ['matrix', f]],
  ['procurement', async (f) => ['procurement', f]],
  ['scorecard', async (f) => ['scorecard', f]],
  ['sensitivity', async (f) => ['sensitivity', f]],
  ['sweep', async (f) => ['sweep', f]],
  ['dedicated', async (f) => ['dedicated', f]],
  ['tco', async (f) => ['tco', f]],
  ['traces generate', async (f) => ['traces', 'generate', '--workload', f, '--rows', '200', '--out', join(tempDir(), 'g.csv')]],
];

const WORKLOADLESS = ['vendors.yaml', 'open-vs-closed-tco.yaml', 'coding-agent.yaml']; // no workload: pricing commands say they need one

describe('every example × every command that reads a workload file', () => {
  for (const [name, argsFor] of COMMANDS) {
    it(name, async () => {
      for (const f of FILES) {
        const args = WORKLOADLESS.includes(f) && name === 'explain' ? ['explain', join(EX, f), '--route', 'together/deepseek-v3'] : await argsFor(join(EX, f));
        const r = await cli(...args);
        const outcome = r.code === 0 ? 'ok' : /routefit: (.*:\d+: )?needs /.test(r.stderr) ? 'needs' : `exit ${r.code}: ${r.stderr.split('\n').slice(0, 2).join(' ')}`;
        expect(outcome, `${args.join(' ')}`).toMatch(/^(ok|needs)$/);
        expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(/NaN|Infinity|internal error|unknown key/);
      }
    }, 120_000);
  }
});
