import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wrapProse } from '../../src/cli/format.js';
import { cli } from '../helpers/cli.js';

const ex = (name: string) => join(resolve(import.meta.dirname, '../..'), 'examples', name);

describe('compare text fits the terminal or says --wide (issue 11 "Words that read backwards")', () => {
  it('--width 100 wraps notes and prices (the 325-column price line), keeping every word', async () => {
    const wide = await cli('compare', ex('saas-chat.yaml'), '--wide');
    const narrow = await cli('compare', ex('saas-chat.yaml'), '--width', '100');
    expect(narrow.code, narrow.stderr).toBe(0);
    expect(Math.max(...wide.stdout.split('\n').map((l) => l.length))).toBeGreaterThan(300);
    const prose = narrow.stdout.split('\n').filter((l) => !/\S {2,}\S/.test(l.trimStart()));
    for (const l of prose) expect(l.length).toBeLessThanOrEqual(100);
    expect(narrow.stdout.replace(/\s+/g, ' ')).toBe(wide.stdout.replace(/\s+/g, ' '));
  });
  it('leaves table rows whole and text under the width alone', () => {
    const t = 'Route   LCPR\na  $1\n  ' + 'word '.repeat(30).trim();
    const w = wrapProse(t, 50).split('\n');
    expect(w.slice(0, 2)).toEqual(['Route   LCPR', 'a  $1']);
    expect(w.length).toBeGreaterThan(3);
    expect(w.slice(3).every((l) => l.startsWith('    '))).toBe(true);
  });
});
