import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { loadGatewayModels } from '../../src/catalog/gateway-models.js';
import { importPriceFile } from '../../src/catalog/importers/index.js';
import { withOverlays } from '../../src/catalog/overlay.js';
import { pointAt } from '../../src/catalog/lookup.js';
import { InputFileError } from '../../src/io/input-error.js';
import { cli } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const dir = () => mkdtempSync(join(tmpdir(), 'routefit-import-'));
const write = (d: string, name: string, body: unknown) => {
  const f = join(d, name);
  writeFileSync(f, typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  return f;
};
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

const LITELLM = {
  sample_spec: { max_tokens: 'set to max_output_tokens if provider specifies it', input_cost_per_token: 0.0, litellm_provider: 'one of https://docs.litellm.ai/docs/providers', mode: 'one of chat, embedding' },
  'gpt-5.5': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 4e-6, output_cost_per_token: 2.4e-5, cache_read_input_token_cost: 4e-7, input_cost_per_token_batches: 2e-6, output_cost_per_token_batches: 1.2e-5 },
  'claude-sonnet-4-6': { litellm_provider: 'anthropic', mode: 'chat', input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5, cache_creation_input_token_cost: 3.75e-6, cache_read_input_token_cost: 3e-7, input_cost_per_token_above_200k_tokens: 6e-6, output_cost_per_token_above_200k_tokens: 2.25e-5 },
  'together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo': { litellm_provider: 'together_ai', mode: 'chat', input_cost_per_token: 8.8e-7, output_cost_per_token: 8.8e-7 },
  'groq/llama-4-scout-17b': { litellm_provider: 'groq', mode: 'chat', input_cost_per_token: 1.1e-7, output_cost_per_token: 3.4e-7 },
  'text-embedding-3-small': { litellm_provider: 'openai', mode: 'embedding', input_cost_per_token: 2e-8 },
  'vertex_ai/gemini-x': { litellm_provider: 'vertex_ai-language-models', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
};

async function importFile(file: string, ...args: string[]) {
  const out = join(file, '..', 'overlay.yaml');
  const r = await cli('catalog', 'import', file, '--out', out, ...args);
  return { ...r, out };
}

describe('routefit catalog import --from litellm', () => {
  it('maps USD-per-token entries to catalog routes (via the gateway model ids), new routes, and counts what it leaves out', async () => {
    const d = dir();
    const shipped = sha(join(ROOT, 'catalog', 'token-prices.yaml'));
    const { code, stderr, stdout, out } = await importFile(write(d, 'model_prices_and_context_window.json', LITELLM), '--from', 'litellm', '--date', '2026-11-20');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('4 routes');
    const o = parse(readFileSync(out, 'utf8'));
    const by = Object.fromEntries(o.routes.map((r: { id: string }) => [r.id, r]));
    expect(Object.keys(by)).toEqual(['anthropic/claude-sonnet-4.6', 'groq/llama-4-scout-17b', 'openai/gpt-5.5', 'together/llama-3.3-70b']);
    const gpt = by['openai/gpt-5.5'].prices[0];
    expect(gpt).toMatchObject({ effective: '2026-11-20', as_of: '2026-11-20', evidence: 'public', input: 4, output: 24, cached_input: 0.4, batch_input: 2, batch_output: 12 });
    expect(gpt.source).toMatch(/^LiteLLM model_prices_and_context_window\.json model_prices_and_context_window\.json \(sha256 [0-9a-f]{12}, dated 2026-11-20\): gpt-5\.5$/);
    expect(by['anthropic/claude-sonnet-4.6'].prices[0]).toMatchObject({ input: 3, output: 15, cache_write_5m: 3.75, cached_input: 0.3, long_context: { threshold_tokens: 200000, input: 6, output: 22.5 } });
    expect(by['together/llama-3.3-70b'].prices[0]).toMatchObject({ input: 0.88, output: 0.88 });
    expect(o.overlay.skipped).toEqual({ 'litellm_provider vertex_ai-language-models (no routefit provider)': 1, 'mode embedding (not a chat model)': 1 });
    // The shipped catalog is untouched; the overlay only applies when asked for.
    expect(sha(join(ROOT, 'catalog', 'token-prices.yaml'))).toBe(shipped);
    const base = loadCatalog();
    const over = loadCatalog(undefined, [out]);
    expect(pointAt(base.tokenRoutes.get('openai/gpt-5.5')!, '2026-11-22').sheet.input!.value).toBe(5);
    expect(pointAt(over.tokenRoutes.get('openai/gpt-5.5')!, '2026-11-22').sheet.input!.value).toBe(4);
    // Before the file's date the shipped price still holds: history, not replacement.
    expect(pointAt(over.tokenRoutes.get('openai/gpt-5.5')!, '2026-06-01').sheet.input!.value).toBe(5);
    expect(over.tokenRoutes.get('groq/llama-4-scout-17b')!.origin).toBe('overlay');
  });

  it('the overlay reprices compare: gpt-5.5 raw $/request at $4/$24 is (800×4 + 400×24)/1e6', async () => {
    const d = dir();
    const { out } = await importFile(write(d, 'prices.json', LITELLM), '--from', 'litellm', '--date', '2026-11-20');
    const wl = write(d, 'w.yaml', 'name: w\nas_of: 2026-11-21\nrequests_per_month: 100000\ninput_tokens: 800\noutput_tokens: 400\nroutes: [openai/gpt-5.5]\n');
    const r = await cli('compare', wl, '--catalog-overlay', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const route = JSON.parse(r.stdout).workloads[0].routes[0];
    expect(route.rawCostPerRequest).toBeCloseTo((800 * 4 + 400 * 24) / 1e6, 12);
  });

  it('malformed entries: nothing written, each listed; --accept-rejects writes the rest and keeps the list', async () => {
    const d = dir();
    const bad = { ...LITELLM, 'gpt-x': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 'abc', output_cost_per_token: 1e-6 }, 'gpt-y': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: -1e-6 }, 'gpt-z': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 5 } };
    const f = write(d, 'bad.json', bad);
    const r = await importFile(f, '--from', 'litellm');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('3 malformed entries; nothing written');
    expect(r.stderr).toContain('gpt-x: input_cost_per_token is "abc", not a number');
    expect(r.stderr).toContain('gpt-y: input_cost_per_token is negative');
    expect(r.stderr).toContain('gpt-z: input_cost_per_token is $5000000 per million tokens, above the $10000');
    expect(existsSync(r.out)).toBe(false);
    expect(readdirSync(d).filter((x) => x.startsWith('.routefit'))).toEqual([]);
    const ok = await importFile(f, '--from', 'litellm', '--accept-rejects');
    expect(ok.code, ok.stderr).toBe(0);
    expect(parse(readFileSync(ok.out, 'utf8')).overlay.rejected.map((x: { entry: string }) => x.entry)).toEqual(['gpt-x', 'gpt-y', 'gpt-z']);
  });

  it('a file that is not JSON, or not this format, is a file:line error, exit 2', async () => {
    const d = dir();
    const r1 = await importFile(write(d, 'x.json', '{\n  "gpt-5.5": {\n    "input_cost_per_token": 1e-6,\n  }\n}\n'), '--from', 'litellm');
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/x\.json:\d+: malformed JSON/);
    const r2 = await importFile(write(d, 'y.json', [1, 2]), '--from', 'litellm');
    expect(r2.stderr).toContain('y.json:1: not a LiteLLM model_prices_and_context_window.json: expected a JSON object of model entries');
    const r3 = await cli('catalog', 'import', write(d, 'z.json', {}), '--from', 'litellmm');
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('--from must be one of litellm, genai-prices, portkey, openrouter');
  });

  it('refuses to overwrite an overlay without --force', async () => {
    const d = dir();
    const f = write(d, 'p.json', LITELLM);
    expect((await importFile(f, '--from', 'litellm')).code).toBe(0);
    const again = await importFile(f, '--from', 'litellm');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists; choose another --out or add --force');
  });
});

