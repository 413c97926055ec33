import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as `routefit <args>` would, on a fixed "today". */
export async function cli(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { out: (s) => (stdout += s), err: (s) => (stderr += s), today: '2026-11-22' });
  return { code, stdout, stderr };
}

/** Writes a YAML file into a fresh temp dir and returns its path. */
export function tempYaml(text: string, name = 'workload.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'routefit-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A fresh temp dir. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'routefit-'));
}
