import { isUtf8 } from 'node:buffer';
import { createReadStream, statSync } from 'node:fs';
import { PassThrough, Transform } from 'node:stream';
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
 * the server (`line` + one Nullable(String) per normalized column), a chunk at a time
 * (DEFAULT_CHUNK_ROWS); each chunk is checked as it arrives by ClickHouse SQL (row-rules.ts) into
 * the load table and dropped, so the server holds one chunk's text, not the file's. The summary
 * (counts by rule, the first located rejects, duplicates and the 1% rule over the whole file) is
 * read from the load table. No row passes through DuckDB.
 *
 * The staging table is TEMPORARY (session-scoped, Memory engine): invisible to every other
 * importer, gone with a killed importer's session. The load table is temporary too while the file
 * fits one chunk (a refused small file touches no database); a longer file's checked rows go to a
 * real MergeTree table `requests_load_<token>` on disk, named by the importer's lease (import.ts),
 * invisible to reads (they see committed imports' `requests_data` rows only) and dropped by the
 * next import if this one is killed (import.ts dropLeftovers). What is stored, and when, is decided
 * under the import lock (import.ts writeImport), as for the DuckDB-checked path.
 *
 * The client's part is the one thing SQL cannot do on 18.16: split the file into rows. CSV (RFC 4180
 * quoting; comma, pipe, semicolon or tab, sniffed from the header: sniffDelimiter) and JSONL are read
 * here; the values stay text (a JSON number keeps the digits as written). Other formats — OTLP JSON,
 * LiteLLM, Langfuse, Helicone, Parquet — are still checked by DuckDB (`checkedBy: "duckdb"`). A .gz or
 * .zst file is decompressed as it is read.
 */

export type CheckedBy = 'clickhouse' | 'duckdb';

