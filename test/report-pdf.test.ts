import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usd, usdPerRequest } from '../src/charts/format.js';
import { EXAMPLES } from './helpers/claims.js';
import { cli, tempYaml } from './helpers/cli.js';

/** PNGs of the pages for a person to look at (git-ignored; not compared). */
const SHOTS = resolve(import.meta.dirname, '../test-output/report');
const FLEET = resolve(EXAMPLES, 'fleet.yaml');

const pdfinfo = (f: string) => execFileSync('pdfinfo', [f], { encoding: 'utf8' });
const pdftext = (f: string, page?: number) => execFileSync('pdftotext', [...(page ? ['-f', String(page), '-l', String(page)] : []), '-layout', f, '-'], { encoding: 'utf8' });
const pages = (f: string) => Number(/Pages:\s+(\d+)/.exec(pdfinfo(f))![1]);

async function pdf(file: string, name: string, ...extra: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'routefit-pdf-'));
  const out = join(dir, `${name}.pdf`);
  const r = await cli('report', file, '--out', out, ...extra);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

function shots(file: string, name: string): string[] {
  mkdirSync(SHOTS, { recursive: true });
  for (const f of readdirSync(SHOTS).filter((x) => x.startsWith(`${name}-`))) rmSync(join(SHOTS, f));
  execFileSync('pdftoppm', ['-r', '60', '-png', file, join(SHOTS, name)]);
  return readdirSync(SHOTS).filter((x) => x.startsWith(`${name}-`) && x.endsWith('.png'));
}

describe('routefit report --out x.pdf (headless Chromium, read back with poppler-utils)', () => {
  it('fleet.pdf: A4, a footer with file, catalog date, version and "page N of M" on every page, the figures of plan --json', async () => {
    const file = await pdf(FLEET, 'fleet');
    const info = pdfinfo(file);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+|Page size:\s+595\.\d+ x 842\.\d+/);
    const n = pages(file);
    expect(n).toBeGreaterThan(5);
    for (let p = 1; p <= n; p++) {
      const t = pdftext(file, p);
      expect(t, `page ${p}`).toMatch(new RegExp(`page ${p} of ${n}`));
      expect(t, `page ${p}`).toMatch(/fleet\.yaml · catalog 2026-\d\d-\d\d · routefit \d+\.\d+\.\d+/);
    }
    const plan = JSON.parse((await cli('plan', FLEET, '--json')).stdout);
    const text = pdftext(file).replace(/\s+/g, ' ');
    expect(text).toContain(`${usd(plan.totalCurrentMonthly)}/month`);
    for (const w of plan.workloads) expect(text).toContain(usdPerRequest(w.current.lcpr));
    // The verdict comes first: page 1 holds it.
    expect(pdftext(file, 1)).toMatch(/1\. Verdict/);
    // The CSV is written beside the PDF.
    expect(readFileSync(file.replace(/\.pdf$/, '.csv'), 'utf8').split('\n')[0]).toBe('section,workload,route,metric,value,unit,evidence,source');
    expect(shots(file, 'fleet').length).toBe(n);
  }, 120_000);

  it('prints backgrounds: the verdict pill\'s green is on page 1', async () => {
    const file = await pdf(resolve(EXAMPLES, 'saas-chat.yaml'), 'saas', '--samples', '500');
    const ppm = execFileSync('pdftoppm', ['-r', '40', '-f', '1', '-l', '1', file]);
    // P6 header: "P6\n<w> <h>\n255\n", then RGB bytes.
    const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'))!;
    const px = ppm.subarray(header[0].length);
    let green = 0;
    for (let i = 0; i + 2 < px.length; i += 3) if (Math.abs(px[i]! - 0x1a) < 24 && Math.abs(px[i + 1]! - 0x7f) < 24 && Math.abs(px[i + 2]! - 0x37) < 24) green++;
    expect(green).toBeGreaterThan(20);
  }, 120_000);

  it('Letter paper, table headers repeated on every page a long table reaches, the same text twice', async () => {
    // A workload priced on enough routes that its tables run over a page.
    const routes = ['openai/gpt-5.5', 'together/deepseek-v3', 'fireworks/llama-3.3-70b', 'deepinfra/gpt-oss-120b', 'together/llama-3.3-70b', 'anthropic/claude-sonnet-4.6'];
    const body = Array.from({ length: 10 }, (_, i) => `  - name: w${i}\n    requests_per_month: ${(i + 1) * 100000}\n    input_tokens: 800\n    output_tokens: 400`).join('\n');
    const file = tempYaml(`as_of: 2026-05-15\nroutes: [${routes.join(', ')}]\nworkloads:\n${body}\n`);
    const a = await pdf(file, 'long', '--paper', 'letter', '--samples', '300');
    expect(pdfinfo(a)).toMatch(/Page size:\s+612 x 792/);
    const n = pages(a);
    // Ten workloads' sensitivity and assumption tables run over page breaks. A page that continues a
    // table must open with the table's header row (a <thead> Chromium repeats), never with a bare row.
    const ROW = /^(requests_per_month|input_tokens|output_tokens|retry_rate|quality_pass_rate|repair_cost_per_failure|engineering_\w+|price\.\w+)\s+[\d,.]+\s/;
    const HEAD = /^Input\s+Value\s+/;
    let repeated = 0;
    for (let p = 2; p <= n; p++) {
      // Line 0 is the running header (title, date); the first line after it is the page's first content.
      const first = pdftext(a, p).split('\n').map((l) => l.trim()).filter(Boolean)[1] ?? '';
      expect(first, `page ${p} starts with a table row and no header`).not.toMatch(ROW);
      if (HEAD.test(first)) repeated++;
    }
    expect(repeated, 'some table continues onto a next page under its repeated header').toBeGreaterThan(0);
    const b = await pdf(file, 'long', '--paper', 'letter', '--samples', '300');
    expect(pdftext(b)).toBe(pdftext(a));
    shots(a, 'long');
  }, 240_000);
});
void writeFileSync;
