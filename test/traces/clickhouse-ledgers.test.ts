import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { importFileToClickHouse } from '../../src/traces/clickhouse/import.js';
import { generateTraces } from '../../src/traces/generate.js';
import { type StoreChoice, type TraceStore, openTraceStore } from '../../src/traces/store/index.js';
import { loadWorkloadFile } from '../../src/workload/load.js';
import { run as runCli } from '../../src/cli/program.js';
import { createOtelTraces } from '../../src/traces/clickhouse/otel-generate.js';
import { chdbUrl, loadChdb, openChdb } from '../helpers/chdb.js';
import { otlpJsonOf } from '../helpers/otlp.js';
import { PARITY_WORKLOADS, useClickHouse } from '../helpers/clickhouse.js';
import { cli } from '../helpers/cli.js';
import { differences, tempDir, writeTemp } from './helpers.js';

/**
 * Ledgers in the ClickHouse store (issue 14, "Invoices, GPU-hours and incidents live in the store the
 * traces live in"): the same trace file, invoice, usage export, incidents, route summaries and OTel
 * metrics give the same reconcile (with trace-to-margin), check (every signal), --gpu-hours, route
 * summaries and metric summaries on DuckDB, one ClickHouse 18.16 server, the two-shard 18.16 cluster
 * and current ClickHouse (chdb), to 1e-9. Corrections (issue 17) and failed imports on ClickHouse.
 */

const DIST = resolve(import.meta.dirname, '../../dist');
const catalog = loadCatalog();
const today = '2026-11-22';
const single = useClickHouse();
const provided = inject('clickhouseCluster');
const freshCluster = () => `${provided.url}/l_${randomBytes(6).toString('hex')}`;

beforeEach(() => {
  if (provided.error) throw new Error(provided.error);
});

const FOCUS_HEAD = 'BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,PublisherName,ServiceName,ChargeCategory,SkuId,ConsumedQuantity,ConsumedUnit,BilledCost,EffectiveCost,Tags';
const focusLine = (start: string, end: string, provider: string, category: string, sku: string, amount: number, model?: string) =>
  `${start.slice(0, 10)},${end.slice(0, 10)},${start},${end},${provider},${provider},API,${category},${sku},,,${amount},${amount},${model ? `"{""model"":""${model}""}"` : ''}`;

/** May 2026 invoices for the generated traces (1–14 May): a monthly line per provider with its model, a weekly OpenAI line, a tax line. */
const FOCUS = [
  FOCUS_HEAD,
  focusLine('2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z', 'OpenAI', 'Usage', 'gpt-5.5-tokens', 61.5, 'gpt-5.5'),
  focusLine('2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z', 'OpenAI', 'Tax', 'tax', 4.2),
  focusLine('2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z', 'Google', 'Usage', 'gemini-pro', 250, 'gemini-2.5-pro'),
  focusLine('2026-05-04T00:00:00Z', '2026-05-11T00:00:00Z', 'OpenAI', 'Usage', 'gpt-5.5-week', 30, 'gpt-5.5'),
].join('\n');

const day = (d: number) => Date.parse(`2026-05-${String(d).padStart(2, '0')}T00:00:00Z`) / 1000;
const OPENAI_USAGE = JSON.stringify({
  object: 'page',
  data: [1, 2, 3].map((d) => ({
    object: 'bucket',
    start_time: day(d),
    end_time: day(d + 1),
    results: [{ object: 'organization.usage.completions.result', model: 'gpt-5.5', input_tokens: 900000 + d, input_cached_tokens: 400000, output_tokens: 90000, num_model_requests: 300 + d, batch: false }],
  })),
});

const INCIDENTS = ['date,provider,route,severity,minutes,description', '2026-05-03,openai,openai/gpt-5.5,major,95,elevated errors', '2026-05-09,google,google/gemini-2.5-pro,minor,20,slow responses', '2026-05-12,openai,,minor,45,'].join('\n');

const SUMMARY = [
  'route,provider,model,workload,inputTokens,outputTokens,cacheHitRate,batchEligible,concurrency,ttftMs,latencyP50Ms,latencyP95Ms,outputTokensPerSecond,acceptedOutputRate,costUsd,reviewMinutes',
  'openai/gpt-5.5,openai,gpt-5.5,support,2000,400,0.5,0.4,8,350,2000,5000,2400,0.8,0.016,0.5',
  'together/deepseek-v3,together,deepseek-v3,extract,1200,150,0.1,0,4,200,900,2500,3100,0.92,0.002,0',
].join('\n');

