import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { usd, usdPerRequest } from '../src/charts/format.js';
import { compareRoutes } from '../src/engine/cost/compare.js';
import { monteCarlo } from '../src/engine/uncertainty/monte-carlo.js';
import { tornado } from '../src/engine/uncertainty/sensitivity.js';
import { briefWorkloads, loadFleet } from '../src/fleet/load.js';
import { csvCell, sig6 } from '../src/io/csv.js';
import { cite } from '../src/report/citations.js';
import { catalog, EXAMPLES } from './helpers/claims.js';
import { cli, tempYaml } from './helpers/cli.js';

const outDir = () => mkdtempSync(join(tmpdir(), 'routefit-report-'));
const FLEET = resolve(EXAMPLES, 'fleet.yaml');
const SAAS = resolve(EXAMPLES, 'saas-chat.yaml');

async function report(file: string, ext: 'html' | 'md', ...extra: string[]): Promise<{ code: number; stderr: string; path: string; text: string }> {
  const path = join(outDir(), `report.${ext}`);
  const r = await cli('report', file, '--out', path, ...extra);
  return { code: r.code, stderr: r.stderr, path, text: existsSync(path) ? readFileSync(path, 'utf8') : '' };
}

/** The HTML's reader-visible text: no SVG (axis ticks are not figures), no style, no data: URIs. */
function visibleText(html: string): string {
  return html
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/href="data:[^"]*"/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"');
}

const MONEY = /-?\$\d{1,3}(?:,\d{3})*(?:\.\d+)?/g;

/** Every way the report may print a number of the engine's JSON, plus the $ figures inside the engine's own sentences. */
function moneyFigures(...jsons: unknown[]): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'number' && Number.isFinite(v)) for (const s of [usd(v), usd(v, 2), usd(v, 3), usdPerRequest(v)]) out.add(s);
    else if (typeof v === 'string') for (const m of v.match(MONEY) ?? []) out.add(m);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  jsons.forEach(walk);
  return out;
}

function missingFigures(html: string, allowed: Set<string>): string[] {
  const text = visibleText(html);
  return [...new Set(text.match(MONEY) ?? [])].filter((m) => !allowed.has(m) && !allowed.has(m.replace(/\.$/, '')));
}

