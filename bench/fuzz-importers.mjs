// The import fuzz of `npm test` (test/traces/import-fuzz.test.ts), run long: every importer, many
// seeds. On demand: `npm run bench:fuzz` (FUZZ_CASES=5000 FUZZ_SEED=1 by default; set either).
// Prints wall and CPU time beside the case count; fails when any case ends other than "imported
// exactly" or "refused with exit 2 and a located message".
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cases = process.env.FUZZ_CASES ?? '5000';
const seed = process.env.FUZZ_SEED ?? '1';
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
const r = spawnSync('npx', ['vitest', 'run', 'test/traces/import-fuzz.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_CASES: cases, FUZZ_SEED: seed },
});
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
console.log(`fuzz: ${cases} cases, seed ${seed}: ${r.status === 0 ? 'all held' : 'FAILED'} in ${wall.toFixed(1)} s wall (runner CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; the test runs in a child process)`);
process.exit(r.status ?? 1);
