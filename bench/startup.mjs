#!/usr/bin/env node
// Cold start of the CLI against bare node (issue 11, Start-up): `node bench/startup.mjs [runs]`.
// Each command runs `runs` times in a fresh process; the median wall and CPU time are compared with
// `node -e 0` measured in the same run. Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 15);
const report = join(mkdtempSync(join(tmpdir(), 'routefit-bench-')), 'cpu');
const main = join(root, 'dist/cli/main.js');
const cases = [
  { name: 'node -e 0', args: ['-e', '0'], target: 1 },
  { name: 'routefit --version', args: [main, '--version'], target: 2 },
  { name: 'routefit --help', args: [main, '--help'], target: 2 },
  { name: 'routefit compare examples/saas-chat.yaml', args: [main, 'compare', join(root, 'examples/saas-chat.yaml'), '--as-of', '2026-05-15'], target: 4 },
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (const c of cases) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, c.args, { cwd: root, env: { ...process.env, NODE_OPTIONS: `--require ${join(root, 'bench/cpu-report.cjs')}`, ROUTEFIT_CPU_REPORT: report }, stdio: ['ignore', 'ignore', 'pipe'] });
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
    cpu.push(Number(readFileSync(report, 'utf8')));
  }
  results.push({ ...c, wallMs: median(wall), cpuMs: median(cpu) });
}
const base = results[0];
console.log(`Cold start, median of ${runs} runs, node ${process.version} (ratios to node -e 0 in this run)\n`);
console.log('Command'.padEnd(44), 'Wall ms'.padStart(8), 'x node'.padStart(7), 'CPU ms'.padStart(8), 'x node'.padStart(7), 'target'.padStart(7));
for (const r of results) {
  const w = r.wallMs / base.wallMs;
  const c = r.cpuMs / base.cpuMs;
  console.log(r.name.padEnd(44), r.wallMs.toFixed(0).padStart(8), `${w.toFixed(2)}x`.padStart(7), r.cpuMs.toFixed(0).padStart(8), `${c.toFixed(2)}x`.padStart(7), `< ${r.target}x`.padStart(7), r === base ? '' : c < r.target && w < r.target ? 'met' : 'NOT met');
}
