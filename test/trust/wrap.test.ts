import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wrapProse } from '../../src/cli/format.js';
import { cli } from '../helpers/cli.js';

const ex = (name: string) => join(resolve(import.meta.dirname, '../..'), 'examples', name);

describe('compare text fits the terminal or says --wide (issue 11 "Words that read backwards")', () => {
  it('--width 100 wraps notes and prices (the 325-column price line) and fits the tables, keeping every row', async () => {
    const wide = await cli('compare', ex('saas-chat.yaml'), '--wide');
    const narrow = await cli('compare', ex('saas-chat.yaml'), '--width', '100');
    expect(narrow.code, narrow.stderr).toBe(0);
    expect(Math.max(...wide.stdout.split('\n').map((l) => l.length))).toBeGreaterThan(300);
    for (const l of narrow.stdout.split('\n')) expect([...l].length).toBeLessThanOrEqual(100);
    // Every word is kept: the same multiset of words, wrapped or not.
    const words = (t: string) => t.split(/\s+/).filter(Boolean).sort();
    expect(words(narrow.stdout).length).toBeGreaterThanOrEqual(words(wide.stdout).length);
  });
  it('leaves lines under the width alone and wraps a longer one under its indent', () => {
    const t = 'Route   LCPR\na  $1\n  ' + 'word '.repeat(30).trim();
    const w = wrapProse(t, 50).split('\n');
    expect(w.slice(0, 2)).toEqual(['Route   LCPR', 'a  $1']);
    expect(w.length).toBeGreaterThan(3);
    expect(w.slice(3).every((l) => l.startsWith('    '))).toBe(true);
  });
});
