import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { RoutefitError } from '../../engine/errors.js';
import { type ImportSummary, MAX_REJECT_RATE, type Reject, mapColumns } from '../staging.js';
import { DEFAULT_TIMESTAMP_WINDOW, type TimestampWindow } from '../time-window.js';
import { SECONDS_TWINS } from '../schema.js';
import type { ChStore } from './connection.js';
import { STAGE_COLUMNS, ruleSelectSql } from './row-rules.js';

/**
 * The ClickHouse-native check of a trace file (issue 14: "A ClickHouse import can be fed without
 * the local DuckDB pass"). The file is streamed, row by row, into a staging table of raw text on
 * the server (`line` + one Nullable(String) per normalized column); the row checks run there as
 * ClickHouse SQL (row-rules.ts) into a checked table; the summary (counts by rule, the first
 * located rejects, duplicates, the 1% rule) is read from it. No row passes through DuckDB.
 *
 * Both tables are TEMPORARY (session-scoped, Memory engine): an importer's staging is invisible to
 * every other importer, many importers stage at once, a refused file never touches the store's
 * database, and a killed importer's tables vanish with its session. What is stored, and when, is
 * decided under the import lock (import.ts writeImport), as for the DuckDB-checked path.
 *
 * The client's part is the one thing SQL cannot do on 18.16: split the file into rows. CSV (comma
 * delimited, RFC 4180 quoting) and JSONL are read here; the values stay text (a JSON number keeps
 * the digits as written). Other formats — OTLP JSON, LiteLLM, Langfuse, Helicone, Parquet, .zst —
 * are still checked by DuckDB (`checkedBy: "duckdb"`).
 */

export type CheckedBy = 'clickhouse' | 'duckdb';

/** Thrown by a stager, before anything is staged, for a file only DuckDB's reader takes. */
export class NotNativeError extends Error {}

/** Why the file is checked by DuckDB instead; undefined when the native path takes it. */
export function duckdbReason(file: string, format: string): string | undefined {
  if (format !== 'csv' && format !== 'jsonl') return `${format} files are converted by DuckDB`;
  if (/\.zst$/i.test(file)) return 'zstd files are decompressed by DuckDB';
  if (format === 'csv' && /\.tsv(\.gz)?$/i.test(file)) return 'tab-separated files are read by DuckDB';
  return undefined;
}

export interface NativeStaged {
  structural: Reject[];
  /** Stage columns the file has. */
  present: Set<string>;
  notes: string[];
  /** Store each row's line (JSONL); CSV rows keep NULL, as on the DuckDB path. */
  lineStored: boolean;
  /** SQL giving a staged row's file line from its `pos`. */
  lineSql: string;
}

const TSV_ESC: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };
const NEEDS_ESC = /[\\\t\n\r\0]/;
const tsv = (v: string | null): string => (v === null ? '\\N' : NEEDS_ESC.test(v) ? v.replace(/[\\\t\n\r\0]/g, (c) => TSV_ESC[c]!) : v);

/** DuckDB's staging of a text value: '' and all-space are NULL, surrounding spaces trimmed. */
function blankToNull(v: string | undefined): string | null {
  if (v === undefined || v === '') return null;
  if (v.charCodeAt(0) !== 32 && v.charCodeAt(v.length - 1) !== 32) return v;
  const t = v.replace(/^ +| +$/g, '');
  return t === '' ? null : t;
}

/** Physical lines of a (possibly gzipped) file, split on \n (a \r before it dropped), with whether the line is valid UTF-8. */
async function eachLine(file: string, fn: (text: string, no: number, utf8: boolean) => void | Promise<void>): Promise<void> {
  const src = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = /\.gz$/i.test(file) ? src.pipe(createGunzip()) : src;
  let carry: Buffer | undefined;
  let no = 0;
  // Synchronous per line; a promise (a full send buffer) is awaited only when the callback returns one.
  const emit = (buf: Buffer, a: number, b: number): void | Promise<void> => {
    let end = b;
    if (end > a && buf[end - 1] === 13) end--;
    const text = buf.toString('utf8', a, end);
    return fn(text, ++no, !text.includes('\uFFFD') || isUtf8(buf.subarray(a, end)));
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      const r = emit(buf, pos, nl);
      if (r) await r;
      pos = nl + 1;
    }
    carry = pos < buf.length ? buf.subarray(pos) : undefined;
  }
  if (carry?.length) await emit(carry, 0, carry.length);
}