describe('routefit catalog import: genai-prices, Portkey, OpenRouter', () => {
  it('genai-prices data.json: USD per million; the price in force on the file date, then later dated prices', async () => {
    const d = dir();
    const data = [
      { id: 'openai', name: 'OpenAI', models: [{ id: 'gpt-5.5', name: 'GPT 5.5', prices: [{ prices: { input_mtok: 5, output_mtok: 30 } }, { constraint: { type: 'start_date', start_date: '2026-10-01' }, prices: { input_mtok: 4.5, output_mtok: 27 } }, { constraint: { type: 'start_date', start_date: '2027-01-01' }, prices: { input_mtok: 4, output_mtok: 24 } }] }] },
      { id: 'anthropic', name: 'Anthropic', models: [{ id: 'claude-sonnet-4-6', prices: { input_mtok: { base: 3, tiers: [{ start: 200000, price: 6 }] }, output_mtok: { base: 15, tiers: [{ start: 200000, price: 22.5 }] }, cache_read_mtok: 0.3 } }] },
      { id: 'mystery', name: 'Mystery', models: [{ id: 'm1', prices: { input_mtok: 1 } }] },
    ];
    const { code, stderr, out } = await importFile(write(d, 'data.json', data), '--from', 'genai-prices', '--date', '2026-11-20');
    expect(code, stderr).toBe(0);
    const o = parse(readFileSync(out, 'utf8'));
    const gpt = o.routes.find((r: { id: string }) => r.id === 'openai/gpt-5.5');
    expect(gpt.prices.map((p: { effective: string; input: number }) => [p.effective, p.input])).toEqual([['2026-11-20', 4.5], ['2027-01-01', 4]]);
    const claude = o.routes.find((r: { id: string }) => r.id === 'anthropic/claude-sonnet-4.6');
    expect(claude.prices[0]).toMatchObject({ input: 3, output: 15, cached_input: 0.3, long_context: { threshold_tokens: 200000, input: 6, output: 22.5 } });
    expect(o.overlay.skipped).toEqual({ 'provider mystery (no routefit provider)': 1 });
  });

  it('Portkey pricing JSON: cents per token, the provider from the file name', async () => {
    const d = dir();
    const body = { default: { pricing_config: { pay_as_you_go: { request_token: { price: 0 } } } }, 'claude-sonnet-4-6': { pricing_config: { pay_as_you_go: { request_token: { price: 0.0003 }, response_token: { price: 0.0015 }, cache_read_input_token: { price: 0.00003 } }, currency: 'USD' } } };
    const { code, stderr, out } = await importFile(write(d, 'anthropic.json', body), '--from', 'portkey', '--date', '2026-11-20');
    expect(code, stderr).toBe(0);
    const r = parse(readFileSync(out, 'utf8')).routes[0];
    expect(r.id).toBe('anthropic/claude-sonnet-4.6');
    expect(r.prices[0]).toMatchObject({ input: 3, output: 15, cached_input: 0.3 });
    const unknown = await importFile(write(d, 'somecloud.json', body), '--from', 'portkey');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('"somecloud" is not a routefit provider; say which with --provider');
    const eur = await importFile(write(dir(), 'openai.json', { m: { pricing_config: { pay_as_you_go: { request_token: { price: 1e-4 } }, currency: 'EUR' } } }), '--from', 'portkey');
    expect(eur.stderr).toContain('m: currency is EUR; routefit prices in USD');
  });

  it('OpenRouter models list: decimal strings in USD per token; routers with variable prices are skipped', async () => {
    const d = dir();
    const body = { data: [{ id: 'meta-llama/llama-3.3-70b-instruct', name: 'Meta: Llama 3.3 70B Instruct', context_length: 131072, pricing: { prompt: '0.00000013', completion: '0.0000004', request: '0' } }, { id: 'openrouter/auto', name: 'Auto Router', pricing: { prompt: '-1', completion: '-1' } }] };
    const { code, stderr, out } = await importFile(write(d, 'models.json', body), '--from', 'openrouter', '--date', '2026-11-20');
    expect(code, stderr).toBe(0);
    const o = parse(readFileSync(out, 'utf8'));
    expect(o.routes.map((r: { id: string; prices: { input: number; output: number }[] }) => [r.id, r.prices[0]!.input, r.prices[0]!.output])).toEqual([['openrouter/meta-llama/llama-3.3-70b-instruct', 0.13, 0.4]]);
    expect(o.overlay.skipped).toEqual({ 'variable price (router)': 1 });
    const shown = await cli('catalog', 'show', 'openrouter/meta-llama/llama-3.3-70b-instruct', '--catalog-overlay', out, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).origin).toBe('overlay');
  });
});

