import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isScalar, parseDocument } from 'yaml';
import { expect } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { loadWorkloadFile } from '../../src/workload/load.js';
import { type PreparedWorkload, prepareWorkloads } from '../../src/workload/prepare.js';

/** The seed claims the golden tests pin, kept in the repo so a clone anywhere runs them (a copy of the project's shared claims file). */
export const CLAIMS_FILE = resolve(import.meta.dirname, '../fixtures/seed-claims.yaml');
const text = readFileSync(CLAIMS_FILE, 'utf8');
const doc = parseDocument(text);
const claims = doc.contents as unknown as { items: { get(k: string, keep?: boolean): unknown }[] };

function claimIndex(id: string): number {
  const items = (doc.contents as unknown as { items: { get(k: string): unknown }[] }).items;
  const i = items.findIndex((c) => c.get('id') === id);
  if (i < 0) throw new Error(`claim ${id} not in ${CLAIMS_FILE}`);
  return i;
}

/** A number the seed printed, with the tolerance its printed digits allow (half a unit in the last place). */
export interface Printed {
  value: number;
  literal: string;
  tolerance: number;
}

/** Reads `printed.<path>` of a claim, keeping the literal so "0.0160" means four decimals. */
export function printed(id: string, ...path: (string | number)[]): Printed {
  const node = doc.getIn([claimIndex(id), 'printed', ...path], true);
  if (!isScalar(node) || typeof node.value !== 'number' || !node.range) throw new Error(`claim ${id} has no number at printed.${path.join('.')}`);
  const literal = text.slice(node.range[0], node.range[1]).trim();
  const m = /^-?\d+(?:\.(\d+))?(?:e(-?\d+))?$/i.exec(literal);
  const decimals = m?.[1]?.length ?? 0;
  const exp = m?.[2] ? Number(m[2]) : 0;
  return { value: node.value, literal, tolerance: 0.5 * 10 ** (exp - decimals) };
}

/** Asserts a computed value matches what the seed printed, to the printed precision. */
export function expectPrinted(actual: number, p: Printed, label = ''): void {
  const diff = Math.abs(actual - p.value);
  expect(diff, `${label} computed ${actual}, seed printed ${p.literal} (± ${p.tolerance})`).toBeLessThanOrEqual(p.tolerance + 1e-12);
}

export function claimInputs(id: string): Record<string, unknown> {
  return (doc.getIn([claimIndex(id), 'inputs']) as { toJSON(): Record<string, unknown> }).toJSON();
}

export const catalog = () => loadCatalog();
export const EXAMPLES = resolve(import.meta.dirname, '../../examples');

/** Loads an example file and prepares it against the shipped catalog. */
export function example(name: string, opts: { asOf?: string } = {}): PreparedWorkload[] {
  return prepareWorkloads(loadWorkloadFile(resolve(EXAMPLES, name)), catalog(), { today: '2026-11-22', ...opts });
}
void claims;
