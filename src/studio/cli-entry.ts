#!/usr/bin/env node
/**
 * `node dist/studio/cli-entry.js [FILE] [flags]`: the studio command on its own, until it is
 * registered in the main CLI (cli/program.ts). Same options, same output.
 */
import { Command } from 'commander';
import { registerStudioCommand } from '../cli/commands/studio.js';

const io = { out: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s), today: new Date().toISOString().slice(0, 10) };
const program = new Command('routefit').exitOverride();
registerStudioCommand(program, io, (c) => (process.exitCode = c));
try {
  await program.parseAsync(['studio', ...process.argv.slice(2)], { from: 'user' });
} catch (err) {
  if (!(err instanceof Error && 'exitCode' in err)) process.stderr.write(`routefit: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