const ns = (iso: string) => String(BigInt(Date.parse(iso)) * 1_000_000n);
const kv = (o: Record<string, string>) => Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));
const gpt = { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-5.5', 'gen_ai.operation.name': 'chat' };
const point = (attrs: Record<string, string>, p: { count: number; sum: number; bounds: number[]; buckets: number[]; at: string }) => ({
  attributes: kv(attrs), startTimeUnixNano: ns('2026-05-01T00:00:00Z'), timeUnixNano: ns(p.at), count: String(p.count), sum: p.sum, bucketCounts: p.buckets.map(String), explicitBounds: p.bounds,
});
const hist = (name: string, unit: string, dataPoints: unknown[]) => ({ name, unit, histogram: { aggregationTemporality: 1, dataPoints } });
/** Token usage and durations of OpenAI calls in May (one point's end time has nanoseconds: it must survive the store exactly, it is the point's key). */
const METRICS = JSON.stringify({
  resourceMetrics: [{
    resource: { attributes: kv({ 'service.name': 'chat-api' }) },
    scopeMetrics: [{
      scope: { name: 'genai' },
      metrics: [
        hist('gen_ai.client.token.usage', '{token}', [
          point({ ...gpt, 'gen_ai.token.type': 'input' }, { count: 2, sum: 2000, bounds: [1, 4, 16, 64, 256, 1024, 4096], buckets: [0, 0, 0, 0, 0, 2, 0, 0], at: '2026-05-02T00:30:00.123456789Z' }),
          point({ ...gpt, 'gen_ai.token.type': 'output' }, { count: 2, sum: 200, bounds: [1, 4, 16, 64, 256, 1024, 4096], buckets: [0, 0, 0, 0, 2, 0, 0, 0], at: '2026-05-02T00:30:00Z' }),
        ]),
        hist('gen_ai.client.operation.duration', 's', [point(gpt, { count: 4, sum: 6, bounds: [0.5, 1, 2, 4], buckets: [0, 1, 2, 1, 0], at: '2026-05-02T00:30:00Z' })]),
      ],
    }],
  }],
});

/** GPU rows: Llama 3.3 70B on a Lambda H100 (billed by the GPU-hour). */
const GPU_ROWS = ['2026-05-05T00:00:00Z,g1,0,lambda/h100-sxm,llama-3.3-70b,1000,1350000,pass', '2026-05-05T00:30:00Z,g2,0,lambda/h100-sxm,llama-3.3-70b,1000,1350000,pass', '2026-05-05T00:40:00Z,g3,0,lambda/h100-sxm,llama-3.3-70b,2000,500000,fail'];

/** The trace file and every ledger, in import order. */
function files(): string[] {
  const dir = tempDir();
  const traces = join(dir, 't.csv');
  generateTraces(traces, { workloads: loadWorkloadFile(writeTemp('w.yaml', PARITY_WORKLOADS, dir)).workloads, days: 14, rows: 4000, seed: 11, format: 'csv' });
  const gpu = writeTemp('gpu.csv', ['timestamp,request_id,attempt,route,model,input_tokens,output_tokens,quality', ...GPU_ROWS].join('\n'), dir);
  return [
    traces,
    gpu,
    writeTemp('focus.csv', FOCUS, dir),
    writeTemp('usage.json', OPENAI_USAGE, dir),
    writeTemp('incidents.csv', INCIDENTS, dir),
    writeTemp('summary.csv', SUMMARY, dir),
    writeTemp('metrics.json', METRICS, dir),
  ];
}

const EXPECTED_FORMATS = ['csv', 'csv', 'focus', 'openai-usage', 'incidents', 'route-summary', 'otel-metrics'];

async function filled(choice: StoreChoice, paths: string[], connector?: Awaited<ReturnType<typeof loadChdb>>): Promise<TraceStore> {
  const s = await openTraceStore(choice, { create: true, ...(connector ? { connector } : {}) });
  const formats: string[] = [];
  for (const f of paths) {
    const r = await s.importFile(f, { today, catalog });
    expect(r.aborted, `${f} into ${s.label}`).toBeUndefined();
    expect(r.kept, f).toBeGreaterThan(0);
    formats.push(r.format);
  }
  expect(formats).toEqual(EXPECTED_FORMATS);
  return s;
}

/** Everything the ledgers feed, as the CLI asks for it. */
async function figures(s: TraceStore) {
  await s.preparePricing(catalog);
  const overheads = { evalCostPerMonth: { value: 300, evidence: 'assumed' as const, source: 'test' } };
  const reconciled = await s.reconcile({ assumedCacheHitRate: 0.3 }, { overheads, revenuePerAccepted: 0.05 });
  const signals = await s.check({ catalog, slo: { e2eP99Ms: 2500, ttftP99Ms: 900 }, qualityFloor: 0.95, incidentSloMinutes: 30 });
  const gpu = await s.gpuRoutes(catalog, new Map([['lambda/h100-sxm', 2]]), { asOf: today });
  const uses = await s.routeUse({}, catalog);
  return {
    reconciled,
    signals,
    gpu,
    incidents: await s.incidents(uses, catalog),
    periods: await s.invoicePeriods(),
    hasInvoices: await s.hasInvoices(),
    routeSummaries: await s.routeSummaries(catalog, today),
    otel: await s.otelMetrics({}),
    otelMay2: await s.otelMetrics({ from: '2026-05-02', to: '2026-05-02T00:30:00.2Z' }),
  };
}

describe('ledgers in the ClickHouse store: the same figures as DuckDB', () => {
  it('reconcile, check (every signal), --gpu-hours, route summaries and metrics agree on DuckDB, one 18.16 server, the two-shard cluster and chdb (1e-9)', { timeout: 300_000 }, async () => {
    const paths = files();
    const connector = await loadChdb();
    const duck = await filled({ kind: 'duckdb', db: join(tempDir(), 's.duckdb') }, paths);
    const expected = await figures(duck);
    if (process.env.SHOW) console.log(JSON.stringify(expected, null, 1));
    await duck.close();
    // What the comparison covers: every ledger read is non-trivial on DuckDB.
    expect(expected.hasInvoices).toBe(true);
    expect(expected.reconciled.providers.map((l) => [l.provider, l.periodStart, l.periodEnd])).toEqual([
      ['google', '2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z'],
      ['openai', '2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z'],
      ['openai', '2026-05-04T00:00:00Z', '2026-05-11T00:00:00Z'],
    ]);
    const may = expected.reconciled.providers[1]!;
    expect(may.traceCostUsd).toBeGreaterThan(1);
    expect(may.otherChargesUsd).toBeCloseTo(4.2, 12);
    // The usage export (906 requests billed) and the OTel token counts reached the line.
    expect(may.causes.map((c) => c.finding).join('\n')).toMatch(/ 906\)/);
    expect(may.metered).toMatchObject({ inputTokens: 2000, outputTokens: 200 });
    expect(may.margin?.loadedCostPerAccepted).toBeGreaterThan(0);
    expect(expected.reconciled.skus.map((l) => l.sku)).toEqual(['gemini-2.5-pro', 'gpt-5.5', 'gpt-5.5']);
    const byId = (id: string) => expected.signals.filter((x) => x.id === id);
    expect(byId('invoice_variance').every((x) => x.checked)).toBe(true);
    expect(byId('invoice_variance').length).toBeGreaterThan(0);
    expect(byId('incident_mttr_over_slo').map((x) => [x.checked, x.fired])).toEqual([[true, false], [true, true]]);
    expect(expected.incidents?.map((i) => i.date)).toEqual(['2026-05-03', '2026-05-09', '2026-05-12']);
    expect(expected.gpu[0]).toMatchObject({ route: 'lambda/h100-sxm', serves: 'llama-3.3-70b', gpuHours: 2, attempts: 3, accepted: 2 });
    expect(expected.routeSummaries).toHaveLength(2);
    expect(expected.otel).toHaveLength(1);
    expect(expected.otelMay2[0]?.tokens).toEqual({ input: 2000, output: 200 });

    const stores: [string, StoreChoice, typeof connector | undefined][] = [
      ['one 18.16 server', { kind: 'clickhouse', url: single.fresh() }, undefined],
      ['the two-shard cluster', { kind: 'clickhouse', url: freshCluster(), cluster: provided.cluster! }, undefined],
      ['chdb (current ClickHouse)', { kind: 'clickhouse', url: chdbUrl() }, connector],
    ];
    for (const [name, choice, via] of stores) {
      const s = await filled(choice, paths, via);
      try {
        expect(s.capabilities).toMatchObject({ invoices: true, incidents: true, gpuHours: true, routeSummaries: true, otelMetrics: true });
        expect(differences(expected, await figures(s)), name).toEqual([]);
      } finally {
        await s.close();
      }
    }
  });

  it('the CLI: reconcile --json, check --json and summarize --gpu-hours give the DuckDB store\'s numbers on the cluster', { timeout: 180_000 }, async () => {
    const paths = files();
    const db = join(tempDir(), 's.duckdb');
    const url = freshCluster();
    const cluster = provided.cluster!;
    expect((await cli('traces', 'import', ...paths, '--db', db)).code).toBe(0);
    const imp = await cli('traces', 'import', ...paths, '--clickhouse', url, '--cluster', cluster, '--json');
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout).imports.map((i: { format: string }) => i.format)).toEqual(EXPECTED_FORMATS);
    const pairs: string[][] = [
      ['traces', 'reconcile', '--json', '--eval-cost-per-month', '200'],
      ['traces', 'check', '--json', '--incident-slo-minutes', '30'],
      ['traces', 'summarize', '--json', '--gpu-hours', 'lambda/h100-sxm=2'],
    ];
    for (const args of pairs) {
      const a = await cli(...args, '--db', db);
      const b = await cli(...args, '--clickhouse', url);
      expect(b.code, b.stderr).toBe(a.code);
      // Everything but the store's name, the unpriced routes in the order printed (one order on every store).
      const strip = ({ db: _d, clickhouse: _c, ...rest }: Record<string, unknown>) => rest;
      expect(differences(strip(JSON.parse(a.stdout)), strip(JSON.parse(b.stdout))), args.join(' ')).toEqual([]);
    }
  });
});