describe('overlays: validate and load with file:line errors', () => {
  it('catalog validate checks an overlay the way it checks the shipped files', async () => {
    const d = dir();
    const { out } = await importFile(write(d, 'p.json', LITELLM), '--from', 'litellm', '--date', '2026-11-20');
    const ok = await cli('catalog', 'validate', '--catalog-overlay', out);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/overlay OK: .*overlay\.yaml \(litellm, dated 2026-11-20, 4 routes\)/);
    const text = readFileSync(out, 'utf8').replace('input: 4\n', 'input: -4\n').replace('id: groq/llama-4-scout-17b', 'id: nosuch/llama');
    const bad = write(d, 'bad.yaml', text);
    const r = await cli('catalog', 'validate', '--catalog-overlay', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: routes\[\d\]\.prices\[0\]\.input: /);
    const fixedPrice = write(d, 'bad2.yaml', readFileSync(out, 'utf8').replace('id: groq/llama-4-scout-17b', 'id: nosuch/llama'));
    const r2 = await cli('catalog', 'validate', '--catalog-overlay', fixedPrice);
    expect(r2.stderr).toMatch(/bad2\.yaml:\d+:\d+: routes\[1\]\.id: provider "nosuch" is not in providers\.yaml/);
    const missing = await cli('catalog', 'validate', '--catalog-overlay', join(d, 'nope.yaml'));
    expect(missing.stderr).toContain('nope.yaml: catalog overlay not found');
  });

  it('a catalog directory with overlays/ applies them to every command (the documented overlay dir)', async () => {
    const d = dir();
    const cat = join(d, 'catalog');
    const { cpSync, mkdirSync } = await import('node:fs');
    cpSync(join(ROOT, 'catalog'), cat, { recursive: true });
    mkdirSync(join(cat, 'overlays'));
    await importFile(write(d, 'p.json', LITELLM), '--from', 'litellm', '--date', '2026-11-20', '--out', join(cat, 'overlays', 'litellm.yaml'));
    const list = await cli('catalog', 'list', '--catalog', cat, '--provider', 'groq', '--json');
    expect(JSON.parse(list.stdout).tokenRoutes.some((r: { id: string }) => r.id === 'groq/llama-4-scout-17b')).toBe(true);
    // The default listing (origin catalog) shows what overlays add, marked as such.
    const all = await cli('catalog', 'list', '--catalog', cat, '--json');
    expect(JSON.parse(all.stdout).tokenRoutes.find((r: { id: string }) => r.id === 'groq/llama-4-scout-17b')).toMatchObject({ origin: 'overlay', input: 0.11, output: 0.34 });
  });
});

