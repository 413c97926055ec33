/**
 * The one pattern every CLI command follows (one file per command under src/cli/commands/):
 *
 *   export default defineCommand({
 *     description, args, examples, notes,
 *     options: { days: opt.number('--days <n>', 'days of traffic', { min: 1 }).default(30), json: opt.json() },
 *     run: (opts, { args, io }) => { …call the engine…; io.out(render(result)); return EXIT_OK },
 *   });
 *
 * Options are declared with their parser and range, so `run` receives typed, checked values; a bad
 * flag is refused (exit 2) before anything runs. program.ts registers each file with one line and
 * loads it only when its command is the one being run.
 */
import { type Command, Option } from 'commander';
import type { Io } from './io.js';

export { Opt, type AnyOpt, type OptionValues, opt } from './options.js';
import { type AnyOpt, type OptionValues, opt } from './options.js';

export interface RunContext {
  /** Positional arguments in declaration order; a variadic one is spread in. */
  args: string[];
  io: Io;
  /** The commander command, for where a value came from (flag or environment). */
  cmd: Command;
}

export interface CommandDef<O extends Record<string, AnyOpt>> {
  /** Shown in the command's own --help; program.ts holds the one-line summary for the list. */
  description?: string;
  args?: { name: string; description: string }[];
  options: O;
  examples?: string[];
  notes?: string;
  /** Prints a file (YAML, a gateway config) rather than text to read: never wrapped, no --wide/--width. */
  rawOutput?: boolean;
  run: (opts: OptionValues<O>, ctx: RunContext) => number | Promise<number>;
}

export function defineCommand<O extends Record<string, AnyOpt>>(def: CommandDef<O>): CommandDef<O> {
  return def;
}

export const examplesText = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** Adds a command definition to commander: options with their parsers, help text, and the action. */
export function attach(parent: Command, name: string, summary: string, def: CommandDef<Record<string, AnyOpt>>, io: Io, setCode: (c: number) => void): Command {
  const c = parent.command(name).description(def.description ?? summary);
  for (const a of def.args ?? []) c.argument(a.name, a.description);
  // Every command's text output fits the terminal (issue 11): --wide and --width on each, unless it declares its own.
  const options: Record<string, AnyOpt> = { ...def.options };
  if (!def.rawOutput && !('wide' in options)) options.wide = opt.flag('--wide', "never wrap tables and text to the terminal's width");
  if (!def.rawOutput && !('width' in options)) options.width = opt.number('--width <columns>', "fit tables and text to this width (default: the terminal's when output is one; a pipe is not wrapped)", { min: 40, max: 10_000, integer: true });
  for (const [key, o] of Object.entries(options)) {
    const option = new Option(o.flags, o.description);
    // The run function reads opts[key]: a key that is not commander's name for the flag would read undefined.
    if (option.attributeName() !== key) throw new Error(`${name}: option ${o.flags} must be declared under the key "${option.attributeName()}", not "${key}"`);
    if (o.parse) option.argParser((v: string, prev: unknown) => o.parse!(v, prev));
    if (o.defaultValue !== undefined) option.default(o.defaultValue, o.defaultText);
    if (o.isRequired) option.makeOptionMandatory();
    if (o.envVar) option.env(o.envVar);
    if (o.conflictsWith.length) option.conflicts(o.conflictsWith);
    if (o.presetText !== undefined) option.preset(o.presetText);
    c.addOption(option);
  }
  const after = (def.examples?.length ? examplesText(def.examples) : '') + (def.notes ? `\n${def.notes.trim()}\n` : '');
  if (after) c.addHelpText('after', after);
  c.action(async (...a: unknown[]) => {
    const cmd = a[a.length - 1] as Command;
    const opts = a[a.length - 2] as OptionValues<Record<string, AnyOpt>>;
    const args = (a.slice(0, -2) as (string | string[])[]).flat();
    // Machine output (JSON, CSV) is never wrapped; text is fitted to the width: tables by `table`, other lines here.
    const machine = Boolean(def.rawOutput || opts.json || opts.csv || (typeof opts.format === 'string' && opts.format !== 'text'));
    // Loaded when a command runs, so --help and --version stay free of the formatting modules.
    const { outputWidth, setOutputWidth, wrapProse } = await import('./format.js');
    const width = machine ? undefined : outputWidth(opts as { wide?: boolean; width?: number });
    setOutputWidth(width);
    try {
      const fitted: Io = width === undefined ? io : { ...io, out: (t: string) => io.out(wrapProse(t, width)) };
      setCode(await def.run(opts, { args, io: fitted, cmd }));
    } finally {
      setOutputWidth(undefined);
    }
  });
  return c;
}
