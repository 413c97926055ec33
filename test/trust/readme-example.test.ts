import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const root = resolve(import.meta.dirname, '../..');

describe('the README shows what compare prints (issue 11 "Words that read backwards")', () => {
  it('the Lambda row says self-managed, as its mode does, and the table is the real output', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const r = await cli('compare', join(root, 'examples', 'saas-chat.yaml'));
    expect(r.code, r.stderr).toBe(0);
    const table = r.stdout.split('\n').slice(2, 8);
    for (const line of table) expect(readme).toContain(line);
    const lambda = table.find((l) => l.startsWith('lambda/'))!;
    expect(lambda).toContain('self_managed');
    expect(lambda).not.toMatch(/\(dedicated/);
  });
});
