import type { Signal } from '../../../engine/measured/red-flags.js';
import { table } from '../../format.js';
import { EXIT_FLAGGED, EXIT_OK, type Io } from '../../io.js';
import { openCatalog } from '../../pricing.js';
import { type OptionValues, defineCommand, opt } from '../../command.js';
import { type StoreChoice, clickhouseOpt, dbOpt, otelTableOpt, sourceOpt, storeChoice, windowOpt, withTraceStore } from '../../stores.js';
import type { SourceReport } from '../../../traces/store/types.js';

const msFlag = (flags: string, description: string) => opt.number(flags, description, { min: 0 });
const options = {
  db: dbOpt(),
  clickhouse: clickhouseOpt(),
  source: sourceOpt(),
  otelTable: otelTableOpt(),
  from: windowOpt('--from', 'window start (UTC)'),
  to: windowOpt('--to', 'window end (UTC)'),
  sloP99Ms: msFlag('--slo-p99-ms <ms>', 'e2e p99 SLO: a breach sustained 4+ hours fires'),
  sloTtftP99Ms: msFlag('--slo-ttft-p99-ms <ms>', 'TTFT p99 SLO: over it in more than 1% of hourly windows fires'),
  sloTpotP99Ms: msFlag('--slo-tpot-p99-ms <ms>', 'TPOT p99 SLO: over it in more than 1% of hourly windows fires'),
  qualityFloor: opt.number('--quality-floor <fraction>', 'pass rate below it for two consecutive weeks fires', { min: 0, max: 1, percent: true }),
  incidentSloMinutes: opt.number('--incident-slo-minutes <min>', 'mean time to resolve incidents above it fires (needs an incidents CSV imported)', { min: 0, minExclusive: true }),
  json: opt.json(),
  catalog: opt.catalog(),
};
type CheckOpts = OptionValues<typeof options>;

async function check(opts: CheckOpts, io: Io, where: StoreChoice): Promise<number> {
  const { sloP99Ms: e2e, sloTtftP99Ms: ttft, sloTpotP99Ms: tpot, qualityFloor: floor, incidentSloMinutes: mttr } = opts;
  const catalog = openCatalog(opts.catalog);
  const checkOpts = {
    slo: { ...(e2e !== undefined ? { e2eP99Ms: e2e } : {}), ...(ttft !== undefined ? { ttftP99Ms: ttft } : {}), ...(tpot !== undefined ? { tpotP99Ms: tpot } : {}) },
    ...(floor !== undefined ? { qualityFloor: floor } : {}),
    ...(mttr !== undefined ? { incidentSloMinutes: mttr } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    catalog,
  };
  const { signals, json, label, source } = await withTraceStore(where, io.clickhouse ? { connector: io.clickhouse } : {}, async (store) => {
    await store.requireTraces();
    const win = { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) };
    await store.focus(win);
    // A read source (--source otel) says what it read and what it could not: never a silent drop.
    const source: SourceReport | undefined = await store.sourceReport(win);
    for (const w of source?.warnings ?? []) io.err(`warning: ${w}\n`);
    await store.preparePricing(catalog);
    return { signals: await store.check(checkOpts), json: store.json, label: store.label, source };
  });
  const fired = signals.filter((s) => s.fired);
  if (opts.json) {
    // The URL as shown carries no password.
    io.out(JSON.stringify({ ...json, ...(source ? { source } : {}), fired: fired.length, signals }, null, 2) + '\n');
  } else {
    const mark = (s: Signal) => (s.fired ? 'FIRED' : s.checked ? 'ok' : 'not checked');
    const rerun = `routefit compare FILE --traces ${label}`;
    io.out(
      table(
        ['Signal', 'Kind', 'Workload', 'State', 'Detail'],
        signals.map((s) => [s.id, s.kind === 'red_flag' ? 'red flag' : 'reversion', s.workload ?? '', mark(s), s.detail]),
      ) + `\n\n${fired.length ? `${fired.length} signal${fired.length > 1 ? 's' : ''} fired: re-run the LCPR comparison on measured inputs (${rerun}).` : 'No signal fired.'}\n`,
    );
  }
  return fired.length ? EXIT_FLAGGED : EXIT_OK;
}

export default defineCommand({
  options,
  examples: [
    'routefit traces check',
    'routefit traces check --slo-p99-ms 8000 --quality-floor 0.9 --json',
    'routefit traces import incidents.csv --format incidents && routefit traces check --incident-slo-minutes 60',
    '0 6 * * *  routefit traces import /logs/yesterday.csv && routefit traces check || page-oncall',
    'routefit traces check --clickhouse http://127.0.0.1:8123/traces --slo-p99-ms 8000',
    'routefit traces check --clickhouse http://127.0.0.1:8123/otel --source otel --slo-p99-ms 8000',
  ],
  notes:
    'Exit code 0 when nothing fired, 1 when a signal fired (for cron or CI), 2 on bad input.\n' +
    'With --clickhouse the trace signals and the catalog price-change signal run on a ClickHouse server (same series, same detectors); invoice variance and the incident signals read invoices and incidents, which only a DuckDB store holds: they show as not checked.',
  run: (opts, { io, cmd }) => check(opts, io, storeChoice(cmd, opts)),
});
