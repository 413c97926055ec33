import { writeFileSync } from 'node:fs';
import { loadGatewayModels } from '../../catalog/gateway-models.js';
import { defaultCatalogDir } from '../../catalog/load.js';
import { decisionBrief } from '../../engine/decisions/decision-brief.js';
import { briefWorkloads, fleetFacts } from '../../fleet/load.js';
import { GATEWAYS, type Gateway, RAMP_STAGE_IDS, type RampStageId, diffConfigs, exportPlan, readCurrentConfig, renderChanges, renderConfig } from '../../export/index.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { valueOf } from '../../engine/evidence.js';
import { patternFromHourly, patternPreset } from '../../engine/capacity/traffic.js';
import { readHourlyCsv } from '../../io/hourly-csv.js';
import { hybridSplit } from '../../export/hybrid.js';
import { fleetFrom, fleetOptions } from '../fleet.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

/** `--diff` found changes: exit 1, as `diff` and `git diff --exit-code` do. */
export const EXIT_WOULD_CHANGE = 1;

const options = {
  ...fleetOptions(),
  out: opt.string('--out <path>', 'write the config here instead of printing it'),
  diff: opt.string('--diff <current>', "compare with today's config and print what would change (exit 1 when something would)"),
  stage: opt.string('--stage <stage>', `the ramp stage a migrating workload is in: ${RAMP_STAGE_IDS.join(', ')} (playbook ch. 22, staged ramp)`).default('shadow'),
  share: opt.number('--share <fraction>', "new-route traffic share within the stage's range (default: the range's low end)", { min: 0, max: 1, percent: true }),
  retries: opt.number('--retries <n>', 'retries per request on 429/5xx (default 2, an assumption)', { min: 0, max: 10, integer: true }),
  hybridPattern: opt.string('--hybrid-pattern <preset>', 'traffic shape for a dedicated recommendation (stable:60%, diurnal:10h@70%, bursty:4x@30%): split it into dedicated floor + per-token overflow weights'),
  hybridPatternCsv: opt.string('--hybrid-pattern-csv <file>', 'the same from hourly request counts (168 or 24 rows)'),
  gatewayName: opt.string('--gateway-name <name>', 'envoy: the Gateway the routes attach to (default envoy-ai-gateway)'),
  namespace: opt.string('--namespace <ns>', 'envoy: namespace of the generated resources'),
  json: opt.json(),
};
export type ExportOptions = OptionValues<typeof options>;

