import { existsSync, statSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import type { Store } from '../../../traces/db.js';
import type { ImportSummary } from '../../../traces/import.js';
import { InputFileError } from '../../../io/input-error.js';
import { count, percent } from '../../format.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../../io.js';
import { Opt, type OptionValues, defineCommand, opt } from '../../command.js';
import { expandGlob, hasGlobChars } from '../../../traces/input-files.js';
import { DEFAULT_TIMESTAMP_WINDOW, type TimestampWindow, parseTimestampWindow } from '../../../traces/time-window.js';
import { type StoreChoice, clickhouseOpt, clusterOpt, dbOpt, storeChoice, withTraceStore } from '../../stores.js';

const options = {
  db: dbOpt(),
  clickhouse: clickhouseOpt(),
  cluster: clusterOpt(),
  format: opt.string('--format <format>', 'override detection: csv, jsonl, parquet, otel, litellm, langfuse, helicone, focus, invoice, openai-usage, anthropic-usage, anthropic-cost, route-summary, otel-metrics, incidents'),
  acceptRejects: opt.flag('--accept-rejects', 'import even when more than 1% of rows are rejected'),
  replace: opt.flag('--replace', 'a row (or invoice line) whose key is stored with other values replaces the stored one, atomically (DuckDB: in the same transaction; ClickHouse: when the import commits); without it such a correction refuses the import'),
  glob: opt.flag('--glob', 'treat each argument as a glob pattern (*, ?, [...], **) and import every file it matches, listed; without it a path names exactly one file'),
  timestampWindow: new Opt<TimestampWindow>('--timestamp-window <from..to>', `timestamps outside it are rejected (default ${DEFAULT_TIMESTAMP_WINDOW.from}..${DEFAULT_TIMESTAMP_WINDOW.to})`, (t) =>
    parseTimestampWindow('--timestamp-window', t),
  ),
  showRejects: opt.number('--show-rejects <n>', 'list this many rejected rows (all are counted)', { min: 0, integer: true }).default(20),
  checkWith: new Opt<'duckdb' | 'clickhouse'>(
    '--check-with <engine>',
    'with --clickhouse: which engine checks trace rows on their way in — clickhouse (on the server; CSV and JSONL; the default for them) or duckdb (locally; every format; the default for the others)',
    (t) => {
      if (t !== 'duckdb' && t !== 'clickhouse') throw new CliUsageError(`--check-with is "${t}"; allowed: duckdb, clickhouse`);
      return t;
    },
  ),
  progress: opt.flag('--no-progress', 'no progress bar (it is shown only when stderr is a terminal)'),
  json: opt.json(),
};
type ImportOpts = OptionValues<typeof options>;

/** The bar of one file on stderr (only drawn when stderr is a terminal: see importFiles). */
const newBar = (label: string, unit: string) =>
  new SingleBar({ format: `${label} |{bar}| {percentage}% · ${unit}`, stream: process.stderr, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);

/** A progress bar on stderr while DuckDB works through a long file: it polls the running statement's progress. */
async function withProgress<T>(store: Store, label: string, enabled: boolean, body: () => Promise<T>): Promise<T> {
  if (!enabled) return body();
  const bar = newBar(label, 'step {step}');
  bar.start(100, 0, { step: 1 });
  let step = 1;
  let last = 0;
  const timer = setInterval(() => {
    const p = store.conn.progress.percentage;
    if (p >= 0 && p < last - 1) step++;
    if (p >= 0) last = p;
    bar.update(Math.max(0, Math.min(100, Math.round(p))), { step });
  }, 200);
  try {
    return await body();
  } finally {
    clearInterval(timer);
    bar.stop();
  }
}

/** The bar of a file ClickHouse checks: the share of the file read (checks run on the server as chunks arrive). Started by the first report. */
function readProgress(label: string, enabled: boolean) {
  let bar: SingleBar | undefined;
  return {
    update(p: { bytesRead: number; totalBytes: number }) {
      if (!enabled) return;
      if (!bar) {
        bar = newBar(label, 'read and checked on the server');
        bar.start(100, 0);
      }
      bar.update(p.totalBytes > 0 ? Math.min(100, Math.round((100 * p.bytesRead) / p.totalBytes)) : 0);
      // Read: cleared before the key match and its messages (a lock wait) begin.
      if (p.bytesRead >= p.totalBytes) {
        bar.stop();
        bar = undefined;
      }
    },
    stop: () => bar?.stop(),
  };
}

const cmdClusterGiven = (opts: ImportOpts) => opts.cluster !== undefined && process.env.ROUTEFIT_CLICKHOUSE_CLUSTER !== opts.cluster;

async function importFiles(files: string[], opts: ImportOpts, io: Io, where: StoreChoice): Promise<number> {
  const show = opts.showRejects;
  // A path names one file; patterns are expanded only with --glob, and what they matched is listed.
  if (opts.glob) {
    const matched: string[] = [];
    for (const pattern of files) {
      const hits = await expandGlob(pattern);
      io.err(`--glob ${pattern} matched ${hits.length} file${hits.length > 1 ? 's' : ''}: ${hits.join(', ')}\n`);
      matched.push(...hits);
    }
    files = [...new Set(matched)];
  }
  // Check the inputs before opening (and so creating) the store: a failed import leaves no trace.
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) {
    throw new InputFileError(
      missing[0]!,
      missing.map((f) => ({ message: hasGlobChars(f) ? 'file not found (a path names one file; pass --glob to expand *, ?, [ ] and { })' : 'file not found' })),
    );
  }
  // A folder is not "not found": say what to give instead.
  const folders = files.filter((f) => statSync(f).isDirectory());
  if (folders.length) {
    throw new InputFileError(folders[0]!, folders.map((f) => ({ message: `is a folder; give the files inside it (e.g. routefit traces import ${f.replace(/\/+$/, '')}/*.csv)` })));
  }
  const common = {
    today: io.today,
    showRejects: Math.floor(show),
    ...(opts.format ? { format: opts.format } : {}),
    ...(opts.acceptRejects ? { acceptRejects: true } : {}),
    ...(opts.replace ? { replace: true } : {}),
    ...(opts.timestampWindow ? { timestampWindow: opts.timestampWindow } : {}),
    ...(opts.checkWith ? { check: opts.checkWith } : {}),
  };
  if (opts.checkWith && where.kind !== 'clickhouse') {
    throw new CliUsageError('--check-with chooses how rows are checked on their way into a ClickHouse store (--clickhouse URL); a DuckDB store checks them itself: drop --check-with');
  }
  if (opts.cluster !== undefined && where.kind !== 'clickhouse' && cmdClusterGiven(opts)) {
    throw new CliUsageError('--cluster shards a ClickHouse store: pass --clickhouse URL (a node of the cluster) too');
  }
  const { summaries, json } = await withTraceStore(where, { create: true }, async (store) => {
    for (const n of store.notes) io.err(`${n}\n`);
    const out: ImportSummary[] = [];
    const bar = opts.progress !== false && process.stderr.isTTY === true;
    for (const f of files) {
      const reading = readProgress(f, bar);
      try {
        out.push(await store.importFile(f, { ...common, onLockWait: lockWaitNote(io, f), whileChecking: (checker, check) => withProgress(checker, f, bar, check), onReadProgress: (p) => reading.update(p) }));
      } finally {
        reading.stop();
      }
    }
    return { summaries: out, json: store.json };
  });
  return reportImports(summaries, json, opts, io);
}

/** Says once per file that another importer holds the store's lock (the wait is not silent). */
function lockWaitNote(io: Io, file: string): (holder: string) => void {
  let said = false;
  return (holder) => {
    if (said) return;
    said = true;
    io.err(`${file}: waiting for another import (token ${holder}) to finish writing (this file is checked and loaded: it is written when the lock frees)\n`);
  };
}

function reportImports(summaries: ImportSummary[], store: Readonly<Record<string, string>>, opts: ImportOpts, io: Io): number {
  if (opts.json) io.out(JSON.stringify({ ...store, imports: summaries }, null, 2) + '\n');
  else io.out(summaries.map(renderImport).join('\n\n') + '\n');
  const aborted = summaries.filter((s) => s.aborted);
  if (aborted.length && opts.json) io.err(`routefit: ${aborted.map((a) => `${a.file}: ${a.aborted}`).join('\n')}\n`);
  return aborted.length ? EXIT_BAD_INPUT : EXIT_OK;
}

export function renderImport(s: ImportSummary): string {
  const lines = [`${s.file} (${s.format}): ${count(s.rowsRead)} rows read, ${count(s.kept)} kept, ${count(s.rejected)} rejected (${percent(s.rejectRate, 2)}), ${count(s.alreadyStored)} already stored`];
  if (s.aborted) lines.push(`! ${s.aborted}`);
  const rules = Object.entries(s.rejectsByRule);
  if (rules.length) lines.push(`Rejected by reason: ${rules.map(([r, n]) => `${r} ${count(n)}`).join(', ')}`);
  for (const r of s.rejects) lines.push(`  ${s.file}:${s.lineLabel === 'row' ? 'row ' : ''}${r.line}: ${r.reason}`);
  if (s.rejected > s.rejects.length) lines.push(`  … and ${count(s.rejected - s.rejects.length)} more (--show-rejects N)`);
  if (s.conflicts) {
    lines.push(`${s.replaced ? 'Replaced' : 'Conflicts'} (key stored with other values): ${count(s.conflicts)}`);
    for (const r of s.conflictLines ?? []) lines.push(`  ${s.file}:${s.lineLabel === 'row' ? 'row ' : ''}${r.line}: ${r.reason}`);
  }
  for (const n of s.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

export default defineCommand({
  args: [{ name: '<files...>', description: 'trace files' }],
  options,
  examples: [
    'routefit traces import logs/may.csv',
    'routefit traces import may.parquet --db team.duckdb --json',
    'routefit traces import dirty.jsonl --accept-rejects',
    'routefit traces import anthropic-cost-report.json   # Admin API cost_report pages (amounts in cents)',
    'routefit traces import otel-metrics.jsonl   # OTLP JSON metrics: gen_ai.client.token.usage, durations',
    'routefit traces import big.parquet --clickhouse http://127.0.0.1:8123/traces',
    'routefit traces import day1.csv --clickhouse http://127.0.0.1:8123/traces --cluster routefit',
    'routefit traces import odd.csv --clickhouse http://127.0.0.1:8123/traces --check-with duckdb   # DuckDB\'s reader (time-zone names, BC dates)',
    "routefit traces import --glob 'logs/may-*.csv'   # every match is listed",
    'routefit traces import corrected-invoice.csv --replace   # the corrected lines replace the stored ones',
    'routefit traces import legacy.csv --timestamp-window 1995-01-01..2030-01-01',
  ],
  notes:
    'Rows are keyed on request_id + attempt: importing a file again adds nothing; a row stored with other values is a conflict (refused, or replaced with --replace). Exit code 2 when a file is refused.\n' +
    'Epoch timestamps are read in the unit their magnitude names (s, ms, µs, ns); a timestamp outside --timestamp-window is a rejected row. A truncated .gz/.zst file is refused.\n' +
    'With --clickhouse (or ROUTEFIT_CLICKHOUSE_URL) trace rows and ledgers (invoices, usage exports, metrics, incidents, route summaries) go to a ClickHouse server after the same checks. With --cluster NAME (or ROUTEFIT_CLICKHOUSE_CLUSTER) the store is sharded over that cluster; several machines may import into one store at once (one writes at a time, see docs/scale.md).',
  run: (opts, { args, io, cmd }) => importFiles(args, opts, io, storeChoice(cmd, opts)),
});
