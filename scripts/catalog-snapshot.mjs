// Build step: writes dist/catalog-snapshot.json from the bundled catalog (see src/catalog/snapshot.ts).
import { SNAPSHOT_FILE, readCatalogFiles } from '../dist/catalog/load.js';
import { writeSnapshot } from '../dist/catalog/snapshot.js';

writeSnapshot(readCatalogFiles(), SNAPSHOT_FILE);
