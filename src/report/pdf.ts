import { existsSync } from 'node:fs';
import type { ReportModel } from './model.js';

/** Debian's chromium by default; ROUTEFIT_CHROMIUM points elsewhere (another distribution's path). */
export const CHROMIUM_ENV = 'ROUTEFIT_CHROMIUM';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export class BrowserMissingError extends Error {}

export function chromiumPath(): string {
  const p = process.env[CHROMIUM_ENV] || '/usr/bin/chromium';
  if (!existsSync(p)) throw new BrowserMissingError(`PDF output needs Chromium at ${p}: install it (Debian/Ubuntu: apt-get install chromium, or run scripts/setup-test-deps.sh) or set ${CHROMIUM_ENV} to its path; --out report.html needs no browser`);
  return p;
}

export interface PdfOptions {
  paper: 'A4' | 'Letter';
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Prints the report's HTML with headless Chromium (playwright-core): backgrounds printed, a running
 * header with the report's title, and a footer on every page with the workload file, the catalog
 * date, the routefit version and "page N of M". Table headers repeat because they are <thead>s.
 */
export async function renderPdf(m: ReportModel, html: string, o: PdfOptions): Promise<Buffer> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    // Nothing to fetch: the HTML is self-contained. Refuse any request so a stray URL cannot leak out.
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    await page.evaluate('document.fonts.ready.then(() => true)');
    // Templates are separate documents: no web font, no page CSS; single quotes inside the style attribute.
    const small = "font-family:'DejaVu Sans',Arial,sans-serif;font-size:7pt;color:#57606a;width:100%;box-sizing:border-box;padding:0 14mm;display:flex;justify-content:space-between;-webkit-print-color-adjust:exact";
    const header = `<div style="${small}"><span>Inference cost report: ${esc(m.title)}</span><span>priced as of ${esc(m.asOf)}</span></div>`;
    const footer = `<div style="${small}"><span>${esc(m.file)} · catalog ${esc(m.catalogDate ?? 'n/a')} · routefit ${esc(m.version)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
    const pdf = await page.pdf({
      format: o.paper,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: header,
      footerTemplate: footer,
      margin: { top: '16mm', bottom: '16mm', left: '14mm', right: '14mm' },
      tagged: true,
      outline: true,
    });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}