describe('routefit report: HTML', () => {
  it('a workload file: every money figure is one the engine\'s JSON holds (compare, sensitivity, compare --uncertainty)', async () => {
    const r = await report(SAAS, 'html');
    expect(r.code, r.stderr).toBe(0);
    const compare = JSON.parse((await cli('compare', SAAS, '--json')).stdout);
    const sensitivity = JSON.parse((await cli('sensitivity', SAAS, '--json')).stdout);
    const uncertainty = JSON.parse((await cli('compare', SAAS, '--uncertainty', '--json')).stdout);
    const allowed = moneyFigures(compare, sensitivity, uncertainty);
    expect(missingFigures(r.text, allowed)).toEqual([]);
    // And the other way: each route's LCPR and monthly cost as `compare --json` gives them are in the report.
    const text = visibleText(r.text);
    for (const route of compare.workloads[0].routes) {
      expect(text).toContain(usdPerRequest(route.lcpr));
      expect(text).toContain(usd(route.monthlyCost));
    }
    // The Monte Carlo bands are the CLI's (same samples, same seed).
    for (const u of uncertainty.workloads[0].uncertainty.routes) expect(text).toContain(`${usdPerRequest(u.lcpr.p10)}`);
  });

  it('a fleet file: the verdict and fleet table carry plan --json\'s figures; the rest the engine\'s for the same inputs', async () => {
    const r = await report(FLEET, 'html');
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse((await cli('plan', FLEET, '--json')).stdout);
    // The same inputs through the engine, as the report's sections state them: compare, tornado, Monte Carlo over the feasible routes.
    const fleet = loadFleet(FLEET, catalog(), { today: '2026-11-22' });
    const briefs = briefWorkloads(fleet);
    const engine = fleet.workloads.map((w, i) => {
      const b = plan.workloads[i];
      const c = compareRoutes(w.prepared.profile, w.prepared.routes);
      const priced = w.prepared.routes.filter((x) => c.routes.some((y) => y.route === x.id));
      const feasible = new Set(b.funnel.cells.filter((x: { status: string }) => x.status === 'priced').map((x: { route: string }) => x.route));
      const mcRoutes = priced.filter((x) => feasible.has(x.id) || x.id === b.current.route);
      const moving = b.migration && b.recommended && b.recommended.route !== b.current.route;
      const mc = monteCarlo(w.prepared.profile, mcRoutes, { asOf: w.prepared.asOf, ...(moving ? { migration: { from: b.current.route, oneTimeCost: b.migration.cost, horizonMonths: briefs[i]!.planningHorizonMonths ?? 12 } } : {}) });
      const t = tornado(w.prepared.profile, priced, { asOf: w.prepared.asOf });
      return { c, mc, t };
    });
    const allowed = moneyFigures(plan, engine);
    expect(missingFigures(r.text, allowed)).toEqual([]);
    const text = visibleText(r.text);
    expect(text).toContain(`${usd(plan.totalCurrentMonthly)}/month`);
    expect(text).toContain(`${usd(plan.totalMonthlySavings)}/month`);
    for (const w of plan.workloads) {
      expect(text).toContain(usdPerRequest(w.current.lcpr));
      if (w.savings && w.action === 'migrate') {
        expect(text).toContain(`${usd(w.savings.monthly)}/month`);
        expect(text).toContain(`${usd(w.savings.yearly)}/year`);
      }
    }
  });

  it('the seven sections come in order, verdict first, and documents are named by title', async () => {
    const r = await report(FLEET, 'html');
    const h2 = [...r.text.matchAll(/<h2[^>]*>([^<]+)<\/h2>/g)].map((m) => m[1]!.replace(/^(\d)\. .*/, '$1'));
    expect([...new Set(h2)]).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(visibleText(r.text).match(/seed ?\d{3}.{0,40}/gi)).toBeNull();
    expect(r.text).toContain('Inference Field Guide');
  });

  it('passes html-validate and holds no external reference', async () => {
    const r = await report(FLEET, 'html');
    const report_ = await new HtmlValidate({ extends: ['html-validate:recommended'] }).validateString(r.text);
    const messages = report_.results.flatMap((x) => x.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
    expect(messages).toEqual([]);
    // Every href/src/url() is a fragment or a data: URI; the only http(s) strings are SVG namespace names.
    for (const m of r.text.matchAll(/\b(?:href|src)="([^"]*)"/g)) expect(m[1]).toMatch(/^(#|data:)/);
    for (const m of r.text.matchAll(/url\(([^)]*)\)/g)) expect(m[1]).toMatch(/^(#|data:)/);
    const urls = [...new Set(r.text.match(/https?:\/\/[^\s"'<>)]+/g) ?? [])];
    expect(urls.every((u) => u.startsWith('http://www.w3.org/'))).toBe(true);
  });

  it('the same inputs and date give the same bytes, whatever the time zone', async () => {
    const a = await report(FLEET, 'html');
    const tz = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      const b = await report(FLEET, 'html');
      expect(b.text.length).toBeGreaterThan(10_000);
      expect(b.text === a.text).toBe(true);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('embeds the CSV of the numbers: the LCPR rows equal compare --json', async () => {
    const r = await report(SAAS, 'html');
    const b64 = /href="data:text\/csv;charset=utf-8;base64,([^"]+)"/.exec(r.text)![1]!;
    const rows = Buffer.from(b64, 'base64').toString('utf8').trim().split('\n').map((l) => l.split(','));
    expect(rows[0]).toEqual(['section', 'workload', 'route', 'metric', 'value', 'unit', 'evidence', 'source']);
    const compare = JSON.parse((await cli('compare', SAAS, '--json')).stdout);
    for (const route of compare.workloads[0].routes) {
      const row = rows.find((x) => x[0] === 'routes' && x[2] === route.route && x[3] === 'lcpr');
      expect(Number(row![4])).toBe(sig6(route.lcpr));
    }
  });
});

describe('routefit report: Markdown and CSV', () => {
  it('Markdown has the HTML\'s sections and writes the CSV beside it', async () => {
    const html = await report(FLEET, 'html');
    const mdr = await report(FLEET, 'md');
    expect(mdr.code, mdr.stderr).toBe(0);
    const h2html = [...html.text.matchAll(/<h2[^>]*>([^<]+)<\/h2>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    const h2md = [...mdr.text.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
    expect(h2md).toEqual(h2html);
    const csv = join(resolve(mdr.path, '..'), 'report.csv');
    expect(readFileSync(csv, 'utf8').startsWith('section,workload,route,metric')).toBe(true);
  });

  it('CSV cells that start with = + - @ are neutralized; numbers stay numbers', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+A1')).toBe("'+A1");
    expect(csvCell('+1')).toBe('+1'); // a plain number as text is a number
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell('plain')).toBe('plain');
    expect(() => csvCell(Number.NaN)).toThrow(/finite/);
    expect(csvCell('-5')).toBe('-5');
  });

  it('a workload named like a formula reaches the CSV neutralized', async () => {
    const file = tempYaml(readFileSync(SAAS, 'utf8').replace(/^name: .*$/m, 'name: "=cmd|calc"'));
    const r = await report(file, 'md');
    expect(r.code, r.stderr).toBe(0);
    const csv = readFileSync(join(resolve(r.path, '..'), 'report.csv'), 'utf8');
    expect(csv).toContain("'=cmd|calc");
    expect(csv).not.toMatch(/(^|,)=cmd/m);
  });
});

describe('routefit report: every example, bad input', () => {
  const files = readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f));
  // Not workload files: a TCO table, a vendor scorecard, an agent workflow (other commands read them) — refused with file:line.
  const others = new Set(['open-vs-closed-tco.yaml', 'vendors.yaml', 'coding-agent.yaml']);
  it.each(files)('%s', async (f) => {
    const r = await report(resolve(EXAMPLES, f), 'html', '--samples', '500');
    if (others.has(f)) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${f}:\\d+`));
      expect(existsSync(r.path)).toBe(false);
      return;
    }
    expect([0, 2], r.stderr).toContain(r.code);
    if (r.code === 2) expect(r.stderr).toMatch(/could not be priced/);
    expect(r.text).toContain('<h2 id="verdict">1. Verdict</h2>');
    expect(r.text).not.toMatch(/NaN|Infinity|undefined/);
  }, 60_000);

  it('bad input: file:line message, exit 2, and no file or temp file left behind', async () => {
    const file = tempYaml('name: broken\nrequests_per_month: -5\ninput_tokens: 800\noutput_tokens: 400\nroutes: [openai/gpt-5.5]\n');
    const dir = outDir();
    const r = await cli('report', file, '--out', join(dir, 'r.html'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an unknown output format and a missing folder before doing any work', async () => {
    const a = await cli('report', SAAS, '--out', 'report.docx');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/allowed \.html, \.pdf, \.md/);
    const b = await cli('report', SAAS, '--out', '/nonexistent-dir/x.html');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/does not exist/);
  });

  it('a PDF that cannot be printed leaves neither the PDF nor its CSV', async () => {
    const dir = outDir();
    const prev = process.env.ROUTEFIT_CHROMIUM;
    process.env.ROUTEFIT_CHROMIUM = '/nonexistent/chromium';
    try {
      const r = await cli('report', SAAS, '--out', join(dir, 'r.pdf'), '--samples', '200');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/needs Chromium/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      if (prev === undefined) delete process.env.ROUTEFIT_CHROMIUM;
      else process.env.ROUTEFIT_CHROMIUM = prev;
    }
  });

  it('names documents by title in cited text', () => {
    expect(cite('seed 000 Part 1; seed 001 ch. 15')).toBe('Inference Field Guide, Part 1; Inference Economics Playbook, ch. 15');
    expect(basename(FLEET)).toBe('fleet.yaml');
  });
});
void writeFileSync;