/** Why the file is checked by DuckDB instead; undefined when the native path takes it. */
export function duckdbReason(format: string): string | undefined {
  if (format !== 'csv' && format !== 'jsonl') return `${format} files are converted by DuckDB`;
  return undefined;
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

/**
 * A zstd decompressing stream (RFC 8878) in JavaScript: Node 20's zlib has no zstd. fzstd (no
 * dependencies) decompresses ~165 MB/s of output per core here (docs/performance.md), a tenth of
 * what splitting and escaping the lines costs. Loaded only for a .zst file.
 */
async function unzstd(): Promise<Transform> {
  const { Decompress } = await import('fzstd');
  let t: Transform;
  // Each block is a fresh array: handed on without a copy.
  const d = new Decompress((blk) => {
    if (blk.length) t.push(Buffer.from(blk.buffer, blk.byteOffset, blk.length));
  });
  t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        d.push(chunk);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      try {
        d.push(new Uint8Array(0), true);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
  return t;
}

/** Physical lines of a (possibly gzipped or zstd-compressed) file, split on \n (a \r before it dropped), with whether the line is valid UTF-8. */
async function eachLine(file: string, fn: (text: string, no: number, utf8: boolean) => void | Promise<void>, onProgress?: (p: ReadProgress) => void): Promise<void> {
  const src = createReadStream(file, { highWaterMark: 1 << 20 });
  const totalBytes = onProgress ? statSync(file).size : 0;
  const stream = /\.gz$/i.test(file) ? src.pipe(createGunzip()) : /\.zst$/i.test(file) ? src.pipe(await unzstd()) : src;
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
    // Bytes of the file as stored (compressed for .gz), so the share read is a true fraction.
    onProgress?.({ bytesRead: src.bytesRead, totalBytes });
  }
  if (carry?.length) await emit(carry, 0, carry.length);
}

/** One CSV record's fields split on `d` (RFC 4180: "" inside quotes is a quote), or 'open' while a quoted field continues past the line, or 'bad' quoting. */
function splitCsv(text: string, d = ','): string[] | 'open' | 'bad' {
  if (!text.includes('"')) return text.split(d);
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
      if (text[i] !== d) return 'bad';
      i++;
    } else {
      const c = text.indexOf(d, i);
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

/** The delimiters DuckDB's CSV sniffer tries, in its order. */
const DELIMITERS = [',', '|', ';', '\t'];

/**
 * The file's delimiter, from its header: the one that splits it into the most fields, the first of
 * DELIMITERS on a tie (a header with none of them is one column, read as comma-separated). A trace
 * file's header has ~10+ names, so this is the delimiter DuckDB's sniffer settles on for it too.
 */
export function sniffDelimiter(header: string): string {
  let best = ',';
  let most = 1;
  for (const d of DELIMITERS) {
    const f = splitCsv(header, d);
    if (typeof f !== 'string' && f.length > most) {
      best = d;
      most = f.length;
    }
  }
  return best;
}

const DELIMITER_NAME: Record<string, string> = { ',': 'comma', '|': 'pipe', ';': 'semicolon', '\t': 'tab' };

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

/** How far through the file the reader is (bytes of the file as stored). */
export interface ReadProgress {
  bytesRead: number;
  totalBytes: number;
}

/** Rows staged (in server memory) before they are checked and moved out: bounds the server's memory, not the file's size. */
export const DEFAULT_CHUNK_ROWS = 500_000;

export interface NativeOptions {
  timestampWindow?: TimestampWindow;
  showRejects?: number;
  acceptRejects?: boolean;
  /** Rows per staged chunk (default DEFAULT_CHUNK_ROWS; tests take a few to exercise the chunked path). */
  chunkRows?: number;
  onProgress?: (p: ReadProgress) => void;
  /**
   * Called when the file needs a second chunk (again, with the same answer, if a JSONL file is checked twice): gives the (database-qualified) name of the real
   * table the checked rows go to, named by a live importer's token so a killed import's table is
   * reclaimed (import.ts dropLeftovers). A file of one chunk keeps its checked rows in a temporary table.
   */
  spill: () => Promise<string>;
}

/** The temporary tables of one native import (named by the importer's token, for the server's logs). */
export const nativeTables = (token: string) => ({ stage: `requests_stage_${token}`, load: `requests_load_${token}`, dups: `requests_dups_${token}` });
type NativeTables = ReturnType<typeof nativeTables>;

/**
 * Which raw column feeds each column that has an alternative (timestamp or `ts`, a latency or its
 * seconds twin): the one choice of the rule SQL that depends on which columns the whole file has.
 */
function sourceChoice(present: ReadonlySet<string>): string {
  const pick = [present.has('timestamp') ? 'timestamp' : present.has('ts') ? 'ts' : '-'];
  for (const [twin, ms] of Object.entries(SECONDS_TWINS)) pick.push(present.has(ms) ? ms : present.has(twin) ? twin : '-');
  return pick.join(',');
}

/**
 * The checked rows of a file, chunk by chunk: each staged chunk is checked by one INSERT … SELECT
 * (row-rules.ts) into the load table and dropped from the server's memory. The load table is a
 * temporary (Memory) one while the file is one chunk; a longer file's go to a real MergeTree table
 * (on disk, invisible to reads: only `requests_data` rows of committed imports are seen).
 */
class Checked {
  load?: { name: string; temporary: boolean };
  /** The first rule-rejected rows with their messages (a report lists at most `limit`). */
  readonly samples: Reject[] = [];
  /** The source choices the chunks were checked with (a JSONL file's keys grow as it is read). */
  readonly choices = new Set<string>();
  constructor(
    private readonly ch: ChStore,
    private readonly t: NativeTables,
    private readonly o: { window: TimestampWindow; limit: number; lineStored: boolean; spill: () => Promise<string> },
  ) {}

  /** Checks the staged chunk; `first` is its first row's line, `last` whether the file ends with it. */
  async chunk(present: ReadonlySet<string>, lineSql: string, first: number, rows: number, last: boolean): Promise<void> {
    const rules = { window: this.o.window, present, lineStored: this.o.lineStored, lineSql };
    const select = ruleSelectSql(this.t.stage, { ...rules, reasons: false });
    this.choices.add(sourceChoice(present));
    if (!this.load) {
      this.load = last ? { name: this.t.load, temporary: true } : { name: await this.o.spill(), temporary: false };
      await this.ch.command(this.load.temporary ? `CREATE TEMPORARY TABLE ${this.load.name} ENGINE = Memory AS ${select}` : `CREATE TABLE ${this.load.name} ENGINE = MergeTree ORDER BY line AS ${select}`);
    } else if (rows) await this.ch.command(`INSERT INTO ${this.load.name} ${select}`);
    const need = this.o.limit - this.samples.length;
    if (rows && need > 0) {
      // Messages only for the rows shown: their stage rows are checked again, with reasons. A chunk
      // with no reject skips that query, whose reason expressions alone cost 18.16 ~1 s to prepare.
      const lines = (await this.ch.query(`SELECT line FROM ${this.load.name} WHERE line >= ${first} AND rule != '' ORDER BY line LIMIT ${need}`)).map((r) => Number(r.line));
      if (lines.length) {
        const shown = `line IN (${lines.join(', ')})`;
        const rs = await this.ch.query(`SELECT line, reason FROM (${ruleSelectSql(this.t.stage, { ...rules, reasons: true, where: shown })}) WHERE rule != '' ORDER BY line`);
        for (const r of rs) this.samples.push({ line: Number(r.line), reason: String(r.reason) });
      }
    }
  }
}

/** What a stager gives besides the checked rows. */
interface Staged {
  structural: Reject[];
  notes: string[];
}

/** A chunk's staging table and writer: rows go in until `chunkRows`, then the chunk is checked and the stage emptied. */
function chunkedStage(ch: ChStore, t: NativeTables, cols: readonly string[], chunkRows: number, cut: (rows: number, last: boolean) => Promise<void>) {
  let writer: ReturnType<typeof stageWriter> | undefined;
  let inChunk = 0;
  const open = async () => {
    await ch.command(stageDdl(t.stage, cols));
    writer = stageWriter(ch, t.stage, cols);
  };
  const close = async (last: boolean) => {
    await writer!.end();
    writer = undefined;
    const rows = inChunk;
    inChunk = 0;
    await cut(rows, last);
    await ch.command(`DROP TEMPORARY TABLE IF EXISTS ${t.stage}`);
  };
  return {
    open,
    /** Rows in the current chunk (0: the next row starts one). */
    get rows() {
      return inChunk;
    },
    row(pos: number, values: (string | null)[]): void | Promise<void> {
      const r = writer!.row(pos, values);
      if (++inChunk < chunkRows) return r;
      return (async () => {
        if (r) await r;
        await close(false);
        await open();
      })();
    },
    end: () => close(true),
    abort: () => writer?.abort(),
  };
}

/** CSV: the header is mapped (and refused) before the server is touched; each record is staged with its line as the DuckDB path numbers it. */
async function stageCsv(ch: ChStore, file: string, t: NativeTables, checked: Checked, o: NativeOptions): Promise<Staged> {
  const notes: string[] = [];
  const structural: Reject[] = [];
  let header: string[] | undefined;
  let delim = ',';
  let idx: number[] = [];
  let present = new Set<string>();
  let stage: ReturnType<typeof chunkedStage> | undefined;
  let pending: { text: string; start: number } | undefined;
  // Lines as the DuckDB path numbers them (../import.ts csvLines): a rejected record at its line,
  // newlines inside quotes not counted; a staged row at 2 + its index among staged rows + the rejects
  // whose gap g = line − 1 − j (j-th reject) is ≤ that index. A later reject's gap is past every
  // row staged before it, so each chunk's lines are final when it is checked.
  let staged = 0;
  let chunkStart = 0;
  let quotedNewlines = 0;
  const gaps = () => structural.map((r, j) => r.line - 2 - j);
  const lineOf = (pos: number) => pos + 2 + gaps().filter((g) => g <= pos).length;
  const reject = (start: number, reason: string): void => {
    structural.push({ line: start - quotedNewlines, reason });
  };
  const cut = async (rows: number, last: boolean) => {
    const g = gaps();
    const lineSql = g.length ? `pos + 2 + arrayCount(g -> g <= pos, [${g.join(', ')}])` : 'pos + 2';
    await checked.chunk(present, lineSql, lineOf(chunkStart), rows, last);
    chunkStart = staged;
  };
  const readHeader = async (text: string) => {
    const line = text.replace(/^\uFEFF/, '');
    delim = sniffDelimiter(line);
    const h = splitCsv(line, delim);
    if (typeof h === 'string') throw new RoutefitError('invalid_input', `${file}: the header line cannot be read as CSV (a quote is not closed)`, { field: 'file' });
    header = h;
    const map = mapColumns(file, header, notes);
    const cols = [...map.src.keys(), ...[...map.twins.keys()].map((ms) => Object.keys(SECONDS_TWINS).find((t) => SECONDS_TWINS[t] === ms)!)];
    present = new Set(cols);
    idx = [...map.src.values(), ...map.twins.values()].map((name) => header!.lastIndexOf(name));
    stage = chunkedStage(ch, t, cols, o.chunkRows ?? DEFAULT_CHUNK_ROWS, cut);
    await stage.open();
  };
  const record = (text: string, start: number, utf8: boolean): void | Promise<void> => {
    if (!header) return readHeader(text);
    if (!utf8) return reject(start, 'malformed CSV (invalid encoding): Invalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded.');
    const f = splitCsv(text, delim);
    if (f === 'bad' || f === 'open') {
      return reject(start, `malformed CSV (${f === 'open' ? 'unterminated quote' : 'unquoted value'}): a quoted field ${f === 'open' ? 'is never closed' : `is followed by text before the next ${DELIMITER_NAME[delim]}`}`);
    }
    if (f.length !== header.length) return reject(start, `malformed CSV (${f.length < header.length ? 'missing columns' : 'too many columns'}): Expected Number of Columns: ${header.length} Found: ${f.length}`);
    return stage!.row(staged++, idx.map((i) => blankToNull(f[i])));
  };
  try {
    await eachLine(
      file,
      (text, no, utf8) => {
        if (pending) {
          pending.text += '\n' + text;
          if (splitCsv(pending.text, delim) === 'open') return;
          const p = pending;
          pending = undefined;
          const r = record(p.text, p.start, utf8);
          quotedNewlines += no - p.start;
          return r;
        }
        // An empty line is no record (DuckDB skips it); a line of spaces is one (with one column).
        if (text === '') return;
        if (utf8 && text.includes('"') && splitCsv(text, delim) === 'open') {
          pending = { text, start: no };
          return;
        }
        return record(text, no, utf8);
      },
      o.onProgress,
    );
    if (pending) await record(pending.text, pending.start, true);
    if (!header) throw new RoutefitError('invalid_input', `${file}: the file is empty (no header line)`, { field: 'file' });
    await stage!.end();
  } catch (err) {
    await stage?.abort();
    throw err;
  }
  return { structural, notes };
}

/**
 * JSONL: one JSON object per non-blank line; every normalized key is staged. Which columns the file
 * has is known only at its end: each chunk is checked with the keys seen so far, and when a later
 * key changes a choice an earlier chunk was checked with (a `timestamp` key after `ts`-only lines,
 * a latency after its seconds twin), the caller checks the file again with the file's keys (`keysOf`).
 */
async function stageJsonl(ch: ChStore, file: string, t: NativeTables, checked: Checked, o: NativeOptions, keysOf?: ReadonlySet<string>): Promise<Staged & { present: Set<string> }> {
  const notes: string[] = [];
  const structural: Reject[] = [];
  const keys = new Set<string>();
  const slot = new Map(STAGE_COLUMNS.map((c, i) => [c, i]));
  const present = new Set<string>(keysOf ?? []);
  let first = 0;
  const stage = chunkedStage(ch, t, STAGE_COLUMNS, o.chunkRows ?? DEFAULT_CHUNK_ROWS, (rows, last) => checked.chunk(present, 'pos', first, rows, last));
  await stage.open();
  try {
    await eachLine(
      file,
      (text, no) => {
        if (/^ *$/.test(text)) return;
        const fields = jsonFields(text);
        if (!fields) {
          structural.push({ line: no, reason: 'malformed JSON: not a JSON object' });
          return;
        }
        const values: (string | null)[] = new Array(STAGE_COLUMNS.length).fill(null);
        for (const [k, v] of fields) {
          if (!keys.has(k)) {
            keys.add(k);
            const low = k.trim().toLowerCase();
            if (slot.has(low)) present.add(low);
          }
          const i = slot.get(k.trim().toLowerCase());
          if (i !== undefined) values[i] = v === null ? null : blankToNull(v);
        }
        if (stage.rows === 0) first = no;
        return stage.row(no, values);
      },
      o.onProgress,
    );
    // Refused here when a required key appears in no line (as DuckDB's check of the file's keys), before the last chunk is checked.
    mapColumns(file, [...keys], notes);
    await stage.end();
  } catch (err) {
    await stage.abort();
    throw err;
  }
  return { structural, notes, present };
}

export interface NativeChecked {
  summary: ImportSummary;
  /** How many checked rows the load table holds that are to be stored. */
  valid: number;
  /** The load table (a temporary one, or the real one `spill` named). */
  load: string;
  /** The load table's filter selecting them (good rows, first of each repeated key). */
  where: string;
  /** Earliest and latest stored timestamp (epoch µs). */
  range?: { lo: number; hi: number };
}

/**
 * Stages and checks the file chunk by chunk (see Checked), then builds the import summary over the
 * whole file exactly as the DuckDB path does (../import.ts checkAndInsert): counts, rules, the first
 * located rejects, repeated keys after their first line (`duplicate_id`, across chunks), rows out of
 * time order, the 1% rule.
 */
export async function checkNative(ch: ChStore, file: string, format: 'csv' | 'jsonl', t: NativeTables, opts: NativeOptions): Promise<NativeChecked> {
  const window = opts.timestampWindow ?? DEFAULT_TIMESTAMP_WINDOW;
  const limit = opts.showRejects ?? 20;
  const o = { window, limit, lineStored: format === 'jsonl', spill: opts.spill };
  let checked = new Checked(ch, t, o);
  let staged: Staged;
  if (format === 'csv') staged = await stageCsv(ch, file, t, checked, opts);
  else {
    const first = await stageJsonl(ch, file, t, checked, opts);
    staged = first;
    if ([...checked.choices].some((c) => c !== sourceChoice(first.present))) {
      // A chunk was checked with a column the file's later keys override: check it all again with the file's keys.
      await dropLoad(ch, checked);
      checked = new Checked(ch, t, o);
      staged = await stageJsonl(ch, file, t, checked, opts, first.present);
    }
  }
  return summarize(ch, file, format, t, checked, staged, limit, opts.acceptRejects === true);
}

async function dropLoad(ch: ChStore, checked: Checked): Promise<void> {
  if (checked.load) await ch.command(checked.load.temporary ? `DROP TEMPORARY TABLE IF EXISTS ${checked.load.name}` : `DROP TABLE IF EXISTS ${checked.load.name}`);
}

async function summarize(ch: ChStore, file: string, format: string, t: NativeTables, checked: Checked, staged: Staged, limit: number, acceptRejects: boolean): Promise<NativeChecked> {
  const load = checked.load!.name;
  const [c] = await ch.query(`SELECT count() AS n, countIf(rule = '') AS good, uniqExactIf(request_id, attempt, rule = '') AS keys FROM ${load}`);
  const n = Number(c!.n);
  let good = Number(c!.good);
  let where = `rule = ''`;
  let dupRejects: Reject[] = [];
  let dupCount = 0;
  if (Number(c!.keys) !== good) {
    // Repeats of a key after its first line are rejected, naming that line (DuckDB's markDuplicates).
    await ch.command(
      `CREATE TEMPORARY TABLE ${t.dups} ENGINE = Memory AS
       SELECT request_id, attempt, line, first_line FROM ${load}
       ALL INNER JOIN (SELECT request_id, attempt, min(line) AS first_line FROM ${load} WHERE rule = '' GROUP BY request_id, attempt HAVING count() > 1) AS d USING (request_id, attempt)
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
  if (n > good + dupCount) for (const r of await ch.query(`SELECT rule, count() AS n FROM ${load} WHERE rule != '' GROUP BY rule`)) byRule.set(String(r.rule), Number(r.n));
  if (dupCount) byRule.set('duplicate_id', dupCount);
  const [ord] = good
    ? await ch.query(
        `SELECT arraySum(arrayMap((a, b) -> toUInt32(a < b), arrayPopFront(t), arrayPopBack(t))) AS out_of_order, arrayReduce('min', t) AS lo, arrayReduce('max', t) AS hi
         FROM (SELECT arraySort((x, l) -> l, groupArray(ts_us), groupArray(line)) AS t FROM ${load} WHERE ${where})`,
      )
    : [undefined];
  const structural = staged.structural;
  const rejected = n - good + structural.length;
  const rowsRead = n + structural.length;
  const rejectsByRule: Record<string, number> = {};
  if (structural.length) rejectsByRule.malformed = structural.length;
  for (const [rule, k] of [...byRule].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) rejectsByRule[rule] = (rejectsByRule[rule] ?? 0) + k;
  const rejects = [...structural, ...checked.samples, ...dupRejects].sort((a, b) => a.line - b.line).slice(0, limit);
  const notes = [...staged.notes];
  if (ord && Number(ord.out_of_order) > 0) notes.push(`${ord.out_of_order} rows have a timestamp earlier than the row before them: kept (metrics do not depend on file order)`);
  const rejectRate = rowsRead ? rejected / rowsRead : 0;
  const summary: ImportSummary = { file, format, importId: null, lineLabel: 'line', rowsRead, kept: 0, rejected, alreadyStored: 0, conflicts: 0, replaced: 0, rejectRate, rejectsByRule, rejects, notes };
  if (rowsRead === 0) summary.aborted = 'the file holds no rows';
  else if (rejectRate > MAX_REJECT_RATE && !acceptRejects) {
    summary.aborted = `${rejected} of ${rowsRead} rows (${(rejectRate * 100).toFixed(2)}%) would be rejected, over the ${MAX_REJECT_RATE * 100}% limit; nothing was imported. Fix the file or pass --accept-rejects`;
  }
  return { summary, valid: good, load, where, ...(ord ? { range: { lo: Number(ord.lo), hi: Number(ord.hi) } } : {}) };
}

/** Drops the session's temporary tables of one native import (the real load table is the caller's: it knows whether one was made). */
export const dropNative = async (ch: ChStore, t: NativeTables) => {
  for (const name of Object.values(t)) await ch.command(`DROP TEMPORARY TABLE IF EXISTS ${name}`).catch(() => undefined);
};