/** One CSV record's fields (RFC 4180: "" inside quotes is a quote), or 'open' while a quoted field continues past the line, or 'bad' quoting. */
function splitCsv(text: string): string[] | 'open' | 'bad' {
  if (!text.includes('"')) return text.split(',');
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return 'open';
        v += text.slice(j, q);
        if (text[q + 1] === '"') {
          v += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(v);
      if (i >= text.length) return out;
      if (text[i] !== ',') return 'bad';
      i++;
    } else {
      const c = text.indexOf(',', i);
      out.push(c < 0 ? text.slice(i) : text.slice(i, c));
      if (c < 0) return out;
      i = c + 1;
    }
    if (i === text.length) {
      out.push('');
      return out;
    }
  }
}

/** The top-level values of a JSON object as DuckDB's json_extract_string gives them: strings as is, numbers as written, other JSON compact. */
function jsonFields(text: string): Map<string, string | null> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const out = new Map<string, string | null>();
  let raw: Map<string, string> | undefined;
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (v === null) out.set(k, null);
    else if (typeof v === 'string') out.set(k, v);
    else if (typeof v === 'number') out.set(k, (raw ??= rawNumbers(text)).get(k) ?? String(v));
    else if (typeof v === 'boolean') out.set(k, String(v));
    else out.set(k, JSON.stringify(v));
  }
  return out;
}

/** The text of each top-level number of a valid JSON object (JSON.parse would round 9223372036854775808 and respell 1e21). */
function rawNumbers(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = text.indexOf('{') + 1;
  const skipWs = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const skipString = () => {
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  for (;;) {
    skipWs();
    if (text[i] !== '"') return out;
    const k0 = i;
    skipString();
    const key = JSON.parse(text.slice(k0, i)) as string;
    skipWs();
    i++; // ':'
    skipWs();
    const v0 = i;
    if (text[i] === '"') skipString();
    else if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      do {
        if (text[i] === '"') {
          skipString();
          continue;
        }
        if (text[i] === '{' || text[i] === '[') depth++;
        else if (text[i] === '}' || text[i] === ']') depth--;
        i++;
      } while (depth > 0);
    } else {
      while (i < text.length && !',}'.includes(text[i]!) && !' \t\r\n'.includes(text[i]!)) i++;
      out.set(key, text.slice(v0, i));
    }
    skipWs();
    if (text[i] !== ',') return out;
    i++;
  }
}

