import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exportCommand } from '../../src/cli/commands/export.js';
import { aiGatewayRouteSchema, envoyDocumentSchema, litellmConfigSchema, openrouterExportSchema, portkeyConfigSchema, type PortkeyTarget } from '../../src/export/schemas.js';
import { diffConfigs, integerWeights, redact } from '../../src/export/index.js';
import { tempYaml } from '../helpers/cli.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { loadGatewayModels } from '../../src/catalog/gateway-models.js';
import { decisionBrief } from '../../src/engine/decisions/decision-brief.js';
import { briefWorkloads, fleetFacts, loadFleet } from '../../src/fleet/load.js';
import { exportPlan } from '../../src/export/plan.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FLEET = readFileSync(join(ROOT, 'examples', 'fleet.yaml'), 'utf8');
const fleetFile = (text = FLEET) => tempYaml(text, 'fleet.yaml');

function run(gateway: string, file: string, opts: Record<string, unknown> = {}) {
  let out = '';
  let err = '';
  const code = exportCommand(gateway, file, opts as never, { out: (s) => (out += s), err: (s) => (err += s), today: '2026-11-22' });
  return { code, out, err };
}
const json = (gateway: string, file: string, opts: Record<string, unknown> = {}) => {
  const r = run(gateway, file, { ...opts, json: true });
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as { plan: { workloads: { workload: string; newRouteShare: number; revert: unknown; groups: { name: string; requestShare: number }[] }[] }; config: unknown };
};

const NEW = 'together/llama-3.3-70b';
const CUR = 'anthropic/claude-sonnet-4.6';
const STAGES = [
  ['shadow', undefined, 0.05],
  ['canary', 0.2, 0.2],
  ['majority', undefined, 0.5],
  ['majority', 0.9, 0.9],
  ['full', undefined, 1],
] as const;

/** Share of support-resolution requests each route gets, read back from a gateway's own config. */
function litellmShares(cfg: z.output<typeof litellmConfigSchema>, group: string, groupShare = 1): Record<string, number> {
  const rows = cfg.model_list.filter((m) => m.model_name === group);
  const total = rows.reduce((a, m) => a + (m.litellm_params.weight ?? 1), 0);
  const out: Record<string, number> = {};
  for (const m of rows) {
    const route = m.model_info!.id.slice(group.length + 1);
    out[route] = ((m.litellm_params.weight ?? 1) / total) * groupShare;
  }
  return out;
}
function portkeyShares(t: PortkeyTarget): Record<string, number> {
  const primary = t.strategy?.mode === 'fallback' ? t.targets![0]! : t;
  const leaves = primary.strategy?.mode === 'loadbalance' ? primary.targets! : [primary];
  const total = leaves.reduce((a, l) => a + (l.weight ?? 1), 0);
  return Object.fromEntries(leaves.map((l) => [l.override_params!.model, (l.weight ?? 1) / total]));
}

