import { cpSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogDir, readCatalogFiles } from '../src/catalog/load.js';
import { readSnapshot, writeSnapshot } from '../src/catalog/snapshot.js';
import { tempDir } from './helpers/cli.js';

describe('catalog snapshot (start-up)', () => {
  it('holds exactly what reading the YAML gives', () => {
    const file = join(tempDir(), 'snap.json');
    const fromYaml = readCatalogFiles();
    writeSnapshot(fromYaml, file);
    expect(readSnapshot(defaultCatalogDir(), file)).toEqual(fromYaml);
  });
  it('is ignored as soon as a catalog file changes', () => {
    const dir = join(tempDir(), 'catalog');
    cpSync(defaultCatalogDir(), dir, { recursive: true });
    const file = join(tempDir(), 'snap.json');
    writeSnapshot(readCatalogFiles(dir), file);
    expect(readSnapshot(dir, file)).toBeDefined();
    appendFileSync(join(dir, 'token-prices.yaml'), '\n# edited\n');
    expect(readSnapshot(dir, file)).toBeUndefined();
  });
});