describe('catalog diff', () => {
  it('--since lists shipped changes; --against an overlay lists what it would change; --workload flags routes repriced after as_of (exit 1)', async () => {
    const since = await cli('catalog', 'diff', '--since', '2025-06-01', '--json');
    expect(since.code, since.stderr).toBe(0);
    const ch = JSON.parse(since.stdout).since.changes.find((c: { route: string }) => c.route === 'together/deepseek-v3');
    expect(ch).toEqual({ route: 'together/deepseek-v3', effective: '2026-05-01', changes: [{ field: 'input', before: 1.25, after: 0.6 }, { field: 'output', before: 1.25, after: 1.7 }, { field: 'cached_input', before: null, after: 0.06 }] });

    const d = dir();
    const { out } = await importFile(write(d, 'p.json', LITELLM), '--from', 'litellm', '--date', '2026-11-20');
    const against = await cli('catalog', 'diff', '--against', out, '--json');
    expect(against.code, against.stderr).toBe(0);
    const rows = JSON.parse(against.stdout).against.routes;
    expect(rows.find((r: { route: string }) => r.route === 'openai/gpt-5.5').changes.slice(0, 2)).toEqual([{ field: 'input', before: 5, after: 4 }, { field: 'output', before: 30, after: 24 }]);
    expect(rows.find((r: { route: string }) => r.route === 'groq/llama-4-scout-17b').before).toBeNull();

    const wl = write(d, 'w.yaml', 'name: w\nas_of: 2026-05-15\nrequests_per_month: 100000\ninput_tokens: 800\noutput_tokens: 400\nroutes: [openai/gpt-5.5, together/deepseek-v3]\n');
    const quiet = await cli('catalog', 'diff', '--workload', wl);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toContain('no route of');
    const fires = await cli('catalog', 'diff', '--workload', wl, '--catalog-overlay', out, '--json');
    expect(fires.code).toBe(1);
    const flags = JSON.parse(fires.stdout).workloads.flags;
    expect(flags.map((f: { workload: string; change: { route: string; effective: string } }) => [f.workload, f.change.route, f.change.effective])).toEqual([['w', 'openai/gpt-5.5', '2026-11-20']]);
    // A fleet file works too.
    const fleet = await cli('catalog', 'diff', '--workload', join(ROOT, 'examples', 'fleet.yaml'), '--catalog-overlay', out);
    expect(fleet.code).toBe(1);
    expect(fleet.stdout).toContain('anthropic/claude-sonnet-4.6');
    expect((await cli('catalog', 'diff')).stderr).toContain('say what to compare');
  });
});

