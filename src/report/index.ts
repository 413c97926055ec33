// The buyer report (issue 13): a model computed by the engine, rendered to HTML, PDF, Markdown and CSV.
export { buildReport, type BuildOptions, type ReportModel, type WorkloadSection } from './model.js';
export { buildDocument } from './document.js';
export { renderHtml } from './html.js';
export { renderMarkdown } from './markdown.js';
export { reportCsv } from './csv.js';
export { renderPdf, chromiumPath, CHROMIUM_ARGS } from './pdf.js';
export { measureClickHouse, measureDuckDb, measureStore, type MeasuredSection } from './measured.js';
export { writeAll } from './write.js';
export { cite, DOCUMENT_TITLES } from './citations.js';
