import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { cli } from '../helpers/cli.js';

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

/** The exact figures a section shows (data-fig → data-value); '' for a figure the engine leaves null. */
export async function figs(page: Page, scope: string): Promise<Record<string, number | null>> {
  return page.$$eval(`${scope} [data-fig]`, (cells) => Object.fromEntries(cells.map((c) => [c.getAttribute('data-fig')!, c.getAttribute('data-value') === '' ? null : Number(c.getAttribute('data-value'))])));
}

/** A routefit command's --json output (the command must succeed). */
export async function cliJson(...args: string[]): Promise<Record<string, any>> {
  const r = await cli(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** A dotted path into a JSON value. */
export const get = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);

/** A new page at `url` whose console errors and page errors are collected into `errors` (every view must load without one). */
export async function openPage(browser: Browser, url: string, errors: string[], width = 1400): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  await page.goto(url);
  return page;
}