describe('importers: bounded, seeded fuzz', () => {
  const catalog = loadCatalog();
  const table = loadGatewayModels(catalog.dir);
  const d = dir();
  const value = fc.oneof(fc.double({ noNaN: false }), fc.string({ maxLength: 8 }), fc.constant(null), fc.boolean(), fc.integer(), fc.constant(-1e-6), fc.constant('1e-6'), fc.array(fc.integer(), { maxLength: 2 }));
  const keys = ['input_cost_per_token', 'output_cost_per_token', 'cache_read_input_token_cost', 'litellm_provider', 'mode', 'input_cost_per_token_batches'];

  it('every entry is imported, skipped or rejected (never lost), and what is written loads back with finite prices', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...Object.keys(LITELLM).filter((k) => k !== 'sample_spec')), fc.constantFrom(...keys), value), { maxLength: 6 }), (mutations) => {
        const data = JSON.parse(JSON.stringify(LITELLM)) as Record<string, Record<string, unknown>>;
        for (const [k, field, v] of mutations) data[k]![field] = v;
        const f = write(d, 'fuzz.json', data);
        let res;
        try {
          res = importPriceFile(f, 'litellm', catalog, { today: '2026-11-22', fileDate: '2026-11-20', gatewayModels: table });
        } catch (err) {
          expect(err).toBeInstanceOf(InputFileError);
          return;
        }
        const entries = Object.keys(data).filter((k) => k !== 'sample_spec').length;
        const skipped = Object.values(res.parsed.skipped).reduce((a, b) => a + b, 0);
        expect(res.overlay.routes.length + skipped + res.parsed.rejected.length).toBe(entries);
        for (const r of res.overlay.routes) for (const p of r.prices) for (const v of [p.input, p.output, p.cached_input]) if (v !== undefined) expect(Number.isFinite(v) && (v as number) >= 0).toBe(true);
        const o = write(d, 'fuzz-overlay.yaml', res.text);
        if (res.overlay.routes.length) expect(() => withOverlays(catalog, [o])).not.toThrow();
      }),
      { seed: 16, numRuns: 120 },
    );
  });

  it('the other formats survive arbitrary JSON: an InputFileError or an accounted result, never a crash', () => {
    for (const from of ['genai-prices', 'portkey', 'openrouter'] as const) {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
          const f = write(d, 'openai.json', v);
          try {
            const res = importPriceFile(f, from, catalog, { today: '2026-11-22', fileDate: '2026-11-20', gatewayModels: table });
            for (const r of res.overlay.routes) for (const p of r.prices) expect(Number.isFinite(p.input ?? p.output)).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(InputFileError);
          }
        }),
        { seed: 1600, numRuns: 80 },
      );
    }
  });
});