describe('routefit export: each gateway config validates against a schema written from its documentation', () => {
  it.each(['litellm', 'portkey', 'openrouter', 'envoy'])('%s', (gateway) => {
    const file = fleetFile();
    const r = run(gateway, file, { stage: 'canary' });
    expect(r.code, r.err).toBe(0);
    if (gateway === 'litellm') litellmConfigSchema.parse(parse(r.out));
    if (gateway === 'portkey') portkeyConfigSchema.parse(JSON.parse(r.out));
    if (gateway === 'openrouter') openrouterExportSchema.parse(JSON.parse(r.out));
    if (gateway === 'envoy') {
      const docs = parseAllDocuments(r.out).map((d) => d.toJS());
      docs.forEach((d) => envoyDocumentSchema.parse(d));
      expect(docs.filter((d) => d.kind === 'AIGatewayRoute')).toHaveLength(3);
    }
  });

  it('the schemas reject what the gateways would reject: a literal key, an unknown key, weights outside Portkey range', () => {
    const base = { model_list: [{ model_name: 'x', litellm_params: { model: 'openai/gpt-5.5', api_key: 'os.environ/OPENAI_API_KEY' } }], router_settings: { routing_strategy: 'simple-shuffle' } };
    expect(litellmConfigSchema.safeParse(base).success).toBe(true);
    expect(litellmConfigSchema.safeParse({ ...base, model_list: [{ ...base.model_list[0], litellm_params: { model: 'openai/gpt-5.5', api_key: 'sk-live-123' } }] }).success).toBe(false);
    expect(litellmConfigSchema.safeParse({ ...base, router_settings: { routing_strategy: 'round-robin' } }).success).toBe(false);
    expect(portkeyConfigSchema.safeParse({ strategy: { mode: 'conditional', conditions: [{ query: { 'metadata.workload': { $eq: 'a' } }, then: 'b' }] }, targets: [{ name: 'a', provider: 'openai' }] }).success).toBe(false);
    expect(aiGatewayRouteSchema.safeParse({ apiVersion: 'aigateway.envoyproxy.io/v1beta1', kind: 'AIGatewayRoute', metadata: { name: 'Bad_Name' }, spec: { parentRefs: [{ name: 'gw' }], rules: [] } }).success).toBe(false);
    // The schemas are plain zod: they export as JSON Schema for other tools.
    const js = z.toJSONSchema(litellmConfigSchema) as { properties: Record<string, unknown> };
    expect(Object.keys(js.properties)).toEqual(['model_list', 'router_settings']);
  });
});

