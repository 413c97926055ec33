import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from './helpers/cli.js';

const GOOD = `name: t
requests_per_month: 1000
input_tokens: 800
routes:
  - together/deepseek-v3
`;

/** Issue 10 / 17: each message names the file, the line, the field and what is allowed; exit 2; no number printed. */
async function bad(text: string, line: number, field: string, ...contains: (string | RegExp)[]) {
  const file = tempYaml(text);
  const r = await cli('compare', file, '--as-of', '2026-05-15');
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}(:\\d+)?: ${field.replace(/[.[\]]/g, '\\$&')}: `));
  for (const c of contains) expect(r.stderr).toMatch(c);
}

describe('workload file validation', () => {
  it('dates are calendar dates', async () => {
    await bad(GOOD + 'as_of: 2026-02-31\n', 6, 'as_of', '2026-02-31 is not a calendar date');
    await bad(GOOD + 'as_of: 2026-99-99\n', 6, 'as_of', '2026-99-99 is not a calendar date');
    const r = await cli('compare', tempYaml(GOOD), '--as-of', '2026-02-30');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--as-of must be a date YYYY-MM-DD that exists on the calendar; got "2026-02-30"');
  });

  it('a rate written as a percent says how to write it', async () => {
    await bad(GOOD + 'retry_rate: 95\n', 6, 'retry_rate', '95 is out of range', 'write 0.95 for 95%');
    await bad(GOOD + 'quality_pass_rate: "95%"\n', 6, 'quality_pass_rate', 'write 0.95 for 95%');
    await bad(GOOD.replace('  - together/deepseek-v3\n', '  - route: lambda/h100-sxm\n    serves: llama-3.3-70b\n    utilization: 40\n'), 7, 'routes[0].utilization', 'write 0.4 for 40%');
  });

  it('a route object names the field inside it', async () => {
    await bad(GOOD + '  - route: lambda/h100-sxm\n    serves: llama-3.3-70b\n    gpus: 0\n', 8, 'routes[1].gpus', /≥ ?1|>=1|too small/i);
    await bad(GOOD + '  - route: openai/gpt-5.5\n    retry_rte: 0.1\n', 7, 'routes[1].retry_rte', 'unknown key (did you mean "retry_rate"?)');
  });

  it('malformed YAML reports its line', async () => {
    const file = tempYaml(GOOD + 'retry_rate: [0.1\n');
    const r = await cli('compare', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file}:7:\\d+: malformed YAML: `));
  });

  it('duplicate keys report their line', async () => {
    const file = tempYaml(GOOD + 'input_tokens: 900\n');
    const r = await cli('compare', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file}:6(:\\d+)?: malformed YAML: Map keys must be unique`));
  });

  it('a huge number is a located error, never $Infinity or NaN', async () => {
    await bad(GOOD + 'engineering_hourly_rate: 1e308\n', 6, 'engineering_hourly_rate', '1e+308 is out of range: allowed 0 ≤ value ≤ 2000');
    await bad(GOOD.replace('requests_per_month: 1000', 'requests_per_month: 1.7e308'), 2, 'requests_per_month', 'allowed 0 < value ≤ 1000000000000');
    await bad(GOOD.replace('  - together/deepseek-v3\n', '  - route: together/deepseek-v3\n    price: {output: 1e308}\n'), 6, 'routes[0].price.output', 'allowed 0 ≤ value ≤ 10000');
  });

  it('duplicate route ids in one workload are an error naming both places', async () => {
    await bad(GOOD + '  - together/deepseek-v3\n', 6, 'routes[1]', 'duplicate route "together/deepseek-v3"', 'first at routes[0], line 5');
  });

  it('YAML with too many aliases is a located, explained refusal; normal anchors load', async () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const file = tempYaml(laughs.join('\n') + '\n' + GOOD);
    const r = await cli('compare', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file}:2:\\d+: the YAML aliases \\(\\*name\\) expand to more than 10000 copies`));
    const plain = await cli('compare', tempYaml(`workloads:\n  - &w\n    name: a\n    requests_per_month: 1000\n    input_tokens: 800\n    routes: [together/deepseek-v3]\n  - <<: *w\n    name: b\n`));
    expect(plain.code, plain.stderr).toBe(0);
  });

  it('`-` reads the file from standard input', () => {
    const main = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
    const out = execFileSync(process.execPath, [main, 'compare', '-', '--json', '--as-of', '2026-05-15'], { input: readFileSync(join(import.meta.dirname, '..', 'examples', 'saas-chat.yaml'), 'utf8'), encoding: 'utf8' });
    expect(JSON.parse(out).workloads[0].routes.length).toBeGreaterThan(1);
  });
});