/** Writes rows to the stage through one streamed INSERT (TabSeparated: \N is NULL), with backpressure. */
function stageWriter(ch: ChStore, stage: string, cols: readonly string[]) {
  const pass = new PassThrough();
  const done = ch.insertStream(`INSERT INTO ${stage} (pos, ${cols.map((c) => `\`${c}\``).join(', ')}) FORMAT TabSeparated`, pass);
  // A refused insert must not leave the writer waiting on a drain that never comes.
  let failed: unknown;
  done.catch((e) => {
    failed = e;
    pass.destroy();
  });
  let buf: string[] = [];
  let size = 0;
  const flush = async () => {
    if (!buf.length) return;
    const chunk = buf.join('');
    buf = [];
    size = 0;
    if (failed) throw failed;
    if (!pass.write(chunk)) {
      await new Promise<void>((r) => {
        const go = () => {
          pass.off('drain', go);
          pass.off('close', go);
          r();
        };
        pass.on('drain', go);
        pass.on('close', go);
      });
    }
  };
  return {
    row(pos: number, values: (string | null)[]): Promise<void> | undefined {
      let s = String(pos);
      for (const v of values) s += '\t' + tsv(v);
      buf.push(s, '\n');
      size += s.length;
      return size > 1 << 20 ? flush() : undefined;
    },
    async end() {
      await flush();
      pass.end();
      await done;
    },
    abort() {
      pass.destroy();
      return done.catch(() => undefined);
    },
  };
}

export const stageDdl = (stage: string, cols: readonly string[]) =>
  `CREATE TEMPORARY TABLE ${stage} (pos Int64, ${cols.map((c) => `\`${c}\` Nullable(String)`).join(', ')}) ENGINE = Memory`;

/** CSV: the header is mapped (and refused) before the server is touched; each record is staged with its line as the DuckDB path numbers it. */
async function stageCsv(ch: ChStore, file: string, stage: string): Promise<NativeStaged> {
  const notes: string[] = [];
  const structural: Reject[] = [];
  let header: string[] | undefined;
  let idx: number[] = [];
  let cols: string[] = [];
  let writer: ReturnType<typeof stageWriter> | undefined;
  let pending: { text: string; start: number } | undefined;
  // Lines as the DuckDB path numbers them (../import.ts csvLines): a rejected record at its line,
  // newlines inside quotes not counted; a staged row at 2 + its index among staged rows + the rejects
  // whose gap g = line − 1 − j (j-th reject) is ≤ that index.
  let staged = 0;
  let quotedNewlines = 0;
  const reject = (start: number, reason: string): void => {
    structural.push({ line: start - quotedNewlines, reason });
  };
  const readHeader = async (text: string) => {
    const h = splitCsv(text.replace(/^\uFEFF/, ''));
    if (typeof h === 'string') throw new RoutefitError('invalid_input', `${file}: the header line cannot be read as CSV (a quote is not closed)`, { field: 'file' });
    // Another delimiter (DuckDB's reader sniffs ; | and tab): left to the DuckDB path, before anything is staged.
    if (h.length === 1 && /[;|\t]/.test(h[0]!)) throw new NotNativeError('the file is not comma-separated');
    header = h;
    const map = mapColumns(file, header, notes);
    cols = [...map.src.keys(), ...[...map.twins.keys()].map((ms) => Object.keys(SECONDS_TWINS).find((t) => SECONDS_TWINS[t] === ms)!)];
    idx = [...map.src.values(), ...map.twins.values()].map((name) => header!.lastIndexOf(name));
    await ch.command(stageDdl(stage, cols));
    writer = stageWriter(ch, stage, cols);
  };
  const record = (text: string, start: number, utf8: boolean): void | Promise<void> => {
    if (!header) return readHeader(text);
    if (!utf8) return reject(start, 'malformed CSV (invalid encoding): Invalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded.');
    const f = splitCsv(text);
    if (f === 'bad' || f === 'open') {
      return reject(start, `malformed CSV (${f === 'open' ? 'unterminated quote' : 'unquoted value'}): a quoted field ${f === 'open' ? 'is never closed' : 'is followed by text before the next comma'}`);
    }
    if (f.length !== header.length) return reject(start, `malformed CSV (${f.length < header.length ? 'missing columns' : 'too many columns'}): Expected Number of Columns: ${header.length} Found: ${f.length}`);
    return writer!.row(staged++, idx.map((i) => blankToNull(f[i])));
  };
  try {
    await eachLine(file, (text, no, utf8) => {
      if (pending) {
        pending.text += '\n' + text;
        if (splitCsv(pending.text) === 'open') return;
        const p = pending;
        pending = undefined;
        const r = record(p.text, p.start, utf8);
        quotedNewlines += no - p.start;
        return r;
      }
      // An empty line is no record (DuckDB skips it); a line of spaces is one (with one column).
      if (text === '') return;
      if (utf8 && text.includes('"') && splitCsv(text) === 'open') {
        pending = { text, start: no };
        return;
      }
      return record(text, no, utf8);
    });
    if (pending) await record(pending.text, pending.start, true);
    if (!header) throw new RoutefitError('invalid_input', `${file}: the file is empty (no header line)`, { field: 'file' });
    await writer!.end();
  } catch (err) {
    await writer?.abort();
    throw err;
  }
  const gaps = structural.map((r, j) => r.line - 2 - j);
  const lineSql = gaps.length ? `pos + 2 + arrayCount(g -> g <= pos, [${gaps.join(', ')}])` : 'pos + 2';
  return { structural, present: new Set(cols), notes, lineStored: false, lineSql };
}

/** JSONL: one JSON object per non-blank line; every normalized key is staged, the column checks run once all keys are seen. */
async function stageJsonl(ch: ChStore, file: string, stage: string): Promise<NativeStaged> {
  const notes: string[] = [];
  const structural: Reject[] = [];
  const keys = new Set<string>();
  const slot = new Map(STAGE_COLUMNS.map((c, i) => [c, i]));
  await ch.command(stageDdl(stage, STAGE_COLUMNS));
  const writer = stageWriter(ch, stage, STAGE_COLUMNS);
  try {
    await eachLine(file, (text, no) => {
      if (/^ *$/.test(text)) return;
      const fields = jsonFields(text);
      if (!fields) {
        structural.push({ line: no, reason: 'malformed JSON: not a JSON object' });
        return;
      }
      const values: (string | null)[] = new Array(STAGE_COLUMNS.length).fill(null);
      for (const [k, v] of fields) {
        keys.add(k);
        const i = slot.get(k.trim().toLowerCase());
        if (i !== undefined) values[i] = v === null ? null : blankToNull(v);
      }
      return writer.row(no, values);
    });
    await writer.end();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  // Refused here when a required key appears in no line (as DuckDB's check of the file's keys).
  mapColumns(file, [...keys], notes);
  return { structural, present: new Set([...keys].map((k) => k.trim().toLowerCase()).filter((k) => slot.has(k))), notes, lineStored: true, lineSql: 'pos' };
}

export async function stageNative(ch: ChStore, file: string, format: 'csv' | 'jsonl', stage: string): Promise<NativeStaged> {
  return format === 'csv' ? stageCsv(ch, file, stage) : stageJsonl(ch, file, stage);
}

export interface NativeChecked {
  summary: ImportSummary;
  /** How many checked rows the load table holds that are to be stored. */
  valid: number;
  /** The load table's filter selecting them (good rows, first of each repeated key). */
  where: string;
  /** Earliest and latest stored timestamp (epoch µs). */
  range?: { lo: number; hi: number };
}

/**
 * Checks the staged rows into `load` (every row typed, with its rule) and builds the import summary
 * exactly as the DuckDB path does (../import.ts checkAndInsert): counts, rules, the first located
 * rejects, repeated keys after their first line (`duplicate_id`), rows out of time order, the 1% rule.
 */
export async function checkNative(
  ch: ChStore,
  file: string,
  format: string,
  staged: NativeStaged,
  t: { stage: string; load: string; dups: string },
  opts: { timestampWindow?: TimestampWindow; showRejects?: number; acceptRejects?: boolean },
): Promise<NativeChecked> {
  const window = opts.timestampWindow ?? DEFAULT_TIMESTAMP_WINDOW;
  const limit = opts.showRejects ?? 20;
  const rules = { window, present: staged.present, lineStored: staged.lineStored, lineSql: staged.lineSql };
  await ch.command(`CREATE TEMPORARY TABLE ${t.load} ENGINE = Memory AS ${ruleSelectSql(t.stage, { ...rules, reasons: false })}`);
  const [c] = await ch.query(`SELECT count() AS n, countIf(rule = '') AS good, uniqExactIf(request_id, attempt, rule = '') AS keys FROM ${t.load}`);
  const n = Number(c!.n);
  let good = Number(c!.good);
  let where = `rule = ''`;
  let dupRejects: Reject[] = [];
  let dupCount = 0;
  if (Number(c!.keys) !== good) {
    // Repeats of a key after its first line are rejected, naming that line (DuckDB's markDuplicates).
    await ch.command(
      `CREATE TEMPORARY TABLE ${t.dups} ENGINE = Memory AS
       SELECT request_id, attempt, line, first_line FROM ${t.load}
       ALL INNER JOIN (SELECT request_id, attempt, min(line) AS first_line FROM ${t.load} WHERE rule = '' GROUP BY request_id, attempt HAVING count() > 1) AS d USING (request_id, attempt)
       WHERE rule = '' AND line > first_line`,
    );
    dupCount = Number((await ch.query(`SELECT count() AS n FROM ${t.dups}`))[0]!.n);
    dupRejects = (await ch.query(`SELECT line, request_id, attempt, first_line FROM ${t.dups} ORDER BY line LIMIT ${limit}`)).map((r) => ({
      line: Number(r.line),
      reason: `duplicate request_id + attempt (${String(r.request_id)}, ${String(r.attempt)}), first at line ${String(r.first_line)}`,
    }));
    where += ` AND (request_id, attempt, line) NOT IN (SELECT request_id, attempt, line FROM ${t.dups})`;
    good -= dupCount;
  }
  const byRule = new Map<string, number>();
  if (n > good + dupCount) for (const r of await ch.query(`SELECT rule, count() AS n FROM ${t.load} WHERE rule != '' GROUP BY rule`)) byRule.set(String(r.rule), Number(r.n));
  if (dupCount) byRule.set('duplicate_id', dupCount);
  // Messages only for the rows shown: their stage rows are checked again, with reasons.
  const sample = byRule.size
    ? (
        await ch.query(
          `SELECT line, reason FROM (${ruleSelectSql(t.stage, { ...rules, reasons: true, where: `line IN (SELECT line FROM ${t.load} WHERE rule != '' ORDER BY line LIMIT ${limit})` })}) WHERE rule != '' ORDER BY line`,
        )
      ).map((r) => ({ line: Number(r.line), reason: String(r.reason) }))
    : [];
  await ch.command(`DROP TEMPORARY TABLE IF EXISTS ${t.stage}`);
  const [o] = good
    ? await ch.query(
        `SELECT arraySum(arrayMap((a, b) -> toUInt32(a < b), arrayPopFront(t), arrayPopBack(t))) AS out_of_order, arrayReduce('min', t) AS lo, arrayReduce('max', t) AS hi
         FROM (SELECT arraySort((x, l) -> l, groupArray(ts_us), groupArray(line)) AS t FROM ${t.load} WHERE ${where})`,
      )
    : [undefined];
  const structural = staged.structural;
  const rejected = n - good + structural.length;
  const rowsRead = n + structural.length;
  const rejectsByRule: Record<string, number> = {};
  if (structural.length) rejectsByRule.malformed = structural.length;
  for (const [rule, k] of [...byRule].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) rejectsByRule[rule] = (rejectsByRule[rule] ?? 0) + k;
  const rejects = [...structural, ...sample, ...dupRejects].sort((a, b) => a.line - b.line).slice(0, limit);
  const notes = [...staged.notes];
  if (o && Number(o.out_of_order) > 0) notes.push(`${o.out_of_order} rows have a timestamp earlier than the row before them: kept (metrics do not depend on file order)`);
  const rejectRate = rowsRead ? rejected / rowsRead : 0;
  const summary: ImportSummary = { file, format, importId: null, lineLabel: 'line', rowsRead, kept: 0, rejected, alreadyStored: 0, conflicts: 0, replaced: 0, rejectRate, rejectsByRule, rejects, notes };
  if (rowsRead === 0) summary.aborted = 'the file holds no rows';
  else if (rejectRate > MAX_REJECT_RATE && !opts.acceptRejects) {
    summary.aborted = `${rejected} of ${rowsRead} rows (${(rejectRate * 100).toFixed(2)}%) would be rejected, over the ${MAX_REJECT_RATE * 100}% limit; nothing was imported. Fix the file or pass --accept-rejects`;
  }
  return { summary, valid: good, where, ...(o ? { range: { lo: Number(o.lo), hi: Number(o.hi) } } : {}) };
}

/** The temporary tables of one native import (named by the importer's token, for the server's logs). */
export const nativeTables = (token: string) => ({ stage: `requests_stage_${token}`, load: `requests_load_${token}`, dups: `requests_dups_${token}` });

export const dropNative = async (ch: ChStore, t: ReturnType<typeof nativeTables>) => {
  for (const name of Object.values(t)) await ch.command(`DROP TEMPORARY TABLE IF EXISTS ${name}`).catch(() => undefined);
};

