import { basename, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lit, openStore, query } from '../../src/traces/db.js';
import type { ImportSummary } from '../../src/traces/import.js';
import { cli } from '../helpers/cli.js';
import { NORM_FORMATS, type NormRow, OTHER_FORMATS, normRows, otherCase, rng, tear, toCsv, toJsonl } from './fuzz-gen.js';
import { tempDir } from './helpers.js';

/**
 * Seeded fuzz of every importer (issue 17, "Tests"). Each case is one generated file, imported by
 * the CLI as a user would; it must end one of two ways:
 *   - imported exactly: rows read = kept + rejected (+ already stored), every reject with a line
 *     and a reason, and (normalized formats) every row stored as written or rejected at its line;
 *   - refused with exit 2 and a message naming the file.
 * Never exit 1, never an "internal error". FUZZ_CASES / FUZZ_SEED run it longer (bench/fuzz-importers.mjs).
 */
const CASES = Number(process.env.FUZZ_CASES ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 17);
const FORMATS = [...NORM_FORMATS, ...OTHER_FORMATS];

async function writeParquet(csvFile: string, out: string): Promise<void> {
  const mem = await openStore(':memory:', { create: true });
  try {
    await mem.conn.run(`COPY (SELECT * FROM read_csv(${lit(csvFile)}, all_varchar = true, header = true, quote = '"', escape = '"', delim = ',')) TO ${lit(out)} (FORMAT parquet)`);
  } finally {
    mem.close();
  }
}

interface Outcome {
  code: number;
  summary?: ImportSummary;
  stderr: string;
}

async function runCase(i: number): Promise<{ format: string; outcome: Outcome; check: (db: string) => Promise<string[]> }> {
  const r = rng(SEED * 100_003 + i);
  const format = FORMATS[i % FORMATS.length]!;
  const dir = tempDir();
  const db = join(dir, 'store.duckdb');
  let file: string;
  let rows: NormRow[] | undefined;
  let lineOf = (k: number) => k + 1;
  if ((NORM_FORMATS as readonly string[]).includes(format)) {
    rows = normRows(r, 5 + Math.floor(r() * 40), 0.35);
    if (format === 'csv') {
      file = join(dir, 'in.csv');
      writeFileSync(file, toCsv(rows));
      lineOf = (k) => k + 2;
    } else if (format === 'jsonl') {
      file = join(dir, 'in.jsonl');
      writeFileSync(file, toJsonl(r, rows));
    } else {
      const csv = join(dir, 'src.csv');
      writeFileSync(csv, toCsv(rows));
      file = join(dir, 'in.parquet');
      await writeParquet(csv, file);
    }
  } else {
    const c = otherCase(r, format, 3 + Math.floor(r() * 25));
    file = join(dir, `in${c.ext}`);
    writeFileSync(file, r() < 0.15 ? tear(r, c.text) : c.text);
  }
  const res = await cli('traces', 'import', file, '--db', db, '--json', '--accept-rejects', '--show-rejects', '100000', ...(format === 'otel-metrics' || format === 'openai-usage' || format === 'otel' ? ['--format', format] : []));
  let summary: ImportSummary | undefined;
  if (res.stdout.trim()) summary = (JSON.parse(res.stdout) as { imports: ImportSummary[] }).imports[0];
  const outcome: Outcome = { code: res.code, stderr: res.stderr, ...(summary ? { summary } : {}) };
  const check = async (): Promise<string[]> => {
    const bad: string[] = [];
    if (!rows || !summary || summary.aborted) return bad;
    const store = await openStore(db, { create: false });
    try {
      const stored = new Map(
        (await query(store.conn, 'SELECT request_id, model, input_tokens, cached_input_tokens, output_tokens, e2e_ms, status, epoch_us(ts) AS us FROM requests')).map((x) => [String(x.request_id), x]),
      );
      const rejectLines = new Set(summary.rejects.map((x) => x.line));
      rows.forEach((row, k) => {
        const got = stored.get(row.fields.request_id!);
        const f = row.fields;
        if (row.fate === 'reject') {
          if (got) bad.push(`line ${lineOf(k)} should be rejected, stored ${JSON.stringify(got)} from ${JSON.stringify(f)}`);
          if (!rejectLines.has(lineOf(k))) bad.push(`line ${lineOf(k)} should be listed as a reject (${JSON.stringify(f)})`);
          return;
        }
        if (!got) return void bad.push(`line ${lineOf(k)} should be stored: ${JSON.stringify(f)}; rejects ${JSON.stringify(summary.rejects.filter((x) => x.line === lineOf(k)))}`);
        const want = { model: f.model, input_tokens: Number(f.input_tokens), cached_input_tokens: Number(f.cached_input_tokens), output_tokens: Number(f.output_tokens), e2e_ms: Number(f.e2e_ms), status: f.status ?? 'ok', us: row.tsUs };
        for (const [key, v] of Object.entries(want)) if (got[key] !== v) bad.push(`line ${lineOf(k)} ${key}: stored ${JSON.stringify(got[key])}, the line says ${JSON.stringify(v)}`);
      });
    } finally {
      store.close();
    }
    return bad;
  };
  return { format, outcome, check: () => check() };
}