/** An invoice CSV with one line: OpenAI, May 2026, SKU gpt-5.5-tokens. */
const invoice = (amount: number, dir: string, name: string) =>
  writeTemp(name, ['period,provider,sku,model,quantity,unit,amount', `2026-05,OpenAI,gpt-5.5-tokens,gpt-5.5,1000000,tokens,${amount}`, `2026-05,OpenAI,gpt-5.5-batch,gpt-5.5,10,tokens,1.5`].join('\n'), dir);

async function invoiceTotal(s: TraceStore): Promise<number> {
  await s.preparePricing(catalog);
  const r = await s.reconcile();
  return r.providers.reduce((a, l) => a + l.invoiceUsd, 0);
}

describe('corrected invoices and failed imports on ClickHouse', () => {
  for (const where of ['one server', 'the cluster'] as const) {
    it(`${where}: a corrected invoice line is a conflict with counts; --replace makes it win once; re-importing it changes nothing`, { timeout: 120_000 }, async () => {
      const dir = tempDir();
      const traces = writeTemp('t.csv', ['timestamp,request_id,provider,model,input_tokens,output_tokens', '2026-05-03T10:00:00Z,r1,openai,gpt-5.5,1000,100'].join('\n'), dir);
      const choice: StoreChoice = where === 'one server' ? { kind: 'clickhouse', url: single.fresh() } : { kind: 'clickhouse', url: freshCluster(), cluster: provided.cluster! };
      const s = await openTraceStore(choice, { create: true });
      try {
        await s.importFile(traces, { today });
        expect((await s.importFile(invoice(12, dir, 'may.csv'), { today })).kept).toBe(2);
        expect(await invoiceTotal(s)).toBeCloseTo(13.5, 12);
        // The same file again: idempotent.
        expect(await s.importFile(invoice(12, dir, 'may.csv'), { today })).toMatchObject({ kept: 0, alreadyStored: 2 });
        const corrected = invoice(14.25, dir, 'may-corrected.csv');
        const refused = await s.importFile(corrected, { today });
        expect(refused.aborted).toMatch(/1 line conflicts with stored lines \(same period_start, period_end, provider, sku, model, unit, charge_category, other values; first at line 2: .*amount_usd 12(\.0)? → 14\.25\); nothing was imported/);
        expect(refused.conflicts).toBe(1);
        expect(await invoiceTotal(s)).toBeCloseTo(13.5, 12);
        const won = await s.importFile(corrected, { today, replace: true });
        expect(won).toMatchObject({ conflicts: 1, replaced: 1, kept: 1 });
        expect(await invoiceTotal(s)).toBeCloseTo(15.75, 12);
        expect(await s.importFile(corrected, { today, replace: true })).toMatchObject({ kept: 0, alreadyStored: 2, conflicts: 0 });
        expect(await invoiceTotal(s)).toBeCloseTo(15.75, 12);
      } finally {
        await s.close();
      }
      if (where === 'the cluster') {
        // Across the shards: exactly the two current lines are visible, whichever shard holds them.
        const ch = await openClickHouse(choice.url);
        try {
          const [v] = await ch.query(`SELECT count() AS n, sum(amount_usd) AS usd FROM ${ch.table('invoice_lines')}`);
          expect(v).toMatchObject({ n: 2 });
          expect(Number(v!.usd)).toBeCloseTo(15.75, 12);
        } finally {
          await ch.close();
        }
      }
    });
  }

  it('a ledger import that fails after writing its lines leaves nothing visible, drops what it wrote, and can be redone', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const url = single.fresh();
    const ch = await openClickHouse(url);
    try {
      await importFileToClickHouse(ch, writeTemp('t.csv', ['timestamp,request_id,provider,model,input_tokens,output_tokens', '2026-05-03T10:00:00Z,r1,openai,gpt-5.5,1000,100'].join('\n'), dir), { today });
      const boom = importFileToClickHouse(ch, invoice(12, dir, 'may.csv'), {
        today,
        onStep: (step) => {
          if (step === 'written') throw new Error('killed after writing');
        },
      });
      await expect(boom).rejects.toThrow(/killed after writing/);
      const visible = async () => Number((await ch.query(`SELECT count() AS n FROM ${ch.table('invoice_lines')}`))[0]!.n);
      expect(await visible()).toBe(0);
      expect(Number((await ch.query(`SELECT count() AS n FROM ${ch.table('invoice_lines_data')}`))[0]!.n)).toBe(0);
      const again = await importFileToClickHouse(ch, invoice(12, dir, 'may.csv'), { today });
      expect(again.kept).toBe(2);
      expect(await visible()).toBe(2);
    } finally {
      await ch.close();
    }
  });
});

