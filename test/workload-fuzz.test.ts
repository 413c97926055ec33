import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WORKLOAD_FIELDS } from '../src/workload/fields.js';
import { cli, tempYaml } from './helpers/cli.js';

/**
 * Issue 17: a bounded, seeded fuzz of the workload loader. Each case is loaded (exit 0) or refused
 * with exit 2 and a message naming the file and the line; never exit 1, never NaN or Infinity.
 */
const nasty = fc.oneof(
  fc.constantFrom('1e308', '-1e308', '1.7e308', '.nan', '.inf', '-.inf', '0', '-0', '95', '"95%"', '"40 %"', '1e-320', '2026-02-31', '~', '""', '[]', '{}', '[1, 2]', '"abc"', 'true', '0x10', '9007199254740993'),
  fc.double({ noNaN: false }).map((d) => String(d)),
  fc.integer({ min: -1e6, max: 1e13 }).map(String),
  fc.record({ value: fc.double(), evidence: fc.constantFrom('measured', 'assumed', 'guessed') }).map((o) => `{value: ${o.value}, evidence: ${o.evidence}}`),
);
const KEYS = [...WORKLOAD_FIELDS.map((f) => f.key), 'as_of', 'name', 'routes', 'retry_rte', 'cache_write_ttl', 'current_route', 'constraints', 'workloads'];
const ROUTES = ['together/deepseek-v3', 'openai/gpt-5.5', 'lambda/h100-sxm', 'nope/x'];

const routeLine = fc.oneof(
  fc.constantFrom(...ROUTES).map((r) => `  - ${r}`),
  fc.tuple(fc.constantFrom(...ROUTES), fc.constantFrom('quality_pass_rate', 'utilization', 'gpus', 'retry_rate', 'engineering_hours_per_month', 'serves'), nasty).map(([r, k, v]) => `  - route: ${r}\n    ${k}: ${v}`),
  fc.tuple(fc.constantFrom(...ROUTES), nasty).map(([r, v]) => `  - route: ${r}\n    price: {output: ${v}, input: 1}`),
);

const file = fc
  .record({
    fields: fc.array(fc.tuple(fc.constantFrom(...KEYS), nasty), { maxLength: 4 }),
    routes: fc.array(routeLine, { minLength: 0, maxLength: 3 }),
    alias: fc.boolean(),
    breakIt: fc.constantFrom('', '', '', '\n  bad indent: [', '\n\t- tab', '\nrequests_per_month: 5'),
  })
  .map(({ fields, routes, alias, breakIt }) => {
    const lines = ['name: fuzz', 'requests_per_month: 1000', 'input_tokens: 800', ...fields.map(([k, v]) => `${k}: ${v}`)];
    if (alias) lines.push('x_anchor: &a 0.5', 'cache_hit_rate: *a');
    if (routes.length) lines.push('routes:', ...routes);
    return lines.join('\n') + breakIt + '\n';
  });

describe('workload loader fuzz (seeded, bounded)', () => {
  it('loads or refuses with exit 2 and a located message; never exit 1, NaN or Infinity', async () => {
    await fc.assert(
      fc.asyncProperty(file, async (text) => {
        const path = tempYaml(text);
        const r = await cli('compare', path, '--as-of', '2026-05-15', '--json');
        expect([0, 2], `${text}\n${r.stderr}`).toContain(r.code);
        // A refusal may quote what the file says (`the string "-Infinity"`); nothing else may show NaN or Infinity.
        // The file's own path is left out too: its random temp-dir suffix can spell "NaN".
        expect((r.stdout + r.stderr.replace(/the string "[^"]*"/g, '')).split(path).join('<file>'), text).not.toMatch(/NaN|Infinity|internal error/);
        if (r.code === 2 && r.stdout === '') {
          // Every problem line names the file and its line.
          const problems = r.stderr.replace(/^routefit: (\d+ problems:\n)?/, '').trim().split('\n');
          for (const p of problems) expect(p, `${text}\n${r.stderr}`).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+(:\\d+)?: `));
        }
      }),
      { numRuns: 300, seed: 17, endOnFailure: true },
    );
  }, 120_000);
});
