/**
 * The Studio's HTTP side: the built app, the catalog, workload files in one folder, and trace-store
 * summaries. Pricing happens in the page (pricing.ts); the server only reads, validates and writes.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { loadCatalog } from '../catalog/load.js';
import { InputFileError, parseYaml } from '../io/yaml-file.js';
import { agentFromSource } from '../io/agent-file.js';
import { factsFromSource } from '../workload/facts-file.js';
import type { Catalog } from '../catalog/types.js';
import { parseWorkloadText } from '../workload/load.js';
import { PRESETS, presetYaml } from '../workload/presets.js';
import { PathRefused, checkRequest, containedYaml } from './guard.js';
import { type Edit, applyEdits } from './pricing.js';
import { catalogToWire } from '../catalog/wire.js';
import { genaiSubset } from './genai-subset.js';

/** Largest request body accepted (a workload file edit or a whole file). */
export const MAX_BODY_BYTES = 1_000_000;
/** Largest workload file read or written. */
export const MAX_FILE_BYTES = 1_000_000;

export interface StudioConfig {
  /** Folder whose YAML files the Studio may read and write. */
  root: string;
  /** The file opened first, relative to root. */
  file?: string;
  /** Trace store: a DuckDB file (--db) or a ClickHouse URL. */
  db?: string;
  clickhouse?: string;
  catalogDir?: string;
  /** Built app (index.html + assets/). */
  assetsDir: string;
  allowedHosts: Set<string>;
  /** Required on every request when the server listens beyond loopback. */
  token?: string;
  today: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

type Fail = { error: string; problems?: { line?: number; column?: number; field?: string; message: string }[] };

export function studioApp(cfg: StudioConfig): Hono {
  const app = new Hono();
  const catalog = cfg.catalogDir ? loadCatalog(cfg.catalogDir) : loadCatalog();
  const catalogJson = JSON.stringify(catalogToWire(catalog));

  app.use('*', async (c, next) => {
    const u = new URL(c.req.url);
    const token = c.req.header('x-routefit-token') ?? getCookie(c, 'routefit_token') ?? u.searchParams.get('token') ?? undefined;
    const verdict = checkRequest(
      { method: c.req.method, host: c.req.header('host'), origin: c.req.header('origin'), secFetchSite: c.req.header('sec-fetch-site'), token },
      cfg.allowedHosts,
      cfg.token,
    );
    if (!verdict.ok) return c.json({ error: verdict.reason } satisfies Fail, verdict.status);
    if (cfg.token && u.searchParams.get('token') === cfg.token) {
      setCookie(c, 'routefit_token', cfg.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
    }
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        // The rest of the body is not read: tell the client this connection ends here.
        c.header('Connection', 'close');
        return c.json({ error: `request body over ${MAX_BODY_BYTES} bytes refused` } satisfies Fail, 413);
      },
    }),
  );