describe('seeded import fuzz (every importer)', () => {
  it(
    `${CASES} cases: imported exactly or refused with exit 2 and a located message; never exit 1`,
    async () => {
      const failures: string[] = [];
      const seen = new Map<string, { imported: number; refused: number }>();
      for (let i = 0; i < CASES; i++) {
        const { format, outcome, check } = await runCase(i);
        const tally = seen.get(format) ?? { imported: 0, refused: 0 };
        seen.set(format, tally);
        const where = `case ${i} (${format}, seed ${SEED})`;
        if (outcome.code !== 0 && outcome.code !== 2) failures.push(`${where}: exit ${outcome.code}: ${outcome.stderr}`);
        if (/internal error/i.test(outcome.stderr)) failures.push(`${where}: ${outcome.stderr}`);
        const s = outcome.summary;
        if (outcome.code === 0) {
          tally.imported++;
          if (!s) failures.push(`${where}: exit 0 without a summary`);
        } else {
          tally.refused++;
          // Refused: the message names the file (or its line).
          if (!outcome.stderr.includes(basename(s?.file ?? 'in.')) && !/in\.\w+/.test(outcome.stderr)) failures.push(`${where}: refusal does not name the file: ${outcome.stderr}`);
        }
        if (s) {
          const accounted = s.kept + s.rejected + s.alreadyStored + (s.conflicts ?? 0);
          if (s.rowsRead !== accounted && !s.aborted) failures.push(`${where}: rows read ${s.rowsRead} ≠ kept ${s.kept} + rejected ${s.rejected} + already ${s.alreadyStored}`);
          if (s.rejects.length !== s.rejected) failures.push(`${where}: ${s.rejected} rejected but ${s.rejects.length} listed`);
          for (const x of s.rejects) if (!Number.isInteger(x.line) || x.line < 1 || !x.reason) failures.push(`${where}: unlocated reject ${JSON.stringify(x)}`);
        }
        failures.push(...(await check('')).map((m) => `${where}: ${m}`));
        if (failures.length > 20) break;
      }
      expect(failures).toEqual([]);
      // Every importer ran, and the generator produced both outcomes overall.
      expect([...seen.keys()].sort()).toEqual([...FORMATS].sort());
      const total = [...seen.values()].reduce((a, t) => ({ imported: a.imported + t.imported, refused: a.refused + t.refused }), { imported: 0, refused: 0 });
      expect(total.imported).toBeGreaterThan(CASES / 3);
      expect(total.refused).toBeGreaterThan(0);
    },
    600_000,
  );
});
