/**
 * A validated copy of the bundled catalog, written at build time (dist/catalog-snapshot.json) and
 * used only while the catalog's YAML files are byte-for-byte the ones it was made from: start-up
 * then skips parsing and validating four YAML files (issue 11, Start-up). Any edit to the YAML
 * changes the fingerprint and routefit reads the YAML again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from './types.js';
import { type CatalogWire, catalogFromWire, catalogToWire } from './wire.js';

const VERSION = 2;

export function catalogFingerprint(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) h.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  return h.digest('hex');
}

export function writeSnapshot(catalog: Catalog, file: string): void {
  const body = { version: VERSION, fingerprint: catalogFingerprint(catalog.dir), ...catalogToWire(catalog) };
  writeFileSync(file, JSON.stringify(body));
}

/** The snapshot's catalog when it was made from exactly these YAML files; otherwise undefined. */
export function readSnapshot(dir: string, file: string): Catalog | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const body = JSON.parse(readFileSync(file, 'utf8')) as CatalogWire & { version: number; fingerprint: string };
    if (body.version !== VERSION || body.fingerprint !== catalogFingerprint(dir)) return undefined;
    return { ...catalogFromWire(body), dir };
  } catch {
    return undefined;
  }
}
