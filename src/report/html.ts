import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { renderSvg } from '../charts/render-svg.js';
import type { Block, Inline, Table } from './blocks.js';
import { cite } from './citations.js';
import type { ReportModel } from './model.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const inline = (t: Inline[]) => t.map((x) => (typeof x === 'string' ? esc(x) : `<strong>${esc(x.strong)}</strong>`)).join('');

/** Inter (SIL Open Font License, @fontsource/inter), embedded so the layout is the same on every machine. */
function fontFaces(): string {
  const require = createRequire(import.meta.url);
  return [400, 600, 700]
    .map((w) => {
      const file = require.resolve(`@fontsource/inter/files/inter-latin-${w}-normal.woff2`);
      const b64 = readFileSync(file).toString('base64');
      return `@font-face{font-family:"Inter";font-style:normal;font-weight:${w};font-display:block;src:url(data:font/woff2;base64,${b64}) format("woff2")}`;
    })
    .join('\n');
}

const CSS = `
:root{--ink:#1f2328;--muted:#57606a;--line:#d8dee4;--soft:#f3f5f7;--accent:#0b5cad;--go:#1a7f37;--stay:#57606a;--measure:#9a6700;--none:#cf222e}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;font-family:Inter,"DejaVu Sans",Arial,sans-serif;color:var(--ink);font-size:10pt;line-height:1.45}
main{margin:0;padding:0}
header.cover{border-bottom:2px solid var(--ink);padding-bottom:5mm;margin-bottom:6mm}
header.cover .kicker{font-size:8.5pt;letter-spacing:.08em;text-transform:uppercase;color:var(--accent);font-weight:600}
header.cover h1{font-size:22pt;line-height:1.15;margin:1.5mm 0 2mm;font-weight:700}
header.cover .meta{color:var(--muted);font-size:9pt}
h2{font-size:15pt;margin:7mm 0 3mm;padding-bottom:1.5mm;border-bottom:1px solid var(--line);break-after:avoid}
h3{font-size:11.5pt;margin:5mm 0 2mm;break-after:avoid}
p{margin:0 0 2.5mm}
p.lead{font-size:11.5pt}
p.note{color:var(--muted);font-size:9pt}
p.warn{border-left:3px solid var(--measure);background:#fff8e5;padding:1.5mm 3mm}
.verdict{border:1px solid var(--line);border-left:5px solid var(--stay);border-radius:3px;padding:3mm 4mm;margin:0 0 3.5mm;break-inside:avoid;background:#fff}
.verdict.go{border-left-color:var(--go)}.verdict.measure{border-left-color:var(--measure)}.verdict.none{border-left-color:var(--none)}
.verdict .head{display:flex;gap:3mm;align-items:baseline;margin-bottom:1.5mm}
.verdict .name{font-weight:700;font-size:11.5pt}
.pill{font-size:8pt;font-weight:700;text-transform:uppercase;letter-spacing:.05em;padding:.4mm 2mm;border-radius:2mm;color:#fff;background:var(--stay)}
.go .pill{background:var(--go)}.measure .pill{background:var(--measure)}.none .pill{background:var(--none)}
.verdict p{margin:0 0 1.2mm}
table{width:100%;border-collapse:collapse;margin:1mm 0 4mm;font-size:7.8pt;line-height:1.3}
td{overflow-wrap:break-word}
thead{display:table-header-group}
tr{break-inside:avoid}
th{background:var(--soft);text-align:left;font-weight:600;border-bottom:1.5px solid var(--ink);padding:1.2mm 1.5mm;vertical-align:bottom}
td{border-bottom:1px solid var(--line);padding:1mm 1.5mm;vertical-align:top}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
th.n{text-align:right}
caption{caption-side:bottom;text-align:left;color:var(--muted);font-size:7.5pt;padding-top:1mm}
figure{margin:2mm 0 3mm;break-inside:avoid}
figure svg{display:block;max-width:100%;height:auto}
figcaption{color:var(--muted);font-size:8pt;margin-top:1mm}
ul{margin:0 0 3mm;padding-left:5mm}
li{margin-bottom:.8mm}
.break{break-before:page}
a{color:var(--accent)}
footer.end{margin-top:8mm;border-top:1px solid var(--line);padding-top:2mm;color:var(--muted);font-size:8pt}
@media screen{body{background:#f6f8fa}main{max-width:200mm;background:#fff;padding:14mm 16mm;margin:6mm auto;box-shadow:0 1px 3px rgba(0,0,0,.12)}.break{break-before:auto;margin-top:10mm}}
`;

