import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredTests } from './helpers/summary-reporter.js';

const ROOT = join(import.meta.dirname, '..');

describe('closing "N passed, N failed" line', () => {
  it('counts the tests a file declares', () => {
    expect(declaredTests("it('a', () => {});\n  it.skip('b', () => {});\ntest.each([1, 2])('c %i', () => {});\n// it is not a test\nconst fit = 1;\n")).toBe(3);
  });

  it('counts a file that fails to load as failed, with the tests it holds, never dropping it', () => {
    let out = '';
    try {
      out = execFileSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(ROOT, 'test/fixtures/reporter/vitest.config.ts')], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      out = (err as { stdout: string }).stdout;
    }
    // loads.fixture.ts: 1 passed, 1 failed; broken.fixture.ts cannot import: its 3 declared tests fail.
    expect(out.trim().split('\n').at(-1)).toBe('1 passed, 4 failed');
  }, 120_000);
});
