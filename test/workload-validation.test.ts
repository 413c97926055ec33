import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from './helpers/cli.js';

const GOOD = `name: t
requests_per_month: 1000
input_tokens: 800
routes:
  - together/deepseek-v3
`;

/** Every bad file exits 2 and names the file, the line, the field and what is allowed — and prints no number. */
async function expectBad(text: string, expectations: { line?: number; field?: string; contains: string[] }) {
  const file = tempYaml(text);
  const r = await cli('compare', file, '--as-of', '2026-05-15');
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.stderr).toContain(file);
  if (expectations.line) expect(r.stderr).toContain(`${file}:${expectations.line}`);
  if (expectations.field) expect(r.stderr).toContain(expectations.field);
  for (const c of expectations.contains) expect(r.stderr).toContain(c);
}

describe('bad workload files', () => {
  it('accepts the good file', async () => {
    const r = await cli('compare', tempYaml(GOOD), '--as-of', '2026-05-15');
    expect(r.code, r.stderr).toBe(0);
  });
  it('missing key: names the key', async () => {
    await expectBad(GOOD.replace('input_tokens: 800\n', ''), { field: 'input_tokens', contains: ['missing required key'] });
  });
  it('rate above 1: line, field and allowed range', async () => {
    await expectBad(GOOD.replace('input_tokens: 800\n', 'input_tokens: 800\nretry_rate: 1.5\n'), {
      line: 4,
      field: 'retry_rate',
      contains: ['1.5 is out of range', '0 ≤ value ≤ 1'],
    });
  });
  it('pass rate of zero is refused (it would divide by zero)', async () => {
    await expectBad(GOOD + 'quality_pass_rate: 0\n', { line: 6, field: 'quality_pass_rate', contains: ['0 < value ≤ 1'] });
  });
  it('negative tokens', async () => {
    await expectBad(GOOD.replace('input_tokens: 800', 'input_tokens: -5'), { line: 3, field: 'input_tokens', contains: ['-5 is out of range', '0 ≤ value'] });
  });
  it('unknown route: suggests the closest id', async () => {
    await expectBad(GOOD.replace('together/deepseek-v3', 'together/deepsek-v3'), {
      line: 5,
      field: 'routes[0]',
      contains: ['unknown route "together/deepsek-v3"', 'did you mean "together/deepseek-v3"'],
    });
  });
  it('unknown provider', async () => {
    await expectBad(GOOD.replace('together/deepseek-v3', 'acme/model-x'), { contains: ['provider "acme" is not in the catalog'] });
  });
  it('malformed YAML: line of the syntax error', async () => {
    await expectBad('name: t\nrequests_per_month: [1000\ninput_tokens: 800\n', { contains: ['malformed YAML'] });
  });
  it('wrong type: says what it got', async () => {
    await expectBad(GOOD.replace('input_tokens: 800', 'input_tokens: lots'), {
      line: 3,
      field: 'input_tokens',
      contains: ['expected a number or {value, evidence, source}, got the string "lots"'],
    });
  });
  it('misspelt key: did you mean', async () => {
    await expectBad(GOOD + 'retry_rat: 0.1\n', { line: 6, field: 'retry_rat', contains: ['unknown key', 'did you mean "retry_rate"'] });
  });
  it('evidence label outside the allowed set', async () => {
    await expectBad(GOOD + 'retry_rate: {value: 0.05, evidence: guessed}\n', { line: 6, field: 'retry_rate.evidence', contains: ['evidence must be one of assumed, estimated'] });
  });
  it('sourced number out of range points at its value', async () => {
    await expectBad(GOOD + 'cache_hit_rate: {value: 2, evidence: measured}\n', { field: 'cache_hit_rate.value', contains: ['2 is out of range'] });
  });
  it('file not found', async () => {
    const r = await cli('compare', '/nonexistent/w.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/w.yaml: file not found');
  });
  it('a GPU route with no throughput and nothing served says how to fix it', async () => {
    await expectBad(GOOD.replace('  - together/deepseek-v3', '  - lambda/h100-sxm'), {
      line: 5,
      contains: ['is a GPU route', 'serves: llama-3.3-70b (fp8)'],
    });
  });
  it('fixed GPUs that cannot carry the demand are an error, not a number', async () => {
    const text = GOOD.replace('requests_per_month: 1000', 'requests_per_month: 100000000').replace(
      '  - together/deepseek-v3',
      '  - { route: lambda/h100-sxm, serves: llama-3.3-70b, gpus: 1 }',
    );
    const r = await cli('compare', tempYaml(text), '--as-of', '2026-05-15');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Unpriced');
    expect(r.stdout).toMatch(/1 GPU\(s\) deliver at most 3,888,000,000 tokens\/month .*\(needs at least 11\)/);
  });
  it('--as-of with a bad date', async () => {
    const r = await cli('compare', tempYaml(GOOD), '--as-of', '15/05/2026');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--as-of must be a date YYYY-MM-DD');
  });
});

describe('unpriced routes are loud, never $0', () => {
  it('a route with only an output price is listed as unpriced and exits 2', async () => {
    const r = await cli('compare', tempYaml(GOOD.replace('  - together/deepseek-v3', '  - together/deepseek-v3\n  - together/qwen-3-235b')), '--as-of', '2026-05-15', '--json');
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.workloads[0].routes.map((x: { route: string }) => x.route)).toEqual(['together/deepseek-v3']);
    expect(out.workloads[0].unpriced[0]).toMatchObject({ route: 'together/qwen-3-235b', code: 'missing_price' });
    expect(out.workloads[0].unpriced[0].message).toContain('no input price');
  });
  it('a price that is not in force yet on the date is unpriced with the earliest date', async () => {
    const r = await cli('compare', tempYaml(GOOD), '--as-of', '2024-06-01');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('together/deepseek-v3 has no price effective on 2024-06-01 (its earliest price takes effect 2025-01-01)');
  });
  it('a cache hit rate on a route without a cached price bills cached tokens at the input price, with a note naming the fix (issue 11)', async () => {
    const r = await cli('compare', tempYaml(GOOD.replace('together/deepseek-v3', 'deepinfra/gpt-oss-120b') + 'cache_hit_rate: 0.3\n'), '--as-of', '2026-05-15');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no cached-input price in the catalog: cached tokens are billed at the input price');
    expect(r.stdout).toContain('price.cached_input');
  });
  it('the same route priced in the file works', async () => {
    const text = GOOD.replace('  - together/deepseek-v3', '  - { route: together/qwen-3-235b, price: { input: 0.2 } }');
    const r = await cli('compare', tempYaml(text), '--as-of', '2026-05-15', '--json');
    expect(r.code, r.stderr).toBe(0);
    const route = JSON.parse(r.stdout).workloads[0].routes[0];
    expect(route.inputs['price.input']).toMatchObject({ value: 0.2, source: 'workload file' });
    expect(route.inputs['price.output']).toMatchObject({ value: 0.85, evidence: 'public' });
  });
});
