import { PRESETS, presetYaml } from '../../workload/presets.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';

export function initCommand(opts: { preset?: string; list?: boolean; json?: boolean }, io: Io): number {
  if (opts.list || !opts.preset) {
    if (opts.json) io.out(JSON.stringify(Object.values(PRESETS), null, 2) + '\n');
    else {
      io.out('Presets (seed 000 workload reference cards):\n');
      for (const p of Object.values(PRESETS)) io.out(`  ${p.name.padEnd(8)} ${p.title}: ${p.card}\n`);
      io.out('\nExample: routefit init --preset rag > my-workload.yaml\n');
    }
    return EXIT_OK;
  }
  const preset = PRESETS[opts.preset];
  if (!preset) throw new CliUsageError(`unknown preset "${opts.preset}"; choose one of ${Object.keys(PRESETS).join(', ')}`);
  io.out(opts.json ? JSON.stringify(preset, null, 2) + '\n' : presetYaml(preset));
  return EXIT_OK;
}
