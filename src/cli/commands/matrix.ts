import type { MatrixCell, RoutefitMatrix } from '../../engine/decisions/funnel.js';
import { matrixOf as fleetMatrix } from '../../fleet/decisions.js';
import { csv, table, usdPerRequest } from '../format.js';
import { EXIT_OK, type Io } from '../io.js';
import { fleetFrom, fleetOptions, unpricedNote } from '../fleet.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

const options = { ...fleetOptions(), json: opt.json().conflicts('csv'), csv: opt.flag('--csv', 'one CSV row per workload × route') };
type MatrixOptions = OptionValues<typeof options>;

function cellText(c: MatrixCell | undefined, rec: string | undefined): string {
  if (!c) return '';
  if (c.status === 'not_applicable') return 'N/A';
  if (c.status === 'eliminated') return `— (${c.eliminatedAt})`;
  return `${usdPerRequest(c.lcpr!)} ${c.evidence}${c.unknowns.length ? '?' : ''}${c.route === rec ? ' *' : ''}`;
}

function matrixOf(file: string, opts: MatrixOptions, io: Io): RoutefitMatrix {
  return fleetMatrix(fleetFrom(file, opts, io), opts.workload);
}

function matrix(file: string, opts: MatrixOptions, io: Io): number {
  const m = matrixOf(file, opts, io);
  if (opts.json) {
    io.out(JSON.stringify({ file, ...m }, null, 2) + '\n');
  } else if (opts.csv) {
    io.out(
      csv(
        ['workload', 'route', 'mode', 'status', 'eliminated_at', 'lcpr', 'evidence', 'recommended', 'reasons', 'unknowns'],
        m.rows.flatMap((r) => r.cells.map((c) => [c.workload, c.route, c.mode, c.status, c.eliminatedAt ?? null, c.lcpr ?? null, c.evidence ?? null, c.route === r.recommended?.route ? 'yes' : 'no', c.reasons.join('; '), c.unknowns.join('; ')])),
      ),
    );
  } else {
    const L: string[] = [`routefit matrix for ${file} — LCPR per accepted output (Inference Economics Playbook, ch. 15)`, ''];
    L.push(table(['Workload', ...m.routes, 'Recommended'], m.rows.map((r) => [r.workload, ...m.routes.map((route) => cellText(r.cells.find((c) => c.route === route), r.recommended?.route)), r.recommended ? `${r.recommended.route}${r.flags.length ? ' (flagged)' : ''}` : 'none feasible'])));
    L.push('');
    L.push('* recommended (cheapest feasible) · measured: LCPR from traces · modeled: computed from measured inputs and public prices · estimated: rests on assumptions');
    L.push('? a constraint or the capability screen is unverified · N/A: volume too low for the route · — (stage): eliminated by the funnel at that stage');
    for (const r of m.rows) {
      const notes = [...r.cells.filter((c) => c.status !== 'priced').map((c) => `${c.route}: ${c.reasons.join('; ')}`), ...r.flags];
      if (notes.length) L.push('', `${r.workload}:`, ...notes.map((n) => `  - ${n}`));
    }
    io.out(L.join('\n') + '\n');
  }
  return m.rows.some((r) => r.cells.some((c) => c.reasons.some((x) => x.startsWith('cannot be priced')))) ? unpricedNote(io) : EXIT_OK;
}

export default defineCommand({
  args: [{ name: '<fleet>', description: 'fleet YAML' }],
  options,
  examples: ['routefit matrix examples/fleet.yaml', 'routefit matrix examples/fleet.yaml --csv > matrix.csv'],
  run: (opts, { args, io }) => matrix(args[0]!, opts, io),
});
