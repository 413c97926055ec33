import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('public API (issue 10)', () => {
  it('is a curated list of named exports, not export * of every helper', () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'src', 'index.ts'), 'utf8');
    expect(text).not.toMatch(/export \*/);
    // What the README's library example uses, and the registry the Studio reads.
    for (const name of ['computeLcpr', 'loadCatalog', 'resolveRoute', 'compareRoutes', 'loadWorkloadFile', 'FIELDS', 'RoutefitError', 'InputFileError']) expect(api).toHaveProperty(name);
    // Internal helpers stay out of the root.
    for (const name of ['cholesky', 'normalQuantile', 'attemptCost', 'keysAt']) expect(api).not.toHaveProperty(name);
  });
});