  app.onError((err, c) => {
    if (err instanceof PathRefused) return c.json({ error: err.message } satisfies Fail, 403);
    if (err instanceof InputFileError) return c.json({ error: 'the workload file is invalid; nothing was written', problems: err.problems } satisfies Fail, 422);
    if (err instanceof BadRequest) return c.json({ error: err.message } satisfies Fail, 400);
    return c.json({ error: `internal error: ${err instanceof Error ? err.message : String(err)}` } satisfies Fail, 500);
  });
  app.notFound((c) => c.json({ error: `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies Fail, 404));

  app.get('/api/session', (c) =>
    c.json({
      today: cfg.today,
      file: cfg.file ?? null,
      files: listYaml(cfg.root),
      // Files holding an agent workflow (`routefit agent FILE` reads their agent: block): the Agent view lists them.
      agentFiles: listYaml(cfg.root).filter((f) => holdsAgent(join(cfg.root, f))),
      store: cfg.clickhouse ? { kind: 'clickhouse' } : cfg.db ? { kind: 'duckdb', name: cfg.db.split(/[\\/]/).pop() } : null,
      presets: Object.values(PRESETS).map((p) => ({ name: p.name, title: p.title, card: p.card, text: presetYaml(p) })),
    }),
  );
  app.get('/api/catalog', (c) => c.body(catalogJson, 200, { 'Content-Type': 'application/json' }));
  let genaiJson: string | undefined;
  // Built once, soon after start (reading the package takes ~0.1 s), before the page asks for it.
  setImmediate(() => (genaiJson ??= JSON.stringify(genaiSubset(catalog))));
  app.get('/api/genai-prices', (c) => c.body((genaiJson ??= JSON.stringify(genaiSubset(catalog))), 200, { 'Content-Type': 'application/json' }));

  app.get('/api/file', (c) => {
    const full = containedYaml(cfg.root, c.req.query('path'), true);
    return c.json({ path: relative(cfg.root, full), text: readCapped(full) });
  });

  // Save: edits are applied to the file as it is on disk now (comments kept); a file that would not load is not written.
  app.put('/api/file', async (c) => {
    const body = await jsonBody(c.req.raw);
    const rel = body.path;
    const full = containedYaml(cfg.root, rel, body.text === undefined);
    let text: string;
    if (body.text !== undefined) {
      if (typeof body.text !== 'string') throw new BadRequest('"text" must be a string');
      if (existsSync(full) && body.overwrite !== true) throw new BadRequest(`"${String(rel)}" exists; send "overwrite": true or edits`);
      text = body.text;
    } else {
      if (!Array.isArray(body.edits)) throw new BadRequest('send "edits": [{path, value}] or "text"');
      text = applyEdits(readCapped(full), body.edits as Edit[]);
    }
    if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw new BadRequest(`file would be over ${MAX_FILE_BYTES} bytes`);
    checkBeforeSave(String(rel), text, catalog, cfg.today);
    writeFileSync(full, text);
    return c.json({ path: relative(cfg.root, full), text });
  });

  app.get('/api/traces/summarize', async (c) => {
    if (!cfg.db && !cfg.clickhouse) return c.json({ error: 'no trace store: start with --db PATH or --clickhouse URL' } satisfies Fail, 404);
    const args = ['traces', 'summarize', '--json', ...(cfg.clickhouse ? ['--clickhouse', cfg.clickhouse] : ['--db', cfg.db!])];
    for (const k of ['by', 'from', 'to'] as const) {
      const v = c.req.query(k);
      if (v === undefined || v === '') continue;
      if (k === 'by' ? !/^[a-z_,]{1,80}$/.test(v) : !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new BadRequest(`${k}="${v}" is not allowed`);
      args.push(`--${k}`, v);
    }
    const { out, err, code } = await runCli(args, cfg.today);
    if (code !== 0) return c.json({ error: err.trim() || `traces summarize exited ${code}` } satisfies Fail, 422);
    return c.body(out, 200, { 'Content-Type': 'application/json' });
  });

  // Red flags and reconciliation: `traces check --json` and `traces reconcile --json`, whose exit 1 means "something fired", not a failure.
  // Both read either store: invoices and incidents live beside the traces (ClickHouse too).
  const TRACE_CHECKS: Record<'check' | 'reconcile', { params: Record<string, RegExp> }> = {
    check: { params: { from: DAY, to: DAY, 'slo-p99-ms': POSITIVE, 'slo-ttft-p99-ms': POSITIVE, 'slo-tpot-p99-ms': POSITIVE, 'quality-floor': FRACTION } },
    reconcile: { params: { 'assumed-cache-hit-rate': FRACTION, 'revenue-per-accepted': POSITIVE } },
  };
  for (const [cmd, spec] of Object.entries(TRACE_CHECKS)) {
    app.get(`/api/traces/${cmd}`, async (c) => {
      if (!cfg.db && !cfg.clickhouse) return c.json({ error: 'no trace store: start with --db PATH or --clickhouse URL' } satisfies Fail, 404);
      const args = ['traces', cmd, '--json', ...(cfg.db ? ['--db', cfg.db] : ['--clickhouse', cfg.clickhouse!])];
      for (const [k, v] of Object.entries(c.req.query())) {
        if (v === '') continue;
        const rule = spec.params[k];
        if (!rule) throw new BadRequest(`"${k}" is not a parameter of traces ${cmd} (${Object.keys(spec.params).join(', ')})`);
        if (!rule.test(v)) throw new BadRequest(`${k}="${v}" is not allowed`);
        args.push(`--${k}`, v);
      }
      const { out, err, code } = await runCli(args, cfg.today);
      // A store without invoices is a state of the store, not a bad request: the page says how to import one.
      if (cmd === 'reconcile' && code === 2 && /no invoice lines/i.test(err)) return c.json({ providers: [], skus: [], unpriced: [], noInvoice: err.trim() });
      // Exit 1 with a JSON report: a flag fired. Anything else without one is a failure, said as the CLI says it.
      if (code !== 0 && !(code === 1 && out.trim().startsWith('{'))) return c.json({ error: err.trim() || `traces ${cmd} exited ${code}` } satisfies Fail, 422);
      return c.body(out, 200, { 'Content-Type': 'application/json' });
    });
  }

  // The page's first requests start with the HTML, before the app's script has loaded and run: the
  // session, the catalog, the genai-prices data and the file opened first (the app's fetches reuse them).
  const preloads = ['api/session', 'api/catalog', 'api/genai-prices', ...(cfg.file ? [`api/file?path=${encodeURIComponent(cfg.file)}`] : [])]
    .map((u) => `<link rel="preload" as="fetch" crossorigin="anonymous" href="${u.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" />`)
    .join('');
  const indexHtml = readFileSync(join(cfg.assetsDir, 'index.html'), 'utf8').replace('</head>', `${preloads}</head>`);
  app.get('/', (c) => c.body(indexHtml, 200, { 'Content-Type': TYPES['.html']!, 'Cache-Control': 'no-store' }));
  app.get('/assets/:name', (c) => {
    const name = c.req.param('name');
    // Built asset names only: no separators, no dot-files.
    if (!/^[\w-][\w.-]*$/.test(name) || name.includes('..')) return c.json({ error: 'not an asset' } satisfies Fail, 404);
    const full = join(cfg.assetsDir, 'assets', name);
    if (!existsSync(full)) return c.json({ error: `no asset ${name}` } satisfies Fail, 404);
    return c.body(readFileSync(full), 200, { 'Content-Type': TYPES[extname(name)] ?? 'application/octet-stream', 'Cache-Control': 'max-age=31536000, immutable' });
  });
  return app;
}

class BadRequest extends Error {}

async function jsonBody(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text();
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new BadRequest(`request body is not JSON: ${(err as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new BadRequest('request body must be a JSON object');
  return v as Record<string, unknown>;
}

function readCapped(full: string): string {
  if (statSync(full).size > MAX_FILE_BYTES) throw new BadRequest(`file is over ${MAX_FILE_BYTES} bytes`);
  return readFileSync(full, 'utf8');
}

/** A top-level `agent:` key, read without parsing the whole file (the session lists these). */
function holdsAgent(full: string): boolean {
  try {
    return statSync(full).size <= MAX_FILE_BYTES && /^agent:/m.test(readFileSync(full, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The check a file passes before it is written, as the command that reads it loads it: a workload or
 * fleet by the workload loader; a file of fact blocks only (an agent workflow, TCO or vendor facts) by
 * the same loader's fact-block path, and its agent block as `routefit agent` loads it.
 */
function checkBeforeSave(file: string, text: string, catalog: Catalog, today: string): void {
  const src = parseYaml(file, text);
  const d = src.data;
  const hasWorkload = d !== null && typeof d === 'object' && !Array.isArray(d) && ['workloads', 'requests_per_month', 'input_tokens', 'routes'].some((k) => k in d);
  if (hasWorkload || d === null || typeof d !== 'object' || Array.isArray(d)) {
    parseWorkloadText(file, text);
    return;
  }
  if ('agent' in d) agentFromSource(src, catalog, today);
  else factsFromSource(src);
}

function listYaml(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isFile() && /\.ya?ml$/i.test(d.name))
    .map((d) => d.name)
    .sort();
}

/** Runs a routefit command in-process (the same code and JSON `routefit … --json` prints). */
async function runCli(argv: string[], today: string): Promise<{ out: string; err: string; code: number }> {
  const { run } = await import('../cli/program.js');
  let out = '';
  let err = '';
  const code = await run(argv, { out: (s) => (out += s), err: (s) => (err += s), today });
  return { out, err, code };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const POSITIVE = /^(?:\d{1,9})(?:\.\d{1,6})?$/;
const FRACTION = /^(?:0(?:\.\d{1,6})?|1(?:\.0{1,6})?)$/;
