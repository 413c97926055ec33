import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { type Edit, applyEdits, editData, priceText } from '../../src/studio/pricing.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { ROOT } from './helpers.js';

const text = readFileSync(join(ROOT, 'examples/saas-chat.yaml'), 'utf8');
const fleet = readFileSync(join(ROOT, 'examples/stage1-split.yaml'), 'utf8');

const key = fc.constantFrom('requests_per_month', 'quality_pass_rate', 'retry_rate', 'input_tokens', 'cache_hit_rate', 'name');
const value = fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(undefined), fc.constantFrom('measured', 'x'));
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ path: key.map((k) => [k]), value }),
  fc.record({ path: fc.tuple(key, fc.constantFrom('evidence', 'source', 'value')).map(([k, s]) => [k, s]), value }),
  fc.record({ path: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom('label', 'utilization', 'quality_pass_rate')).map(([i, k]) => ['routes', i, k]), value }),
);

describe('Studio edits', () => {
  it('editing the data (every keystroke) and editing the Document (what Save writes) give the same file content', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 6 }), (edits) => {
        const run = <T>(f: () => T): T | string => {
          try {
            return f();
          } catch (err) {
            // Both must refuse the same edit with a message, never a raw library error.
            expect((err as Error).name).toBe('InputFileError');
            return `refused: ${(err as Error).message}`;
          }
        };
        expect(run(() => editData(parse(text), edits))).toEqual(run(() => parse(applyEdits(text, edits)) as unknown));
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('keeps every comment and untouched line when saving an edit', () => {
    const out = applyEdits(text, [{ path: ['requests_per_month'], value: 2_000_000 }]);
    const a = text.split('\n');
    const b = out.split('\n');
    expect(b.length).toBe(a.length);
    expect(b.filter((l, i) => l !== a[i])).toEqual(['requests_per_month: 2000000']);
  });

  it('a bare route id gains a field as {route: id}; a bare number gains an evidence label as {value, evidence}', () => {
    const out = applyEdits(text, [
      { path: ['routes', 2, 'label'], value: 'DeepSeek' },
      { path: ['retry_rate', 'evidence'], value: 'measured' },
    ]);
    const d = parse(out);
    expect(d.routes[2]).toEqual({ route: 'together/deepseek-v3', label: 'DeepSeek' });
    expect(d.retry_rate).toEqual({ value: 0.03, evidence: 'measured' });
  });

  it('prices only the workload on screen at once; the others give the same numbers when read', () => {
    const catalog = loadCatalog();
    const all = priceText('stage1-split.yaml', fleet, catalog, '2026-11-22');
    const lazy = priceText('stage1-split.yaml', fleet, catalog, '2026-11-22', 1);
    expect(all.ok && lazy.ok).toBe(true);
    if (!all.ok || !lazy.ok) return;
    expect(lazy.priced.length).toBe(all.priced.length);
    for (const [i, p] of all.priced.entries()) expect(lazy.priced[i]!.comparison).toEqual(p.comparison);
  });
});
