import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRoutes } from '../src/engine/cost/compare.js';
import { LEVERS } from '../src/engine/uncertainty/levers.js';
import { DEFAULTS } from '../src/workload/defaults.js';
import { FIELDS, WORKLOAD_FIELDS } from '../src/workload/fields.js';
import { parseWorkloadText } from '../src/workload/load.js';
import { prepareWorkloads } from '../src/workload/prepare.js';
import { singleWorkloadSchema } from '../src/workload/schema.js';
import { catalog } from './helpers/claims.js';
import { importGraph, staticClosure } from './helpers/imports.js';
import { join } from 'node:path';

describe('the workload field registry (issue 10)', () => {
  it('gives every field a finite upper bound, a default with evidence and source (or "required"), a unit and a description', () => {
    for (const f of FIELDS) {
      const where = `${f.key}`;
      expect(Number.isFinite(f.bounds.max), `${where}: max`).toBe(true);
      expect(Number.isFinite(f.bounds.min), `${where}: min`).toBe(true);
      expect(f.bounds.min!).toBeLessThan(f.bounds.max!);
      expect(f.unit.length, `${where}: unit`).toBeGreaterThan(0);
      expect(f.description.length, `${where}: description`).toBeGreaterThan(10);
      if (f.default !== 'required') {
        expect(f.default.evidence, where).toBeTruthy();
        expect(f.default.source, where).toMatch(/^routefit default: /);
        expect(f.default.value, where).toBeGreaterThanOrEqual(f.bounds.min!);
        expect(f.default.value, where).toBeLessThanOrEqual(f.bounds.max!);
      }
    }
    expect(new Set(FIELDS.map((f) => f.key)).size).toBe(FIELDS.length);
  });

  it('derives the schema keys, the defaults and the levers from it', () => {
    const keys = Object.keys(singleWorkloadSchema.shape);
    for (const f of WORKLOAD_FIELDS) expect(keys).toContain(f.key);
    for (const f of FIELDS.filter((x) => x.default !== 'required')) expect((DEFAULTS as Record<string, unknown>)[f.name]).toEqual(f.default);
    for (const f of FIELDS.filter((x) => 'lever' in x && x.lever)) expect(LEVERS.find((l) => l.key === f.name)?.bounds).toEqual(f.bounds);
  });

  it('refuses every field above its bound with file, line, field and the allowed range', () => {
    for (const f of WORKLOAD_FIELDS) {
      const base: Record<string, unknown> = { requests_per_month: 1000, input_tokens: 100 };
      base[f.key] = 1.7e308;
      const text = Object.entries(base).map(([k, v]) => `${k}: ${v}`).join('\n') + '\nroutes: [together/deepseek-v3]\n';
      const line = Object.keys(base).indexOf(f.key) + 1;
      expect(() => parseWorkloadText('w.yaml', text), f.key).toThrow(new RegExp(`^w\\.yaml:${line}:\\d+: ${f.key}: 1\\.7e\\+308 is out of range: allowed .*${f.bounds.max}`));
    }
  });

  it('is browser-safe: no node: module in what it imports', () => {
    const src = join(import.meta.dirname, '..', 'src');
    const closure = [...staticClosure(importGraph(src), join(src, 'workload', 'fields.ts'))];
    expect(closure.map((f) => f.slice(src.length + 1))).toEqual(['workload/fields.ts']);
  });
});

describe('a single workload is a fleet of one', () => {
  const cat = catalog();
  it('property: the bare workload and the same workload in workloads: [...] price identically', () => {
    fc.assert(
      fc.property(
        fc.record({
          requests: fc.integer({ min: 1, max: 1e9 }),
          input: fc.integer({ min: 0, max: 100_000 }),
          output: fc.integer({ min: 0, max: 20_000 }),
          retry: fc.double({ min: 0, max: 1, noNaN: true }),
          pass: fc.double({ min: 0.01, max: 1, noNaN: true }),
          hours: fc.double({ min: 0, max: 744, noNaN: true }),
        }),
        (w) => {
          const body = [`requests_per_month: ${w.requests}`, `input_tokens: ${w.input}`, `output_tokens: ${w.output}`, `retry_rate: ${w.retry}`, `quality_pass_rate: ${w.pass}`, `engineering_hours_per_month: ${w.hours}`, 'routes: [together/deepseek-v3, openai/gpt-5.5]'];
          const bare = parseWorkloadText('chat.yaml', ['name: chat', ...body].join('\n') + '\n');
          const fleet = parseWorkloadText('chat.yaml', ['workloads:', '  - name: chat', ...body.map((l) => `    ${l}`)].join('\n') + '\n');
          const price = (f: typeof bare) => prepareWorkloads(f, cat, { today: '2026-05-15' }).map((p) => compareRoutes(p.profile, p.routes));
          expect(price(fleet)).toEqual(price(bare));
        },
      ),
      { numRuns: 40, seed: 10 },
    );
  });
});
