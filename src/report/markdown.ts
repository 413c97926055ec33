import type { Block, Inline, Table } from './blocks.js';
import type { ReportModel } from './model.js';

const md = (s: string) => s.replace(/([\\`*_[\]|<>])/g, '\\$1');
const inline = (t: Inline[]) => t.map((x) => (typeof x === 'string' ? md(x) : `**${md(x.strong)}**`)).join('');

function tableMd(t: Table): string {
  const n = new Set(t.numeric ?? []);
  const cell = (s: string) => md(s).replace(/\n/g, ' ');
  const lines = [`| ${t.head.map(cell).join(' | ')} |`, `| ${t.head.map((_, i) => (n.has(i) ? '---:' : '---')).join(' | ')} |`, ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
  if (t.caption) lines.push('', `_${md(t.caption)}_`);
  return lines.join('\n');
}

/** The same sections as the HTML, as Markdown for a pull request or a wiki; charts are replaced by their tables. */
export function renderMarkdown(m: ReportModel, blocks: Block[], csvName: string): string {
  const out: string[] = [`# Inference cost report: ${md(m.title)}`, '', `${md(m.file)} · priced as of ${m.asOf}${m.catalogDate ? ` · catalog prices observed up to ${m.catalogDate}` : ''} · routefit ${m.version}`];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        out.push('', `${'#'.repeat(b.level)} ${md(b.text)}`);
        break;
      case 'paragraph':
        out.push('', b.tone === 'warn' ? `> **Note:** ${inline(b.text)}` : b.tone === 'note' ? `_${inline(b.text)}_` : inline(b.text));
        break;
      case 'table':
        out.push('', tableMd(b.table));
        break;
      case 'figure':
        out.push('', `_Chart (in the HTML and PDF report): ${md(b.caption)}_`);
        break;
      case 'list':
        out.push('', ...b.items.map((i) => `- ${inline(i)}`));
        break;
      case 'verdict':
        out.push('', `**${md(b.workload)} — ${md(b.action)}.** ${b.text.map(inline).join(' ')}`);
        break;
      case 'pagebreak':
        break;
    }
  }
  out.push('', `_The numbers as CSV: ${md(csvName)} (written beside this file)._`, '');
  return out.join('\n');
}
