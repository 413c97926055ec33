import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EXAMPLES } from '../helpers/claims.js';
import { tempDir } from './helpers.js';

const saas = join(EXAMPLES, 'saas-chat.yaml');

describe('routefit traces generate', () => {
  it('is deterministic for a seed and differs across seeds', async () => {
    const dir = tempDir();
    const gen = (seed: number, name: string) => cli('traces', 'generate', '--workload', saas, '--rows', '3000', '--days', '3', '--seed', String(seed), '--out', join(dir, name));
    expect((await gen(5, 'a.csv')).code).toBe(0);
    expect((await gen(5, 'b.csv')).code).toBe(0);
    expect((await gen(6, 'c.csv')).code).toBe(0);
    const a = readFileSync(join(dir, 'a.csv'), 'utf8');
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe(a);
    expect(readFileSync(join(dir, 'c.csv'), 'utf8')).not.toBe(a);
  });

  it('reproduces the workload: retry rate, pass rate and token means come back from the store', async () => {
    const dir = tempDir();
    const out = join(dir, 't.parquet');
    const db = join(dir, 's.duckdb');
    const g = await cli('traces', 'generate', '--workload', saas, '--rows', '40000', '--days', '10', '--seed', '11', '--out', out, '--json');
    expect(g.code).toBe(0);
    expect(JSON.parse(g.stdout)).toMatchObject({ format: 'parquet' });
    const imp = await cli('traces', 'import', out, '--db', db, '--json');
    expect(imp.code).toBe(0);
    const [summary] = JSON.parse(imp.stdout).imports;
    expect(summary.kept).toBe(JSON.parse(g.stdout).rows);
    const s = await cli('traces', 'summarize', '--db', db, '--by', 'workload', '--json');
    expect(s.code).toBe(0);
    const [grp] = JSON.parse(s.stdout).groups;
    // saas-chat: retry 3%, pass 95%, 800 in / 400 out (lognormal around those medians, so means sit above them).
    expect(grp.rates.retry).toBeGreaterThan(0.025);
    expect(grp.rates.retry).toBeLessThan(0.035);
    expect(grp.rates.pass).toBeGreaterThan(0.94);
    expect(grp.rates.pass).toBeLessThan(0.96);
    expect(grp.tokens.input.p50).toBeGreaterThan(760);
    expect(grp.tokens.input.p50).toBeLessThan(840);
  });

  it('plants malformed rows that the importer rejects with line numbers', async () => {
    const dir = tempDir();
    const out = join(dir, 'm.jsonl');
    const g = await cli('traces', 'generate', '--workload', saas, '--rows', '5000', '--days', '2', '--malformed', '0.01', '--out', out, '--json');
    const planted = JSON.parse(g.stdout).malformed;
    expect(planted).toBeGreaterThan(20);
    const refused = await cli('traces', 'import', out, '--db', join(dir, 's.duckdb'));
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/over the 1% limit; nothing was imported/);
    const ok = await cli('traces', 'import', out, '--db', join(dir, 's.duckdb'), '--accept-rejects', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).imports[0].rejected).toBe(planted);
    expect(JSON.parse(ok.stdout).imports[0].rejects[0].line).toBeGreaterThan(0);
  });

  it('refuses bad flags with exit code 2', async () => {
    const r = await cli('traces', 'generate', '--workload', saas, '--rows', 'many', '--out', join(tempDir(), 'x.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rows is "many"; allowed a whole number 1 ≤ value/);
    const s = await cli('traces', 'generate', '--workload', saas, '--shift', 'retry=5x@3', '--out', join(tempDir(), 'x.csv'));
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/retry takes an additive fraction/);
    const m = await cli('traces', 'summarize', '--db', join(tempDir(), 'missing.duckdb'));
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/no trace store at/);
  });
});

describe('routefit traces --help', () => {
  it.each(['import', 'summarize', 'generate'])('%s has examples and --json', async (cmd) => {
    const r = await cli('traces', cmd, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
    expect(r.stdout).toMatch(/--json/);
  });
});

describe('routefit traces import of a file that does not exist', () => {
  it('exits 2 naming the file and creates no store', async () => {
    const dir = tempDir();
    const db = join(dir, 'never.duckdb');
    const r = await cli('traces', 'import', join(dir, 'missing.csv'), '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.csv: file not found');
    expect(existsSync(db)).toBe(false);
  });
});
