import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync, symlinkSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { RoutefitError } from '../engine/errors.js';
import { loadDuckdb } from './db.js';

/**
 * The files an import reads, as the user named them (issue 17, "File names are read as globs").
 *
 * DuckDB's readers expand `*`, `?`, `[…]` and `{…}` in every path they are given, so `day[1].csv`
 * read `day1.csv`. A path names one file: `readPath` hands DuckDB a name without glob characters
 * (a symlink to the file) while messages keep the user's name. Globbing is explicit (`expandGlob`).
 */

const GLOB_CHARS = /[*?[\]{}]/;

let linkDir: string | undefined;
let links = 0;
const linked = new Map<string, string>();

/** The path to give DuckDB for `file`: the file itself, or a symlink to it when its name holds glob characters. */
export function readPath(file: string): string {
  if (!GLOB_CHARS.test(file)) return file;
  const abs = resolve(file);
  const known = linked.get(abs);
  if (known) return known;
  if (!linkDir) {
    linkDir = mkdtempSync(join(tmpdir(), 'routefit-in-'));
    const dir = linkDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  // Keep the extensions (`.csv.gz`): DuckDB picks the decompression from them.
  const ext = (basename(abs).match(/(\.[A-Za-z0-9]+)+$/)?.[0] ?? '').replace(GLOB_CHARS, '_');
  const link = join(linkDir, `f${++links}${ext}`);
  symlinkSync(abs, link);
  linked.set(abs, link);
  return link;
}

/**
 * The files a `--glob` pattern matches, sorted, each a regular file (directories are skipped). A
 * pattern that matches nothing is an error naming it, never an empty import. Patterns use `*` (any
 * run of characters but `/`), `**` (any run of directories), `?` and `[…]` classes.
 */
export async function expandGlob(pattern: string): Promise<string[]> {
  const { DuckDBInstance } = loadDuckdb();
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll('SELECT file FROM glob($1) ORDER BY file', [pattern]);
    const files = reader.getRowObjectsJS().map((r) => String(r.file)).filter((f) => existsSync(f) && statSync(f).isFile());
    if (!files.length) throw new RoutefitError('invalid_input', `--glob ${pattern} matches no file`, { field: 'file' });
    return files;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** True when the name has glob characters (the CLI says `--glob` is how to expand them). */
export const hasGlobChars = (file: string): boolean => GLOB_CHARS.test(file);

/**
 * Refuses a truncated or corrupt compressed file before anything is read into the store (issue 17,
 * "Truncated compressed files import"): DuckDB's readers stop at the cut without an error and the
 * rows before it would import. gzip is decompressed once to its end, which checks its CRC-32 and
 * length; zstd (Node 20 has no decoder) is walked frame by frame to its last block and checksum.
 */
export async function checkCompressed(file: string): Promise<void> {
  const lower = file.toLowerCase();
  const src = readPath(file);
  if (lower.endsWith('.gz')) {
    try {
      await pipeline(createReadStream(src), createGunzip(), new Writable({ write: (_c, _e, done) => done() }));
    } catch (err) {
      throw new RoutefitError('invalid_input', `${file}: the gzip data is truncated or corrupt (${(err as Error).message}); nothing was imported. Re-copy or re-compress the file`, { field: 'file' });
    }
  } else if (lower.endsWith('.zst')) {
    const problem = zstdProblem(src);
    if (problem) throw new RoutefitError('invalid_input', `${file}: the zstd data is ${problem}; nothing was imported. Re-copy or re-compress the file`, { field: 'file' });
  }
}

/** Walks zstd frames (RFC 8878 §3.1): the reason the file is incomplete, or undefined when every frame ends. */
export function zstdProblem(file: string): string | undefined {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(18);
  const read = (pos: number, n: number): Buffer | undefined => (pos + n > size ? undefined : buf.subarray(0, readSync(fd, buf, 0, n, pos)));
  try {
    if (size === 0) return 'empty';
    let pos = 0;
    let frames = 0;
    while (pos < size) {
      const magic = read(pos, 4);
      if (!magic) return `truncated (a partial frame header at byte ${pos})`;
      const m = magic.readUInt32LE(0);
      if ((m & 0xfffffff0) === 0x184d2a50) {
        // Skippable frame: magic, 4-byte size, payload.
        const len = read(pos + 4, 4)?.readUInt32LE(0);
        if (len === undefined || pos + 8 + len > size) return `truncated (a skippable frame at byte ${pos} runs past the end)`;
        pos += 8 + len;
        continue;
      }
      if (m !== 0xfd2fb528) return frames ? `corrupt (bytes after frame ${frames} at byte ${pos} are not a zstd frame)` : 'not zstd data';
      const fhd = read(pos + 4, 1)?.[0];
      if (fhd === undefined) return 'truncated (in a frame header)';
      const fcsFlag = fhd >> 6;
      const single = (fhd >> 5) & 1;
      const checksum = (fhd >> 2) & 1;
      const dictId = [0, 1, 2, 4][fhd & 3]!;
      const fcs = [single ? 1 : 0, 2, 4, 8][fcsFlag]!;
      pos += 5 + (single ? 0 : 1) + dictId + fcs;
      for (;;) {
        const h = read(pos, 3);
        if (!h) return `truncated (frame ${frames + 1} ends at byte ${size} before its last block)`;
        const header = h[0]! | (h[1]! << 8) | (h[2]! << 16);
        const last = header & 1;
        const type = (header >> 1) & 3;
        const blockSize = header >> 3;
        if (type === 3) return `corrupt (a reserved block type at byte ${pos})`;
        pos += 3 + (type === 1 ? 1 : blockSize);
        if (pos > size) return `truncated (a block of frame ${frames + 1} runs past the end at byte ${size})`;
        if (last) break;
      }
      if (checksum) {
        pos += 4;
        if (pos > size) return `truncated (frame ${frames + 1} lacks its checksum)`;
      }
      frames++;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
