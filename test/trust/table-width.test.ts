import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { table } from '../../src/cli/format.js';
import { cli } from '../helpers/cli.js';
import { tempDir, writeTemp } from '../traces/helpers.js';

// Issue 11, "Terminal tables wrap at the terminal's width (compare is 325 columns today) or offer --wide":
// every command that prints a table goes through one renderer (format.ts `table`) and takes --width/--wide.
const ex = (name: string) => join(resolve(import.meta.dirname, '../..'), 'examples', name);
const widest = (t: string) => Math.max(...t.split('\n').map((l) => [...l].length));

const COMMANDS: string[][] = [
  ['compare', ex('saas-chat.yaml')],
  ['compare', ex('fleet.yaml'), '--uncertainty', '--samples', '200'],
  ['matrix', ex('fleet.yaml')],
  ['plan', ex('fleet.yaml')],
  ['scorecard', ex('vendors.yaml')],
  ['sensitivity', ex('saas-chat.yaml')],
  ['sweep', ex('saas-chat.yaml')],
  ['dedicated', ex('saas-chat.yaml')],
  ['tco', ex('open-vs-closed-tco.yaml')],
  ['procurement', ex('fleet.yaml')],
  ['forecast', ex('fleet.yaml')],
  ['explain', ex('saas-chat.yaml'), '--route', 'together/deepseek-v3'],
  ['catalog', 'list'],
  ['catalog', 'show', 'openai/gpt-5.5'],
];

describe('every terminal table fits --width and --wide keeps full rows', () => {
  for (const args of COMMANDS) {
    it(args.slice(0, 2).map((a) => a.split('/').at(-1)).join(' '), async () => {
      const narrow = await cli(...args, '--width', '100');
      expect(narrow.code, narrow.stderr).toBe(0);
      expect(widest(narrow.stdout)).toBeLessThanOrEqual(100);
      // --wide: nothing wrapped, the same text as a pipe (the tests' stdout is not a terminal).
      const wide = await cli(...args, '--wide');
      const piped = await cli(...args);
      expect(wide.stdout).toBe(piped.stdout);
    });
  }

  it('the traces commands: summarize, whatif, reconcile, check', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const csv = join(dir, 'g.csv');
    expect((await cli('traces', 'generate', '--workload', ex('saas-chat.yaml'), '--rows', '300', '--out', csv)).code).toBe(0);
    const inv = writeTemp('invoice.csv', 'period,provider,model,quantity,unit,amount\n2026-05,together,deepseek-v3,1,tokens,1.00\n', dir);
    expect((await cli('traces', 'import', csv, inv, '--db', db)).code).toBe(0);
    for (const args of [
      ['traces', 'summarize', '--db', db, '--slo-ttft-ms', '800', '--ops-cost-per-month', '100'],
      ['traces', 'whatif', '--db', db, '--workload', ex('saas-chat.yaml')],
      ['traces', 'reconcile', '--db', db],
      ['traces', 'check', '--db', db],
    ]) {
      const narrow = await cli(...args, '--width', '100');
      expect(narrow.stderr).not.toMatch(/unknown option/);
      expect(widest(narrow.stdout), args.join(' ')).toBeLessThanOrEqual(100);
      const wide = await cli(...args, '--wide');
      expect(wide.stdout).toBe((await cli(...args)).stdout);
      expect(widest(wide.stdout), args.join(' ')).toBeGreaterThan(100);
    }
  });

  it('the renderer shrinks the widest column first, wraps cells under their column, keeps right alignment', () => {
    const t = table(['Route', 'Note', 'LCPR'], [['a/b', 'one two three four five six seven eight', '$1.0000'], ['c/d', 'short', '$12.0000']], ['left', 'left', 'right'], 30);
    const lines = t.split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
    expect(lines[0]).toMatch(/^Route  Note +LCPR$/);
    // The note wraps onto continuation lines in its own column; the other cells stay on the row's first line.
    expect(lines[1]).toMatch(/^a\/b    one two three +\$1\.0000$/);
    expect(lines[2]!.startsWith('       four')).toBe(true);
    expect(lines.at(-1)).toMatch(/^c\/d    short +\$12\.0000$/);
    // No width: one line per row.
    expect(table(['Route', 'Note'], [['a/b', 'one two three four five six seven eight']]).split('\n')).toHaveLength(2);
  });
});