describe('ledger lines survive the round trip through ClickHouse exactly', () => {
  // The replay compares the file with the lines read back from ClickHouse: a value that came back
  // different (a double's last digit, an escaped quote, a NUL) would make a re-import a false conflict.
  // This property found that 18.16 parses some decimal doubles (6.03e-174, 3.47e-60, subnormals) one
  // unit in the last place off: ledger lines reach 18.16 as RowBinary, every double as its bytes.
  it('any amounts, quantities and SKU text: a re-import is all "already stored", never a conflict (fast-check, 18.16)', { timeout: 240_000 }, async () => {
    const ch = await openClickHouse(single.fresh());
    const dir = tempDir();
    const csvText = (v: string) => `"${v.replace(/"/g, '""')}"`;
    try {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ sku: fc.string({ minLength: 1, maxLength: 12 }).filter((x) => !/[\r\n]/.test(x) && x.trim() === x && x !== ''), amount: fc.double({ min: -1e6, max: 1e6, noNaN: true }), quantity: fc.double({ min: 0, max: 1e12, noNaN: true }) }), { minLength: 1, maxLength: 6 }),
          async (lines) => {
            const month = `2030-${String((n % 12) + 1).padStart(2, '0')}`;
            const provider = `p${n++}`;
            const uniq = [...new Map(lines.map((l) => [l.sku, l])).values()];
            const file = writeTemp(`inv${n}.csv`, ['period,provider,sku,quantity,unit,amount', ...uniq.map((l) => `${month},${provider},${csvText(l.sku)},${l.quantity},tokens,${l.amount}`)].join('\n'), dir);
            const first = await importFileToClickHouse(ch, file, { today, acceptRejects: true });
            expect(first.aborted).toBeUndefined();
            const again = await importFileToClickHouse(ch, file, { today, acceptRejects: true });
            expect(again).toMatchObject({ kept: 0, alreadyStored: first.kept, conflicts: 0 });
          },
        ),
        { numRuns: 8, seed: 14, endOnFailure: true },
      );
    } finally {
      await ch.close();
    }
  });

  it('an invoice period ClickHouse cannot hold is refused with its line, nothing imported', async () => {
    const ch = await openClickHouse(single.fresh());
    try {
      const file = writeTemp('far.csv', ['period,provider,sku,amount', '2026-05,openai,a,1', '2207-01,openai,b,2'].join('\n'));
      await expect(importFileToClickHouse(ch, file, { today })).rejects.toThrow(/far\.csv: line 3: period_start 2207-01-01 00:00:00 is outside what the ClickHouse store holds \(1970-01-01 ≤ period_start < 2105-12-31\)/);
      expect(Number((await ch.query(`SELECT count() AS n FROM ${ch.table('invoice_lines')}`))[0]!.n)).toBe(0);
    } finally {
      await ch.close();
    }
  });
});