export function exportCommand(gateway: string, file: string, opts: Partial<ExportOptions>, io: Io): number {
  if (!GATEWAYS.includes(gateway as Gateway)) throw new CliUsageError(`gateway must be one of ${GATEWAYS.join(', ')}; got "${gateway}"`);
  const stage = opts.stage ?? 'shadow';
  if (!RAMP_STAGE_IDS.includes(stage as RampStageId)) throw new CliUsageError(`--stage must be one of ${RAMP_STAGE_IDS.join(', ')}; got "${stage}"`);
  const fleet = fleetFrom(file, opts, io);
  const all = briefWorkloads(fleet);
  const chosen = opts.workload ? all.filter((w) => w.name === opts.workload) : all;
  // The same brief `routefit plan` prints: the export renders its decisions, it never makes one.
  const brief = decisionBrief(chosen, fleetFacts(fleet));
  if (opts.hybridPattern && opts.hybridPatternCsv) throw new CliUsageError('give --hybrid-pattern or --hybrid-pattern-csv, not both');
  const hybrid: Record<string, { dedicatedShare: number; source: string }> = {};
  if (opts.hybridPattern || opts.hybridPatternCsv) {
    const hourly = opts.hybridPatternCsv ? readHourlyCsv(opts.hybridPatternCsv) : undefined;
    for (const b of brief.workloads) {
      const w = chosen.find((x) => x.name === b.workload)!;
      const pass = valueOf(w.profile.qualityPassRate);
      const split = hybridSplit(w, b, (goodput) => (hourly ? patternFromHourly(`hourly requests from ${opts.hybridPatternCsv}`, hourly.map((r) => r * pass), goodput) : patternPreset(opts.hybridPattern!)));
      if (split) hybrid[b.workload] = split;
    }
    if (!Object.keys(hybrid).length) io.err('routefit: no workload is moving to a dedicated route with a per-token overflow: the hybrid pattern is not used\n');
  }
  const plan = exportPlan(brief, chosen, loadGatewayModels(opts.catalog ?? defaultCatalogDir()), {
    hybrid,
    stage: stage as RampStageId,
    ...(opts.share !== undefined ? { share: opts.share } : {}),
    ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
  });
  const header = [
    `routefit export ${gateway} ${file}${opts.workload ? ` --workload ${opts.workload}` : ''} (${io.today})`,
    'Decisions from `routefit plan` (the decision brief); credentials are environment or secret references, never values.',
    ...plan.workloads.map((w) => `${w.workload}: ${w.action}${w.stage ? `, ${w.stage} stage, ${(w.newRouteShare * 100).toFixed(1)}% on ${w.recommendedRoute}` : ` on ${w.currentRoute}`}${w.revert ? ` — REVERT: ${w.revert.signals.join('; ')}` : ''}`),
  ];
  const rendered = renderConfig(gateway as Gateway, plan, header, { ...(opts.gatewayName ? { gateway: opts.gatewayName } : {}), ...(opts.namespace ? { namespace: opts.namespace } : {}) });
  const changes = opts.diff ? diffConfigs(readCurrentConfig(opts.diff, gateway as Gateway), rendered.data) : undefined;
  if (opts.out) writeFileSync(opts.out, rendered.text);

  if (opts.json) {
    io.out(JSON.stringify({ gateway, file, plan, config: rendered.data, ...(opts.out ? { out: opts.out } : {}), ...(changes ? { diff: { against: opts.diff, changes } } : {}) }, null, 2) + '\n');
  } else if (changes) {
    io.out(changes.length ? `${changes.length} change${changes.length === 1 ? '' : 's'} against ${opts.diff}:\n${renderChanges(changes)}\n` : `no changes against ${opts.diff}\n`);
  } else if (opts.out) {
    io.out(`wrote ${opts.out}\n${header.slice(2).map((l) => `  ${l}`).join('\n')}\n`);
  } else {
    io.out(rendered.text);
  }
  for (const w of plan.workloads) for (const n of w.notes) io.err(`routefit: ${w.workload}: ${n}\n`);
  if (plan.workloads.some((w) => w.retries.evidence === 'assumed')) io.err(`routefit: retries: ${plan.workloads[0]!.retries.attempts} per request is an assumption; set --retries\n`);
  return changes?.length ? EXIT_WOULD_CHANGE : EXIT_OK;
}

export default defineCommand({
  rawOutput: true,
  description: "turn `plan`'s decisions into a gateway config: one model group per workload, the recommended route as primary, the ramp stage's weights, the current route as fallback, the batch share as its own group, retries and timeouts from the SLO",
  args: [
    { name: '<gateway>', description: `the gateway: ${GATEWAYS.join(', ')}` },
    { name: '<fleet>', description: 'fleet YAML (as `routefit plan` reads)' },
  ],
  options,
  examples: [
    'routefit export litellm examples/fleet.yaml --out litellm-config.yaml',
    'routefit export portkey examples/fleet.yaml --stage canary --share 0.2',
    'routefit export envoy examples/fleet.yaml --workload support-resolution --gateway-name ai-gw',
    'routefit export litellm examples/fleet.yaml --stage majority --diff litellm-config.yaml',
    'routefit export litellm fleet.yaml --workload classify --stage majority --hybrid-pattern diurnal:10h@70%',
  ],
  notes: 'Exit code 1 with --diff when the config would change; 2 when the file is invalid or a route has no gateway model id (catalog/gateway-models.yaml). See docs/export.md.',
  run: (opts, { args, io }) => exportCommand(args[0]!, args[1]!, opts, io),
});