function tableHtml(t: Table): string {
  const n = new Set(t.numeric ?? []);
  const cls = (i: number) => (n.has(i) ? ' class="n"' : '');
  return [
    '<table>',
    t.caption ? `<caption>${esc(t.caption)}</caption>` : '',
    `<thead><tr>${t.head.map((x, i) => `<th${cls(i)} scope="col">${esc(x)}</th>`).join('')}</tr></thead>`,
    `<tbody>${t.rows.map((r) => `<tr>${r.map((x, i) => `<td${cls(i)}>${esc(x)}</td>`).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('');
}

function blockHtml(b: Block, pendingBreak: boolean): string {
  const brk = pendingBreak ? ' class="break"' : '';
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}${b.id ? ` id="${esc(b.id)}"` : ''}${brk}>${esc(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p${b.tone ? ` class="${b.tone}"` : ''}>${inline(b.text)}</p>`;
    case 'table':
      return tableHtml(b.table);
    case 'figure':
      return `<figure>${renderSvg(b.spec, { width: b.width, height: b.height, id: b.id }).replace('<svg ', `<svg role="img" aria-label="${esc(b.caption)}" `)}<figcaption>${esc(b.caption)}</figcaption></figure>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
    case 'verdict':
      return `<div class="verdict ${b.tone}"><div class="head"><span class="name">${esc(b.workload)}</span><span class="pill">${esc(b.action)}</span></div>${b.text.map((t) => `<p>${inline(t)}</p>`).join('')}</div>`;
    case 'pagebreak':
      return '';
  }
}

export interface HtmlOptions {
  /** The CSV of the numbers, embedded as a download link (no external reference). */
  csv: string;
  csvName: string;
}

/** One self-contained HTML file: inline CSS, inline SVG charts, the font embedded; the same model gives the same bytes. */
export function renderHtml(m: ReportModel, blocks: Block[], o: HtmlOptions): string {
  const body: string[] = [];
  let pending = false;
  for (const b of blocks) {
    if (b.kind === 'pagebreak') {
      pending = true;
      continue;
    }
    body.push(blockHtml(b, pending && b.kind === 'heading'));
    if (b.kind === 'heading') pending = false;
  }
  const csvHref = `data:text/csv;charset=utf-8;base64,${Buffer.from(o.csv, 'utf8').toString('base64')}`;
  const meta = `${m.file} · priced as of ${m.asOf}${m.catalogDate ? ` · catalog prices observed up to ${m.catalogDate}` : ''} · routefit ${m.version}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="routefit ${esc(m.version)}">`,
    `<title>${esc(`Inference cost report: ${m.title}`)}</title>`,
    `<style>\n${fontFaces()}\n${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<header class="cover"><div class="kicker">Inference cost report</div><h1>${esc(m.title)}</h1><div class="meta">${esc(meta)}</div></header>`,
    ...body,
    `<p class="note">The numbers of this report as CSV: <a download="${esc(o.csvName)}" href="${csvHref}">${esc(o.csvName)}</a> (embedded in this file).</p>`,
    `<footer class="end">Every figure comes from the routefit engine (${esc(cite('Inference Field Guide, Part 0'))} for LCPR); assumptions carry their evidence labels. Generated by routefit ${esc(m.version)} from ${esc(m.file)}.</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
