// Monte Carlo timing (issue 6): 10k samples over 20 routes should take under a second.
// Run on demand with `npm run bench` (builds first); never part of npm test. Prints ratios against a
// baseline measured in the same run, so the numbers compare across machines:
//   baseline = pricing the same 20 routes 10k times with compareRoutes at fixed inputs (no sampling).
import os from 'node:os';
import { compareRoutes, monteCarlo } from '../dist/engine/index.js';
import { loadCatalog } from '../dist/catalog/load.js';
import { parseWorkloadText } from '../dist/workload/load.js';
import { prepareWorkloads } from '../dist/workload/prepare.js';

const TOKEN_ROUTES = [
  'openai/gpt-5.5', 'openai/gpt-5.4', 'openai/gpt-5.4-mini', 'anthropic/claude-opus-4.7', 'anthropic/claude-sonnet-4.6',
  'google/gemini-2.5-pro', 'together/deepseek-v3', 'together/deepseek-v3.1', 'fireworks/deepseek-v3.1', 'fireworks/llama-3.3-70b',
  'together/llama-3.3-70b', 'deepinfra/gpt-oss-120b', 'fireworks/llama-8b-multi-lora',
];
const GPU_ROUTES = ['lambda/h100-sxm', 'runpod/h100-sxm5', 'coreweave/h100-sxm', 'lambda/h100-pcie', 'baseten/h100', 'together/h100-endpoint', 'fireworks/h100'];
const THROUGHPUT = { 'lambda/h100-pcie': 1200 }; // the catalog has no PCIe figure: an assumed one
const yaml = `name: bench
as_of: 2026-05-15
requests_per_month: 500000
input_tokens: 800
output_tokens: {value: 400, evidence: assumed, range: [150, 900]}
retry_rate: 0.03
quality_pass_rate: 0.95
engineering_hours_per_month: {value: 8, evidence: estimated, range: [6, 24]}
engineering_hourly_rate: 100
routes:
${TOKEN_ROUTES.map((r) => `  - ${r}`).join('\n')}
${GPU_ROUTES.map((r) => `  - {route: ${r}, serves: llama-3.3-70b${THROUGHPUT[r] ? `, throughput_tokens_per_second: ${THROUGHPUT[r]}` : ''}}`).join('\n')}
`;
const [w] = prepareWorkloads(parseWorkloadText('bench.yaml', yaml), loadCatalog(), { today: '2026-11-22' });
const unpriced = [...w.unpriced, ...compareRoutes(w.profile, w.routes).unpriced];
if (w.routes.length !== 20 || unpriced.length) throw new Error(`expected 20 priced routes, got ${w.routes.length} (unpriced: ${unpriced.map((u) => u.route)})`);

const SAMPLES = 10_000;
// Wall-clock and CPU time: on a shared, loaded machine the CPU time is what an idle one would see.
const time = (f) => {
  const t = performance.now();
  const c = process.cpuUsage();
  f();
  const cpu = process.cpuUsage(c);
  return { wall: performance.now() - t, cpu: (cpu.user + cpu.system) / 1000 };
};
const best = (f, reps = 5) => {
  const runs = Array.from({ length: reps }, () => time(f));
  return { wall: Math.min(...runs.map((r) => r.wall)), cpu: Math.min(...runs.map((r) => r.cpu)) };
};

// Warm up the JIT on both paths.
monteCarlo(w.profile, w.routes, { samples: 1000 });
for (let i = 0; i < 1000; i++) compareRoutes(w.profile, w.routes, { explain: false });

const baseline = best(() => {
  for (let i = 0; i < SAMPLES; i++) compareRoutes(w.profile, w.routes, { explain: false });
});
const explained = best(() => {
  for (let i = 0; i < SAMPLES / 10; i++) compareRoutes(w.profile, w.routes);
}, 3);
explained.wall *= 10;
explained.cpu *= 10;
const mc = best(() => monteCarlo(w.profile, w.routes, { samples: SAMPLES, seed: 1 }));
const r = monteCarlo(w.profile, w.routes, { samples: SAMPLES, seed: 1 });

const fmt = (t) => `wall ${t.wall.toFixed(0).padStart(5)} ms  cpu ${t.cpu.toFixed(0).padStart(5)} ms`;
const ratio = (t) => `${(t.wall / baseline.wall).toFixed(2)}x wall, ${(t.cpu / baseline.cpu).toFixed(2)}x cpu`;
console.log(`node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`${SAMPLES.toLocaleString('en-US')} samples × ${w.routes.length} routes (${TOKEN_ROUTES.length} token, ${GPU_ROUTES.length} GPU), ${r.inputs.filter((i) => i.distribution.kind !== 'point').length} uncertain inputs, best of 5`);
console.log(`baseline  compareRoutes ×${SAMPLES} at fixed inputs, explain:false   ${fmt(baseline)}  1.00x`);
console.log(`          compareRoutes ×${SAMPLES} with explain (formatted steps)   ${fmt(explained)}  ${ratio(explained)}`);
console.log(`          monteCarlo (sampling, pricing, percentiles, VOI)        ${fmt(mc)}  ${ratio(mc)}`);
console.log(`target: monteCarlo under 1,000 ms → wall ${mc.wall < 1000 ? 'met' : 'NOT met'}, cpu ${mc.cpu < 1000 ? 'met' : 'NOT met'}`);
console.log(`recommended ${r.recommended} (P(wrong) ${(r.wrongPickProbability * 100).toFixed(1)}%), top VOI ${r.valueOfInformation[0]?.name}`);