describe('routefit export: weights are the plan’s shares', () => {
  it.each(STAGES)('stage %s (share %s) → %s of support-resolution on the new route, the rest on the current one, in every gateway', (stage, share, expected) => {
    const file = fleetFile();
    const opts = { stage, ...(share ? { share } : {}) };
    const { plan, config } = json('litellm', file, opts);
    const w = plan.workloads.find((x) => x.workload === 'support-resolution')!;
    expect(w.newRouteShare).toBeCloseTo(expected, 12);
    const lite = litellmShares(litellmConfigSchema.parse(config), 'support-resolution');
    expect(lite[NEW]).toBeCloseTo(expected, 4);
    expect(lite[CUR] ?? 0).toBeCloseTo(1 - expected, 4);

    const pk = portkeyConfigSchema.parse(json('portkey', file, opts).config);
    const s = portkeyShares(pk.targets.find((t) => t.name === 'support-resolution')!);
    expect(s['meta-llama/Llama-3.3-70B-Instruct-Turbo']).toBeCloseTo(expected, 6);
    expect(s['claude-sonnet-4-6'] ?? 0).toBeCloseTo(1 - expected, 6);

    const or = openrouterExportSchema.parse(json('openrouter', file, opts).config);
    const bodies = or.workloads['support-resolution']!;
    expect(bodies.reduce((a, b) => a + b.share, 0)).toBeCloseTo(1, 9);
    expect(bodies.find((b) => b.body.models[0] === 'meta-llama/llama-3.3-70b-instruct')!.share).toBeCloseTo(expected, 6);

    const docs = (json('envoy', file, opts).config as unknown[]).map((d) => envoyDocumentSchema.parse(d));
    const route = docs.find((d) => d.kind === 'AIGatewayRoute' && d.metadata.name === 'routefit-support-resolution') as z.output<typeof aiGatewayRouteSchema>;
    const refs = route.spec.rules[0]!.backendRefs.filter((b) => b.priority === 0);
    const total = refs.reduce((a, b) => a + b.weight!, 0);
    expect(refs.find((b) => b.modelNameOverride === 'meta-llama/Llama-3.3-70B-Instruct-Turbo')!.weight! / total).toBeCloseTo(expected, 4);
    // The current route stays as the fallback while the ramp runs: at priority 1 once it has no weight.
    if (expected === 1) expect(route.spec.rules[0]!.backendRefs.find((b) => b.priority === 1)?.modelNameOverride).toBe('claude-sonnet-4-6');
  });

  it('a share outside the stage’s range is refused with the range (exit 2 class)', () => {
    expect(() => run('litellm', fleetFile(), { stage: 'canary', share: 0.6 })).toThrow(/outside the canary stage's 0.1-0.25/);
  });

  it('the batch-eligible share is its own group: online + batch groups add up to the plan’s shares', () => {
    const text = FLEET.replace('    cache_hit_rate: 0.71\n', '    cache_hit_rate: 0.71\n    batch_eligible_share: 0.3\n');
    const file = fleetFile(text);
    const { plan, config } = json('litellm', file, { stage: 'canary', share: 0.2 });
    const w = plan.workloads.find((x) => x.workload === 'support-resolution')!;
    expect(w.groups.map((g) => [g.name, g.requestShare])).toEqual([['support-resolution', 0.7], ['support-resolution-batch', 0.3]]);
    const cfg = litellmConfigSchema.parse(config);
    const online = litellmShares(cfg, 'support-resolution', 0.7);
    const batch = litellmShares(cfg, 'support-resolution-batch', 0.3);
    expect(online[NEW]! + batch[NEW]!).toBeCloseTo(0.2, 4);
    expect(online[CUR]! + batch[CUR]!).toBeCloseTo(0.8, 4);
    expect(cfg.model_list.filter((m) => m.model_name === 'support-resolution-batch').map((m) => m.model_info?.id)).toEqual(['support-resolution-batch:together/llama-3.3-70b', 'support-resolution-batch:anthropic/claude-sonnet-4.6']);
    const pk = portkeyConfigSchema.parse(json('portkey', file, { stage: 'canary' }).config);
    const conds = pk.strategy.conditions!.map((c) => c.then);
    // Portkey takes the first match: the batch condition (workload and metadata.batch) comes first.
    expect(conds.indexOf('support-resolution-batch')).toBeLessThan(conds.indexOf('support-resolution'));
    const or = openrouterExportSchema.parse(json('openrouter', file, { stage: 'canary' }).config);
    expect(or.notes.some((n) => n.includes('no batch tier'))).toBe(true);
    expect(or.workloads['support-resolution']!.reduce((a, b) => a + b.share, 0)).toBeCloseTo(1, 9);
  });

  it('integer weights keep the sum exact (largest remainder)', () => {
    expect(integerWeights([0.05 * 0.7, 0.95 * 0.7], 10_000)).toEqual([500, 9500]);
    expect(integerWeights([1, 1, 1], 100)).toEqual([34, 33, 33]);
    expect(integerWeights([0, 0])).toEqual([0, 0]);
  });
});

describe('routefit export: retries and timeouts from the SLO', () => {
  it('support-resolution’s p99 2,500 ms over 2 chained calls is 1,250 ms per attempt in every gateway; no SLO, no timeout', () => {
    const file = fleetFile();
    const lite = litellmConfigSchema.parse(json('litellm', file).config);
    const sr = lite.model_list.filter((m) => m.model_name === 'support-resolution');
    expect(sr.every((m) => m.litellm_params.timeout === 1.25 && m.litellm_params.max_retries === 2)).toBe(true);
    expect(lite.model_list.find((m) => m.model_name === 'document-extraction')!.litellm_params.timeout).toBeUndefined();
    const pk = portkeyConfigSchema.parse(json('portkey', file, { retries: 3 }).config);
    const leaf = pk.targets.find((t) => t.name === 'support-resolution')!.targets![1]!;
    expect(leaf.request_timeout).toBe(1250);
    expect(leaf.retry).toEqual({ attempts: 3, on_status_codes: [429, 500, 502, 503, 504] });
    const docs = json('envoy', file).config as { kind: string; metadata: { name: string }; spec: Record<string, any> }[];
    const policy = docs.find((d) => d.kind === 'BackendTrafficPolicy' && d.metadata.name === 'routefit-support-resolution-retry')!;
    expect(policy.spec.retry.perRetry.timeout).toBe('1.25s');
    expect(policy.spec.retry.numRetries).toBe(2);
    const route = docs.find((d) => d.kind === 'AIGatewayRoute' && d.metadata.name === 'routefit-support-resolution')!;
    expect(route.spec.rules[0].timeouts.request).toBe('3.75s');
  });

  it('--retries outside 0-10 is refused', () => {
    expect(() => run('litellm', fleetFile(), { retries: 11 })).toThrow(/retries is 11; allowed a whole number 0-10/);
  });
});

describe('routefit export: a firing revert signal exports the revert', () => {
  it('a ch. 22 reversion signal at the majority stage exports the previous stage (canary, 10%)', () => {
    const text = FLEET.replace('pass_rate_windows: [0.87, 0.86]', 'pass_rate_windows: [0.83, 0.82]');
    const { plan, config } = json('litellm', fleetFile(text), { stage: 'majority' });
    const w = plan.workloads.find((x) => x.workload === 'support-resolution')! as { newRouteShare: number; revert: { signals: string[]; toShare: number } };
    expect(w.revert.signals).toEqual(['Eval pass rate below the floor 2 windows running']);
    expect(w.newRouteShare).toBe(0.1);
    expect(litellmShares(litellmConfigSchema.parse(config), 'support-resolution')[NEW]).toBeCloseTo(0.1, 4);
    // Quiet signals leave the stage as asked.
    expect(json('litellm', fleetFile(), { stage: 'majority' }).plan.workloads[0]!.newRouteShare).toBe(0.5);
  });

  it('at the shadow stage the revert sends everything back to the current route', () => {
    const text = FLEET.replace('escalation_rate_after: 0.049', 'escalation_rate_after: 0.12');
    const { config } = json('envoy', fleetFile(text));
    const route = (config as z.output<typeof aiGatewayRouteSchema>[]).find((d) => d.kind === 'AIGatewayRoute' && d.metadata.name === 'routefit-support-resolution')!;
    expect(route.spec.rules[0]!.backendRefs.map((b) => b.modelNameOverride)).toEqual(['claude-sonnet-4-6']);
  });

  it('the Part 5 Stage 1 → 0 signal (multi-source overhead over 20% of savings) exports the single current provider', () => {
    const text = FLEET.replace('multi_source_overhead_per_month: { value: 800', 'multi_source_overhead_per_month: { value: 2000');
    const { plan, config } = json('portkey', fleetFile(text), { stage: 'full' });
    const w = plan.workloads.find((x) => x.workload === 'support-resolution')!;
    expect(w.newRouteShare).toBe(0);
    expect(w.revert).toMatchObject({ toShare: 0 });
    const t = portkeyConfigSchema.parse(config).targets.find((x) => x.name === 'support-resolution')!;
    expect(JSON.stringify(t)).not.toContain('Llama');
    expect(t.override_params?.model).toBe('claude-sonnet-4-6');
  });
});

describe('routefit export: credentials are references, never values', () => {
  const SECRETS = { ANTHROPIC_API_KEY: 'sk-ant-SECRET-aaa111', TOGETHERAI_API_KEY: 'tgp-SECRET-bbb222', OPENROUTER_API_KEY: 'sk-or-SECRET-ccc333' };
  it.each(['litellm', 'portkey', 'openrouter', 'envoy'])('%s output holds no secret value even with the keys in the environment', (gateway) => {
    const saved = { ...process.env };
    Object.assign(process.env, SECRETS);
    try {
      const r = run(gateway, fleetFile(), { stage: 'canary', json: true });
      for (const v of Object.values(SECRETS)) expect(r.out + r.err).not.toContain(v);
      const plain = run(gateway, fleetFile(), { stage: 'canary' });
      for (const v of Object.values(SECRETS)) expect(plain.out).not.toContain('SECRET');
      if (gateway === 'litellm') expect(plain.out).toContain('api_key: os.environ/ANTHROPIC_API_KEY');
    } finally {
      process.env = saved;
    }
  });

  it('--diff against a config holding a literal key prints it redacted', () => {
    const file = fleetFile();
    const out = join(file, '..', 'current.yaml');
    run('litellm', file, { out });
    writeFileSync(out, readFileSync(out, 'utf8').replace('api_key: os.environ/ANTHROPIC_API_KEY', 'api_key: sk-ant-LIVE-zzz999'));
    const r = run('litellm', file, { diff: out });
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('sk-ant-LIVE-zzz999');
    expect(r.out).toContain('"<redacted>" → "os.environ/ANTHROPIC_API_KEY"');
    expect(redact('api_key', 'os.environ/X')).toBe('os.environ/X');
  });
});

describe('routefit export --diff', () => {
  it('no change: exit 0; a stage change: exit 1 with the weights that move', () => {
    const file = fleetFile();
    const out = join(file, '..', 'litellm.yaml');
    expect(run('litellm', file, { out, stage: 'canary' }).code).toBe(0);
    const same = run('litellm', file, { diff: out, stage: 'canary' });
    expect(same.code).toBe(0);
    expect(same.out).toContain('no changes');
    const moved = run('litellm', file, { diff: out, stage: 'majority' });
    expect(moved.code).toBe(1);
    expect(moved.out).toContain('~ model_list[support-resolution:together/llama-3.3-70b].litellm_params.weight: 1000 → 5000');
    expect(moved.out).toContain('~ model_list[support-resolution:anthropic/claude-sonnet-4.6].litellm_params.weight: 9000 → 5000');
  });

  it('entries compare by identity, not position', () => {
    const a = [{ model_info: { id: 'x' }, v: 1 }, { model_info: { id: 'y' }, v: 2 }];
    expect(diffConfigs(a, [...a].reverse())).toEqual([]);
    expect(diffConfigs(a, [a[0]])).toEqual([{ path: '[y]', kind: 'removed', before: a[1] }]);
  });

  it('a malformed current config is a file:line error', () => {
    const bad = tempYaml('model_list: [\n  {oops\n', 'current.yaml');
    expect(() => run('litellm', fleetFile(), { diff: bad })).toThrow(/current\.yaml:\d+/);
  });
});

describe('routefit export: model ids come from the catalog mapping', () => {
  it('a route without a gateway model id is an error naming the mapping file, not a guess', () => {
    const file = tempYaml(`name: t
as_of: 2026-05-15
routes: [openai/gpt-4o, openai/gpt-5.5]
workloads:
  - name: chat
    requests_per_month: 100000
    input_tokens: 500
    output_tokens: 200
    current_route: openai/gpt-4o
`, 'fleet.yaml');
    expect(() => run('litellm', file)).toThrow(/no gateway model id for openai\/gpt-4o: add each to .*gateway-models\.yaml/);
  });

  it('a dedicated recommendation keeps the current route and the cheapest per-token route as its overflow path', () => {
    const text = FLEET.replace('lcpr: { value: 0.005, evidence: estimated, source: vendor benchmark }', 'lcpr: { value: 0.007, evidence: measured }');
    const { plan, config } = json('litellm', fleetFile(text), { workload: 'background-classification' });
    const w = plan.workloads[0] as unknown as { recommendedRoute: string; groups: { targets: { route: string; weight: number }[]; fallbacks: { route: string; role: string }[] }[] };
    expect(w.recommendedRoute).toBe('together/h100-endpoint');
    expect(w.groups[0]!.targets.map((t) => [t.route, t.weight])).toEqual([['together/h100-endpoint', 0.05], [CUR, 0.95]]);
    expect(w.groups[0]!.fallbacks.map((t) => [t.route, t.role])).toEqual([[CUR, 'current'], [NEW, 'overflow']]);
    const cfg = litellmConfigSchema.parse(config);
    // The dedicated endpoint answers to the deployed model's id.
    expect(cfg.model_list.find((m) => m.model_info?.id === 'background-classification:together/h100-endpoint')!.litellm_params.model).toBe('together_ai/meta-llama/Llama-3.3-70B-Instruct');
    expect(cfg.router_settings.fallbacks).toEqual([{ 'background-classification': ['background-classification-fallback-1', 'background-classification-fallback-2'] }]);
  });

  it('--hybrid-pattern runs the engine’s utilization gate; the split keeps the plan’s share and the overflow path', () => {
    const text = FLEET.replace('lcpr: { value: 0.005, evidence: estimated, source: vendor benchmark }', 'lcpr: { value: 0.007, evidence: measured }');
    const r = run('litellm', fleetFile(text), { workload: 'background-classification', stage: 'majority', hybridPattern: 'bursty:4x@30%', json: true });
    expect(r.code, r.err).toBe(0);
    const w = JSON.parse(r.out).plan.workloads[0] as { notes: string[]; groups: { targets: { route: string; weight: number }[]; fallbacks: { route: string }[] }[] };
    expect(w.notes.find((n) => n.startsWith('hybrid split:'))).toMatch(/utilization gate over .*together\/llama-3\.3-70b at \$0\.0090 per accepted output/);
    const onNew = w.groups[0]!.targets.filter((t) => t.route !== CUR).reduce((a, t) => a + t.weight, 0);
    expect(onNew).toBeCloseTo(0.5, 12);
    expect(w.groups[0]!.fallbacks.map((t) => t.route)).toContain(NEW);
    expect(() => run('litellm', fleetFile(text), { hybridPattern: 'bursty:4x@30%', hybridPatternCsv: 'x.csv' })).toThrow(/not both/);
  });

  it('a hybrid split (the engine’s dedicated floor share) becomes weights between the endpoint and its overflow', () => {
    const text = FLEET.replace('lcpr: { value: 0.005, evidence: estimated, source: vendor benchmark }', 'lcpr: { value: 0.007, evidence: measured }');
    const catalog = loadCatalog();
    const fleet = loadFleet(fleetFile(text), catalog, { today: '2026-11-22' });
    const ws = briefWorkloads(fleet).filter((x) => x.name === 'background-classification');
    const brief = decisionBrief(ws, fleetFacts(fleet));
    const plan = exportPlan(brief, ws, loadGatewayModels(catalog.dir), { stage: 'majority', share: 0.8, hybrid: { 'background-classification': { dedicatedShare: 0.75, source: 'test' } } });
    const t = plan.workloads[0]!.groups[0]!.targets.map((x) => [x.route, x.role, Number(x.weight.toFixed(12))]);
    expect(t).toEqual([['together/h100-endpoint', 'recommended', 0.6], [NEW, 'overflow', 0.2], [CUR, 'current', 0.2]]);
    expect(plan.workloads[0]!.groups[0]!.fallbacks.map((x) => x.route)).toEqual([CUR, NEW]);
    expect(() => exportPlan(brief, ws, loadGatewayModels(catalog.dir), { hybrid: { 'background-classification': { dedicatedShare: 1.5, source: 'test' } } })).toThrow(/outside 0-1/);
  });
});

describe('catalog/gateway-models.yaml is checked like the rest of the catalog', () => {
  it('a credential that is not an environment variable name, or an unknown provider, is a file:line error in catalog validate', async () => {
    const { cpSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { cli } = await import('../helpers/cli.js');
    const dir = join(mkdtempSync(join(tmpdir(), 'routefit-gm-')), 'catalog');
    cpSync(join(ROOT, 'catalog'), dir, { recursive: true });
    const f = join(dir, 'gateway-models.yaml');
    writeFileSync(f, readFileSync(f, 'utf8').replace('api_key_env: OPENAI_API_KEY', 'api_key_env: sk-live-123').replace('route: deepinfra/gpt-oss-120b', 'route: nowhere/gpt-oss-120b'));
    const r = await cli('catalog', 'validate', '--catalog', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gateway-models\.yaml:\d+:\d+: providers\.openai\.api_key_env: expected an environment variable NAME/);
    writeFileSync(f, readFileSync(f, 'utf8').replace('api_key_env: sk-live-123', 'api_key_env: OPENAI_API_KEY'));
    const r2 = await cli('catalog', 'validate', '--catalog', dir);
    expect(r2.stderr).toMatch(/gateway-models\.yaml:\d+:\d+: routes\[\d+\]\.route: provider "nowhere" has no entry under providers:/);
  });
});