describe('a SIGKILLed ledger import on the cluster', () => {
  it('killed after writing its lines: nothing visible; the next import breaks the stale lock, removes the lines and imports once', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const url = freshCluster();
    const ch = await openClickHouse(url);
    let child: ReturnType<typeof spawn> | undefined;
    try {
      const traces = writeTemp('t.csv', ['timestamp,request_id,provider,model,input_tokens,output_tokens', '2026-05-03T10:00:00Z,r1,openai,gpt-5.5,1000,100'].join('\n'), dir);
      await importFileToClickHouse(ch, traces, { today, cluster: provided.cluster! });
      const file = invoice(12, dir, 'may.csv');
      // A real importer process (the built CLI's code), stopped for good the moment its lines are written, before its commit.
      const script = `const { openClickHouse } = await import(${JSON.stringify(join(DIST, 'traces/clickhouse/connection.js'))});
        const { importFileToClickHouse } = await import(${JSON.stringify(join(DIST, 'traces/clickhouse/import.js'))});
        const ch = await openClickHouse(${JSON.stringify(url)});
        await importFileToClickHouse(ch, ${JSON.stringify(file)}, { today: '${today}', cluster: ${JSON.stringify(provided.cluster)}, onStep: async (s) => { if (s === 'written') { process.stdout.write('written\\n'); await new Promise(() => {}); } } });`;
      child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((done, fail) => {
        child!.stdout!.on('data', (b: Buffer) => b.toString().includes('written') && done());
        child!.once('exit', (code) => fail(new Error(`the importer exited (${code}) before writing`)));
      });
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      const n = async (sql: string) => Number(Object.values((await ch.query(sql))[0] ?? {})[0] ?? 0);
      // Written (both lines are in the data table) and invisible.
      expect(await n(`SELECT count() FROM ${ch.table('invoice_lines_data')}`)).toBe(2);
      expect(await n(`SELECT count() FROM ${ch.table('invoice_lines')}`)).toBe(0);
      const s = await openTraceStore({ kind: 'clickhouse', url, cluster: provided.cluster! }, { create: true });
      try {
        expect(await s.hasInvoices()).toBe(false);
        const redo = await s.importFile(file, { today });
        expect(redo).toMatchObject({ kept: 2, alreadyStored: 0 });
        expect(redo.notes.join(' ')).toMatch(/removed the lines of 1 ledger import that never committed/);
        expect(await invoiceTotal(s)).toBeCloseTo(13.5, 12);
      } finally {
        await s.close();
      }
      // Across both shards only the redo's two lines remain.
      expect(await n(`SELECT count() FROM ${ch.table('invoice_lines_data')}`)).toBe(2);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await ch.close();
    }
  });
});

