import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli, tempYaml } from './helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '..');
const ex = (name: string) => join(ROOT, 'examples', name);

describe('routefit compare', () => {
  it('--json carries the documented fields for every route, sorted by LCPR', async () => {
    const r = await cli('compare', ex('saas-chat.yaml'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const w = out.workloads[0];
    expect(w.workload).toBe('saas-chat');
    expect(w.asOf).toBe('2026-05-15');
    expect(w.routes).toHaveLength(5);
    for (const route of w.routes) {
      for (const key of ['route', 'mode', 'rawCostPerRequest', 'lcpr', 'monthlyCost', 'overheadRatio', 'acceptedRequestsPerMonth', 'breakdown', 'inputs', 'steps']) {
        expect(route, key).toHaveProperty(key);
      }
    }
    const lcprs = w.routes.map((x: { lcpr: number }) => x.lcpr);
    expect(lcprs).toEqual([...lcprs].sort((a, b) => a - b));
    expect(w.cheapestByLcpr).toBe('deepinfra/gpt-oss-120b');
    expect(w.assumptions.repair_cost_per_failure).toMatchObject({ value: 0.002, evidence: 'assumed' });
    expect(w.routes.find((x: { route: string }) => x.route === 'openai/gpt-5.5').inputs['price.output']).toMatchObject({ value: 30, evidence: 'public' });
  });

  it('calls out when the cheapest route by raw price is not the cheapest by LCPR', async () => {
    // A busy self-run GPU wins on both measures: no disagreement to flag.
    const file = tempYaml(`name: big
requests_per_month: 4000000
input_tokens: 3000
output_tokens: 50
engineering_hours_per_month: 40
routes:
  - fireworks/llama-3.3-70b
  - { route: self/vllm, mode: self_managed, price: { gpu_hourly: 3.99 }, throughput_tokens_per_second: 1500, engineering_hours_per_month: 0 }
`);
    const r = await cli('compare', file, '--as-of', '2026-05-15', '--json');
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).workloads[0];
    expect(w.cheapestByRaw).toBe('self/vllm');
    expect(w.cheapestByLcpr).toBe('self/vllm');
    expect(w.rankingsDisagree).toBe(false);

    const text = await cli('compare', tempYaml(`name: small
requests_per_month: 50000
input_tokens: 800
routes:
  - deepinfra/gpt-oss-120b
  - { route: together/deepseek-v3, engineering_hours_per_month: 2 }
`), '--as-of', '2026-05-15');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('! Cheapest by raw price is deepinfra/gpt-oss-120b');
    expect(text.stdout).toContain('but cheapest by LCPR is together/deepseek-v3');
  });

  it('--csv gives one row per workload × route with the breakdown', async () => {
    const r = await cli('compare', ex('gemini-question.yaml'), '--csv');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^workload,as_of,route,mode,raw_cost_per_request,lcpr,monthly_cost/);
    expect(lines).toHaveLength(1 + 3 * 2);
    const rag = lines.find((l) => l.startsWith('rag,') && l.includes('google/gemini-2.5-pro'))!.split(',');
    expect(Number(rag[5])).toBeCloseTo(0.013084, 6);
  });

  it('--routes keeps only the named routes and rejects a name the file does not list', async () => {
    const r = await cli('compare', ex('saas-chat.yaml'), '--routes', 'openai/gpt-5.5,together/deepseek-v3', '--json');
    expect(JSON.parse(r.stdout).workloads[0].routes.map((x: { route: string }) => x.route)).toEqual(['together/deepseek-v3', 'openai/gpt-5.5']);
    const bad = await cli('compare', ex('saas-chat.yaml'), '--routes', 'openai/gpt-9');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--routes names "openai/gpt-9"');
  });

  it('--as-of re-prices history: the same file at two dates', async () => {
    const now = JSON.parse((await cli('compare', ex('stage2.yaml'), '--json', '--routes', 'together/deepseek-v3')).stdout);
    const before = JSON.parse((await cli('compare', ex('stage2.yaml'), '--json', '--routes', 'together/deepseek-v3', '--as-of', '2026-04-30')).stdout);
    expect(now.workloads[0].routes[0].monthlyCost).toBeCloseTo(13748, 6);
    expect(before.workloads[0].routes[0].monthlyCost).toBeCloseTo(0.0015 * 10_300_000 + 1800, 6);
    expect(before.workloads[0].routes[0].provenance.effective).toBe('2025-01-01');
  });

  it('--blend gives a volume-weighted figure with the warning', async () => {
    const r = await cli('compare', ex('gemini-question.yaml'), '--blend', '--json');
    const blend = JSON.parse(r.stdout).blend;
    const gemini = blend.routes.find((b: { route: string }) => b.route === 'google/gemini-2.5-pro');
    expect(gemini.workloads).toEqual(['rag', 'codegen', 'classification']);
    expect(gemini.lcpr).toBeCloseTo(gemini.monthlyCost / gemini.acceptedRequestsPerMonth, 12);
    expect(blend.warning).toContain('hides workload variation');
    const text = await cli('compare', ex('gemini-question.yaml'), '--blend');
    expect(text.stdout).toContain('Blended across workloads');
  });

  it('renders the Part 0 table in a terminal', async () => {
    const r = await cli('compare', ex('saas-chat.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/openai\/gpt-5\.5\s+closed_api\s+\$0\.0160\s+\$0\.0191\s+\$9,090\s+1\.20x/);
    expect(r.stdout).toMatch(/deepinfra\/gpt-oss-120b\s+serverless\s+\$0\.000107\s+\$0\.0019\s+\$905\s+17\.8x/);
    expect(r.stdout).toContain('repair_cost_per_failure');
    expect(r.stdout).toContain('default — routefit default');
  });
});

describe('routefit explain', () => {
  it('shows each step with the route numbers and every input with its evidence', async () => {
    const r = await cli('explain', ex('saas-chat.yaml'), '--route', 'openai/gpt-5.5');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('raw cost per request × requests × (1 + retry_rate)');
    expect(r.stdout).toContain('$0.016000 × 500,000 × (1 + 0.03)');
    expect(r.stdout).toContain('$9,090.00 USD/month');
    expect(r.stdout).toMatch(/price\.output\s+30\s+public/);
  });
  it('on a fleet file without --workload explains the first workload with the route, naming the choices', async () => {
    const r = await cli('explain', ex('gemini-question.yaml'), '--route', 'google/gemini-2.5-pro');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('explaining "rag", the first that lists google/gemini-2.5-pro (pick another with --workload: rag, codegen, classification)');
    const ok = await cli('explain', ex('gemini-question.yaml'), '--route', 'google/gemini-2.5-pro', '--workload', 'rag', '--json');
    expect(JSON.parse(ok.stdout).lcpr).toBeCloseTo(0.013084, 6);
  });
});

describe('routefit catalog', () => {
  it('list filters by mode and shows prices in force on the date', async () => {
    const r = await cli('catalog', 'list', '--mode', 'serverless', '--as-of', '2026-04-30', '--json');
    const rows = JSON.parse(r.stdout).tokenRoutes;
    expect(rows.every((x: { mode: string }) => x.mode === 'serverless')).toBe(true);
    expect(rows.find((x: { id: string }) => x.id === 'together/deepseek-v3')).toMatchObject({ input: 1.25, output: 1.25, effective: '2025-01-01' });
  });
  it('list --provider includes genai-prices models, labelled as such', async () => {
    const r = await cli('catalog', 'list', '--provider', 'anthropic', '--json');
    const rows = JSON.parse(r.stdout).tokenRoutes;
    expect(rows.find((x: { id: string }) => x.id === 'anthropic/claude-sonnet-4.6').origin).toBe('catalog');
    const g = rows.find((x: { origin: string }) => x.origin === 'genai-prices');
    expect(g.source).toContain('@pydantic/genai-prices');
    expect(g.asOf).toBe('2026-09-23');
  });
  it('a genai-prices model can be priced as a route, and says where its price came from', async () => {
    const file = tempYaml('name: g\nrequests_per_month: 1000\ninput_tokens: 1000\noutput_tokens: 100\nroutes: [openai/gpt-5.4-nano]\n');
    const r = await cli('compare', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const route = JSON.parse(r.stdout).workloads[0].routes[0];
    expect(route.provenance.origin).toBe('genai-prices');
    expect(route.rawCostPerRequest).toBeCloseTo((1000 * 0.2 + 100 * 1.25) / 1e6, 12);
  });
  it('show prints the history with sources', async () => {
    const r = await cli('catalog', 'show', 'together/deepseek-v3');
    expect(r.stdout).toContain('effective 2025-01-01');
    expect(r.stdout).toContain('effective 2026-05-01');
    // A GPU route shows the hardware `routefit size` computes with, with its source.
    expect((await cli('catalog', 'show', 'lambda/h100')).stdout).toMatch(/hardware: 80 GB HBM, 3\.35 TB\/s memory bandwidth, 989 dense BF16 TFLOPS, 1979 dense FP8 TFLOPS — public: NVIDIA H100/);
    const gpu = JSON.parse((await cli('catalog', 'show', 'lambda/h100', '--json')).stdout);
    expect(gpu.id).toBe('lambda/h100-sxm');
    expect(gpu.specDetail.throughput[0].serves).toBe('llama-3.3-70b');
    const bad = await cli('catalog', 'show', 'nope/nothing');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('provider "nope" is not in the catalog');
  });
  it('validate passes the shipped catalog and reports a broken one with file and line', async () => {
    const ok = await cli('catalog', 'validate', '--json');
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true });
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    cpSync(join(ROOT, 'catalog'), dir, { recursive: true });
    const file = join(dir, 'token-prices.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('        source: "Inference Field Guide, Part 0 worked example: DeepInfra GPT-OSS-120B at $0.039/$0.19"\n', ''));
    const bad = await cli('catalog', 'validate', '--catalog', dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: routes\\[\\d+\\]\\.prices\\[0\\]\\.source: missing required key`));
  });
});

describe('routefit init', () => {
  for (const preset of ['chat', 'rag', 'codegen', 'agent', 'batch']) {
    it(`--preset ${preset} writes a file that prices every route`, async () => {
      const r = await cli('init', '--preset', preset);
      expect(r.code).toBe(0);
      const values = parse(r.stdout);
      expect(values.name).toBe(preset);
      const c = await cli('compare', tempYaml(r.stdout), '--as-of', '2026-05-15', '--json');
      expect(c.code, c.stdout + c.stderr).toBe(0);
      expect(JSON.parse(c.stdout).workloads[0].unpriced).toEqual([]);
    });
  }
  it('an unknown preset lists the real ones', async () => {
    const r = await cli('init', '--preset', 'voice');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('chat, rag, codegen, agent, batch');
  });
});

describe('help and usage', () => {
  it('every command has --help with an example', async () => {
    for (const args of [['compare'], ['explain'], ['catalog', 'list'], ['catalog', 'show'], ['catalog', 'validate'], ['init']]) {
      const r = await cli(...args, '--help');
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toContain('Examples:');
    }
  });
  it('an unknown option is a usage error with exit 2', async () => {
    const r = await cli('compare', ex('saas-chat.yaml'), '--frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });
});

describe('the built package', () => {
  it('the routefit bin runs the README command', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'compare', ex('saas-chat.yaml'), '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out).workloads[0].routes[0].route).toBe('deepinfra/gpt-oss-120b');
  });
  it('bad input through the bin exits 2 without a stack trace', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'compare', '/nonexistent.yaml'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('a reader that closes the pipe early (routefit … | head) ends it quietly with its exit code', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'compare', ex('saas-chat.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed before the CLI has written anything: its first write meets EPIPE
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
  it('is importable as a typed library through package exports', () => {
    const script = `import { computeLcpr, loadCatalog, resolveRoute } from 'routefit';
const c = loadCatalog();
const route = resolveRoute(c, { id: 'openai/gpt-5.5', asOf: '2026-05-15' }, { utilization: 0.4 });
const r = computeLcpr({ requestsPerMonth: 500000, inputTokens: 800, outputTokens: 400, retryRate: 0.03, qualityPassRate: 0.95, repairCostPerFailure: 0.002, engineeringHoursPerMonth: 8, engineeringHourlyRate: 100 }, route);
console.log(r.monthlyCost.toFixed(2));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim()).toBe('9090.00');
  });
});
