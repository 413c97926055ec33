import { writeFileSync } from 'node:fs';
import { type Command, Argument, Option } from 'commander';
import { loadGatewayModels } from '../../catalog/gateway-models.js';
import { decisionBrief } from '../../engine/decisions/decision-brief.js';
import { briefWorkloads, fleetFacts, loadFleet } from '../../fleet/load.js';
import { GATEWAYS, type Gateway, RAMP_STAGE_IDS, type RampStageId, diffConfigs, exportPlan, readCurrentConfig, renderChanges, renderConfig } from '../../export/index.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog, parseDate } from './shared.js';

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
/** `--diff` found changes: exit 1, as `diff` and `git diff --exit-code` do. */
export const EXIT_WOULD_CHANGE = 1;

export interface ExportOpts {
  workload?: string;
  out?: string;
  diff?: string;
  json?: boolean;
  stage?: string;
  share?: string;
  retries?: string;
  gatewayName?: string;
  namespace?: string;
  asOf?: string;
  catalog?: string;
}

const number = (flag: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new CliUsageError(`${flag} must be a number; got "${v}"`);
  return n;
};

export function exportCommand(gateway: string, file: string, opts: ExportOpts, io: Io): number {
  if (!GATEWAYS.includes(gateway as Gateway)) throw new CliUsageError(`gateway must be one of ${GATEWAYS.join(', ')}; got "${gateway}"`);
  if (opts.stage !== undefined && !RAMP_STAGE_IDS.includes(opts.stage as RampStageId)) throw new CliUsageError(`--stage must be one of ${RAMP_STAGE_IDS.join(', ')} (seed 001 ch. 22 ramp); got "${opts.stage}"`);
  const asOf = parseDate('--as-of', opts.asOf);
  const catalog = openCatalog(opts.catalog);
  const fleet = loadFleet(file, catalog, { today: io.today, ...(asOf ? { asOf } : {}) });
  if (opts.workload && !fleet.workloads.some((w) => w.name === opts.workload)) {
    throw new CliUsageError(`--workload "${opts.workload}" is not in ${file} (${fleet.workloads.map((w) => w.name).join(', ')})`);
  }
  const all = briefWorkloads(fleet);
  const chosen = opts.workload ? all.filter((w) => w.name === opts.workload) : all;
  // The same brief `routefit plan` prints: the export renders its decisions, it never makes one.
  const brief = decisionBrief(chosen, fleetFacts(fleet));
  const share = number('--share', opts.share);
  const retries = number('--retries', opts.retries);
  const plan = exportPlan(brief, chosen, loadGatewayModels(catalog.dir), {
    ...(opts.stage ? { stage: opts.stage as RampStageId } : {}),
    ...(share !== undefined ? { share } : {}),
    ...(retries !== undefined ? { retries } : {}),
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

/** `routefit export litellm|portkey|openrouter|envoy FLEET` (issue 16). */
export function registerExportCommand(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('export')
    .description("turn `plan`'s decisions into a gateway config: one model group per workload, the ramp's weights, fallbacks, retries and timeouts from the SLO")
    .addArgument(new Argument('<gateway>', 'the gateway').choices([...GATEWAYS]))
    .argument('<fleet>', 'fleet YAML (as `routefit plan` reads)')
    .option('--workload <name>', 'only this workload')
    .option('--out <path>', 'write the config here instead of printing it')
    .option('--diff <current>', "compare with today's config and print what would change (exit 1 when something would)")
    .addOption(new Option('--stage <stage>', 'the ramp stage a migrating workload is in (seed 001 ch. 22)').choices([...RAMP_STAGE_IDS]).default('shadow'))
    .option('--share <fraction>', "new-route traffic share within the stage's range (default: the range's low end)")
    .option('--retries <n>', 'retries per request on 429/5xx (default 2, an assumption)')
    .option('--gateway-name <name>', 'envoy: the Gateway the routes attach to (default envoy-ai-gateway)')
    .option('--namespace <ns>', 'envoy: namespace of the generated resources')
    .option('--as-of <date>', 'price as of this date (YYYY-MM-DD)')
    .option('--json', 'the plan, the config and any diff as JSON')
    .addOption(new Option('--catalog <dir>', 'use this catalog directory instead of the bundled one'))
    .addHelpText(
      'after',
      examples([
        'routefit export litellm examples/fleet.yaml --out litellm-config.yaml',
        'routefit export portkey examples/fleet.yaml --stage canary --share 0.2',
        'routefit export envoy examples/fleet.yaml --workload support-resolution --gateway-name ai-gw',
        'routefit export litellm examples/fleet.yaml --stage majority --diff litellm-config.yaml',
      ]) + '\nExit code 1 with --diff when the config would change; 2 when the file is invalid or a route has no gateway model id.\n',
    )
    .action((gateway: string, file: string, opts: ExportOpts) => setCode(exportCommand(gateway, file, opts, io)));
}
