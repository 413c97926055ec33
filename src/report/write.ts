import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes every file or none: each goes to a temp file beside its target, and only when all are
 * written are they renamed into place (a rename is atomic on one filesystem). A failure removes the
 * temps, so no partial report is ever left behind.
 */
export function writeAll(files: { path: string; data: string | Buffer }[]): void {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temps = files.map((f) => ({ ...f, temp: join(dirname(f.path), `.${basename(f.path)}.${tag}.tmp`) }));
  try {
    for (const t of temps) writeFileSync(t.temp, t.data);
    for (const t of temps) renameSync(t.temp, t.path);
  } catch (err) {
    for (const t of temps) rmSync(t.temp, { force: true });
    throw err;
  }
}
