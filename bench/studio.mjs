#!/usr/bin/env node
// Studio speed in Chromium (issue 12): edit → recompute → on screen for a fleet of 20 workloads × 20
// routes, and time to interactive of the first view. Baseline in the same run: one workload × 5
// routes (examples/saas-chat.yaml). Wall time beside renderer CPU time (CDP Performance metrics).
// Run: npm run bench:studio   (builds first; needs /usr/bin/chromium)
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const EDITS = Number(process.env.EDITS ?? 40);
const LOADS = Number(process.env.LOADS ?? 5);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function fleetFile(dir) {
  const cat = JSON.parse(execFileSync(process.execPath, [CLI, 'catalog', 'list', '--origin', 'all', '--as-of', '2026-05-15', '--json'], { encoding: 'utf8' }));
  const token = cat.tokenRoutes.filter((r) => r.input !== undefined && r.output !== undefined).map((r) => r.id);
  const routes = token.slice(0, 19);
  if (routes.length < 19) throw new Error(`catalog has only ${routes.length} token routes priced on 2026-05-15`);
  const lines = ['# bench fleet: 20 workloads × 20 routes', 'name: bench-fleet', 'as_of: 2026-05-15', 'routes:', ...routes.map((r) => `  - ${r}`), '  - { route: lambda/h100-sxm, serves: llama-3.3-70b, utilization: 0.4 }', 'workloads:'];
  for (let i = 0; i < 20; i++) {
    lines.push(
      `  - name: w${i + 1}`,
      `    requests_per_month: ${100000 * (i + 1)}`,
      `    input_tokens: ${400 + 150 * i}`,
      `    output_tokens: ${200 + 40 * i}`,
      `    retry_rate: ${(0.01 + 0.003 * i).toFixed(3)}`,
      `    quality_pass_rate: ${(0.97 - 0.01 * i).toFixed(2)}`,
    );
  }
  const file = join(dir, 'bench-fleet.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function start(file, cli = CLI) {
  const proc = spawn(process.execPath, [cli, 'studio', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /routefit Studio: (\S+)/.exec(out);
      if (m) ok({ url: m[1], stop: () => new Promise((r) => (proc.once('exit', r), process.kill(proc.pid, 'SIGTERM'))) });
    });
    proc.once('exit', (c) => fail(new Error(`studio exited ${c}`)));
  });
}

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

async function cpuSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration').value;
}

// Main-thread task time from a Chromium performance trace: the sum of the renderer main thread's
// top-level tasks (RunTask) inside a window. It counts the work the page does, not the time it waited
// for a core, so it moves less with the machine's load than wall time does.
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'toplevel'];
function mainThreadTasks(buf, markName) {
  const events = JSON.parse(buf.toString('utf8')).traceEvents ?? [];
  const mark = events.find((e) => e.name === markName);
  if (!mark) throw new Error(`trace holds no ${markName} mark`);
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === mark.pid && e.args?.name === 'CrRendererMain');
  const tid = main ? main.tid : mark.tid;
  const onMain = events.filter((e) => e.pid === mark.pid && e.tid === tid);
  let tasks = onMain.filter((e) => e.ph === 'X' && e.name === 'RunTask');
  if (!tasks.length) tasks = onMain.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask');
  const marks = (name) => onMain.filter((e) => e.name === name).map((e) => e.ts).sort((a, b) => a - b);
  /** Task time (ms) overlapping [from, to] (µs). */
  const within = (from, to) => tasks.reduce((a, t) => a + Math.max(0, Math.min(t.ts + t.dur, to) - Math.max(t.ts, from)), 0) / 1000;
  return { tasks, marks, within, mark };
}

async function tracedLoad(browser, url) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('studio-interactive').length > 0, null, { timeout: 60000 });
  const buf = await browser.stopTracing();
  await ctx.close();
  const t = mainThreadTasks(buf, 'studio-interactive');
  const [nav] = t.marks('navigationStart');
  const from = nav ?? Math.min(...t.tasks.map((x) => x.ts));
  return t.within(from, t.mark.ts);
}