describe('ledgers beside an otel_traces table (--source otel, current ClickHouse)', () => {
  it('reconcile and compare --traces read otel_traces in place and the invoices from routefit\'s tables: DuckDB\'s numbers for the same spans', { timeout: 180_000 }, async () => {
    const connector = await loadChdb();
    const ch = await openChdb();
    const dir = tempDir();
    const duck = await openTraceStore({ kind: 'duckdb', db: join(dir, 's.duckdb') }, { create: true });
    try {
      await createOtelTraces(ch, ch.database, 'otel_traces', { spans: 3000, seed: 4 });
      const spans = writeTemp('spans.json', await otlpJsonOf(ch, `${ch.database}.otel_traces`), dir);
      const focus = writeTemp(
        'focus.csv',
        [FOCUS_HEAD, ...['OpenAI', 'Anthropic', 'Google'].map((p, i) => focusLine('2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z', p, 'Usage', `${p.toLowerCase()}-tokens`, 5 + i))].join('\n'),
        dir,
      );
      const incidents = writeTemp('incidents.csv', INCIDENTS, dir);
      for (const f of [spans, focus, incidents]) expect((await duck.importFile(f, { today, acceptRejects: true })).aborted).toBeUndefined();
      const url = chdbUrl(ch.database);
      const otel = await openTraceStore({ kind: 'clickhouse', url, source: 'otel' }, { connector });
      try {
        // Traces stay read-only; a ledger goes into routefit's own tables of the URL's database.
        expect(otel.capabilities.imports).toBe(false);
        await expect(otel.importFile(spans, { today })).rejects.toThrow(/only reads it/);
        expect((await otel.importFile(focus, { today })).kept).toBe(3);
        expect((await otel.importFile(incidents, { today })).kept).toBe(3);
        await otel.focus({});
        await duck.preparePricing(catalog);
        await otel.preparePricing(catalog);
        const a = await duck.reconcile({}, { overheads: {} });
        const b = await otel.reconcile({}, { overheads: {} });
        expect(a.providers.map((l) => l.provider)).toEqual(['anthropic', 'google', 'openai']);
        expect(a.providers.every((l) => l.traceCostUsd > 0)).toBe(true);
        expect(differences(a, b)).toEqual([]);
        const checks = [await duck.check({ catalog, incidentSloMinutes: 30 }), await otel.check({ catalog, incidentSloMinutes: 30 })];
        expect(checks[0]!.some((x) => x.id === 'invoice_variance' && x.checked)).toBe(true);
        expect(differences(checks[0], checks[1])).toEqual([]);
      } finally {
        await otel.close();
      }
      // The CLI: traces reconcile --source otel, and compare --traces URL --source otel measures the same workloads as the DuckDB store.
      const run = async (...args: string[]) => {
        let out = '';
        let err = '';
        const code = await runCli(args, { out: (x) => (out += x), err: (x) => (err += x), today, clickhouse: connector });
        return { code, out, err };
      };
      const rec = await run('traces', 'reconcile', '--clickhouse', url, '--source', 'otel', '--json');
      expect(rec.err).not.toMatch(/error/);
      const recDuck = await run('traces', 'reconcile', '--db', join(dir, 's.duckdb'), '--json');
      expect(rec.code).toBe(recDuck.code);
      const strip = ({ db: _d, clickhouse: _c, source: _s, ...rest }: Record<string, unknown>) => rest;
      expect(differences(strip(JSON.parse(recDuck.out)), strip(JSON.parse(rec.out)))).toEqual([]);
      const wl = writeTemp('w.yaml', 'as_of: 2026-05-15\nroutes: [openai/gpt-5.5]\nworkloads:\n  - name: support-bot\n    requests_per_month: 100000\n    input_tokens: 800\n    output_tokens: 50\n', dir);
      const cmpCh = await run('compare', wl, '--traces', url, '--source', 'otel', '--json');
      const cmpDuck = await run('compare', wl, '--traces', join(dir, 's.duckdb'), '--json');
      expect(cmpCh.code, cmpCh.err).toBe(cmpDuck.code);
      const [x, y] = [JSON.parse(cmpDuck.out), JSON.parse(cmpCh.out)];
      expect(x.workloads[0].replaced.length).toBeGreaterThan(0);
      expect(differences(x.workloads.map((w: { replaced: unknown[] }) => w.replaced.map((r) => ({ ...(r as object), measured: { ...(r as { measured: object }).measured, source: '' } }))), y.workloads.map((w: { replaced: unknown[] }) => w.replaced.map((r) => ({ ...(r as object), measured: { ...(r as { measured: object }).measured, source: '' } }))))).toEqual([]);
    } finally {
      await duck.close();
      await ch.close();
    }
  });
});
