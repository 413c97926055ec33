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
import { type NumberRange, parseDate, parseList, parseNumber } from './flags.js';
import type { Io } from './io.js';
import { outputWidth, setOutputWidth, wrapProse } from './format.js';

export class Opt<T, Given extends boolean = false> {
  defaultValue: T | undefined;
  defaultText: string | undefined;
  isRequired = false;
  envVar: string | undefined;
  conflictsWith: string[] = [];
  presetText: string | undefined;
  declare readonly __given: Given;
  constructor(
    readonly flags: string,
    readonly description: string,
    readonly parse?: (text: string, previous: T | undefined) => T,
  ) {}
  /** A typed default (the parser does not see it); `text` is how --help shows it. */
  default(value: T, text?: string): Opt<T, true> {
    this.defaultValue = value;
    this.defaultText = text;
    return this as unknown as Opt<T, true>;
  }
  required(): Opt<T, true> {
    this.isRequired = true;
    return this as unknown as Opt<T, true>;
  }
  env(name: string): this {
    this.envVar = name;
    return this;
  }
  conflicts(...names: string[]): this {
    this.conflictsWith.push(...names);
    return this;
  }
  /** The value an optional-argument flag (`--volume [lo:hi]`) takes when given bare. */
  preset(text: string): this {
    this.presetText = text;
    return this;
  }
}

/** Option builders: the parser and range travel with the declaration. */
export const opt = {
  string: (flags: string, description: string) => new Opt<string>(flags, description),
  flag: (flags: string, description: string) => new Opt<boolean>(flags, description),
  number: (flags: string, description: string, range: NumberRange = {}) => new Opt<number>(flags, description, (t) => parseNumber(longName(flags), t, range)),
  /** A comma-separated list of numbers, each checked against the range. */
  numbers: (flags: string, description: string, range: NumberRange = {}) =>
    new Opt<number[]>(flags, description, (t) => (parseList(t) ?? [t]).map((x) => parseNumber(longName(flags), x, range))),
  date: (flags: string, description: string) => new Opt<string>(flags, description, (t) => parseDate(longName(flags), t)),
  /** Repeatable: every occurrence is kept, in order. */
  repeatable: (flags: string, description: string) => new Opt<string[]>(flags, description, (t, prev) => [...(prev ?? []), t]).default([]),
  json: () => new Opt<boolean>('--json', 'machine-readable output'),
  catalog: () => new Opt<string>('--catalog <dir>', 'use this catalog directory instead of the bundled one'),
  /** Overlays written by `routefit catalog import` (repeatable; a file or a directory of them). */
  catalogOverlay: () => opt.repeatable('--catalog-overlay <path>', 'price with this overlay from `routefit catalog import` on top of the catalog (a file or a directory; repeatable)'),
  asOf: (description = 'price as of this date (YYYY-MM-DD)') => opt.date('--as-of <date>', description),
};

const longName = (flags: string) => /--[\w-]+/.exec(flags)?.[0] ?? flags;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOpt = Opt<any, boolean>;
type ValueOf<D> = D extends Opt<infer T, infer G> ? (G extends true ? T : T | undefined) : never;
export type OptionValues<O extends Record<string, AnyOpt>> = { [K in keyof O]: ValueOf<O[K]> };

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