async function measure(browser, url, label) {
  // Time to interactive: navigation start → first priced view on screen (performance mark in the app).
  const tti = [];
  const ttiCpu = [];
  for (let i = 0; i < LOADS; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('studio-interactive').length > 0, null, { timeout: 60000 });
    tti.push(await page.evaluate(() => performance.getEntriesByName('studio-interactive')[0].startTime));
    ttiCpu.push(await cpuSeconds(cdp));
    await ctx.close();
  }
  // Edit → the LCPR cell changes: input event dispatched in the page, MutationObserver sees the new number.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(url);
  await page.waitForSelector('[data-testid=routes-table] td.lcpr');
  const times = [];
  const cpu0 = await cpuSeconds(cdp);
  for (let i = 0; i < EDITS; i++) {
    const value = String(200000 + 7919 * (i + 1));
    times.push(
      await page.evaluate(
        (v) =>
          new Promise((ok) => {
            const input = document.querySelector('input[data-field=requests_per_month]');
            const cell = document.querySelector('[data-testid=routes-table] tbody');
            const before = cell.innerHTML;
            const obs = new MutationObserver(() => {
              if (cell.innerHTML !== before) {
                obs.disconnect();
                const dom = performance.now() - t0;
                // The frame that shows it: style, layout and paint run before the next rAF's task.
                requestAnimationFrame(() => setTimeout(() => ok([dom, performance.now() - t0]), 0));
              }
            });
            obs.observe(cell, { subtree: true, childList: true, characterData: true, attributes: true });
            const t0 = performance.now();
            input.value = v;
            input.dispatchEvent(new Event('input', { bubbles: true }));
          }),
        value,
      ),
    );
  }
  const cpu = ((await cpuSeconds(cdp)) - cpu0) / EDITS;
  // The same edits again under a trace: main-thread task time from the input event to the frame that shows it.
  const TRACED = Math.min(EDITS, 20);
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  for (let i = 0; i < TRACED; i++) {
    await page.evaluate(
      (v) =>
        new Promise((ok) => {
          const input = document.querySelector('input[data-field=requests_per_month]');
          const cell = document.querySelector('[data-testid=routes-table] tbody');
          const before = cell.innerHTML;
          const obs = new MutationObserver(() => {
            if (cell.innerHTML !== before) {
              obs.disconnect();
              requestAnimationFrame(() => setTimeout(() => (performance.mark('bench-edit-frame'), setTimeout(ok, 200)), 0));
            }
          });
          obs.observe(cell, { subtree: true, childList: true, characterData: true, attributes: true });
          performance.mark('bench-edit-start');
          input.value = v;
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }),
      String(300000 + 6007 * (i + 1)),
    );
  }
  const tr = mainThreadTasks(await browser.stopTracing(), 'bench-edit-start');
  const starts = tr.marks('bench-edit-start');
  const frames = tr.marks('bench-edit-frame');
  const editMain = starts.map((s0, i) => tr.within(s0, frames[i] ?? s0));
  await ctx.close();
  const loadMain = [];
  for (let i = 0; i < Math.min(LOADS, 3); i++) loadMain.push(await tracedLoad(browser, url));
  return { label, tti, ttiCpu, edit: times.map((t) => t[0]), frame: times.map((t) => t[1]), editCpuMs: cpu * 1000, editMain, loadMain };
}

const dir = mkdtempSync(join(tmpdir(), 'routefit-bench-studio-'));
copyFileSync(join(ROOT, 'examples/saas-chat.yaml'), join(dir, 'saas-chat.yaml'));
const fleet = fleetFile(dir);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const results = [];
// BEFORE=path/to/dist/cli/main.js adds an older build's cases to the same run (same machine, same load).
const builds = process.env.BEFORE ? [['before: ', process.env.BEFORE], ['', CLI]] : [['', CLI]];
const loadStart = (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
for (const [tag, cli] of builds) for (const [file, label] of [
  [join(dir, 'saas-chat.yaml'), 'baseline: 1 workload × 5 routes'],
  [fleet, 'fleet: 20 workloads × 20 routes'],
]) {
  const s = await start(file, cli);
  try {
    results.push(await measure(browser, s.url, tag + label));
  } finally {
    await s.stop();
  }
}
await browser.close();

const [base, big] = results.slice(-2);
const f = (n) => n.toFixed(1);
const load = (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`Studio bench (Chromium headless, ${EDITS} edits, ${LOADS} page loads each; load average at the start ${loadStart}, at the end ${load}, ${(await import('node:os')).cpus().length} cores)`);
console.log('| case | TTI median ms | TTI max ms | renderer CPU per load s | edit→DOM median ms | p95 ms | edit→next frame median ms | p95 ms | renderer CPU per edit ms |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.label} | ${f(q(r.tti, 0.5))} | ${f(Math.max(...r.tti))} | ${q(r.ttiCpu, 0.5).toFixed(2)} | ${f(q(r.edit, 0.5))} | ${f(q(r.edit, 0.95))} | ${f(q(r.frame, 0.5))} | ${f(q(r.frame, 0.95))} | ${f(r.editCpuMs)} |`);
}
console.log('| case | main-thread task ms, load → first view (median of traced loads) | main-thread task ms per edit → frame (median, p95) |');
console.log('|---|---|---|');
for (const r of results) console.log(`| ${r.label} | ${f(q(r.loadMain, 0.5))} | ${f(q(r.editMain, 0.5))}, ${f(q(r.editMain, 0.95))} |`);
if (results.length === 4) {
  const [b0, f0] = results;
  console.log(`after/before, fleet: TTI ${(q(big.tti, 0.5) / q(f0.tti, 0.5)).toFixed(2)}x, main-thread to first view ${(q(big.loadMain, 0.5) / q(f0.loadMain, 0.5)).toFixed(2)}x, edit→DOM ${(q(big.edit, 0.5) / q(f0.edit, 0.5)).toFixed(2)}x, main-thread per edit ${(q(big.editMain, 0.5) / q(f0.editMain, 0.5)).toFixed(2)}x; baseline: TTI ${(q(base.tti, 0.5) / q(b0.tti, 0.5)).toFixed(2)}x, main-thread to first view ${(q(base.loadMain, 0.5) / q(b0.loadMain, 0.5)).toFixed(2)}x`);
}
console.log(`ratio fleet/baseline: TTI ${(q(big.tti, 0.5) / q(base.tti, 0.5)).toFixed(2)}x, edit ${(q(big.edit, 0.5) / q(base.edit, 0.5)).toFixed(2)}x, edit CPU ${(big.editCpuMs / base.editCpuMs).toFixed(2)}x`);
const r16 = (n) => `${(n / 16).toFixed(2)}x of 16 ms`;
console.log(`fleet vs targets (issue 12): edit→DOM median ${r16(q(big.edit, 0.5))}, p95 ${r16(q(big.edit, 0.95))}; edit→frame median ${r16(q(big.frame, 0.5))}; first view median ${(q(big.tti, 0.5) / 1000).toFixed(2)}x of 1 s`);
console.log(`budgets: edit < 16 ms → ${q(big.edit, 0.5) < 16 ? 'met' : 'NOT met'} (median); first view < 1000 ms → ${q(big.tti, 0.5) < 1000 ? 'met' : 'NOT met'} (median)`);
