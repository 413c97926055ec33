import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Screenshots land here (git-ignored) for a person to look at. */
export const SHOTS = join(ROOT, 'test-output');

export interface Studio {
  url: string;
  proc: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `routefit studio ARGS` from the built package and waits for the URL it prints; stopped by PID. */
export function startStudio(args: string[]): Promise<Studio> {
  const proc = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'studio', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const stop = () =>
    new Promise<void>((ok) => {
      if (proc.exitCode !== null) return ok();
      proc.once('exit', () => ok());
      process.kill(proc.pid!, 'SIGTERM');
    });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => void stop().then(() => fail(new Error(`studio did not start: ${out}`))), 30_000);
    proc.stdout!.on('data', () => {
      const m = /routefit Studio: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ url: m[1]!, proc, output: () => out, stop });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`studio exited ${code}: ${out}`));
    });
  });
}

/** A fresh folder holding copies of example files. */
export function exampleDir(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'routefit-studio-'));
  for (const n of names) cpSync(join(ROOT, 'examples', n), join(dir, n));
  return dir;
}
