import { PRESETS, presetYaml } from '../../workload/presets.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';

import { type OptionValues, defineCommand, opt } from '../command.js';

const options = {
  preset: opt.string('--preset <name>', 'chat, rag, codegen, agent or batch'),
  list: opt.flag('--list', 'list the presets'),
  json: opt.flag('--json', 'print the preset as JSON'),
};

function init(opts: OptionValues<typeof options>, io: Io): number {
  if (opts.list || !opts.preset) {
    if (opts.json) io.out(JSON.stringify(Object.values(PRESETS), null, 2) + '\n');
    else {
      io.out('Presets (workload reference cards of the Inference Field Guide):\n');
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

export default defineCommand({
  rawOutput: true,
  options,
  examples: ['routefit init --preset rag > my-workload.yaml', 'routefit init --list'],
  run: (opts, { io }) => init(opts, io),
});
